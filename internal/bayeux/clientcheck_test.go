package bayeux

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
)

// fake is a scripted Bayeux server for the client's checks. It answers as
// the rules require (good), then lets edit change each answer and encode
// write it. The second /meta/connect of a session is held until the
// client goes away.
type fake struct {
	// edit changes the answer to the request message m; nil keeps it.
	edit func(m map[string]any, answer []map[string]any) []map[string]any
	// encode writes an answer: the HTTP status (long polling only) and
	// body; nil writes a JSON array with status 200.
	encode func(answer []map[string]any) (int, []byte)

	mu sync.Mutex
	// guards the fields below
	counts     map[string]int      // request messages seen, by channel
	subscribed map[string][]string // subscriptions asked for, by clientId
	held       chan struct{}       // closed when a connect is held
	heldOnce   sync.Once           // closes held
	sessions   map[string]struct{} // clientIds handed out
}

func newFake(t *testing.T, f *fake) string {
	t.Helper()
	f.counts = map[string]int{}
	f.held = make(chan struct{})
	f.sessions = map[string]struct{}{}
	f.subscribed = map[string][]string{}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return ts.URL + "/cometd"
}

// good is the answer a server that follows the rules gives to m, the n-th
// message of its channel (from 0); nil holds it.
func (f *fake) good(m map[string]any, n int) []map[string]any {
	ch, _ := m["channel"].(string)
	reply := map[string]any{"channel": ch, "id": m["id"], "successful": true}
	retry := map[string]any{"reconnect": "retry", "interval": 0, "timeout": 30000}
	switch ch {
	case MetaHandshake:
		id := fmt.Sprintf("fake-%d", n+1)
		f.sessions[id] = struct{}{}
		reply["clientId"] = id
		reply["version"] = "1.0"
		reply["supportedConnectionTypes"] = []string{LongPolling, WebSocket}
		reply["advice"] = retry
	case MetaConnect:
		if n > 0 {
			return nil
		}
		reply["clientId"] = m["clientId"]
		reply["advice"] = retry
		return []map[string]any{{"channel": "/a", "data": map[string]any{"n": 1}}, reply}
	case MetaSubscribe, MetaUnsubscribe:
		reply["clientId"] = m["clientId"]
		reply["subscription"] = m["subscription"]
	default:
		reply["clientId"] = m["clientId"]
	}
	return []map[string]any{reply}
}

// answer returns what the fake sends back for m; nil holds it.
func (f *fake) answer(m map[string]any) []map[string]any {
	ch, _ := m["channel"].(string)
	f.mu.Lock()
	n := f.counts[ch]
	f.counts[ch]++
	if ch == MetaSubscribe {
		id := fmt.Sprint(m["clientId"])
		switch s := m["subscription"].(type) {
		case string:
			f.subscribed[id] = append(f.subscribed[id], s)
		case []any:
			for _, x := range s {
				f.subscribed[id] = append(f.subscribed[id], fmt.Sprint(x))
			}
		}
	}
	a := f.good(m, n)
	f.mu.Unlock()
	if a == nil {
		f.heldOnce.Do(func() { close(f.held) })
		return nil
	}
	if f.edit != nil {
		a = f.edit(m, a)
	}
	return a
}

