package bayeux

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/wait"
)

// serveListener serves s by an http.Server on a Listener, as the mock
// does, with mw in front of it (nil: none), and returns the address.
func serveListener(t testing.TB, s *Server, mw func(http.Handler) http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bl := NewListener(ln)
	var h http.Handler = s
	if mw != nil {
		h = mw(s)
	}
	hs := &http.Server{Handler: h, ConnContext: bl.ConnContext}
	go hs.Serve(bl)
	t.Cleanup(func() { hs.Close() })
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// rawClient speaks HTTP/1.1 on one connection, so a test sees what
// happens to that connection.
type rawClient struct {
	t    testing.TB
	addr string
	c    net.Conn
	br   *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(wait.Timeout)) // a hang fails the test
	return &rawClient{t: t, addr: addr, c: c, br: bufio.NewReader(c)}
}

func (rc *rawClient) request(body string, extra ...string) string {
	return "POST /cometd/connect HTTP/1.1\r\nHost: " + rc.addr + "\r\nX-User: alice\r\n" +
		strings.Join(extra, "") +
		"Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

func (rc *rawClient) send(reqs ...string) {
	rc.t.Helper()
	if _, err := io.WriteString(rc.c, strings.Join(reqs, "")); err != nil {
		rc.t.Fatalf("send: %v", err)
	}
}

// read reads one answer and checks it is a complete 200 with the headers
// of every long-polling answer.
func (rc *rawClient) read() (*http.Response, []Message) {
	rc.t.Helper()
	res, err := http.ReadResponse(rc.br, nil)
	if err != nil {
		rc.t.Fatalf("read answer: %v", err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		rc.t.Fatalf("read body: %v", err)
	}
	if res.StatusCode != http.StatusOK || res.Proto != "HTTP/1.1" {
		rc.t.Fatalf("answer %s %s: %s", res.Proto, res.Status, b)
	}
	for k, v := range map[string]string{"Content-Type": "application/json;charset=UTF-8", "Cache-Control": "no-cache, no-store"} {
		if got := res.Header.Get(k); got != v {
			rc.t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if res.Header.Get("Date") == "" {
		rc.t.Error("no Date header")
	}
	msgs, err := DecodeMessages(b)
	if err != nil {
		rc.t.Fatalf("answer %q: %v", b, err)
	}
	return res, msgs
}

// open handshakes, subscribes alice to /a and has the first connect
// answered, all on this connection.
func (rc *rawClient) open() string {
	rc.t.Helper()
	rc.send(rc.request(handshakeReq("1")))
	_, r := rc.read()
	id := r[0].ClientID
	rc.send(rc.request(subscribeReq(id, "2", `"/a"`)))
	rc.read()
	rc.send(rc.request(connectReq(id, "3")))
	rc.read()
	return id
}

// inSession reports f of a live session, under its lock.
func inSession(s *Server, clientID string, f func(ss *session) bool) bool {
	s.mu.RLock()
	ss := s.sessions[clientID]
	s.mu.RUnlock()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return f(ss)
}

// hijacked reports whether the session's connect is held off net/http.
func hijacked(s *Server, clientID string) bool {
	return inSession(s, clientID, func(ss *session) bool { return ss.held != nil && ss.held.hc != nil })
}

func TestHijackedPollIsAValidAnswerAndTheConnectionCarriesOn(t *testing.T) {
	s := testServer()
	cors := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "http://app.test")
			next.ServeHTTP(w, r)
		})
	}
	rc := dialRaw(t, serveListener(t, s, cors))
	id := rc.open()
	for i := range 3 { // the handed-back connection is hijacked again
		n := strconv.Itoa(10 + i)
		rc.send(rc.request(connectReq(id, n)))
		wait.For(t, "the connect held off net/http", func() bool { return hijacked(s, id) })
		s.Deliver("alice", "/a", json.RawMessage(`{"n":`+n+`}`))
		res, msgs := rc.read()
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "http://app.test" {
			t.Errorf("CORS header set in front of the handler: %q", got)
		}
		if res.ContentLength <= 0 || res.Close {
			t.Errorf("answer length %d, close %v: want a sized keep-alive answer", res.ContentLength, res.Close)
		}
		if got := deliveries(msgs); len(got) != 1 || got[0] != `{"n":`+n+`}` {
			t.Errorf("deliveries %v", got)
		}
		if r := connectReply(t, msgs); !r.OK() || r.ID != n || r.ClientID != id {
			t.Errorf("connect reply %+v", r)
		}
	}
	// The request asks to close: the answer says so and the connection ends.
	rc.send(rc.request(connectReq(id, "20"), "Connection: close\r\n"))
	wait.For(t, "the connect held off net/http", func() bool { return hijacked(s, id) })
	s.Deliver("alice", "/a", json.RawMessage(`{"n":20}`))
	if res, _ := rc.read(); !res.Close {
		t.Error("answer to Connection: close does not close")
	}
	if _, err := rc.br.ReadByte(); err != io.EOF {
		t.Errorf("after Connection: close: read %v, want EOF", err)
	}
}

