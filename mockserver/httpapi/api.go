// Package httpapi is the REST edge of the mock: the Interactions API of
// spec/openapi.yaml under /api/v2. It authenticates (Basic or the JSESSIONID
// cookie), checks roles and the optional CSRF token, validates each request
// against the spec, calls the contact center, and answers domain errors with
// the GWS error bodies (the status comes from wire.StatusOf, which the
// control API shares). It holds no state of its own beyond sessions and CSRF
// tokens.
package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/mux"

	"github.com/gwsmock/gwsmock/internal/jsondepth"
	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// DefaultMaxBodyBytes bounds a request body when Config says nothing.
const DefaultMaxBodyBytes = 1 << 20

// Config wires the API. Center and Auth are required.
type Config struct {
	Center    *contactcenter.Center
	Auth      *Authenticator
	Validator *specvalidate.Validator // nil: requests are not validated against the spec
	BaseURL   string                  // scheme://host of absolute uris; "": http://127.0.0.1
	CSRF      bool                    // require the X-CSRF-TOKEN header on POST/PUT/DELETE
	// MaxBodyBytes bounds request bodies (0: DefaultMaxBodyBytes); larger ones get 413.
	MaxBodyBytes int64
	// Logger hears why each request was not authenticated, at Info
	// (nil: discard).
	Logger *slog.Logger
	// Observe, when set, is told of every request before the contact center
	// sees it (Status 0) and of every answer, for the journal.
	Observe func(Exchange)
}

// Exchange is a request (Status 0) or its answer, as the journal records it.
type Exchange struct {
	User         string // userName, "" when unauthenticated
	Method, Path string
	Status       int    // 0 for the request
	Body         []byte // the request's or the answer's
	// Shared reports that Body is a JSON document the API encoded (valid,
	// compact) that never changes after, though other answers may carry
	// the same bytes: Observe may keep it without copying or checking it.
	Shared bool
}

// API serves the Interactions API. Mount it so that it sees paths with the
// /api/v2 prefix.
type API struct {
	cfg    Config
	csrf   csrfTokens
	kept   keptAnswers
	router *mux.Router
	// literal routes the paths without variables, path -> method ->
	// handler: for those the router would pick that same handler (its
	// templates match exactly one path, already clean), so ServeHTTP picks
	// it without the router's regular expressions and request copies.
	literal map[string]map[string]routeHandler
}

// routeHandler serves a request routed to it with its path variables.
type routeHandler func(w http.ResponseWriter, r *http.Request, vars map[string]string)

// kind says which error body an endpoint uses.
type kind int

const (
	resource  kind = iota // {"statusCode","statusMessage"}
	operation             // {"status":"error","errorDescription","statusCode","statusMessage"}
)

type route struct {
	method, path string
	kind         kind
	roles        []contactcenter.Role // any of; empty: any authenticated user
	handle       func(a *API, w http.ResponseWriter, r *request)
}

// request is what a handler gets: the caller, the body already read and
// validated, and the path variables.
type request struct {
	*http.Request
	user contactcenter.User
	body []byte
	vars map[string]string
	// minted is the session token of the cookie set on this answer, "" if
	// none was.
	minted string
}

var (
	agentOrAdmin = []contactcenter.Role{contactcenter.RoleAgent, contactcenter.RoleAdmin}
	agentOnly    = []contactcenter.Role{contactcenter.RoleAgent}
)

var routes = []route{
	{http.MethodGet, "/me", resource, agentOnly, (*API).getMe},
	{http.MethodPost, "/me", operation, agentOnly, (*API).postMe},
	{http.MethodGet, "/me/channels", resource, agentOnly, (*API).getChannels},
	{http.MethodPost, "/me/channels/{channel}", operation, agentOnly, (*API).postChannel},
	{http.MethodGet, "/me/interactions", resource, agentOnly, (*API).getMyInteractions},
	{http.MethodPost, "/me/interactions/{id}", operation, agentOnly, (*API).postOperation},
	{http.MethodGet, "/interactions", resource, agentOrAdmin, (*API).getInteractions},
	{http.MethodGet, "/interactions/{id}", resource, agentOrAdmin, (*API).getInteraction},
	{http.MethodPut, "/interactions/{id}", operation, agentOnly, (*API).putInteraction},
}

