package bayeux

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// lp sends one long-polling request straight to the handler and returns a
// channel that yields its recorder when it is answered.
func lp(s *Server, ctx context.Context, user, body string) <-chan *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "http://gws.test/cometd", strings.NewReader(body))
	if user != "" {
		req.Header.Set("X-User", user)
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		done <- rec
	}()
	return done
}

// roundTrip sends a request that must be answered at once.
func roundTrip(t testing.TB, s *Server, user, body string) []Message {
	t.Helper()
	rec := <-lp(s, context.Background(), user, body)
	return decodeAnswer(t, rec)
}

func decodeAnswer(t testing.TB, rec *httptest.ResponseRecorder) []Message {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if rec.Body.Len() == 0 {
		return nil // a client that went away gets nothing
	}
	msgs, err := DecodeMessages(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("answer: %v\n%s", err, rec.Body)
	}
	return msgs
}

func deliveries(msgs []Message) []string {
	var out []string
	for _, m := range msgs {
		if !m.IsReply() {
			out = append(out, string(m.Data))
		}
	}
	return out
}

func connectReply(t testing.TB, msgs []Message) Message {
	t.Helper()
	for _, m := range msgs {
		if m.Channel == MetaConnect && m.IsReply() {
			return m
		}
	}
	t.Fatalf("no connect reply in %+v", msgs)
	return Message{}
}

func seq(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf(`{"n":%d}`, i))
	}
	return out
}

// openSession handshakes as user (ack extension when ack), subscribes to
// sub and makes the first connect, so that the next connect holds.
func openSession(t testing.TB, s *Server, user, sub string, ack bool) string {
	t.Helper()
	ext := ""
	if ack {
		ext = `,"ext":{"ack":true}`
	}
	r := roundTrip(t, s, user, `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]`+ext+`}]`)
	id := r[0].ClientID
	if id == "" {
		t.Fatalf("handshake: %+v", r)
	}
	roundTrip(t, s, user, subscribeReq(id, "2", `"`+sub+`"`))
	roundTrip(t, s, user, connectReq(id, "3"))
	return id
}

// TestExactlyOnceWhenPollsAreAbandoned races a client that gives up on its
// held connect against the message that releases it: whichever wins, every
// message arrives once and in order (without the ack extension the server
// puts back what it could not send).
func TestExactlyOnceWhenPollsAreAbandoned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testServer()
		defer s.Close()
		id := openSession(t, s, "alice", "/a", false)
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 300
		var got []string
		for i := 1; i <= n; i++ {
			ctx, cancel := context.WithCancel(context.Background())
			done := lp(s, ctx, "alice", connectReq(id, fmt.Sprint(i+10)))
			synctest.Wait()
			if rng.IntN(2) == 0 {
				cancel()
				s.Deliver("alice", "/a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
			} else {
				s.Deliver("alice", "/a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
				cancel()
			}
			got = append(got, deliveries(decodeAnswer(t, <-done))...)
		}
		got = append(got, deliveries(roundTrip(t, s, "alice", `[{"channel":"/meta/connect","clientId":"`+id+`","id":"x","advice":{"timeout":0}}]`))...)
		if strings.Join(got, " ") != strings.Join(seq(1, n), " ") {
			t.Errorf("got %v, want n 1..%d once each in order", got, n)
		}
	})
}

