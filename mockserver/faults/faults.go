// Package faults injects latency and errors into the Interactions API for
// tests, as PUT /control/v1/faults describes: a rule matches requests by
// method, path pattern and operationName and delays them, answers a status
// instead of handling them, drops the connection, or holds back or drops
// the CometD messages they cause.
//
// Rules apply to /api/v2 only, never to /control/v1, so a test can always
// remove what it injected. To know which notifications a request causes, a
// request that fires a hold or drop rule runs alone (every other request
// waits for it, reads and long polls excepted): the contact center
// publishes a transition's events synchronously in the request's goroutine,
// so whatever is delivered meanwhile is that request's. Offers revoked by
// the invitation timer during such a request are caught too; that is the one
// imprecision.
//
// Running alone never waits on a client: while notification rules exist, a
// request that takes part in that ordering has its body read before it
// enters and its answer buffered until it leaves, so one client that sends
// or reads slowly cannot stall the others, nor DELETE /control/v1/faults.
package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// Match says which requests a rule applies to; empty fields match anything.
type Match struct {
	Method        string `json:"method,omitempty"`
	PathPattern   string `json:"pathPattern,omitempty"`
	OperationName string `json:"operationName,omitempty"`
}

// Action is what a firing rule does.
type Action struct {
	DelayMs           int             `json:"delayMs,omitempty"`
	Status            int             `json:"status,omitempty"`
	Body              json.RawMessage `json:"body,omitempty"`
	DropConnection    bool            `json:"dropConnection,omitempty"`
	HoldNotifications bool            `json:"holdNotifications,omitempty"`
	DropNotifications bool            `json:"dropNotifications,omitempty"`
}

// Rule is one fault injection rule.
type Rule struct {
	Match       Match    `json:"match"`
	Action      Action   `json:"action"`
	Count       *int     `json:"count,omitempty"`
	Probability *float64 `json:"probability,omitempty"`
	Seed        int64    `json:"seed,omitempty"`
}

// InjectedHeader marks an answer a rule made up, so that a person reading a
// trace, and the spec-validating test wrapper, can tell it from a real one.
const InjectedHeader = "X-Gwsmock-Fault"

// Deliverer delivers one CometD message to a principal's sessions, each
// once, on the first of channels (a channel, then its aliases) one of its
// subscriptions matches.
type Deliverer interface {
	DeliverAs(principal string, channels []string, data json.RawMessage) int
}

type rule struct {
	Rule
	fired int
	rng   *rand.Rand
	held  []delivery // notifications held by this rule, in order
}

type delivery struct {
	principal string
	channels  []string
	data      json.RawMessage
}

// capture is where the notifications of the request running alone go.
type capture struct {
	hold *rule // nil: drop them
}

// Injector holds the rules. The zero value is not usable: call New.
type Injector struct {
	out Deliverer

	mu sync.Mutex
	// guards rules and every rule's fired, rng and held
	rules []*rule

	// gate lets requests run side by side (read lock) unless one fired a
	// notification rule (write lock).
	gate     sync.RWMutex
	notify   atomic.Bool // some rule holds or drops notifications
	current  atomic.Pointer[capture]
	releases sync.Mutex // serializes the delivery of released notifications
}

// New returns an injector that delivers notifications to out.
func New(out Deliverer) *Injector { return &Injector{out: out} }

