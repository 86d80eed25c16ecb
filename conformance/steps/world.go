// Package steps is the step library of the conformance suite: a small
// generic vocabulary (send an HTTP request as a user, check the status,
// match the response JSON against a document with placeholders, capture
// values into {{variables}}, listen to CometD notifications and expect a
// message or silence within a time) and domain steps ("an email is routed
// to alice", "alice accepts it", "alice is notified that it is Processing")
// that are defined as sequences of generic steps.
//
// Each scenario gets a fresh [World]: its own HTTP clients and cookie jars,
// variables, last response and CometD sessions. Steps never share state
// across scenarios. The library sees the target only through its URL, the
// spec and raw JSON.
package steps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

// User is how a scenario user (alice, bob, ...) signs in to the target.
type User struct {
	UserName string `json:"userName"`
	Password string `json:"password"`
	// ID is the target's id of the user; empty when unknown.
	ID string `json:"id,omitempty"`
}

// Workbin is the target's name and id of a scenario workbin.
type Workbin struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// Config is what the worlds of one run share; it is read-only once the run
// starts.
type Config struct {
	// Users maps scenario user names to the target's credentials.
	Users map[string]User
	// Queues maps scenario queue names to the target's queue names.
	Queues map[string]string
	// Workbins maps scenario workbin names to the target's workbins.
	Workbins map[string]Workbin
	// Contract judges every response and notification.
	Contract *Contract
	// ControlToken is sent as a bearer token on requests of the actor
	// "control" (the test-control API), when set.
	ControlToken string
	// NotifyTimeout bounds the wait for an expected notification when a
	// step names no time. Default 5s.
	NotifyTimeout time.Duration
	// QuietWait is how long "no notification" steps watch when they name
	// no time. Default 300ms.
	QuietWait time.Duration
	// RequestTimeout bounds each HTTP request. Default 10s.
	RequestTimeout time.Duration
	// Transport is the Bayeux transport: "long-polling" (default) or
	// "websocket".
	Transport string
	// HTTP carries every request of the run (REST and CometD); nil means
	// http.DefaultTransport. The runner closes its idle connections at the
	// end, so that no connection outlives the run.
	HTTP http.RoundTripper
}

func (c *Config) notifyTimeout() time.Duration {
	if c.NotifyTimeout > 0 {
		return c.NotifyTimeout
	}
	return 5 * time.Second
}

func (c *Config) quietWait() time.Duration {
	if c.QuietWait > 0 {
		return c.QuietWait
	}
	return 300 * time.Millisecond
}

func (c *Config) requestTimeout() time.Duration {
	if c.RequestTimeout > 0 {
		return c.RequestTimeout
	}
	return 10 * time.Second
}

// Vars returns the variables every scenario starts with, from the mapping:
// alice.userName, alice.password, alice.id (when known), queues.NAME,
// workbins.NAME and workbins.NAME.id (when known).
func (c *Config) Vars() jsonmatch.Vars {
	v := jsonmatch.Vars{}
	for name, u := range c.Users {
		v.SetString(name+".userName", u.UserName)
		v.SetString(name+".password", u.Password)
		if u.ID != "" {
			v.SetString(name+".id", u.ID)
		}
	}
	for name, q := range c.Queues {
		v.SetString("queues."+name, q)
	}
	for name, wb := range c.Workbins {
		v.SetString("workbins."+name, wb.Name)
		if wb.ID != "" {
			v.SetString("workbins."+name+".id", wb.ID)
		}
	}
	return v
}

// World is the state of one scenario. Create it with [NewWorld], point it
// at a target with [World.Begin], and release it with [World.End].
type World struct {
	cfg *Config

	target string // scheme://host[:port] of the target, no trailing slash

	vars    jsonmatch.Vars
	clients map[string]*http.Client // per scenario user: its cookie jar
	last    *exchange

	listeners map[string]*listener // by scenario user name

	scenario, scenarioURI string
	step                  string // the Gherkin step being run
	// lastAction is when the last request that may change state (not GET
	// or HEAD) was answered: silence is watched from then on.
	lastAction time.Time
}

// NewWorld returns a world for one scenario.
func NewWorld(cfg *Config) *World {
	return &World{cfg: cfg, vars: cfg.Vars(), clients: map[string]*http.Client{}, listeners: map[string]*listener{}}
}

