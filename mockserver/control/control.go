// Package control is the /control/v1 test-control API of
// docs/control-api.md: it plays the outside world (a customer's email
// arrives), routes and revokes, flips readiness, reads and replaces the
// whole state, resets to a fixture, and serves the journal. Errors answer {"error": "..."} with a 4xx; a
// refused request changes nothing.
package control

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/jsondepth"
	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/faults"
	"github.com/gwsmock/gwsmock/mockserver/journal"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// Prefix is where the control API is mounted.
const Prefix = "/control/v1"

// maxBody bounds control request bodies; a state document may be large.
const maxBody = 16 << 20

// Config wires the control API. Center and Journal are required.
type Config struct {
	Center  *contactcenter.Center
	Journal Journal
	// Fixtures holds the named fixtures POST /reset may name ("default" is
	// always the embedded one unless Default says otherwise).
	Fixtures fs.FS
	// Default is what POST /reset without a name goes back to.
	Default contactcenter.Snapshot
	// Token, when set, must come as "Authorization: Bearer <token>".
	Token     string
	BaseURL   string // scheme://host of absolute uris; "": http://127.0.0.1
	Version   string
	Validator *specvalidate.Validator // nil: requests are not validated against spec/control.yaml
	// Faults receives PUT/DELETE /faults; nil answers those with 501.
	Faults Faults
	// Events wakes the streams of GET /events; nil answers it with 501.
	Events *Events
}

// Journal is what the control API needs of the journal (a
// *journal.Journal).
type Journal interface {
	// Scan copies into buf at most max entries with Seq > since, of user
	// when set, and returns them and the sequence number it looked up to,
	// as journal.Journal.Scan does.
	Scan(buf []journal.Entry, since uint64, user string, max int) ([]journal.Entry, uint64)
	// Last returns the greatest sequence number assigned, 0 when none.
	Last() uint64
}

// Faults is what the control API needs of a fault injector.
type Faults interface {
	// Replace installs a rule set, or returns an error naming the bad rule.
	Replace(rules []faults.Rule) error
	// Clear removes every rule.
	Clear()
	// Rules returns the rules in force, in order.
	Rules() []faults.Rule
}

// API serves /control/v1.
type API struct {
	cfg    Config
	router *mux.Router
}

// New builds the control API.
func New(cfg Config) *API {
	if cfg.Fixtures == nil {
		cfg.Fixtures = fixtures.FS
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1"
	}
	a := &API{cfg: cfg}
	r := mux.NewRouter()
	s := r.PathPrefix(Prefix).Subrouter()
	s.HandleFunc("/health", a.health).Methods(http.MethodGet)
	s.HandleFunc("/interactions", a.create).Methods(http.MethodPost)
	s.HandleFunc("/interactions/{id}/route", a.route).Methods(http.MethodPost)
	s.HandleFunc("/interactions/{id}/revoke", a.revoke).Methods(http.MethodPost)
	s.HandleFunc("/interactions/{id}/stop", a.stop).Methods(http.MethodPost)
	s.HandleFunc("/interactions/{id}/chat/messages", a.chatMessage).Methods(http.MethodPost)
	s.HandleFunc("/interactions/{id}/chat/leave", a.chatLeave).Methods(http.MethodPost)
	s.HandleFunc("/outbox", a.outbox).Methods(http.MethodGet)
	s.HandleFunc("/users/{userName}/channels/{channel}", a.ready).Methods(http.MethodPut)
	s.HandleFunc("/state", a.getState).Methods(http.MethodGet)
	s.HandleFunc("/state", a.putState).Methods(http.MethodPut)
	s.HandleFunc("/reset", a.reset).Methods(http.MethodPost)
	s.HandleFunc("/journal", a.journal).Methods(http.MethodGet)
	s.HandleFunc("/events", a.events).Methods(http.MethodGet)
	s.HandleFunc("/faults", a.getFaults).Methods(http.MethodGet)
	s.HandleFunc("/faults", a.putFaults).Methods(http.MethodPut)
	s.HandleFunc("/faults", a.deleteFaults).Methods(http.MethodDelete)
	// gorilla/mux answers a wrong method on a subrouter's path as not
	// found: both cases ask the router which methods the path takes.
	unrouted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allow := wire.AllowedMethods(r, a.routed)
		if len(allow) == 0 {
			writeError(w, http.StatusNotFound, "no such control resource: "+r.URL.Path)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, " or ")))
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

