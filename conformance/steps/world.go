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
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
	"github.com/gwsmock/gwsmock/spec"
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
	// Driver carries the control requests of driver scenarios (those not
	// tagged @mock); nil means the target's own /control/v1. @mock
	// scenarios always use the target's own control API.
	Driver Driver
	// Modes say how the target server runs where the contract lets it
	// choose.
	Modes Modes
}

// Modes say how the target server was started where the contract lets it
// choose: the "modes" of the target file. The runner leaves out the
// scenarios tagged with a mode the target does not run in
// (docs/verifying-an-implementation.md, "Server modes").
type Modes struct {
	// CSRF: the target requires the X-CSRF-TOKEN header (docs/behavior.md
	// B2.5). Scenarios tagged @csrf need it; every request of the other
	// scenarios that is not a GET then carries the token, which the world
	// reads from a GET answer, as a browser frontend does.
	CSRF bool `json:"csrf,omitempty"`
	// InviteTimeout is the time after which the target revokes an open
	// offer (B5.6); 0: offers never time out. Scenarios tagged
	// @invite-timeout need one, those tagged @no-invite-timeout need none.
	InviteTimeout Duration `json:"inviteTimeout,omitempty"`
	// MaxInterval is how long a CometD session may go without a connect
	// before it is swept (docs/bayeux.md C8), when the handshake advises
	// none. Default 10s.
	MaxInterval Duration `json:"maxInterval,omitempty"`
	// Origin is a browser origin the target allows (B2.6). Default
	// DefaultOrigin.
	Origin string `json:"origin,omitempty"`
	// NoWebSocket says that the target has no WebSocket transport, which
	// the contract leaves optional (docs/bayeux.md C5): the scenarios
	// tagged @websocket are left out.
	NoWebSocket bool `json:"noWebSocket,omitempty"`
}

// DefaultOrigin is the browser origin the CORS scenarios use when the
// target file names none: one of the origins docs/behavior.md B2.6 allows
// by default.
const DefaultOrigin = "http://localhost:3000"

// DefaultMaxInterval is the maxInterval of docs/bayeux.md C8 when neither
// the handshake nor the target file says another.
const DefaultMaxInterval = 10 * time.Second

// Duration is a time.Duration written in JSON as Go writes durations
// ("500ms", "2s").
type Duration time.Duration

// UnmarshalJSON reads a duration such as "2s"; its error says what is
// wrong.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration such as \"2s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("want a duration such as \"2s\", got %q", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as "2s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (c *Config) origin() string {
	if c.Modes.Origin != "" {
		return c.Modes.Origin
	}
	return DefaultOrigin
}

// Driver plays the outside world for driver scenarios: it carries the
// requests of the driver contract (docs/control-api.md C1.1) to the
// implementation under test, by whatever means its vendor chose.
type Driver interface {
	// Do carries one action and returns the driver's answer. Its error
	// says why there is no answer (the driver cannot be reached, or said
	// nothing that can be read); an answer with any status is not an
	// error.
	Do(ctx context.Context, a DriverAction) (DriverAnswer, error)
}

// DriverAction is one request of the driver contract.
type DriverAction struct {
	// Target is the base URL of the implementation under test.
	Target string
	// Method and Path (from /control/v1 on, with its query) say what to
	// do, as in spec/control.yaml.
	Method, Path string
	// Body is the JSON body; nil when there is none.
	Body []byte
}

// DriverAnswer is a driver's answer to an action.
type DriverAnswer struct {
	// Status is the HTTP status the control API would answer.
	Status int
	// Body is the JSON body of the answer; nil when there is none.
	Body []byte
}

// driverPaths are the requests of the driver contract (docs/control-api.md
// C1.1) as method and path pattern, read from its own document,
// spec/driver.yaml, so the two cannot drift apart.
var driverPaths = sync.OnceValue(func() []driverPath {
	doc, err := spec.LoadDriver()
	if err != nil {
		panic(fmt.Sprintf("the embedded driver contract does not load: %v", err)) // spec's tests load it
	}
	prefix := strings.TrimSuffix(doc.Servers[0].URL, "/")
	var out []driverPath
	for template, item := range doc.Paths.Map() {
		re := regexp.MustCompile("^" + pathParam.ReplaceAllString(regexp.QuoteMeta(prefix+template), `[^/]+`) + "$")
		for method := range item.Operations() {
			out = append(out, driverPath{method, re})
		}
	}
	return out
})

type driverPath struct {
	method string
	path   *regexp.Regexp
}

