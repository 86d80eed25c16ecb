package bayeux

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// serve starts s on a real listener; s is closed before the listener.
func serve(t testing.TB, s *Server) string {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { s.Close() })
	return ts.URL + "/cometd"
}

func newClient(t testing.TB, url, user, transport string, ack bool) *Client {
	t.Helper()
	c := &Client{URL: url, Transport: transport, Ack: ack, Header: http.Header{}}
	if user != "" {
		c.Header.Set("X-User", user)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testContext bounds a test's waits by safetyNet: a hang fails the test,
// a slow machine does not.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), safetyNet)
	t.Cleanup(cancel)
	return ctx
}

// receiveN reads n messages from c, with the test's deadline.
func receiveN(t testing.TB, ctx context.Context, c *Client, n int) []string {
	t.Helper()
	var got []string
	for range n {
		m, err := c.Receive(ctx)
		if err != nil {
			t.Fatalf("client %s: after %v: %v", c.ClientID(), got, err)
		}
		got = append(got, string(m.Data))
	}
	return got
}

func wantCode(t testing.TB, err error, code int) {
	t.Helper()
	var be *Error
	if !errors.As(err, &be) || be.Code != code {
		t.Errorf("error %v, want a Bayeux error with code %d", err, code)
	}
}

func TestClient(t *testing.T) {
	for _, transport := range []string{LongPolling, WebSocket} {
		for _, ack := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s ack=%v", transport, ack), func(t *testing.T) {
				s := testServer()
				var published []string
				var mu sync.Mutex
				s.OnPublish = func(p string, m *Message) { mu.Lock(); published = append(published, p+" "+m.Channel); mu.Unlock() }
				url := serve(t, s)
				ctx := testContext(t)

				denied := newClient(t, url, "", transport, ack)
				wantCode(t, denied.Handshake(ctx), 403)

				c := newClient(t, url, "alice", transport, ack)
				if err := c.Handshake(ctx); err != nil {
					t.Fatal(err)
				}
				if err := c.Subscribe(ctx, "/v2/me/*", "/v2/me/**"); err != nil {
					t.Fatal(err)
				}
				wantCode(t, c.Subscribe(ctx, "/private/x"), 403)
				wantCode(t, c.Publish(ctx, "/v2/me/interactions", json.RawMessage(`{}`)), 403)
				if err := c.Unsubscribe(ctx, "/v2/me/*"); err != nil {
					t.Fatal(err)
				}
				if err := c.Subscribe(ctx, "/v2/me/interactions"); err != nil {
					t.Fatal(err)
				}
				if err := c.Publish(ctx, "/service/echo", json.RawMessage(`{"x":1}`)); err != nil {
					t.Fatal(err)
				}
				const n = 50
				for i := 1; i <= n; i++ {
					s.Deliver("alice", "/v2/me/interactions", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
				}
				if got := receiveN(t, ctx, c, n); strings.Join(got, " ") != strings.Join(seq(1, n), " ") {
					t.Errorf("got %v", got)
				}
				mu.Lock()
				if strings.Join(published, ",") != "alice /service/echo" {
					t.Errorf("published %v", published)
				}
				mu.Unlock()
				if err := c.Disconnect(ctx); err != nil {
					t.Fatal(err)
				}
				if !errors.Is(c.Err(), ErrClosed) {
					t.Errorf("Err() after Disconnect = %v, want ErrClosed", c.Err())
				}
				if got := s.Sessions(); got != 0 {
					t.Errorf("Sessions() after Disconnect = %d, want 0", got)
				}
				// A session the server forgot: 402 with handshake advice.
				gone := &Client{URL: url, Transport: transport, Header: http.Header{"X-User": {"alice"}}}
				t.Cleanup(func() { gone.Close() })
				if err := gone.Handshake(ctx); err != nil {
					t.Fatal(err)
				}
				s.Close()
				<-gone.Done()
				// This package's server breaks none of the rules the client
				// checks (docs/bayeux.md), on either transport, with or
				// without ack.
				for _, x := range []*Client{denied, c, gone} {
					if vs := x.Violations(); len(vs) > 0 {
						t.Errorf("the server was reported: %v", vs)
					}
				}
			})
		}
	}
}