// ServeHTTP checks the token, reads and validates the body, and routes.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Token != "" {
		if !bearer(r.Header.Get("Authorization"), a.cfg.Token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gwsmock control"`)
			writeError(w, http.StatusUnauthorized, "the control API needs Authorization: Bearer <token>")
			return
		}
	}
	if r.Body != nil && r.Method != http.MethodGet {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", maxBody))
				return
			}
			writeError(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
			return
		}
		// Before anything decodes it: nothing below recurses deeper than
		// this. A state document holds request values a few levels down.
		depth := jsondepth.Body
		if r.URL.Path == Prefix+"/state" {
			depth = jsondepth.Document
		}
		if err := jsondepth.Check(b, depth); err != nil {
			writeError(w, http.StatusBadRequest, "request body: "+err.Error())
			return
		}
		if trailingData(b) {
			writeError(w, http.StatusBadRequest, "request body: there is data after the JSON value; send one JSON object")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		// People drive this API with curl, whose -d says
		// application/x-www-form-urlencoded: every control body is JSON,
		// whatever the header claims (decoding still refuses non-JSON).
		r.Header.Set("Content-Type", "application/json")
		if a.cfg.Validator != nil {
			if err := a.cfg.Validator.Request(r); err != nil && !errors.Is(err, specvalidate.ErrNoRoute) {
				writeError(w, http.StatusBadRequest, specvalidate.Describe(err))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	a.router.ServeHTTP(w, r)
}

// bearer reports whether authorization is "Bearer <token>": the scheme is
// required and, as every HTTP auth scheme (RFC 7235), case-insensitive.
func bearer(authorization, token string) bool {
	scheme, got, _ := strings.Cut(authorization, " ")
	ok := subtle.ConstantTimeCompare([]byte(strings.TrimLeft(got, " ")), []byte(token)) == 1
	return strings.EqualFold(scheme, "Bearer") && ok
}

// trailingData reports whether b holds a JSON value followed by more than
// white space. Invalid JSON is left to the decoders, which say what is
// wrong with it.
func trailingData(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return false
	}
	_, err := dec.Token()
	return err != io.EOF
}

type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

func writeOK(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// statusOf maps a domain error to its status, as the REST API does.
func statusOf(err error) int { return wire.StatusOf(contactcenter.CodeOf(err)) }

func writeDomain(w http.ResponseWriter, err error) {
	if err != nil {
		writeError(w, statusOf(err), err.Error())
		return
	}
	writeOK(w)
}

// decode reads the body into v strictly: unknown fields are refused by name.
func decode(r *http.Request, v any, allowEmpty bool) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		if allowEmpty {
			return nil
		}
		return errors.New("the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the request body is not what this request takes: %v", err)
	}
	if dec.More() {
		return errors.New("the request body has data after the JSON object")
	}
	return nil
}

func (a *API) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": a.cfg.Version})
}

