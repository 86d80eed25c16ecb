package bayeux

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func handshakeAs(t testing.TB, s *Server, user string) Message {
	t.Helper()
	r := roundTrip(t, s, user, `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]}]`)
	if len(r) != 1 {
		t.Fatalf("handshake answer: %+v", r)
	}
	return r[0]
}

// TestSessionsPerPrincipalAreCapped: one user cannot open more than
// MaxSessionsPerPrincipal sessions; the refusal is a Bayeux error telling the
// client not to retry, other users are not affected, and a session that
// ends makes room again.
func TestSessionsPerPrincipalAreCapped(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		opens  int // alice's handshakes
		wantOK int
	}{
		{"under the limit", 3, 2, 2},
		{"at the limit", 3, 3, 3},
		{"over the limit", 3, 5, 3},
		{"default limit", 0, DefaultMaxSessionsPerPrincipal + 2, DefaultMaxSessionsPerPrincipal},
		{"no limit", -1, DefaultMaxSessionsPerPrincipal + 2, DefaultMaxSessionsPerPrincipal + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testServer()
			s.MaxSessionsPerPrincipal = tt.limit
			defer s.Close()
			ok := 0
			var ids []string
			for range tt.opens {
				m := handshakeAs(t, s, "alice")
				if m.OK() {
					ok++
					ids = append(ids, m.ClientID)
					continue
				}
				if !strings.HasPrefix(m.Error, "403::Too many sessions for this user") || m.ClientID != "" {
					t.Fatalf("refusal = %+v", m)
				}
				if m.Advice == nil || m.Advice.Reconnect != ReconnectNone {
					t.Fatalf("refusal advice = %+v, want reconnect none", m.Advice)
				}
			}
			if ok != tt.wantOK || s.Sessions() != tt.wantOK || s.SessionsOf("alice") != tt.wantOK {
				t.Fatalf("%d handshakes succeeded, %d sessions, %d of alice's; want %d", ok, s.Sessions(), s.SessionsOf("alice"), tt.wantOK)
			}
			if m := handshakeAs(t, s, "bob"); !m.OK() {
				t.Fatalf("bob is refused because of alice: %+v", m)
			}
			if got := s.SessionsOf("bob"); got != 1 {
				t.Fatalf("bob has %d sessions, want 1", got)
			}
			// Ending one of alice's sessions makes room for one more.
			roundTrip(t, s, "alice", `[{"channel":"/meta/disconnect","clientId":"`+ids[0]+`","id":"9"}]`)
			if got := s.SessionsOf("alice"); got != tt.wantOK-1 {
				t.Fatalf("after a disconnect alice has %d sessions, want %d", got, tt.wantOK-1)
			}
			if m := handshakeAs(t, s, "alice"); !m.OK() {
				t.Fatalf("alice is refused after a disconnect: %+v", m)
			}
		})
	}
}

// TestAnonymousSessionsAreNotCapped: without authentication every session
// is the principal "", which the cap does not count.
func TestAnonymousSessionsAreNotCapped(t *testing.T) {
	s := &Server{MaxSessionsPerPrincipal: 2}
	defer s.Close()
	for i := range 5 {
		if m := handshakeAs(t, s, ""); !m.OK() {
			t.Fatalf("anonymous handshake %d refused: %+v", i, m)
		}
	}
}

// TestQueueBytesAreBounded: a session whose queued messages would exceed
// MaxQueueBytes is dropped like one that exceeds MaxQueue, and is told to
// handshake again.
func TestQueueBytesAreBounded(t *testing.T) {
	s := testServer()
	s.MaxQueueBytes = 1000
	defer s.Close()
	id := openSession(t, s, "alice", "/a", false)
	msg := json.RawMessage(`"` + strings.Repeat("x", 300) + `"`)
	for i := range 3 {
		if n := s.Deliver("alice", "/a", msg); n != 1 {
			t.Fatalf("message %d reached %d sessions", i+1, n)
		}
	}
	if n := s.Deliver("alice", "/a", msg); n != 0 || s.Sessions() != 0 {
		t.Fatalf("the fourth message was queued (%d) or the session kept (%d)", n, s.Sessions())
	}
	r := connectReply(t, roundTrip(t, s, "alice", connectReq(id, "5")))
	if r.Error != "402::session_unknown" || r.Advice == nil || r.Advice.Reconnect != ReconnectHandshake {
		t.Fatalf("connect after the drop = %+v", r)
	}
}