// pathParam matches a quoted path parameter of an OpenAPI path template.
var pathParam = regexp.MustCompile(`\\\{[^}]+\\\}`)

// InDriverContract reports whether a control request belongs to the driver
// contract (docs/control-api.md C1.1), which every implementation's driver
// provides; anything else under /control/v1 is gwsmock's own and needs a
// scenario tagged @mock. Path may hold {{variables}} and a query.
func InDriverContract(method, path string) bool {
	path, _, _ = strings.Cut(path, "?")
	for _, d := range driverPaths() {
		if d.method == method && d.path.MatchString(path) {
			return true
		}
	}
	return false
}

// notifyTimeout is NotifyTimeout, 5s by default, and the invitation
// timeout longer when the target has one (Modes.InviteTimeout): a
// revocation comes that much later.
func (c *Config) notifyTimeout() time.Duration {
	d := 5 * time.Second
	if c.NotifyTimeout > 0 {
		d = c.NotifyTimeout
	}
	return d + time.Duration(c.Modes.InviteTimeout)
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
// workbins.NAME and workbins.NAME.id (when known), and origin (a browser
// origin the target allows, Modes.Origin).
func (c *Config) Vars() jsonmatch.Vars {
	v := jsonmatch.Vars{}
	v.SetString("origin", c.origin())
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
	// csrf holds, per scenario user, the CSRF token a GET answer handed
	// out (Modes.CSRF).
	csrf map[string]string
	// transports are the Bayeux transports users listen over when a step
	// chose one, by user; others use the run's.
	transports map[string]string

	listeners map[string]*listener // by scenario user name
	// notified holds, by user then interaction id, the last
	// InteractionStateMessage a receive step took.
	notified map[string]map[string]json.RawMessage

	scenario, scenarioURI string
	step                  string // the Gherkin step being run
	// lastAction is when the last request that may change state (not GET
	// or HEAD) was answered: silence is watched from then on.
	lastAction time.Time

	mock bool // the scenario is tagged @mock: the whole control API, no cleanup
	// events is the control API's event stream a step follows (control.go).
	events *eventStream
	// cleanup is what the scenario changed that End puts back.
	cleanup cleanup
}

// Scenario is what the runner tells a world about the scenario it begins.
type Scenario struct {
	// Name and URI (its feature file) name it in reports.
	Name, URI string
	// Mock says the scenario is tagged @mock: it may use the whole
	// test-control API, the runner resets the target before it, and it is
	// not cleaned up after. Otherwise it is a driver scenario: its control
	// requests must stay inside the driver contract (see InDriverContract)
	// and End undoes what it did.
	Mock bool
	// Users are the scenario users it names: End restores their readiness
	// (docs/control-api.md C1.4).
	Users []string
	// Config is the configuration of the group of agents (a pool of the
	// target file) the scenario runs on; nil keeps the world's.
	Config *Config
}

// NewWorld returns a world for one scenario.
func NewWorld(cfg *Config) *World {
	return &World{cfg: cfg, vars: cfg.Vars(), clients: map[string]*http.Client{}, listeners: map[string]*listener{},
		csrf: map[string]string{}, transports: map[string]string{}}
}

// Begin starts the scenario against target (scheme://host[:port]). For a
// driver scenario it first reads the readiness of the scenario's users, which
// End restores; its error says whom it could not read.
func (w *World) Begin(ctx context.Context, target string, s Scenario) error {
	w.target = strings.TrimSuffix(target, "/")
	w.scenario, w.scenarioURI = s.Name, s.URI
	if s.Config != nil {
		w.cfg, w.vars = s.Config, s.Config.Vars()
	}
	w.vars.SetString("target.host", targetHost(w.target))
	w.mock = s.Mock
	w.cleanup = cleanup{}
	if s.Mock {
		return nil
	}
	return w.snapshot(ctx, s.Users)
}

// targetHost is the host name of the target's base URL as a URL writes it
// (an IPv6 address in brackets), without its port: the variable
// target.host, for an Origin on the target's own host name.
func targetHost(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	if h := u.Hostname(); strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return u.Hostname()
}

// transportOf is the Bayeux transport the user listens over: the one a
// step chose for her ("alice is listening over websocket"), else the run's.
func (w *World) transportOf(user string) string {
	if t, ok := w.transports[user]; ok {
		return t
	}
	return w.cfg.Transport
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
	return w.sendWith(ctx, who, method, path, body, nil)
}

// sendWith is send with the step's own headers, when header is not nil
// ({{variables}} in the values expanded): the request carries them as
// given, beside the actor's credentials, and no CSRF token is added for it.
func (w *World) sendWith(ctx context.Context, who, method, path string, body *string, header http.Header) error {
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
	var extra http.Header
	if header != nil {
		extra = http.Header{}
		for name, vals := range header {
			for _, v := range vals {
				text, err := jsonmatch.Expand(v, w.vars)
				if err != nil {
					return fmt.Errorf("header %s: %w", name, err)
				}
				extra.Add(name, text)
			}
		}
	}
	if a.control && !w.mock && !InDriverContract(method, path) {
		return fmt.Errorf("%s %s is not in the driver contract: tag the scenario @mock (docs/control-api.md C1.1 lists the driver contract)", method, path)
	}
	var (
		reqHeader http.Header
		ans       answer
	)
	if a.control {
		reqHeader, ans, err = w.controlRequest(ctx, method, path, body != nil, reqBody)
	} else {
		reqHeader, ans, err = w.userRequest(ctx, a, method, path, body != nil, reqBody, extra)
	}
	if err != nil {
		return fmt.Errorf("%s %s as %s: %w", method, path, who, err)
	}
	x := &exchange{actor: who, method: method, path: path, reqBody: reqBody, status: ans.status, header: ans.header, body: ans.body}
	w.last = x
	if method != http.MethodGet && method != http.MethodHead {
		w.lastAction = time.Now()
	}
	w.cleanup.note(a, x)
	if err := w.cfg.Contract.CheckResponse(method, path, reqHeader, reqBody, ans.status, ans.header, ans.body); err != nil {
		return fmt.Errorf("the response to %s breaks the spec:\n  %s\nstatus %d, body:\n%s", x, err, x.status, indent(clip(pretty(ans.body), 4000), "  "))
	}
	return nil
}

// answer is a target's (or a driver's) answer to one request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// userRequest sends one request of a user (or anonymous) to the target,
// in the user's cookie jar, and returns the request's header and the answer.
// The request carries the extra headers, when there are any; else, when
// the target runs in CSRF mode, the user's CSRF token on every method but
// GET, HEAD and OPTIONS.
func (w *World) userRequest(ctx context.Context, a actor, method, path string, hasBody bool, body []byte, extra http.Header) (http.Header, answer, error) {
	h := a.header()
	c := &http.Client{Transport: w.cfg.HTTP}
	if a.user != "" {
		c = w.client(a.user)
	}
	for name, vals := range extra {
		h[textproto.CanonicalMIMEHeaderKey(name)] = vals
	}
	if extra == nil {
		if err := w.addCSRF(ctx, c, a, method, h); err != nil {
			return h, answer{}, err
		}
	}
	ans, err := w.do(ctx, c, method, w.target+path, h, hasBody, body)
	return h, ans, err
}

// addCSRF adds the actor's CSRF token to h when the target runs in CSRF
// mode (docs/behavior.md B2.5) and the method needs it. The token comes
// from the answer to a GET /api/v2/me with c, the first time, in the
// header that answer's X-CSRF-HEADER names (X-CSRF-TOKEN when none):
// what a browser frontend does. An actor the GET hands no token to sends
// none.
func (w *World) addCSRF(ctx context.Context, c *http.Client, a actor, method string, h http.Header) error {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if !w.cfg.Modes.CSRF || a.userName == "" {
		return nil
	}
	key := a.user + "\x00" + a.userName
	tok, ok := w.csrf[key]
	if !ok {
		ans, err := w.do(ctx, c, http.MethodGet, w.target+"/api/v2/me", a.header(), false, nil)
		if err != nil {
			return fmt.Errorf("read the CSRF token from GET /api/v2/me: %w", err)
		}
		name := cmp.Or(ans.header.Get("X-CSRF-HEADER"), "X-CSRF-TOKEN")
		tok = name + ": " + ans.header.Get(name)
		if ans.header.Get(name) == "" {
			tok = ""
		}
		w.csrf[key] = tok
	}
	if name, value, ok := strings.Cut(tok, ": "); ok {
		h.Set(name, value)
	}
	return nil
}

// controlRequest sends one request of the actor control: through the
// run's driver in a driver scenario, when there is one, else to the
// target's own /control/v1 (with the control token when one is set).
func (w *World) controlRequest(ctx context.Context, method, path string, hasBody bool, body []byte) (http.Header, answer, error) {
	h := http.Header{}
	if w.cfg.Driver != nil && !w.mock {
		ctx, cancel := context.WithTimeout(ctx, w.cfg.requestTimeout())
		defer cancel()
		if hasBody {
			h.Set("Content-Type", "application/json")
		}
		d, err := w.cfg.Driver.Do(ctx, DriverAction{Target: w.target, Method: method, Path: path, Body: body})
		if err != nil {
			return h, answer{}, err
		}
		header := http.Header{}
		if len(d.Body) > 0 {
			header.Set("Content-Type", "application/json")
		}
		return h, answer{status: d.Status, header: header, body: d.Body}, nil
	}
	if w.cfg.ControlToken != "" {
		h.Set("Authorization", "Bearer "+w.cfg.ControlToken)
	}
	ans, err := w.do(ctx, &http.Client{Transport: w.cfg.HTTP}, method, w.target+path, h, hasBody, body)
	return h, ans, err
}

// do sends one HTTP request with header h (completed with the JSON media
// types) and reads the answer.
func (w *World) do(ctx context.Context, c *http.Client, method, url string, h http.Header, hasBody bool, body []byte) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.requestTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Accept", "application/json")
	req.Header = h
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return answer{}, fmt.Errorf("reading the response: %w", err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
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
	for _, u := range w.listeningUsers() {
		if err := w.listeners[u].brokenErr(); err != nil {
			b.WriteString(err.Error() + "\n")
		}
	}
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
	w.closeEvents()
	for _, u := range w.listeningUsers() {
		l := w.listeners[u]
		l.mu.Lock()
		for _, id := range l.ids {
			if !slices.Contains(w.cleanup.created, id) {
				w.cleanup.created = append(w.cleanup.created, id)
			}
		}
		l.mu.Unlock()
	}
	w.listeners = map[string]*listener{}
	var errs []error
	if b.Len() > 0 {
		errs = append(errs, fmt.Errorf("notifications arrived that no step expected:\n%s", b.String()))
	}
	if !w.mock {
		ctx, cancel := context.WithTimeout(context.Background(), 4*w.cfg.requestTimeout())
		defer cancel()
		if err := w.cleanUp(ctx); err != nil {
			errs = append(errs, fmt.Errorf("cleaning up after the scenario: %w", err))
		}
	}
	if len(errs) > 0 {
		w.step = "(end of the scenario)"
		return w.failure(errors.Join(errs...))
	}
	return nil
}

// cleanup is what a driver scenario changed on the target that End puts
// back (docs/control-api.md C1.4): the interactions it created through the
// driver, and its users' readiness and contact-center sessions.
type cleanup struct {
	// created are the ids of the interactions it created through the
	// driver, then of those its users' notifications named, in order.
	created []string
	stopped map[string]bool // ids it stopped itself
	// readiness is each user's readiness when the scenario began, by
	// channel: true for Ready.
	readiness map[string]map[string]bool
	ended     map[string]bool // users who ended their contact-center session
}

// note records what an exchange of the scenario changed.
func (c *cleanup) note(a actor, x *exchange) {
	switch {
	case a.control && x.method == http.MethodPost && x.path == "/control/v1/interactions" && x.status == http.StatusCreated:
		var created struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(x.body, &created) == nil && created.ID != "" {
			c.created = append(c.created, created.ID)
		}
	case a.control && x.method == http.MethodPost && strings.HasSuffix(x.path, "/stop") && x.status == http.StatusOK:
		c.noteStopped(strings.TrimSuffix(strings.TrimPrefix(x.path, "/control/v1/interactions/"), "/stop"))
	case a.user != "" && x.method == http.MethodPost && x.path == "/api/v2/me" && x.status == http.StatusOK:
		var op struct {
			OperationName string `json:"operationName"`
		}
		if json.Unmarshal(x.reqBody, &op) == nil && op.OperationName == "EndContactCenterSession" {
			if c.ended == nil {
				c.ended = map[string]bool{}
			}
			c.ended[a.user] = true
		}
	}
}

// noteStopped records that the interaction id was stopped already.
func (c *cleanup) noteStopped(id string) {
	if c.stopped == nil {
		c.stopped = map[string]bool{}
	}
	c.stopped[id] = true
}

// snapshot reads the readiness of the users (GET /api/v2/me/channels, with
// Basic credentials and no cookie jar, so the scenario's own sessions are
// untouched). A user the target does not answer for (not an agent) is left
// out: there is nothing of hers to restore.
func (w *World) snapshot(ctx context.Context, users []string) error {
	w.cleanup.readiness = map[string]map[string]bool{}
	for _, u := range users {
		r, err := w.readiness(ctx, u)
		if err != nil {
			return fmt.Errorf("reading the readiness of %s before the scenario: %w", u, err)
		}
		if r != nil {
			w.cleanup.readiness[u] = r
		}
	}
	return nil
}

// readiness reads a user's readiness by channel; nil when the target does
// not answer 200 with channels.
func (w *World) readiness(ctx context.Context, user string) (map[string]bool, error) {
	a, err := w.actor(user)
	if err != nil || a.userName == "" {
		return nil, nil
	}
	a.basic = true
	ans, err := w.do(ctx, &http.Client{Transport: w.cfg.HTTP}, http.MethodGet, w.target+"/api/v2/me/channels", a.header(), false, nil)
	if err != nil || ans.status != http.StatusOK {
		return nil, err
	}
	var body struct {
		Channels []struct {
			Channel   string `json:"channel"`
			UserState struct {
				State string `json:"state"`
			} `json:"userState"`
		} `json:"channels"`
	}
	if json.Unmarshal(ans.body, &body) != nil {
		return nil, nil
	}
	r := map[string]bool{}
	for _, ch := range body.Channels {
		r[ch.Channel] = ch.UserState.State == "Ready"
	}
	return r, nil
}

// cleanUp undoes what the driver scenario did: it stops every interaction
// it created through the driver, or that its users were told of, and did
// not stop itself, logs in again the
// users who ended their contact-center session, and sets each user's
// readiness back to what it was when the scenario began. It goes on after
// a failure and returns every error.
func (w *World) cleanUp(ctx context.Context) error {
	var errs []error
	for _, id := range w.cleanup.created {
		if w.cleanup.stopped[id] {
			continue
		}
		ans, err := w.control(ctx, http.MethodPost, "/control/v1/interactions/"+url.PathEscape(id)+"/stop", nil)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("stop interaction %s: %w", id, err))
		case ans.Status == http.StatusOK, ans.Status == http.StatusConflict, ans.Status == http.StatusNotFound && json.Valid(ans.Body):
			// Stopped, or ended already (a 404 of the contract says so in
			// JSON; a bare 404 is a driver without stop).
		default:
			errs = append(errs, fmt.Errorf("stop interaction %s: the driver answered %d: %s", id, ans.Status, clip(string(ans.Body), 500)))
		}
	}
	for _, u := range slices.Sorted(maps.Keys(w.cleanup.readiness)) {
		if err := w.restore(ctx, u, w.cleanup.readiness[u]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// restore gives a user back her contact-center session, if she ended it,
// and her readiness on each channel.
func (w *World) restore(ctx context.Context, user string, was map[string]bool) error {
	if w.cleanup.ended[user] {
		a, _ := w.actor(user)
		a.basic = true
		c, h := &http.Client{Transport: w.cfg.HTTP}, a.header()
		if err := w.addCSRF(ctx, c, a, http.MethodPost, h); err != nil {
			return fmt.Errorf("log %s in again: %w", user, err)
		}
		ans, err := w.do(ctx, c, http.MethodPost, w.target+"/api/v2/me", h, true, []byte(`{"operationName":"StartContactCenterSession"}`))
		switch {
		case err != nil:
			return fmt.Errorf("log %s in again: %w", user, err)
		case ans.status != http.StatusOK:
			return fmt.Errorf("log %s in again: POST /api/v2/me StartContactCenterSession answered %d: %s", user, ans.status, clip(string(ans.body), 500))
		}
	}
	now, err := w.readiness(ctx, user)
	if err != nil {
		return fmt.Errorf("read the readiness of %s: %w", user, err)
	}
	for _, ch := range slices.Sorted(maps.Keys(was)) {
		if ready, ok := now[ch]; ok && ready == was[ch] {
			continue
		}
		path := "/control/v1/users/" + url.PathEscape(w.cfg.Users[user].UserName) + "/channels/" + url.PathEscape(ch)
		ans, err := w.control(ctx, http.MethodPut, path, fmt.Appendf(nil, `{"ready":%t}`, was[ch]))
		switch {
		case err != nil:
			return fmt.Errorf("restore the readiness of %s on %s: %w", user, ch, err)
		case ans.Status != http.StatusOK:
			return fmt.Errorf("restore the readiness of %s on %s: the driver answered %d: %s", user, ch, ans.Status, clip(string(ans.Body), 500))
		}
	}
	return nil
}

// control sends one request of the driver contract on the runner's own
// behalf (cleanup, barriers): it is not the scenario's last response.
func (w *World) control(ctx context.Context, method, path string, body []byte) (DriverAnswer, error) {
	_, ans, err := w.controlRequest(ctx, method, path, body != nil, body)
	return DriverAnswer{Status: ans.status, Body: ans.body}, err
}

// Reset puts the target back to its default state through the test-control
// API (POST /control/v1/reset), before a @mock scenario.
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