type createRequest struct {
	Channel        string         `json:"channel"`
	Queue          string         `json:"queue,omitempty"`
	Agent          string         `json:"agent,omitempty"`
	UserData       map[string]any `json:"userData,omitempty"`
	EmailObject    map[string]any `json:"email_object,omitempty"`
	ChatObject     map[string]any `json:"chat_object,omitempty"`
	WorkitemObject map[string]any `json:"workitem_object,omitempty"`
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := decode(r, &req, false); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ch := contactcenter.Channel(req.Channel)
	var data map[string]any
	switch ch {
	case contactcenter.Email:
		data = req.EmailObject
	case contactcenter.Chat:
		data = req.ChatObject
	case contactcenter.Workitem:
		data = req.WorkitemObject
	case "":
		writeError(w, http.StatusBadRequest, "channel is required: email, chat or workitem")
		return
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("channel %q is not one of email, chat, workitem", req.Channel))
		return
	}
	for key, obj := range map[string]map[string]any{"email_object": req.EmailObject, "chat_object": req.ChatObject, "workitem_object": req.WorkitemObject} {
		if obj != nil && key != wire.ChannelObjectKey(ch) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("%s does not belong to a %s interaction", key, ch))
			return
		}
	}
	if _, ok := req.EmailObject["interactionId"]; ok {
		writeError(w, http.StatusBadRequest, "email_object.interactionId is derived from the interaction's id; leave it out")
		return
	}
	// A chat starts from the customer's nickname and first message; the
	// transcript is the contact center's.
	var text string
	if ch == contactcenter.Chat && data != nil {
		for k, v := range data {
			switch k {
			case "nickname":
			case "text":
				s, ok := v.(string)
				if !ok {
					writeError(w, http.StatusBadRequest, "chat_object.text must be a string: the customer's first message")
					return
				}
				text = s
			default:
				writeError(w, http.StatusBadRequest, fmt.Sprintf("chat_object.%s is not a field of a new chat (nickname, text)", k))
				return
			}
		}
		delete(data, "text")
	}
	v, err := a.cfg.Center.Create(contactcenter.NewInteraction{
		Channel: ch, Queue: req.Queue, Agent: req.Agent, UserData: req.UserData, ChannelData: data, Text: text,
	})
	if err != nil {
		writeError(w, statusOf(err), err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": v.ID, "uri": wire.URI(a.cfg.BaseURL, v.ID)})
}

func (a *API) route(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Queue string `json:"queue,omitempty"`
		Agent string `json:"agent,omitempty"`
	}
	if err := decode(r, &req, true); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeDomain(w, a.cfg.Center.Route(mux.Vars(r)["id"], req.Queue, req.Agent))
}

func (a *API) revoke(w http.ResponseWriter, r *http.Request) {
	writeDomain(w, a.cfg.Center.Revoke(mux.Vars(r)["id"]))
}

func (a *API) stop(w http.ResponseWriter, r *http.Request) {
	writeDomain(w, a.cfg.Center.Stop(mux.Vars(r)["id"]))
}

// chatMessage is the customer writing or typing in a chat.
func (a *API) chatMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text string `json:"text,omitempty"`
		Type string `json:"type,omitempty"`
	}
	if err := decode(r, &req, false); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	t := contactcenter.ChatEventType(req.Type)
	switch req.Type {
	case "", "Message":
		t = contactcenter.ChatText
	case string(contactcenter.ChatText), string(contactcenter.ChatTypingStarted), string(contactcenter.ChatTypingStopped):
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("type %q is not one of Text, Message, TypingStarted, TypingStopped", req.Type))
		return
	}
	n, err := a.cfg.Center.CustomerWrite(mux.Vars(r)["id"], t, req.Text)
	if err != nil {
		writeError(w, statusOf(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"index": n})
}

// chatLeave is the customer leaving a chat.
func (a *API) chatLeave(w http.ResponseWriter, r *http.Request) {
	writeDomain(w, a.cfg.Center.CustomerLeave(mux.Vars(r)["id"]))
}

// outboxEmail is one email of GET /outbox.
type outboxEmail struct {
	ID       string   `json:"id"`
	ParentID string   `json:"parentId"`
	From     string   `json:"from,omitempty"`
	To       []string `json:"to"`
	Cc       []string `json:"cc,omitempty"`
	Subject  string   `json:"subject"`
	Body     string   `json:"body"`
	SentDate string   `json:"sentDate"`
	AgentID  string   `json:"agentId"`
}