// New builds the API.
func New(cfg Config) *API {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &API{cfg: cfg, literal: map[string]map[string]routeHandler{}}
	r := mux.NewRouter()
	sub := r.PathPrefix(wire.APIPrefix).Subrouter()
	for _, rt := range routes {
		h := a.wrap(rt)
		sub.HandleFunc(rt.path, func(w http.ResponseWriter, r *http.Request) { h(w, r, mux.Vars(r)) }).Methods(rt.method)
		if !strings.Contains(rt.path, "{") {
			p := wire.APIPrefix + rt.path
			if a.literal[p] == nil {
				a.literal[p] = map[string]routeHandler{}
			}
			a.literal[p][rt.method] = h
		}
	}
	// gorilla/mux answers a wrong method on a subrouter's path as not
	// found: both cases ask the router which methods the path takes.
	unrouted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.observe(w, r, "", "", func(w http.ResponseWriter) {
			allow := wire.AllowedMethods(r, a.routed)
			if len(allow) == 0 {
				writeStatusError(w, http.StatusNotFound, fmt.Sprintf("no such resource: %s", r.URL.Path))
				return
			}
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeJSON(w, http.StatusMethodNotAllowed, statusBody{StatusCode: codeMissingParam,
				StatusMessage: clip(fmt.Sprintf("method %s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, " or ")))})
		})
	})
	r.NotFoundHandler, r.MethodNotAllowedHandler = unrouted, unrouted
	a.router = r
	return a
}

// routed reports whether the router routes r.
func (a *API) routed(r *http.Request) bool {
	var m mux.RouteMatch
	return a.router.Match(r, &m) && m.MatchErr == nil
}

// ServeHTTP answers one request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := a.literal[r.URL.Path][r.Method]; h != nil {
		h(w, r, nil)
		return
	}
	a.router.ServeHTTP(w, r)
}

// maxRecorded is how much of an answer's body Observe is shown.
const maxRecorded = 64 << 10

// recorder keeps the status and body a handler writes, for Observe.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	// shared is the whole body when writeBody wrote it in one piece: a
	// JSON document made for this answer, kept rather than copied.
	shared []byte
}

// writeShared writes b, a JSON document encoded for this answer alone and
// never changed after, and keeps it (not a copy) for Observe.
func (r *recorder) writeShared(b []byte) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len() == 0 && r.shared == nil && len(b) <= maxRecorded {
		r.shared = b
		_, _ = r.ResponseWriter.Write(b)
		return
	}
	_, _ = r.Write(b)
}