func (f *fake) write(a []map[string]any) (int, []byte) {
	if f.encode != nil {
		return f.encode(a)
	}
	b, err := json.Marshal(a)
	if err != nil {
		panic(err)
	}
	return http.StatusOK, b
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "" {
		f.serveWebSocket(w, r)
		return
	}
	var msgs []map[string]any
	if err := json.NewDecoder(r.Body).Decode(&msgs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var out []map[string]any
	for _, m := range msgs {
		a := f.answer(m)
		if a == nil {
			<-r.Context().Done()
			return
		}
		out = append(out, a...)
	}
	status, body := f.write(out)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

func (f *fake) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	for {
		_, data, err := conn.Read(r.Context())
		if err != nil {
			return
		}
		var msgs []map[string]any
		if json.Unmarshal(data, &msgs) != nil {
			return
		}
		for _, m := range msgs {
			if a := f.answer(m); a != nil {
				_, body := f.write(a)
				if conn.Write(r.Context(), websocket.MessageText, body) != nil {
					return
				}
			}
		}
	}
}

// on returns an edit of the answers to messages on channel only.
func on(channel string, edit func(answer []map[string]any) []map[string]any) func(map[string]any, []map[string]any) []map[string]any {
	return func(m map[string]any, a []map[string]any) []map[string]any {
		if m["channel"] != channel {
			return a
		}
		return edit(a)
	}
}

// replyOf returns the answer's reply (the message with "successful").
func replyOf(a []map[string]any) map[string]any {
	for _, m := range a {
		if _, ok := m["successful"]; ok {
			return m
		}
	}
	panic(fmt.Sprintf("no reply in %v", a))
}

// delivered returns the answer's first delivery.
func delivered(a []map[string]any) map[string]any {
	for _, m := range a {
		if _, ok := m["successful"]; !ok {
			return m
		}
	}
	panic(fmt.Sprintf("no delivery in %v", a))
}

// without removes key from the message of the answer that pick picks.
func without(pick func([]map[string]any) map[string]any, key string) func([]map[string]any) []map[string]any {
	return func(a []map[string]any) []map[string]any {
		delete(pick(a), key)
		return a
	}
}

// with sets key on the message of the answer that pick picks.
func with(pick func([]map[string]any) map[string]any, key string, value any) func([]map[string]any) []map[string]any {
	return func(a []map[string]any) []map[string]any {
		pick(a)[key] = value
		return a
	}
}

// refused turns the answer's reply into a refusal with error and advice.
func refused(error string, advice map[string]any) func([]map[string]any) []map[string]any {
	return func(a []map[string]any) []map[string]any {
		r := replyOf(a)
		r["successful"] = false
		r["error"] = error
		delete(r, "advice")
		if advice != nil {
			r["advice"] = advice
		}
		return []map[string]any{r}
	}
}

// TestClientReportsBrokenRules: each fake server breaks one rule of
// docs/bayeux.md in one reply or delivery, and the client reports that
// rule; each benign variation (what the rules leave open) reports nothing.
func TestClientReportsBrokenRules(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(m map[string]any, answer []map[string]any) []map[string]any
		encode func(answer []map[string]any) (int, []byte)
		lpOnly bool   // an HTTP matter, not one of a WebSocket frame
		rule   string // the rule reported; "" for a benign server
		text   string // in the violation's text
	}{
		{name: "as the rules say"},
		{
			name: "extra fields and ext everywhere",
			edit: func(_ map[string]any, a []map[string]any) []map[string]any {
				for _, m := range a {
					m["ext"] = map[string]any{"ack": true, "x": []int{1}}
					m["benignExtra"] = "é"
				}
				return a
			},
		},
		{
			name: "the reply before the deliveries",
			edit: on(MetaConnect, func(a []map[string]any) []map[string]any {
				return []map[string]any{replyOf(a), delivered(a)}
			}),
		},
		{
			name: "other advice values, extra advice fields, maxInterval",
			edit: func(_ map[string]any, a []map[string]any) []map[string]any {
				for _, m := range a {
					if _, ok := m["advice"]; ok {
						m["advice"] = map[string]any{"reconnect": "retry", "interval": 1.5, "timeout": 250, "maxInterval": 10000, "multiple-clients": true}
					}
				}
				return a
			},
		},
		{
			name: "no advice on a connect reply",
			edit: on(MetaConnect, without(replyOf, "advice")),
		},
		{
			name: "more connection types than the client's",
			edit: on(MetaHandshake, with(replyOf, "supportedConnectionTypes", []string{"callback-polling", WebSocket, LongPolling})),
		},
		{
			name: "deliveries with id and clientId",
			edit: on(MetaConnect, func(a []map[string]any) []map[string]any {
				d := delivered(a)
				d["id"] = "srv-9"
				d["clientId"] = "fake-1"
				return a
			}),
		},
		{
			name: "a refusal with args and its advice",
			edit: on(MetaSubscribe, refused("403:/a,/b:denied", map[string]any{"reconnect": "retry", "interval": 0})),
		},
		{
			name: "unknown session refused with handshake advice",
			edit: on(MetaSubscribe, refused("402::session_unknown", map[string]any{"reconnect": "handshake", "interval": 0})),
		},
		{
			name: "an HTTP status other than 200",
			encode: func(a []map[string]any) (int, []byte) {
				b, _ := json.Marshal(a)
				return http.StatusServiceUnavailable, b
			},
			lpOnly: true, rule: "C1", text: "HTTP status 503",
		},
		{
			name: "a bare object",
			encode: func(a []map[string]any) (int, []byte) {
				b, _ := json.Marshal(a[len(a)-1])
				return http.StatusOK, b
			},
			rule: "C1", text: "a JSON object, not an array",
		},
		{
			name:   "an empty array",
			encode: func([]map[string]any) (int, []byte) { return http.StatusOK, []byte(`[]`) },
			rule:   "C1", text: "not a JSON array of messages",
		},
		{
			name:   "not JSON",
			encode: func([]map[string]any) (int, []byte) { return http.StatusOK, []byte(`<html>busy</html>`) },
			rule:   "C1", text: "not a JSON array of messages",
		},
		{
			name: "the connect reply with another id",
			edit: on(MetaConnect, func(a []map[string]any) []map[string]any {
				replyOf(a)["id"] = "8" + fmt.Sprint(replyOf(a)["id"])
				return a
			}),
			rule: "C2", text: `the reply to /meta/connect id "`,
		},
		{
			name: "a reply without id",
			edit: on(MetaSubscribe, without(replyOf, "id")),
			rule: "C2", text: "came back with no id",
		},
		{
			name: "the string id echoed as a number",
			edit: on(MetaSubscribe, func(a []map[string]any) []map[string]any {
				r := replyOf(a)
				r["id"] = json.Number(r["id"].(string))
				return a
			}),
			rule: "C2", text: "not a string",
		},
		{
			name: "a reply that answers nothing",
			edit: on(MetaSubscribe, func(a []map[string]any) []map[string]any {
				return append(a, map[string]any{"channel": MetaUnsubscribe, "id": "x77", "successful": true})
			}),
			rule: "C2", text: `a reply on /meta/unsubscribe with id "x77" answers no message`,
		},
		{
			name: "a delivery without channel",
			edit: on(MetaConnect, without(delivered, "channel")),
			rule: "C3", text: "a delivered message has no channel",
		},
		{
			name: "a delivery without data",
			edit: on(MetaConnect, without(delivered, "data")),
			rule: "C3", text: "a message delivered on /a has no data",
		},
		{
			name: "a delivery with successful",
			edit: on(MetaConnect, with(delivered, "successful", true)),
			rule: "C3", text: "a message delivered on /a carries successful",
		},
		{
			name: "a reply without successful",
			edit: on(MetaConnect, without(replyOf, "successful")),
			rule: "C3", text: "a message on /meta/connect has no successful",
		},
		{
			name: "a successful connect advising handshake",
			edit: on(MetaConnect, with(replyOf, "advice", map[string]any{"reconnect": "handshake", "interval": 0})),
			rule: "C5", text: `is successful and advises reconnect "handshake"`,
		},
		{
			name: "advice without reconnect",
			edit: on(MetaConnect, with(replyOf, "advice", map[string]any{"interval": 0, "timeout": 30000})),
			rule: "C5", text: "advice without reconnect",
		},
		{
			name: "a handshake reply without version",
			edit: on(MetaHandshake, without(replyOf, "version")),
			rule: "C5", text: "lacks version",
		},
		{
			name: "a handshake reply without advice",
			edit: on(MetaHandshake, without(replyOf, "advice")),
			rule: "C5", text: "lacks advice",
		},
		{
			name: "a handshake reply without the client's connection type",
			edit: on(MetaHandshake, with(replyOf, "supportedConnectionTypes", []string{"callback-polling"})),
			rule: "C5", text: "in supportedConnectionTypes",
		},
		{
			name: "a handshake reply without clientId",
			edit: on(MetaHandshake, without(replyOf, "clientId")),
			rule: "C5", text: "lacks clientId",
		},
		{
			name: "unknown session without handshake advice",
			edit: on(MetaConnect, refused("402::session_unknown", map[string]any{"reconnect": "retry", "interval": 0})),
			rule: "C7", text: `refuses with 402::session_unknown without advice reconnect "handshake"`,
		},
		{
			name: "an error without code",
			edit: on(MetaSubscribe, refused("subscription denied", nil)),
			rule: "C13", text: `has error "subscription denied", not code:args:message`,
		},
		{
			name: "an error without args",
			edit: on(MetaSubscribe, refused("403:denied", nil)),
			rule: "C13", text: `has error "403:denied"`,
		},
	}
	for _, tt := range tests {
		for _, transport := range []string{LongPolling, WebSocket} {
			if tt.lpOnly && transport == WebSocket {
				continue
			}
			t.Run(tt.name+"/"+transport, func(t *testing.T) {
				f := &fake{edit: tt.edit, encode: tt.encode}
				url := newFake(t, f)
				reported := make(chan Violation, maxViolations)
				c := &Client{URL: url, Transport: transport, OnViolation: func(v Violation) { reported <- v }}
				t.Cleanup(func() { c.Close() })
				ctx := testContext(t)
				if c.Handshake(ctx) == nil {
					c.Subscribe(ctx, "/a")
				}
				if tt.rule == "" {
					// The second connect is sent once the first reply,
					// which carries the delivery, was handled.
					select {
					case <-f.held:
					case <-c.Done():
						t.Fatalf("the connect loop ended: %v", c.Err())
					case <-ctx.Done():
						t.Fatal("no second connect")
					}
					if m, err := c.Receive(ctx); err != nil || string(m.Data) != `{"n":1}` {
						t.Errorf("Receive() = %s, %v; want the delivery", m.Data, err)
					}
					if vs := c.Violations(); len(vs) > 0 {
						t.Errorf("a benign server was reported:\n%v", vs)
					}
					return
				}
				for {
					select {
					case v := <-reported:
						if v.Rule != tt.rule || !strings.Contains(v.Text, tt.text) {
							continue
						}
						if strings.Contains(v.Text, `id ""`) {
							t.Errorf("the violation names no request id: %s", v.Text)
						}
						if s := v.String(); !strings.HasPrefix(s, "the server broke Bayeux rule "+tt.rule+" (docs/bayeux.md): ") || strings.Contains(s, "\n") {
							t.Errorf("String() = %q, want one line naming the rule", s)
						}
						if !slices.ContainsFunc(c.Violations(), func(x Violation) bool { return x == v }) {
							t.Errorf("Violations() = %v lacks %v", c.Violations(), v)
						}
						return
					case <-ctx.Done():
						t.Fatalf("no violation of %s %q reported; got %v", tt.rule, tt.text, c.Violations())
					}
				}
			})
		}
	}
}