// Begin starts the scenario against target (scheme://host[:port]).
func (w *World) Begin(target, scenario, uri string) {
	w.target = strings.TrimSuffix(target, "/")
	w.scenario, w.scenarioURI = scenario, uri
}

// exchange is one HTTP request and its response.
type exchange struct {
	actor        string
	method, path string
	reqBody      []byte
	status       int
	header       http.Header
	body         []byte
}

func (x *exchange) String() string {
	return fmt.Sprintf("%s's %s %s", x.actor, x.method, x.path)
}

// actor is who sends a request.
type actor struct {
	name      string // as written in the step
	user      string // whose cookie jar: the scenario user, or USER:PASSWORD; "" for anonymous or control
	userName  string // credentials
	password  string
	basic     bool // send Basic credentials
	control   bool // the test-control client
	anonymous bool
}

// actorPattern matches an actor in a step: alice, alice:secret,
// alice by cookie, anonymous, control.
const actorPattern = `(?P<actor>anonymous|control|[\w.@-]+(?::\S+)?(?: by cookie)?)`

// usersPattern matches a list of users: "alice", "alice and bob",
// "alice, bob and carol".
const usersPattern = `(?P<users>[\w.@-]+(?:(?:, | and )[\w.@-]+)*)`

func (w *World) actor(s string) (actor, error) {
	a := actor{name: s}
	switch s {
	case "anonymous":
		a.anonymous = true
		return a, nil
	case "control":
		a.control = true
		return a, nil
	}
	byCookie := false
	if rest, ok := strings.CutSuffix(s, " by cookie"); ok {
		s, byCookie = rest, true
	}
	name, password, hasPassword := strings.Cut(s, ":")
	u, known := w.cfg.Users[name]
	switch {
	case known:
		a.userName, a.password = u.UserName, u.Password
	case hasPassword:
		a.userName = name
	default:
		return a, fmt.Errorf("unknown user %q: the target mapping names %s (or write %s:PASSWORD for a user outside it)", name, w.userList(), name)
	}
	a.user = name
	if hasPassword {
		// Other credentials are another client: they never share the
		// user's cookie jar.
		a.password = password
		a.user = name + ":" + password
	}
	a.basic = !byCookie
	return a, nil
}

func (w *World) userList() string {
	names := make([]string, 0, len(w.cfg.Users))
	for n := range w.cfg.Users {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// splitUsers splits "alice, bob and carol".
func splitUsers(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ", ") {
		for _, n := range strings.Split(part, " and ") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// client returns the HTTP client of a scenario user, with its cookie jar.
func (w *World) client(user string) *http.Client {
	if c := w.clients[user]; c != nil {
		return c
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: w.cfg.HTTP}
	w.clients[user] = c
	return c
}

// jar returns the cookie jar of a user and the URL of the target's root.
func (w *World) jar(user string) (http.CookieJar, *url.URL, error) {
	a, err := w.actor(user)
	if err != nil {
		return nil, nil, err
	}
	if a.user == "" {
		return nil, nil, fmt.Errorf("%s has no cookie jar", user)
	}
	u, err := url.Parse(w.target + "/")
	if err != nil {
		return nil, nil, err
	}
	return w.client(a.user).Jar, u, nil
}

// saveCookies binds the variable to the cookies the user's jar holds for
// the target, as "NAME=VALUE; NAME=VALUE".
func (w *World) saveCookies(user, variable string) error {
	jar, u, err := w.jar(user)
	if err != nil {
		return err
	}
	cs := jar.Cookies(u)
	if len(cs) == 0 {
		return fmt.Errorf("%s holds no cookie for %s yet: send a request as %s first", user, w.target, user)
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + "=" + c.Value
	}
	w.vars.SetString(variable, strings.Join(parts, "; "))
	return nil
}

// restoreCookies puts the cookies saveCookies kept back into the user's jar.
func (w *World) restoreCookies(user, variable string) error {
	jar, u, err := w.jar(user)
	if err != nil {
		return err
	}
	text, err := jsonmatch.Expand("{{"+variable+"}}", w.vars)
	if err != nil {
		return err
	}
	cs, err := http.ParseCookie(text)
	if err != nil {
		return fmt.Errorf("the variable %s holds no cookies: %w", variable, err)
	}
	for _, c := range cs {
		c.Path = "/"
	}
	jar.SetCookies(u, cs)
	return nil
}

func (a actor) header() http.Header {
	h := http.Header{}
	if a.basic {
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.userName+":"+a.password)))
	}
	return h
}