func TestClientClosingHijackedPollLosesNoMessage(t *testing.T) {
	s := testServer()
	addr := serveListener(t, s, nil)
	rc := dialRaw(t, addr)
	id := rc.open()
	rc.send(rc.request(connectReq(id, "4")))
	wait.For(t, "the connect held off net/http", func() bool { return hijacked(s, id) })
	rc.c.Close()
	wait.For(t, "the closed client's poll freed", func() bool { return !heldConnect(s, id) })
	s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
	again := dialRaw(t, addr)
	again.send(again.request(`[{"channel":"/meta/connect","clientId":"` + id + `","id":"5","advice":{"timeout":0}}]`))
	if _, msgs := again.read(); strings.Join(deliveries(msgs), " ") != `{"n":1}` {
		t.Errorf("next connect carries %v, want the message queued after the client left", deliveries(msgs))
	}
}

func TestPipelinedRequestsAfterAHijackedPoll(t *testing.T) {
	for _, tc := range []struct {
		name string
		// whether the next request leaves after the poll is held, rather
		// than in the same write (then net/http has read it already)
		afterHold bool
	}{
		{"in the same write", false},
		{"while held", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testServer()
			rc := dialRaw(t, serveListener(t, s, nil))
			id := rc.open()
			held, next := rc.request(connectReq(id, "4")), rc.request(handshakeReq("5"))
			if tc.afterHold {
				rc.send(held)
				wait.For(t, "the connect held off net/http", func() bool { return hijacked(s, id) })
				rc.send(next)
			} else {
				rc.send(held, next)
				wait.For(t, "the connect held off net/http", func() bool { return hijacked(s, id) })
			}
			s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
			if _, msgs := rc.read(); connectReply(t, msgs).ID != "4" || len(deliveries(msgs)) != 1 {
				t.Errorf("first answer %+v, want the held connect with the message", msgs)
			}
			if _, msgs := rc.read(); len(msgs) != 1 || msgs[0].Channel != MetaHandshake || !msgs[0].OK() {
				t.Errorf("second answer %+v, want the pipelined handshake's", msgs)
			}
		})
	}
}

// hijackTrap is a writer that fails the test if it is hijacked.
type hijackTrap struct {
	*httptest.ResponseRecorder
	t testing.TB
}

func (h hijackTrap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.t.Error("hijacked a request that must stay on net/http")
	return nil, nil, errors.New("trap")
}

func TestPollThatCannotBeHijackedIsHeldAsBefore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		major int
		minor int
		trap  bool // the writer could be hijacked: it must not be
	}{
		{"HTTP/2", 2, 0, true},
		{"HTTP/1.0", 1, 0, true},
		{"writer without Hijack", 1, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testServer()
			defer s.Close()
			id := openSession(t, s, "alice", "/a", false)
			ctx := context.WithValue(context.Background(), listenerKey{}, &Listener{})
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "http://gws.test/cometd", strings.NewReader(connectReq(id, "4")))
			req.ProtoMajor, req.ProtoMinor = tc.major, tc.minor
			req.Header.Set("X-User", "alice")
			rec := httptest.NewRecorder()
			var w http.ResponseWriter = rec
			if tc.trap {
				w = hijackTrap{rec, t}
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				s.ServeHTTP(w, req)
			}()
			wait.For(t, "the connect held", func() bool { return heldConnect(s, id) })
			s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
			<-done
			if got := deliveries(decodeAnswer(t, rec)); len(got) != 1 {
				t.Errorf("deliveries %v, want the message through the writer", got)
			}
		})
	}
}