// TestClientFollowsAdvice: with FollowAdvice a refused connect is handled
// as the CometD JavaScript client does; without it, it ends the loop.
func TestClientFollowsAdvice(t *testing.T) {
	tests := []struct {
		name   string
		follow bool
		error  string         // the refusal of the first connect
		advice map[string]any // and its advice
		// handshakes is how many sessions the client opens; 0 when the
		// loop ends instead, with an error wrapping the refusal.
		handshakes int
	}{
		{name: "handshake again", follow: true, error: "402::session_unknown", advice: map[string]any{"reconnect": "handshake", "interval": 0}, handshakes: 2},
		{name: "retry", follow: true, error: "500::busy", advice: map[string]any{"reconnect": "retry", "interval": 0}, handshakes: 1},
		{name: "none", follow: true, error: "500::busy", advice: map[string]any{"reconnect": "none", "interval": 0}},
		{name: "handshake, not followed", error: "402::session_unknown", advice: map[string]any{"reconnect": "handshake", "interval": 0}},
	}
	for _, tt := range tests {
		for _, transport := range []string{LongPolling, WebSocket} {
			t.Run(tt.name+"/"+transport, func(t *testing.T) {
				var refusedOnce sync.Once
				f := &fake{edit: func(m map[string]any, a []map[string]any) []map[string]any {
					refuse := false
					if m["channel"] == MetaConnect {
						refusedOnce.Do(func() { refuse = true })
					}
					if refuse {
						return refused(tt.error, tt.advice)(a)
					}
					return a
				}}
				url := newFake(t, f)
				c := &Client{URL: url, Transport: transport, FollowAdvice: tt.follow}
				t.Cleanup(func() { c.Close() })
				ctx := testContext(t)
				if err := c.Handshake(ctx); err != nil {
					t.Fatal(err)
				}
				if err := c.Subscribe(ctx, "/a", "/b/*"); err != nil {
					t.Fatal(err)
				}
				if tt.handshakes == 0 {
					select {
					case <-c.Done():
					case <-ctx.Done():
						t.Fatal("the connect loop still runs")
					}
					wantCode(t, c.Err(), ParseError(tt.error).Code)
					return
				}
				select {
				case <-f.held:
				case <-c.Done():
					t.Fatalf("the connect loop ended: %v", c.Err())
				case <-ctx.Done():
					t.Fatal("no connect after the refused one")
				}
				if got := c.Handshakes(); got != tt.handshakes {
					t.Errorf("Handshakes() = %d, want %d", got, tt.handshakes)
				}
				// The session the client holds now is subscribed to
				// the channels, whether the refusal came before the
				// client's Subscribe or after it.
				id := c.ClientID()
				if want := fmt.Sprintf("fake-%d", tt.handshakes); id != want {
					t.Errorf("ClientID() = %q, want %s", id, want)
				}
				f.mu.Lock()
				subscribed := slices.Clone(f.subscribed[id])
				f.mu.Unlock()
				if want := []string{"/a", "/b/*"}; !slices.Equal(subscribed, want) {
					t.Errorf("session %s subscribed to %v, want %v", id, subscribed, want)
				}
				if vs := c.Violations(); len(vs) > 0 {
					t.Errorf("violations %v", vs)
				}
			})
		}
	}
}