// TestABigMessageAloneIsQueued: a message larger than MaxQueueBytes still
// reaches a session whose queue is empty.
func TestABigMessageAloneIsQueued(t *testing.T) {
	s := testServer()
	s.MaxQueueBytes = 100
	defer s.Close()
	id := openSession(t, s, "alice", "/a", false)
	big := json.RawMessage(`"` + strings.Repeat("x", 500) + `"`)
	if n := s.Deliver("alice", "/a", big); n != 1 {
		t.Fatalf("the big message reached %d sessions", n)
	}
	got := deliveries(roundTrip(t, s, "alice", connectReq(id, "5")))
	if len(got) != 1 || got[0] != string(big) {
		t.Fatalf("deliveries = %.60v", got)
	}
}

// TestConsumerThatNeverPollsStaysBounded: a client that subscribes and then
// never polls again gets at most MaxQueue messages queued; then it is
// dropped, and what is delivered afterwards costs it nothing, so the
// server's memory does not grow with the messages sent.
func TestConsumerThatNeverPollsStaysBounded(t *testing.T) {
	s := testServer()
	s.MaxQueue = 100
	defer s.Close()
	openSession(t, s, "alice", "/a", false)
	payload := json.RawMessage(`"` + strings.Repeat("x", 1024) + `"`)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	queued := 0
	const sent = 20000 // 20 MiB in all
	for range sent {
		queued += s.Deliver("alice", "/a", payload)
		if s.Sessions() == 1 {
			s.mu.RLock()
			ss := s.byPrincipal["alice"][0]
			s.mu.RUnlock()
			ss.mu.Lock()
			n := len(ss.queue)
			ss.mu.Unlock()
			if n > s.MaxQueue {
				t.Fatalf("queue holds %d messages, over MaxQueue %d", n, s.MaxQueue)
			}
		}
	}
	after := heap()
	if queued != s.MaxQueue || s.Sessions() != 0 {
		t.Fatalf("queued %d messages, %d sessions left; want %d queued and the session dropped", queued, s.Sessions(), s.MaxQueue)
	}
	const slack = 4 << 20 // far below the 20 MiB sent
	if after > before+slack {
		t.Fatalf("heap grew from %d to %d bytes after sending %d messages to a consumer that never polls", before, after, sent)
	}
	t.Logf("heap %d -> %d bytes after %d messages of %d bytes", before, after, sent, len(payload))
}

// TestHoldOutlastsServerTimeouts: a connect may be held longer than the
// http.Server's ReadTimeout and WriteTimeout (whose background read would
// cancel the request), because the handler sets its own deadlines.
func TestHoldOutlastsServerTimeouts(t *testing.T) {
	if testing.Short() {
		t.Skip("holds a connect for real time")
	}
	s := testServer()
	// The server's timeouts must let an ordinary request through on a busy
	// machine; the hold is well beyond them.
	s.Timeout = 3 * time.Second
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ReadTimeout = time.Second
	ts.Config.WriteTimeout = time.Second
	ts.Start()
	defer ts.Close()
	defer s.Close()
	post := func(body string) []Message {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), "POST", ts.URL+"/connect", strings.NewReader(body))
		req.Header.Set("X-User", "alice")
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("post: %v", err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		msgs, err := DecodeMessages(b)
		if err != nil {
			t.Fatalf("answer %q: %v", b, err)
		}
		return msgs
	}
	id := post(`[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]}]`)[0].ClientID
	post(connectReq(id, "2")) // the first connect is answered at once
	start := time.Now()
	r := connectReply(t, post(connectReq(id, "3")))
	if !r.OK() || r.ID != "3" {
		t.Fatalf("held connect answered %+v", r)
	}
	if held := time.Since(start); held < s.Timeout {
		t.Fatalf("connect answered after %v, before its hold of %v ran out", held, s.Timeout)
	}
}