// TestAckResendsLostReplies drops connect replies at random: the ack
// extension sends again what was not acknowledged, so the client sees every
// message exactly once and in order.
func TestAckResendsLostReplies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testServer()
		defer s.Close()
		id := openSession(t, s, "alice", "/a", true)
		rng := rand.New(rand.NewPCG(3, 4))
		const n = 200
		var got []string
		next, batch, lost := 1, int64(0), 0
		for k := 0; len(got) < n; k++ {
			if k > 10*n {
				t.Fatalf("no progress: got %d of %d", len(got), n)
			}
			for range rng.IntN(3) {
				if next <= n {
					s.Deliver("alice", "/a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, next)))
					next++
				}
			}
			done := lp(s, context.Background(), "alice", ackConnectReq(id, fmt.Sprint(k+10), int(batch)))
			synctest.Wait()
			var rec *httptest.ResponseRecorder
			select {
			case rec = <-done:
			default: // held: a message or the timeout releases it
				if next <= n {
					s.Deliver("alice", "/a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, next)))
					next++
				} else {
					time.Sleep(s.timeout()) // fake clock
				}
				rec = <-done
			}
			msgs := decodeAnswer(t, rec)
			if rng.IntN(3) == 0 {
				lost++
				continue // the reply is lost on the way: not seen, not acknowledged
			}
			got = append(got, deliveries(msgs)...)
			r := connectReply(t, msgs)
			if a, ok := r.Ext["ack"].(float64); ok {
				batch = int64(a)
			} else {
				t.Fatalf("connect reply without ext.ack: %+v", r)
			}
		}
		if lost == 0 {
			t.Fatal("no reply was lost; the test proves nothing")
		}
		if strings.Join(got, " ") != strings.Join(seq(1, n), " ") {
			t.Errorf("got %v, want n 1..%d once each in order", got, n)
		}
	})
}

// TestSweep checks the sweep rule with an injected clock: a session is
// swept when no connect has been held or answered for longer than
// MaxInterval, never while a connect is held.
func TestSweep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		var mu sync.Mutex
		now := t0
		setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
		s := testServer()
		s.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		defer s.Close()

		idle := openSession(t, s, "alice", "/a", false) // last connect answered at t0
		busy := openSession(t, s, "bob", "/a", false)
		held := lp(s, context.Background(), "bob", connectReq(busy, "4"))
		synctest.Wait()

		if got := s.sweep(t0.Add(DefaultMaxInterval)); got != 0 {
			t.Fatalf("sweep at MaxInterval removed %d, want 0", got)
		}
		if got := s.sweep(t0.Add(DefaultMaxInterval + time.Millisecond)); got != 1 {
			t.Fatalf("sweep after MaxInterval removed %d, want 1 (the idle one)", got)
		}
		wantReply(t, roundTrip(t, s, "alice", connectReq(idle, "5")), MetaConnect, "402::session_unknown")

		// The held connect ends at t1; the clock restarts from there.
		t1 := t0.Add(time.Hour)
		setNow(t1)
		s.Deliver("bob", "/a", json.RawMessage(`{"n":1}`))
		if got := deliveries(decodeAnswer(t, <-held)); len(got) != 1 {
			t.Fatalf("held connect got %v", got)
		}
		if got := s.sweep(t1.Add(DefaultMaxInterval)); got != 0 {
			t.Fatalf("sweep right after the poll ended removed %d, want 0", got)
		}
		if got := s.sweep(t1.Add(DefaultMaxInterval + time.Millisecond)); got != 1 {
			t.Fatalf("sweep removed %d, want 1", got)
		}
		if got := s.Sessions(); got != 0 {
			t.Errorf("Sessions() = %d, want 0", got)
		}
	})
}

// TestSweeperRuns checks that the background sweeper removes a dead session
// on its own, on the bubble's fake clock.
func TestSweeperRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testServer()
		defer s.Close()
		openSession(t, s, "alice", "/a", false)
		time.Sleep(DefaultMaxInterval) // fake clock
		synctest.Wait()
		if got := s.Sessions(); got != 1 {
			t.Fatalf("Sessions() after MaxInterval = %d, want 1", got)
		}
		time.Sleep(DefaultMaxInterval / 2)
		synctest.Wait()
		if got := s.Sessions(); got != 0 {
			t.Fatalf("Sessions() after 1.5 MaxInterval = %d, want 0", got)
		}
	})
}

func TestCloseEndsSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testServer()
		id := openSession(t, s, "alice", "/a", false)
		done := lp(s, context.Background(), "alice", connectReq(id, "4"))
		synctest.Wait()
		s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`)) // releases it
		done2 := lp(s, context.Background(), "alice", connectReq(id, "5"))
		synctest.Wait()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		decodeAnswer(t, <-done)
		wantReply(t, decodeAnswer(t, <-done2), MetaConnect, "")
		if got := s.Sessions(); got != 0 {
			t.Errorf("Sessions() after Close = %d, want 0", got)
		}
		wantReply(t, roundTrip(t, s, "alice", connectReq(id, "6")), MetaConnect, "402::session_unknown")
		wantReply(t, roundTrip(t, s, "alice", handshakeReq("7")), MetaHandshake, "503::Server closing")
	})
}

func TestMethodsAndPaths(t *testing.T) {
	s := testServer()
	t.Cleanup(func() { s.Close() })
	tests := []struct {
		name, method, path, contentType string
		want                            int
	}{
		{"POST bare path, no content type", http.MethodPost, "/cometd", "", http.StatusOK},
		{"POST sub-path", http.MethodPost, "/cometd/handshake", "", http.StatusOK},
		{"POST form content type", http.MethodPost, "/cometd/", "application/x-www-form-urlencoded", http.StatusOK},
		{"GET without upgrade", http.MethodGet, "/cometd", "", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://gws.test"+tt.path, strings.NewReader(handshakeReq("1")))
			req.Header.Set("X-User", "alice")
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if res := rec.Result(); res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
}

func TestDeliverInvalidJSON(t *testing.T) {
	s := testServer()
	t.Cleanup(func() { s.Close() })
	openSession(t, s, "alice", "/a", false)
	if n := s.Deliver("alice", "/a", json.RawMessage(`{"x":`)); n != 0 {
		t.Errorf("Deliver(invalid) = %d, want 0", n)
	}
	if n := s.Deliver("alice", "/a", json.RawMessage(` {"x" : 1} `)); n != 1 {
		t.Errorf("Deliver(valid) = %d, want 1", n)
	}
}

func TestBroadcastSkipsServiceChannels(t *testing.T) {
	s := testServer()
	t.Cleanup(func() { s.Close() })
	openSession(t, s, "alice", "/service/**", false)
	openSession(t, s, "bob", "/chat/**", false)
	if n := s.Broadcast("/service/x", json.RawMessage(`1`)); n != 0 {
		t.Errorf("Broadcast(/service/x) = %d, want 0", n)
	}
	if n := s.Broadcast("/chat/room", json.RawMessage(`1`)); n != 1 {
		t.Errorf("Broadcast(/chat/room) = %d, want 1", n)
	}
}

// BenchmarkDeliverToHeldConnects measures one message to 1,000 sessions
// whose connects are held: queueing, release and the written reply.
func BenchmarkDeliverToHeldConnects(b *testing.B) {
	const sessions = 1000
	s := &Server{Timeout: time.Hour}
	defer s.Close()
	ids := make([]string, sessions)
	for i := range ids {
		r := roundTrip(b, s, "", handshakeReq("1"))
		ids[i] = r[0].ClientID
		roundTrip(b, s, "", subscribeReq(ids[i], "2", `"/v2/me/**"`))
		roundTrip(b, s, "", connectReq(ids[i], "3"))
	}
	data := json.RawMessage(`{"messageTypeName":"EventInteractionUpdated","interaction":{"id":"00009a8T8Y130123","state":"Processing"}}`)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		done := make([]<-chan *httptest.ResponseRecorder, sessions)
		for i, id := range ids {
			done[i] = lp(s, context.Background(), "", connectReq(id, "4"))
		}
		for _, id := range ids {
			for !heldConnect(s, id) {
				runtime.Gosched() // setup, outside the timer
			}
		}
		b.StartTimer()
		s.Deliver("", "/v2/me/interactions", data)
		for _, d := range done {
			<-d
		}
	}
}

func heldConnect(s *Server, clientID string) bool {
	return inSession(s, clientID, func(ss *session) bool { return ss.held != nil })
}