func (a *API) outbox(w http.ResponseWriter, r *http.Request) {
	sent := a.cfg.Center.Outbox()
	out := make([]outboxEmail, 0, len(sent))
	for _, e := range sent {
		out = append(out, outboxEmail{
			ID: e.ID, ParentID: e.ParentID, From: e.From, To: e.To, Cc: e.Cc, Subject: e.Subject, Body: e.Body,
			SentDate: e.SentAt.UTC().Format(time.RFC3339Nano), AgentID: e.AgentID,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"emails": out})
}

func (a *API) ready(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Ready *bool `json:"ready"`
	}
	if err := decode(r, &req, false); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.Ready == nil {
		writeError(w, http.StatusBadRequest, "ready is required: true or false")
		return
	}
	vars := mux.Vars(r)
	u, ok := a.cfg.Center.UserByName(vars["userName"])
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no user named %q", vars["userName"]))
		return
	}
	writeDomain(w, a.cfg.Center.ChangeReadiness(u.ID, contactcenter.Channel(vars["channel"]), *req.Ready))
}

func (a *API) getState(w http.ResponseWriter, r *http.Request) {
	b, err := fixtures.Encode(a.cfg.Center.Snapshot())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (a *API) putState(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s, err := fixtures.Decode(b)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := a.cfg.Center.Restore(s); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeOK(w)
}

func (a *API) reset(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Fixture string `json:"fixture,omitempty"`
	}
	if err := decode(r, &req, true); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	snap := a.cfg.Default
	if req.Fixture != "" {
		if strings.ContainsAny(req.Fixture, `/\`) || strings.HasPrefix(req.Fixture, ".") {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("fixture %q: give a fixture name, not a path", req.Fixture))
			return
		}
		s, err := fixtures.Load(a.cfg.Fixtures, req.Fixture)
		if err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, fs.ErrNotExist) {
				status = http.StatusNotFound
			}
			writeError(w, status, err.Error())
			return
		}
		snap = s
	}
	if err := a.cfg.Center.Restore(snap); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeOK(w)
}

// MaxJournalPage is the most entries one GET /journal answers, and how many
// it answers without limit.
const MaxJournalPage = 1000

// journalChunk is how many entries the journal handler copies out of the
// journal at once: it writes them with the journal unlocked, then copies the
// next chunk.
const journalChunk = 100

// journal streams one page of the journal: entries are copied out in
// chunks and encoded one by one to the answer, so a request holds at most
// journalChunk entries however large the journal, and never holds the
// journal's lock while it writes. "next" is the since of the next page;
// there is no next page while next is at least last.
func (a *API) journal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since uint64
	if s := q.Get("since"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("since=%q is not a sequence number", s))
			return
		}
		since = n
	}
	limit := MaxJournalPage
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxJournalPage {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit=%q is not a number of entries within 1..%d", s, MaxJournalPage))
			return
		}
		limit = n
	}
	user := q.Get("user")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"entries":[`)
	enc := json.NewEncoder(w)
	buf := make([]journal.Entry, 0, min(limit, journalChunk))
	for n := 0; n < limit; {
		want := min(limit-n, journalChunk)
		var entries []journal.Entry
		entries, since = a.cfg.Journal.Scan(buf, since, user, want)
		for i := range entries {
			if n+i > 0 {
				_, _ = io.WriteString(w, ",")
			}
			if err := enc.Encode(&entries[i]); err != nil {
				// The status is out: cut the answer short rather than end
				// it as if it were whole.
				panic(http.ErrAbortHandler)
			}
		}
		n += len(entries)
		clear(entries) // let go of the entries' data before the next chunk
		if len(entries) < want {
			break
		}
	}
	_, _ = fmt.Fprintf(w, `],"next":%d,"last":%d}`, since, a.cfg.Journal.Last())
}

func (a *API) putFaults(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Faults == nil {
		writeError(w, http.StatusNotImplemented, "this server has no fault injection")
		return
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	rules, err := faults.Decode(b)
	if err == nil {
		err = a.cfg.Faults.Replace(rules)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeOK(w)
}

func (a *API) getFaults(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Faults == nil {
		writeJSON(w, http.StatusOK, map[string]any{"rules": []faults.Rule{}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": a.cfg.Faults.Rules()})
}

func (a *API) deleteFaults(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Faults == nil {
		writeError(w, http.StatusNotImplemented, "this server has no fault injection")
		return
	}
	a.cfg.Faults.Clear()
	writeOK(w)
}