// Validate checks one rule set for contradictions the schema cannot say.
func Validate(rules []Rule) error {
	for i, r := range rules {
		a := r.Action
		switch {
		case a.Status != 0 && a.DropConnection:
			return fmt.Errorf("rules[%d].action: status and dropConnection exclude each other", i)
		case a.HoldNotifications && a.DropNotifications:
			return fmt.Errorf("rules[%d].action: holdNotifications and dropNotifications exclude each other", i)
		case len(a.Body) > 0 && a.Status == 0:
			return fmt.Errorf("rules[%d].action: body needs status", i)
		case a.Status != 0 && (a.Status < 100 || a.Status > 599):
			return fmt.Errorf("rules[%d].action.status: %d is not an HTTP status", i, a.Status)
		case a.DelayMs < 0 || a.DelayMs > 600000:
			return fmt.Errorf("rules[%d].action.delayMs: %d is not within 0..600000", i, a.DelayMs)
		case a.DelayMs == 0 && a.Status == 0 && !a.DropConnection && !a.HoldNotifications && !a.DropNotifications:
			return fmt.Errorf("rules[%d].action: name at least one action", i)
		case r.Count != nil && *r.Count < 1:
			return fmt.Errorf("rules[%d].count: must be at least 1", i)
		case r.Probability != nil && (*r.Probability < 0 || *r.Probability > 1):
			return fmt.Errorf("rules[%d].probability: must be within 0..1", i)
		}
		if r.Match.PathPattern != "" {
			if _, err := path.Match(r.Match.PathPattern, "/"); err != nil {
				return fmt.Errorf("rules[%d].match.pathPattern: %v", i, err)
			}
		}
	}
	return nil
}

// Replace installs rules in place of the current ones; notifications held
// by the rules it removes are delivered, in order.
func (f *Injector) Replace(rules []Rule) error {
	if err := Validate(rules); err != nil {
		return err
	}
	next := make([]*rule, len(rules))
	notify := false
	for i, r := range rules {
		next[i] = &rule{Rule: r, rng: rand.New(rand.NewSource(r.Seed))}
		notify = notify || r.Action.HoldNotifications || r.Action.DropNotifications
	}
	f.mu.Lock()
	old := f.rules
	f.rules = next
	f.notify.Store(notify)
	f.mu.Unlock()
	f.release(old)
	return nil
}

// Rules returns the rules in force, in order, as Replace was given them;
// never nil.
func (f *Injector) Rules() []Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Rule, 0, len(f.rules))
	for _, r := range f.rules {
		out = append(out, r.Rule)
	}
	return out
}

// Clear removes every rule and delivers what they held.
func (f *Injector) Clear() { _ = f.Replace(nil) }

func (f *Injector) release(old []*rule) {
	f.releases.Lock()
	defer f.releases.Unlock()
	for _, r := range old {
		f.mu.Lock()
		held := r.held
		r.held = nil
		f.mu.Unlock()
		for _, d := range held {
			f.out.DeliverAs(d.principal, d.channels, d.data)
		}
	}
}

// DeliverAs implements Deliverer: it passes messages on, or holds or drops
// those of a request that fired a notification rule.
func (f *Injector) DeliverAs(principal string, channels []string, data json.RawMessage) int {
	if c := f.current.Load(); c != nil {
		if c.hold == nil {
			return 0
		}
		f.mu.Lock()
		c.hold.held = append(c.hold.held, delivery{principal, channels, data})
		f.mu.Unlock()
		return 0
	}
	return f.out.DeliverAs(principal, channels, data)
}

// fire finds the first rule that matches and fires for r.
func (f *Injector) fire(method, p, op string) *rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ru := range f.rules {
		m := ru.Match
		if m.Method != "" && m.Method != method {
			continue
		}
		if m.PathPattern != "" {
			if ok, _ := path.Match(m.PathPattern, p); !ok {
				continue
			}
		}
		if m.OperationName != "" && m.OperationName != op {
			continue
		}
		if ru.Count != nil && ru.fired >= *ru.Count {
			continue
		}
		if ru.Probability != nil && ru.rng.Float64() >= *ru.Probability {
			continue
		}
		ru.fired++
		return ru
	}
	return nil
}

func (f *Injector) active() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rules) > 0
}