func TestCloseAnswersHijackedPolls(t *testing.T) {
	s := testServer()
	addr := serveListener(t, s, nil)
	var clients []*rawClient
	for i := range 3 {
		rc := dialRaw(t, addr)
		id := rc.open()
		rc.send(rc.request(connectReq(id, "4")))
		wait.For(t, "connect "+strconv.Itoa(i)+" held off net/http", func() bool { return hijacked(s, id) })
		clients = append(clients, rc)
	}
	s.Close()
	for _, rc := range clients {
		res, msgs := rc.read()
		if connectReply(t, msgs).Successful == nil || !*connectReply(t, msgs).Successful {
			t.Errorf("held connect answered %+v at Close", msgs)
		}
		// The connection ends with the answer, as net/http's do while it
		// shuts down: handed back, it would hold up http.Server.Shutdown.
		if !res.Close {
			t.Error("answer at Close does not close the connection")
		}
		if _, err := rc.br.ReadByte(); err != io.EOF {
			t.Errorf("after the answer at Close: read %v, want EOF", err)
		}
	}
}

// TestCloseEndsAnsweredConnectionsWaitingForTheirNextRequest: between an
// answer and the client's next request the connection waits off net/http
// (which would count it as new, not idle, when it shuts down); Close
// ends those connections rather than wait for the client.
func TestCloseEndsAnsweredConnectionsWaitingForTheirNextRequest(t *testing.T) {
	s := testServer()
	rc := dialRaw(t, serveListener(t, s, nil))
	id := rc.open()
	rc.send(rc.request(connectReq(id, "4")))
	wait.For(t, "the connect held off net/http", func() bool { return hijacked(s, id) })
	s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
	rc.read()
	wait.For(t, "the connection waiting for its next request", func() bool {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return len(s.idle) == 1
	})
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		s.Close()
	}()
	wait.For(t, "Close to return", func() bool {
		select {
		case <-closed:
			return true
		default:
			return false
		}
	})
	if _, err := rc.br.ReadByte(); err != io.EOF {
		t.Errorf("after Close: read %v, want EOF", err)
	}
}

// failingConn is a connection whose writes fail, as on a reset.
type failingConn struct{ net.Conn }

func (failingConn) Write([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

// pipeHijacker hands out one end of a pipe whose writes fail.
type pipeHijacker struct {
	*httptest.ResponseRecorder
	conn net.Conn
}

func (h pipeHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return failingConn{h.conn}, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

func TestHijackedReplyThatFailsToWriteKeepsItsMessages(t *testing.T) {
	s := testServer()
	defer s.Close()
	id := openSession(t, s, "alice", "/a", false)
	server, client := net.Pipe()
	defer client.Close()
	ctx := context.WithValue(context.Background(), listenerKey{}, &Listener{})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "http://gws.test/cometd", strings.NewReader(connectReq(id, "4")))
	req.Header.Set("X-User", "alice")
	s.ServeHTTP(pipeHijacker{httptest.NewRecorder(), server}, req)
	if !hijacked(s, id) {
		t.Fatal("connect not held off net/http")
	}
	s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
	wait.For(t, "the failed reply's message back in the queue", func() bool {
		return inSession(s, id, func(ss *session) bool { return len(ss.queue) == 1 })
	})
	got := deliveries(roundTrip(t, s, "alice", `[{"channel":"/meta/connect","clientId":"`+id+`","id":"5","advice":{"timeout":0}}]`))
	if strings.Join(got, " ") != `{"n":1}` {
		t.Errorf("next connect carries %v, want the message whose reply failed", got)
	}
}

// BenchmarkHeldPollAnswer times one held long poll from the request to its
// answer, released by a delivery, on one keep-alive connection: with the
// connection hijacked while held (served through a Listener) and on
// net/http's goroutine as before.
func BenchmarkHeldPollAnswer(b *testing.B) {
	for _, tc := range []struct {
		name     string
		listener bool
	}{
		{"hijacked", true},
		{"net/http", false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := testServer()
			s.Timeout = time.Hour
			var addr string
			if tc.listener {
				addr = serveListener(b, s, nil)
			} else {
				ts := httptest.NewServer(s)
				b.Cleanup(ts.Close)
				b.Cleanup(func() { s.Close() })
				addr = ts.Listener.Addr().String()
			}
			rc := dialRaw(b, addr)
			_ = rc.c.SetDeadline(time.Time{})
			id := rc.open()
			data := json.RawMessage(`{"messageTypeName":"EventInteractionUpdated","interaction":{"id":"00009a8T8Y130123","state":"Processing"}}`)
			req := rc.request(connectReq(id, "4"))
			for b.Loop() {
				rc.send(req)
				for !heldConnect(s, id) {
					runtime.Gosched()
				}
				s.Deliver("alice", "/a", data)
				rc.read()
			}
		})
	}
}