// send sends one request as who and keeps the exchange as the last response.
// The response is validated against the spec.
func (w *World) send(ctx context.Context, who, method, path string, body *string) error {
	a, err := w.actor(who)
	if err != nil {
		return err
	}
	path, err = jsonmatch.Expand(path, w.vars)
	if err != nil {
		return fmt.Errorf("path: %w", err)
	}
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("path %q: write it from the root of the target, like /api/v2/me", path)
	}
	var reqBody []byte
	if body != nil {
		text, err := jsonmatch.Expand(*body, w.vars)
		if err != nil {
			return fmt.Errorf("request body: %w", err)
		}
		reqBody = []byte(text)
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.requestTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, w.target+path, bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	req.Header = a.header()
	if a.control && w.cfg.ControlToken != "" {
		req.Header.Set("Authorization", "Bearer "+w.cfg.ControlToken)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	c := &http.Client{Transport: w.cfg.HTTP}
	if a.user != "" {
		c = w.client(a.user)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s as %s: %w", method, path, who, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s %s as %s: reading the response: %w", method, path, who, err)
	}
	x := &exchange{actor: who, method: method, path: path, reqBody: reqBody, status: resp.StatusCode, header: resp.Header, body: respBody}
	w.last = x
	if method != http.MethodGet && method != http.MethodHead {
		w.lastAction = time.Now()
	}
	if err := w.cfg.Contract.CheckResponse(method, path, req.Header, reqBody, resp.StatusCode, resp.Header, respBody); err != nil {
		return fmt.Errorf("the response to %s breaks the spec:\n  %s\nstatus %d, body:\n%s", x, err, x.status, indent(clip(pretty(respBody), 4000), "  "))
	}
	return nil
}

func (w *World) lastExchange() (*exchange, error) {
	if w.last == nil {
		return nil, errors.New("no request was sent yet in this scenario")
	}
	return w.last, nil
}

// match matches actual against the expected document, binding captures.
func (w *World) match(what string, expected string, actual []byte) error {
	res, err := matching.Match([]byte(expected), actual, w.vars)
	if err != nil {
		var se *jsonmatch.SyntaxError
		if errors.As(err, &se) && se.Doc == "actual" {
			return fmt.Errorf("%s is not JSON: %v\n%s", what, err, indent(clip(string(actual), 2000), "  "))
		}
		return fmt.Errorf("the expected document cannot be used: %w", err)
	}
	if !res.OK() {
		return fmt.Errorf("%s does not match: %s", what, res.String())
	}
	return nil
}

// pretty indents JSON for a report; anything else comes back as it is.
func pretty(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	return string(b)
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "\n... (clipped)"
	}
	return s
}

// within returns the duration named by a step's "within N ms|s" groups, or
// def when the step names none.
func within(n, unit string, def time.Duration) time.Duration {
	if n == "" {
		return def
	}
	var d int
	fmt.Sscan(n, &d)
	if unit == "s" {
		return time.Duration(d) * time.Second
	}
	return time.Duration(d) * time.Millisecond
}

// End closes the scenario's CometD sessions. Unless the scenario failed
// already, a notification that arrived and that no step consumed fails it:
// every message a listening user gets must be expected.
func (w *World) End(failed bool) error {
	var b strings.Builder
	if !failed {
		for _, u := range w.listeningUsers() {
			if msgs := w.listeners[u].unread(); len(msgs) > 0 {
				b.WriteString(describeUnread(u, msgs))
			}
		}
	}
	var wg sync.WaitGroup
	for _, l := range w.listeners {
		wg.Go(l.close)
	}
	wg.Wait()
	w.listeners = map[string]*listener{}
	if b.Len() > 0 {
		w.step = "(end of the scenario)"
		return w.failure(fmt.Errorf("notifications arrived that no step expected:\n%s", b.String()))
	}
	return nil
}

// Reset puts the target back to its default state through the test-control
// API (POST /control/v1/reset), before a @control scenario.
func (w *World) Reset(ctx context.Context) error {
	body := "{}"
	if err := w.send(ctx, "control", "POST", "/control/v1/reset", &body); err != nil {
		return fmt.Errorf("reset the target: %w", err)
	}
	if w.last.status != http.StatusOK {
		return fmt.Errorf("reset the target: POST /control/v1/reset answered %d: %s", w.last.status, clip(string(w.last.body), 500))
	}
	w.last = nil
	return nil
}