// TestClientEndsOnSuccessfulNone: a successful connect advising "none"
// ends the loop with ErrAdvisedNone, which is not ErrClosed: the caller
// learns that the server stopped it.
func TestClientEndsOnSuccessfulNone(t *testing.T) {
	f := &fake{edit: on(MetaConnect, with(replyOf, "advice", map[string]any{"reconnect": "none", "interval": 0}))}
	c := &Client{URL: newFake(t, f)}
	t.Cleanup(func() { c.Close() })
	ctx := testContext(t)
	if err := c.Handshake(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("the connect loop still runs")
	}
	if err := c.Err(); !errors.Is(err, ErrAdvisedNone) || errors.Is(err, ErrClosed) {
		t.Errorf("Err() = %v, want ErrAdvisedNone", err)
	}
}

// TestViolationsAreBounded: a server that breaks a rule on every exchange
// costs a bounded record; the rest are counted.
func TestViolationsAreBounded(t *testing.T) {
	c := &Client{}
	for i := range maxViolations + 7 {
		c.violate("C2", fmt.Sprint("broken ", i), []byte("[{\n\"id\": 1}]"))
	}
	vs := c.Violations()
	if len(vs) != maxViolations+1 || vs[0].Message != `[{"id":1}]` || !strings.Contains(vs[maxViolations].Text, "7 more") {
		t.Errorf("Violations() = %d, first %v, last %v", len(vs), vs[0], vs[len(vs)-1])
	}
}