// recorded returns the body recorded and whether it is shared.
func (r *recorder) recorded() ([]byte, bool) {
	if r.shared != nil {
		return r.shared, true
	}
	return r.body.Bytes(), false
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.shared != nil { // a second write: the body is no longer one document
		r.body.Write(r.shared)
		r.shared = nil
	}
	if r.body.Len() < maxRecorded {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// observe answers with serve and tells Observe of the answer; uri is
// r.URL.RequestURI() when the caller has it, else "".
func (a *API) observe(w http.ResponseWriter, r *http.Request, user, uri string, serve func(http.ResponseWriter)) {
	if a.cfg.Observe == nil {
		serve(w)
		return
	}
	rec := &recorder{ResponseWriter: w}
	serve(rec)
	body, shared := rec.recorded()
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	a.cfg.Observe(Exchange{User: user, Method: r.Method, Path: uri, Status: rec.status, Body: body, Shared: shared})
}

// observeRequest tells Observe of a request, with its body when it was
// read (nil for one refused before that), ahead of the answer: the journal
// holds no answer without its request.
func (a *API) observeRequest(r *http.Request, user, uri string, body []byte) {
	if a.cfg.Observe != nil {
		a.cfg.Observe(Exchange{User: user, Method: r.Method, Path: uri, Body: body})
	}
}

func (a *API) wrap(rt route) routeHandler {
	fail := writeStatusError
	if rt.kind == operation {
		fail = writeOpError
	}
	// The spec's operation, found once: the router has already matched
	// the request to it, so validation need not route it again.
	var op *specvalidate.Operation
	if a.cfg.Validator != nil {
		op, _ = a.cfg.Validator.Operation(rt.method, rt.path) // nil: validate through the spec's router
	}
	return func(w http.ResponseWriter, r *http.Request, vars map[string]string) {
		u, fromCookie, ok := a.cfg.Auth.Identify(r)
		if !ok {
			a.unauthorized(w, r)
			return
		}
		uri := "" // the journal's path, made once for the request and the answer
		if a.cfg.Observe != nil {
			uri = r.URL.RequestURI()
		}
		a.observe(w, r, u.UserName, uri, func(w http.ResponseWriter) { a.serveAuthed(w, r, uri, vars, rt, op, fail, u, fromCookie) })
	}
}

// unauthorized answers a request Identify refused. The log says why; the
// client learns only that it is not authenticated, and of the host names
// when a browser page on another one sent nothing (crossHostHint).
func (a *API) unauthorized(w http.ResponseWriter, r *http.Request) {
	msg := "authentication required: send HTTP Basic credentials of a user or the JSESSIONID cookie"
	hint := crossHostHint(r)
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("why", a.cfg.Auth.Refusal(r))}
	if hint != "" {
		msg = hint
		attrs = append(attrs, slog.String("hint", hint))
	}
	a.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request not authenticated", attrs...)
	a.observe(w, r, "", "", func(w http.ResponseWriter) {
		w.Header().Set("WWW-Authenticate", `Basic realm="gwsmock"`)
		writeStatusError(w, http.StatusUnauthorized, msg)
	})
}

// serveAuthed answers a request whose user is known: role, CSRF, body,
// validation, then the handler.
func (a *API) serveAuthed(w http.ResponseWriter, r *http.Request, uri string, vars map[string]string, rt route, op *specvalidate.Operation, fail func(http.ResponseWriter, int, string), u contactcenter.User, fromCookie bool) {
	var reqBody []byte
	// A client that sends Basic credentials along with its session cookie
	// (a browser, a client with a cookie jar) keeps that session; one
	// without gets its user's Basic session again: minting a new one per
	// request would fill the session table and push out sessions in use.
	minted := ""
	if !fromCookie && !a.hasSession(r, u.ID) {
		var setCookie []string
		minted, setCookie = a.cfg.Auth.Sessions.forBasic(u.ID)
		// What http.SetCookie adds, made once per session.
		if h := w.Header(); h["Set-Cookie"] == nil {
			h["Set-Cookie"] = setCookie
		} else {
			h.Add("Set-Cookie", setCookie[0])
		}
	}
	if len(rt.roles) > 0 && !hasAnyRole(u, rt.roles) {
		a.observeRequest(r, u.UserName, uri, nil)
		fail(w, http.StatusForbidden, fmt.Sprintf("user %s lacks the role this needs (%s)", u.UserName, joinRoles(rt.roles)))
		return
	}
	if a.cfg.CSRF {
		tok := a.csrf.token(u.ID)
		if r.Method == http.MethodGet {
			w.Header().Set("X-CSRF-HEADER", "X-CSRF-TOKEN")
			w.Header().Set("X-CSRF-TOKEN", tok)
		} else if r.Header.Get("X-CSRF-TOKEN") != tok {
			a.observeRequest(r, u.UserName, uri, nil)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, "Missing or invalid Csrf token")
			return
		}
	}
	if r.Body != nil && r.Method != http.MethodGet {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
		if err != nil {
			a.observeRequest(r, u.UserName, uri, nil)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", a.cfg.MaxBodyBytes))
				return
			}
			fail(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
			return
		}
		reqBody = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	a.observeRequest(r, u.UserName, uri, reqBody)
	// Before anything decodes it: nothing below recurses deeper than this.
	if err := jsondepth.Check(reqBody, jsondepth.Body); err != nil {
		fail(w, http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	if a.cfg.Validator != nil {
		var err error
		if op != nil {
			err = op.Request(r, vars)
		} else {
			err = a.cfg.Validator.Request(r)
		}
		if err != nil {
			fail(w, http.StatusBadRequest, refusal(err))
			return
		}
		if reqBody != nil {
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
	}
	rt.handle(a, w, &request{Request: r, user: u, body: reqBody, vars: vars, minted: minted})
}

// refusal describes a request the spec refuses. A value outside an enum
// is named too, so that "channels":["fax"] is refused naming fax
// (docs/behavior.md B4.15: the text names the field or value at fault).
func refusal(err error) string {
	msg := specvalidate.Describe(err)
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return msg
	}
	for {
		var inner *openapi3.SchemaError
		if se.Origin == nil || !errors.As(se.Origin, &inner) || inner == se {
			break
		}
		se = inner
	}
	if s, ok := se.Value.(string); ok && se.SchemaField == "enum" {
		return fmt.Sprintf("%s (got %q)", msg, s)
	}
	return msg
}

// hasSession reports whether r carries a session cookie of userID.
func (a *API) hasSession(r *http.Request, userID string) bool {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return false
	}
	id, ok := a.cfg.Auth.Sessions.User(c.Value)
	return ok && id == userID
}

func hasAnyRole(u contactcenter.User, roles []contactcenter.Role) bool {
	for _, r := range roles {
		if u.HasRole(r) {
			return true
		}
	}
	return false
}

func joinRoles(roles []contactcenter.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}

// decodeObject reads body as one JSON object.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the request body is empty; send a JSON object")
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("the request body is not valid JSON (at byte %d): %v", se.Offset, err)
		}
		return nil, fmt.Errorf("the request body must be a JSON object: %v", err)
	}
	if m == nil {
		return nil, errors.New("the request body must be a JSON object, not null")
	}
	if dec.More() {
		return nil, errors.New("the request body has data after the JSON object")
	}
	return m, nil
}

// stringField reads a required (or optional) string member.
func stringField(m map[string]json.RawMessage, name string, required bool) (string, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		if required {
			return "", fmt.Errorf("%s is required", name)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string", name)
	}
	if required && s == "" {
		return "", fmt.Errorf("%s must not be empty", name)
	}
	return s, nil
}

// objectField reads a required JSON object member.
func objectField(m map[string]json.RawMessage, name string) (map[string]any, error) {
	raw, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("%s is required", name)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return nil, fmt.Errorf("%s must be a JSON object", name)
	}
	return v, nil
}