func ExampleServer_MaxSessionsPerPrincipal() {
	s := &Server{
		Authenticate:            func(r *http.Request, m *Message) (string, error) { return "alice", nil },
		MaxSessionsPerPrincipal: 1,
	}
	defer s.Close()
	hs := `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]}]`
	for range 2 {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", "/cometd", strings.NewReader(hs)))
		msgs, _ := DecodeMessages(rec.Body.Bytes())
		fmt.Printf("successful:%v error:%q\n", msgs[0].OK(), msgs[0].Error)
	}
	// Output:
	// successful:true error:""
	// successful:false error:"403::Too many sessions for this user (1); disconnect one first"
}

// TestIdleWebSocketUpgradeIsClosed: a WebSocket that sends no handshake
// within WebSocketHandshakeTimeout is closed with a policy-violation status,
// so that idle upgrades cannot hold descriptors for ever.
func TestIdleWebSocketUpgradeIsClosed(t *testing.T) {
	s := testServer()
	s.WebSocketHandshakeTimeout = 50 * time.Millisecond
	url := serve(t, s)
	ctx := testContext(t) // a safety net: the close comes after 50 ms
	conn := wsDial(t, ctx, url, "")
	_, _, err := conn.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
		t.Fatalf("idle socket: read error %v (status %v), want a close with status %v", err, got, websocket.StatusPolicyViolation)
	}
}

// TestUnhandshakenWebSocketsAreCapped: at most MaxPendingWebSockets
// sockets may wait for their handshake at once; a further upgrade is refused
// 503 with a text saying why, and a socket that handshakes makes room.
func TestUnhandshakenWebSocketsAreCapped(t *testing.T) {
	s := testServer()
	s.MaxPendingWebSockets = 2
	s.WebSocketHandshakeTimeout = time.Hour // only the cap is under test
	url := serve(t, s)
	ctx := testContext(t)
	first := wsDial(t, ctx, url, "alice")
	wsDial(t, ctx, url, "alice")

	refused := func() {
		t.Helper()
		_, res, err := websocket.Dial(ctx, strings.Replace(url, "http://", "ws://", 1), nil)
		if err == nil {
			t.Fatal("upgrade over the cap accepted")
		}
		if res == nil || res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("upgrade over the cap: %v, response %+v; want 503", err, res)
		}
		body, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(body), "handshake") {
			t.Errorf("refusal text %q does not say why", body)
		}
	}
	refused()

	r := wsExchange(t, ctx, first, `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["websocket"]}]`)
	if !r[0].OK() {
		t.Fatalf("handshake: %+v", r)
	}
	wsDial(t, ctx, url, "alice") // the handshaken socket no longer counts
	refused()
}

// safetyNet bounds a wait for something that must happen: reaching it is a
// failure (a hang), never a measure of speed, so it is generous enough for
// the race detector on a busy machine.
const safetyNet = 2 * time.Minute

func channels(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf(`"/c/%d"`, i)
	}
	return "[" + strings.Join(names, ",") + "]"
}