// TestClientLearnsSessionEnd: when the server forgets the session, the
// client's connect loop ends with 402::session_unknown.
func TestClientLearnsSessionEnd(t *testing.T) {
	for _, transport := range []string{LongPolling, WebSocket} {
		t.Run(transport, func(t *testing.T) {
			s := testServer()
			ts := httptest.NewServer(s)
			t.Cleanup(ts.Close)
			ctx := testContext(t)
			c := newClient(t, ts.URL, "alice", transport, false)
			if err := c.Handshake(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
			select {
			case <-c.Done():
			case <-ctx.Done():
				t.Fatal("connect loop still runs after the server closed")
			}
			if transport == LongPolling {
				wantCode(t, c.Err(), 402)
			} else if c.Err() == nil {
				t.Error("Err() = nil after the socket closed")
			}
		})
	}
}

// TestWebSocketPushesAtOnce: on a WebSocket without the ack extension a
// message is pushed while the connect stays held (Timeout is an hour).
func TestWebSocketPushesAtOnce(t *testing.T) {
	s := testServer()
	s.Timeout = time.Hour
	url := serve(t, s)
	ctx := testContext(t)
	c := newClient(t, url, "alice", WebSocket, false)
	if err := c.Handshake(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Subscribe(ctx, "/a"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		s.Deliver("alice", "/a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
		if got := receiveN(t, ctx, c, 1); got[0] != fmt.Sprintf(`{"n":%d}`, i) {
			t.Fatalf("got %v", got)
		}
	}
}

// TestWebSocketHeartbeat: with a short Timeout the connect is answered
// again and again on the socket while messages keep flowing.
func TestWebSocketHeartbeat(t *testing.T) {
	for _, ack := range []bool{false, true} {
		t.Run(fmt.Sprint("ack=", ack), func(t *testing.T) {
			s := testServer()
			s.Timeout = 5 * time.Millisecond
			url := serve(t, s)
			ctx := testContext(t)
			c := newClient(t, url, "alice", WebSocket, ack)
			if err := c.Handshake(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Subscribe(ctx, "/a"); err != nil {
				t.Fatal(err)
			}
			const n = 100
			go func() {
				for i := 1; i <= n; i++ {
					s.Deliver("alice", "/a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
				}
			}()
			if got := receiveN(t, ctx, c, n); strings.Join(got, " ") != strings.Join(seq(1, n), " ") {
				t.Errorf("got %v", got)
			}
		})
	}
}

// TestManySessions runs 200 long-polling sessions of 50 principals and
// delivers 30 messages to each principal concurrently: every session gets
// its principal's messages, once each, in order, and nothing else.
func TestManySessions(t *testing.T) {
	const principals, perPrincipal, msgs = 50, 4, 30
	s := testServer()
	url := serve(t, s)
	ctx := testContext(t)
	clients := make(map[string][]*Client)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for p := range principals {
		user := fmt.Sprintf("user%d", p)
		for k := range perPrincipal {
			transport := LongPolling
			if k == perPrincipal-1 {
				transport = WebSocket
			}
			c := newClient(t, url, user, transport, k%2 == 1)
			wg.Go(func() {
				if err := c.Handshake(ctx); err != nil {
					t.Error(err)
					return
				}
				if err := c.Subscribe(ctx, "/v2/me/**"); err != nil {
					t.Error(err)
				}
			})
			mu.Lock()
			clients[user] = append(clients[user], c)
			mu.Unlock()
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if got := s.Sessions(); got != principals*perPrincipal {
		t.Fatalf("Sessions() = %d, want %d", got, principals*perPrincipal)
	}
	for user := range clients {
		wg.Go(func() {
			for i := 1; i <= msgs; i++ {
				s.Deliver(user, "/v2/me/interactions", json.RawMessage(fmt.Sprintf(`{"user":%q,"n":%d}`, user, i)))
			}
		})
	}
	for user, cs := range clients {
		var want []string
		for i := 1; i <= msgs; i++ {
			want = append(want, fmt.Sprintf(`{"user":%q,"n":%d}`, user, i))
		}
		for _, c := range cs {
			wg.Go(func() {
				got := receiveN(t, ctx, c, msgs)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s session %s got %v", user, c.ClientID(), got)
				}
			})
		}
	}
	wg.Wait()
}

// TestPrincipalIsolation: a message delivered to alice never reaches a
// session of bob, even one subscribed to /**.
func TestPrincipalIsolation(t *testing.T) {
	s := testServer()
	url := serve(t, s)
	ctx := testContext(t)
	var alice, bob []*Client
	for i, transport := range []string{LongPolling, WebSocket} {
		for _, p := range []struct {
			user string
			list *[]*Client
		}{{"alice", &alice}, {"bob", &bob}} {
			c := newClient(t, url, p.user, transport, i == 1)
			if err := c.Handshake(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Subscribe(ctx, "/**"); err != nil {
				t.Fatal(err)
			}
			*p.list = append(*p.list, c)
		}
	}
	s.Deliver("alice", "/v2/me/interactions", json.RawMessage(`"for alice"`))
	s.Deliver("bob", "/v2/me/interactions", json.RawMessage(`"for bob"`))
	// Order is kept per session, so had bob's sessions got alice's message
	// it would come first.
	for _, c := range bob {
		if got := receiveN(t, ctx, c, 1); got[0] != `"for bob"` {
			t.Errorf("bob got %v", got)
		}
	}
	for _, c := range alice {
		if got := receiveN(t, ctx, c, 1); got[0] != `"for alice"` {
			t.Errorf("alice got %v", got)
		}
	}
}

// wsExchange sends one frame and reads one frame.
func wsExchange(t testing.TB, ctx context.Context, conn *websocket.Conn, body string) []Message {
	t.Helper()
	if err := conn.Write(ctx, websocket.MessageText, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return wsRead(t, ctx, conn)
}

func wsRead(t testing.TB, ctx context.Context, conn *websocket.Conn) []Message {
	t.Helper()
	_, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := DecodeMessages(data)
	if err != nil {
		t.Fatalf("frame %s: %v", data, err)
	}
	if data[0] != '[' {
		t.Errorf("frame is not an array: %s", data)
	}
	return msgs
}

func wsDial(t testing.TB, ctx context.Context, url, user string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	if user != "" {
		h.Set("X-User", user)
	}
	conn, _, err := websocket.Dial(ctx, strings.Replace(url, "http://", "ws://", 1), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

// TestWebSocketFrames speaks raw frames: replies are arrays that echo ids,
// the first connect is answered at once, a message is pushed while the
// next connect is held, another user's socket cannot use the clientId, and
// a frame that is not JSON closes the socket.
func TestWebSocketFrames(t *testing.T) {
	s := testServer()
	url := serve(t, s)
	ctx := testContext(t)
	conn := wsDial(t, ctx, url, "alice")

	r := wsExchange(t, ctx, conn, `{"channel":"/meta/handshake","id":"h1","version":"1.0","supportedConnectionTypes":["websocket"]}`)
	wantReply(t, r, MetaHandshake, "")
	id := r[0].ClientID
	if r[0].ID != "h1" {
		t.Errorf("handshake reply id %q, want h1", r[0].ID)
	}
	wantReply(t, wsExchange(t, ctx, conn, `[{"channel":"/meta/subscribe","clientId":"`+id+`","id":"s1","subscription":"/a"}]`), MetaSubscribe, "")
	r = wsExchange(t, ctx, conn, `[{"channel":"/meta/connect","clientId":"`+id+`","id":"c1","connectionType":"websocket"}]`)
	if got := connectReply(t, r); got.ID != "c1" || !got.OK() {
		t.Errorf("first connect reply %+v", got)
	}
	// The second connect is held; the message comes alone, before its reply.
	if err := conn.Write(ctx, websocket.MessageText, []byte(`[{"channel":"/meta/connect","clientId":"`+id+`","id":"c2","connectionType":"websocket"}]`)); err != nil {
		t.Fatal(err)
	}
	s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
	r = wsRead(t, ctx, conn)
	if len(r) != 1 || r[0].IsReply() || string(r[0].Data) != `{"n":1}` {
		t.Errorf("pushed frame %+v, want the message alone", r)
	}

	// Faye's keep-alive, an empty array, is ignored.
	if err := conn.Write(ctx, websocket.MessageText, []byte(`[]`)); err != nil {
		t.Fatal(err)
	}

	bob := wsDial(t, ctx, url, "bob")
	wantReply(t, wsExchange(t, ctx, bob, `[{"channel":"/meta/subscribe","clientId":"`+id+`","id":"s2","subscription":"/**"}]`), MetaSubscribe, "402::session_unknown")

	r = wsExchange(t, ctx, conn, `[{"channel":"/meta/disconnect","clientId":"`+id+`","id":"d1"}]`)
	// The held connect is released by the disconnect: both replies come, in
	// either order.
	all := append(r, wsRead(t, ctx, conn)...)
	wantReply(t, all, MetaDisconnect, "")
	if got := connectReply(t, all); got.ID != "c2" || !got.OK() || got.Advice.Reconnect != ReconnectNone {
		t.Errorf("held connect reply %+v", got)
	}

	bad := wsDial(t, ctx, url, "alice")
	if err := bad.Write(ctx, websocket.MessageText, []byte(`hello`)); err != nil {
		t.Fatal(err)
	}
	_, _, err := bad.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusInvalidFramePayloadData {
		t.Errorf("close status %v (%v), want %v", got, err, websocket.StatusInvalidFramePayloadData)
	}
}