// operationName reads the operationName of a JSON body and restores it.
func operationName(r *http.Request) string {
	if r.Body == nil || r.Method == http.MethodGet {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
	if err != nil {
		return ""
	}
	var v struct {
		OperationName string `json:"operationName"`
	}
	_ = json.Unmarshal(b, &v)
	return v.OperationName
}

// Middleware applies the rules to the requests of next under /api/v2; wrap
// the whole server with it.
func (f *Injector) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, wire.APIPrefix+"/") {
			// Never faulted, but the control API causes notifications too,
			// so it waits while a notification rule's request runs alone.
			f.serve(w, r, next, false)
			return
		}
		longPoll := strings.HasPrefix(r.URL.Path, wire.APIPrefix+"/notifications")
		if !f.active() {
			f.serve(w, r, next, longPoll)
			return
		}
		ru := f.fire(r.Method, r.URL.Path, operationName(r))
		if ru == nil {
			f.serve(w, r, next, longPoll)
			return
		}
		a := ru.Action
		if a.DelayMs > 0 {
			d := time.Duration(a.DelayMs) * time.Millisecond
			// The delay may outlast the server's read and write timeouts:
			// give this exchange deadlines that cover it.
			rc := http.NewResponseController(w)
			deadline := time.Now().Add(d + time.Minute)
			_ = rc.SetReadDeadline(deadline)
			_ = rc.SetWriteDeadline(deadline)
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch {
		case a.DropConnection:
			panic(http.ErrAbortHandler) // net/http closes the connection without answering
		case a.Status != 0:
			w.Header().Set(InjectedHeader, "status")
			if len(a.Body) > 0 {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(a.Status)
			_, _ = w.Write(a.Body)
			return
		case (a.HoldNotifications || a.DropNotifications) && !longPoll:
			c := &capture{}
			if a.HoldNotifications {
				c.hold = ru
			}
			f.gated(w, r, next, func() {
				f.gate.Lock()
				f.current.Store(c)
			}, func() {
				f.current.Store(nil)
				f.gate.Unlock()
			})
			return
		}
		f.serve(w, r, next, longPoll)
	})
}

// serve runs a request side by side with others, unless a notification
// rule's request is running alone. Long polls never wait: they cause no
// notifications and are held for long; reads (GET, HEAD) neither, and they
// may stream long answers (the journal).
func (f *Injector) serve(w http.ResponseWriter, r *http.Request, next http.Handler, longPoll bool) {
	if longPoll || !f.notify.Load() || r.Method == http.MethodGet || r.Method == http.MethodHead {
		next.ServeHTTP(w, r)
		return
	}
	f.gated(w, r, next, f.gate.RLock, f.gate.RUnlock)
}

// maxPrefetch bounds the request body gated reads before it locks: the
// largest body either API accepts by default (the control API's state
// document). A server configured for larger Interactions API bodies reads
// the rest of such a body under the lock.
const maxPrefetch = 16<<20 + 1

// gated runs next between lock and unlock without any I/O to the client in
// between: the body is read before lock, and the answer is buffered and
// written after unlock.
func (f *Injector) gated(w http.ResponseWriter, r *http.Request, next http.Handler, lock, unlock func()) {
	if r.Body != nil && r.Body != http.NoBody {
		// A read error shows again when the handler reads on, and the
		// handler answers it as it always does.
		b, _ := io.ReadAll(io.LimitReader(r.Body, maxPrefetch))
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
	}
	buf := &bufferedWriter{header: w.Header()}
	lock()
	func() {
		defer unlock() // a handler's panic (http.ErrAbortHandler) must not keep the gate
		next.ServeHTTP(buf, r)
	}()
	if buf.status != 0 {
		w.WriteHeader(buf.status)
	}
	if buf.body.Len() > 0 {
		_, _ = w.Write(buf.body.Bytes())
	}
}

// bufferedWriter keeps an answer to write it later. Headers go straight to
// the real writer's map, which is not I/O.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// Decode reads a PUT /faults body.
func Decode(body []byte) ([]Rule, error) {
	var doc struct {
		Rules *[]Rule `json:"rules"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("fault rules: %v", err)
	}
	if doc.Rules == nil {
		return nil, errors.New("fault rules: rules is required")
	}
	return *doc.Rules, nil
}