// TestSubscribeWithTwentyThousandChannelsIsRefused: a session holds at most
// MaxSubscriptionsPerSession subscriptions. A subscribe over it is refused
// whole, before any channel is checked, and duplicates count once.
func TestSubscribeWithTwentyThousandChannelsIsRefused(t *testing.T) {
	tests := []struct {
		name    string
		limit   int
		first   string // subscription of a first, accepted subscribe
		sub     string
		wantErr string
		wantN   int // subscriptions held afterwards
	}{
		{"twenty thousand at once", 0, "", channels(20000), "403::too many subscriptions (max 1000)", 0},
		{"at the limit", 3, "", `["/a","/b","/c"]`, "", 3},
		{"duplicates count once", 3, "", `["/a","/b","/c","/a","/c"]`, "", 3},
		{"over the limit at once", 3, "", `["/a","/b","/c","/d"]`, "403::too many subscriptions (max 3)", 0},
		{"over the limit with those held", 3, `["/a","/b"]`, `["/b","/c","/d"]`, "403::too many subscriptions (max 3)", 2},
		{"resubscribing what is held", 3, `["/a","/b","/c"]`, `["/a","/b","/c"]`, "", 3},
		{"no limit", -1, "", channels(20000), "", 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testServer()
			s.MaxSubscriptionsPerSession = tt.limit
			var checked atomic.Int64
			can := s.CanSubscribe
			s.CanSubscribe = func(principal, channel string) bool { checked.Add(1); return can(principal, channel) }
			defer s.Close()
			id := handshakeAs(t, s, "alice").ClientID
			if tt.first != "" {
				wantReply(t, roundTrip(t, s, "alice", subscribeReq(id, "2", tt.first)), MetaSubscribe, "")
			}
			checked.Store(0)
			wantReply(t, roundTrip(t, s, "alice", subscribeReq(id, "3", tt.sub)), MetaSubscribe, tt.wantErr)
			if tt.wantErr != "" && tt.first == "" && checked.Load() != 0 {
				t.Errorf("CanSubscribe called %d times for a refused subscribe, want 0", checked.Load())
			}
			s.mu.RLock()
			ss := s.sessions[id]
			s.mu.RUnlock()
			ss.mu.Lock()
			n := len(ss.subs)
			ss.mu.Unlock()
			if n != tt.wantN {
				t.Errorf("session holds %d subscriptions, want %d", n, tt.wantN)
			}
		})
	}
}

// TestSubscribeDoesNotHoldUpOtherSessions: while one session's lock is held
// (a subscribe parked in the middle of its work), delivery to that session
// waits for it, but delivery to another session, a handshake and the
// sweeper go on: nothing holds the server's lock while it waits for one
// session's.
func TestSubscribeDoesNotHoldUpOtherSessions(t *testing.T) {
	s := testServer()
	defer s.Close()
	aliceID := openSession(t, s, "alice", "/a", false)
	bobID := openSession(t, s, "bob", "/a", false)
	s.mu.RLock()
	alice := s.sessions[aliceID]
	s.mu.RUnlock()

	alice.mu.Lock() // alice's subscribe, parked with her session's lock held
	parked := true
	defer func() {
		if parked {
			alice.mu.Unlock()
		}
	}()
	toAlice := make(chan int, 1)
	go func() { toAlice <- s.Deliver("alice", "/a", json.RawMessage(`"for alice"`)) }()
	swept := make(chan int, 1)
	go func() { swept <- s.sweep(s.now()) }()
	// Wait until the sweep is over, or holds or waits for the server's lock
	// (where it would stop everyone behind alice's session).
	for waiting := true; waiting; {
		select {
		case <-swept:
			waiting = false
		default:
			if s.mu.TryRLock() {
				s.mu.RUnlock()
				runtime.Gosched()
			} else {
				waiting = false
			}
		}
	}

	toBob := make(chan int, 1)
	go func() { toBob <- s.Deliver("bob", "/a", json.RawMessage(`"for bob"`)) }()
	select {
	case n := <-toBob:
		if n != 1 {
			t.Errorf("delivery to bob reached %d sessions, want 1", n)
		}
	case <-time.After(safetyNet):
		t.Fatal("delivery to bob waits for alice's session")
	}
	if got := deliveries(roundTrip(t, s, "bob", connectReq(bobID, "4"))); len(got) != 1 || got[0] != `"for bob"` {
		t.Errorf("bob got %v", got)
	}
	if m := handshakeAs(t, s, "carol"); !m.OK() {
		t.Errorf("carol's handshake: %+v", m)
	}

	alice.mu.Unlock()
	parked = false
	if n := <-toAlice; n != 1 {
		t.Errorf("delivery to alice reached %d sessions, want 1", n)
	}
	if got := deliveries(roundTrip(t, s, "alice", connectReq(aliceID, "4"))); len(got) != 1 || got[0] != `"for alice"` {
		t.Errorf("alice got %v", got)
	}
}
