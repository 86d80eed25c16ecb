package bayeux

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// wsWriteTimeout bounds one frame write to a slow client.
const wsWriteTimeout = 10 * time.Second

// Buffers of a WebSocket connection. The socket keeps them for its whole
// life, idle or not, and net/http's are 4 KiB each (the memory rows of
// BENCHMARKS.md). Bayeux frames from clients are a few hundred bytes; a
// larger frame is read or written past the buffer, straight on the
// connection, in more system calls.
const (
	wsReadBuffer  = 512
	wsWriteBuffer = 1024
)

// smallBuffers is the ResponseWriter websocket.Accept hijacks: the
// connection it hands over reads and writes through buffers of
// wsReadBuffer and wsWriteBuffer bytes instead of net/http's, which are
// dropped.
type smallBuffers struct{ http.ResponseWriter }

// Hijack implements http.Hijacker.
func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(c, wsReadBuffer)
	// Bytes the client sent right after the upgrade may be in net/http's
	// buffer: they go into the new one, where websocket.Accept looks for
	// them (it replaces the reader's source).
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(b), c), max(wsReadBuffer, n))
		if _, err := br.Peek(n); err != nil {
			c.Close()
			return nil, nil, err
		}
	}
	return c, bufio.NewReadWriter(br, bufio.NewWriterSize(c, wsWriteBuffer)), nil
}

// wsConn is one WebSocket connection. Its handler goroutine reads frames and
// writes the replies it can give at once. Connect replies released later and
// pushed deliveries are written by a short-lived writer goroutine that runs
// only while it has something to write, so an idle socket costs one
// goroutine, the reader.
type wsConn struct {
	s      *Server
	conn   *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc

	// beforeHandshake is true until the socket carries its handshake (or a
	// connect of a session it may use), or its WebSocketHandshakeTimeout
	// runs out; while true the socket counts in Server.pendingWS.
	beforeHandshake atomic.Bool
	overdue         *time.Timer // closes the socket when its handshake is late

	mu      sync.Mutex // guards the fields below
	sess    *session   // the session whose connects arrive here
	polls   []*poll    // released connects to answer
	pending bool       // something to write: run the writer again
	running bool       // the writer goroutine runs
}

func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	if s.DisableWebSocket {
		http.Error(w, "WebSocket transport disabled; use long-polling", http.StatusBadRequest)
		return
	}
	if !s.reservePending() {
		s.log().Info("bayeux: websocket upgrade refused: too many sockets without handshake", "max", s.maxPendingWebSockets())
		http.Error(w, fmt.Sprintf("too many WebSocket connections waiting for their Bayeux handshake (max %d); try again later", s.maxPendingWebSockets()), http.StatusServiceUnavailable)
		return
	}
	conn, err := websocket.Accept(smallBuffers{w}, r, &websocket.AcceptOptions{
		OriginPatterns:     s.OriginPatterns,
		InsecureSkipVerify: len(s.OriginPatterns) == 0,
	})
	if err != nil {
		s.pendingWS.Add(-1)
		s.log().Info("bayeux: websocket upgrade refused", "err", err)
		return // Accept has answered
	}
	conn.SetReadLimit(maxBody)
	ctx, cancel := context.WithCancel(context.Background())
	wc := &wsConn{s: s, conn: conn, ctx: ctx, cancel: cancel}
	wc.beforeHandshake.Store(true)
	if !s.addConn(wc) {
		cancel()
		wc.handshaken() // gives back the reservation
		conn.Close(websocket.StatusGoingAway, "server closing")
		return
	}
	wc.overdue = time.AfterFunc(s.wsHandshakeTimeout(), wc.handshakeOverdue)
	// The socket is the connection's now (Accept hijacked it): read it on
	// a goroutine of its own and let this one, whose stack grew deep under
	// net/http and the middleware, end. An idle socket then keeps a small
	// stack (the per-session memory row of BENCHMARKS.md).
	go s.readWebSocket(wc, r)
}

// readWebSocket reads and answers the frames of wc until it closes. r is
// the upgrade request, whose credentials handshakes use.
func (s *Server) readWebSocket(wc *wsConn, r *http.Request) {
	conn, cancel := wc.conn, wc.cancel
	defer wc.handshaken() // gives back the reservation if still held
	defer cancel()
	defer s.wg.Done()
	defer s.removeConn(wc)

	ident := &identity{}
	for {
		// Without a context: one that can end would make every read
		// register a callback that stays while the socket idles. What
		// ends the socket closes it, which ends the read.
		_, data, err := conn.Read(context.Background())
		if err != nil {
			break
		}
		if isEmptyArray(data) {
			continue // Faye's WebSocket ping
		}
		// Handling a frame takes a deep stack (decoding, Authenticate,
		// the replies' encoding and write): it runs on a goroutine of its
		// own, waited for, whose stack goes when it ends, and the idle
		// socket keeps only this goroutine's shallow one (the memory
		// rows of BENCHMARKS.md).
		if !onFreshStack(func() bool { return s.handleFrame(wc, r, ident, data) }) {
			break
		}
	}
	cancel()
	wc.detach(s.now())
	conn.CloseNow()
}

// handleFrame processes one frame of Bayeux messages and writes the
// replies it can give at once. It reports false when the socket must end.
func (s *Server) handleFrame(wc *wsConn, r *http.Request, ident *identity, data []byte) bool {
	msgs, err := DecodeMessages(data)
	if err != nil {
		wc.conn.Close(websocket.StatusInvalidFramePayloadData, "not Bayeux JSON")
		return false
	}
	rq := &request{r: r, wc: wc, batched: len(msgs) > 1, ident: ident}
	out, _, _ := s.process(rq, msgs)
	if len(out) == 0 {
		return true
	}
	if err := wc.write(out); err != nil {
		// Connects answered in this frame give their messages back.
		for _, a := range rq.answered {
			s.abandon(a.ss, a.p)
		}
		return false
	}
	return true
}

// onFreshStack runs f on a new goroutine and returns its result.
func onFreshStack(f func() bool) bool {
	done := make(chan bool, 1)
	go func() { done <- f() }()
	return <-done
}

// reservePending counts one more socket waiting for its handshake, unless
// MaxPendingWebSockets are already waiting.
func (s *Server) reservePending() bool {
	n := s.pendingWS.Add(1)
	if limit := s.maxPendingWebSockets(); limit > 0 && n > limit {
		s.pendingWS.Add(-1)
		return false
	}
	return true
}

// handshaken ends the socket's wait for its handshake: it no longer counts
// as pending and its handshake timer stops. Only the first call, of this and
// handshakeOverdue, counts.
func (wc *wsConn) handshaken() {
	if !wc.beforeHandshake.CompareAndSwap(true, false) {
		return
	}
	wc.s.pendingWS.Add(-1)
	if wc.overdue != nil {
		wc.overdue.Stop()
	}
}

// handshakeOverdue closes a socket that has not handshaken in time.
func (wc *wsConn) handshakeOverdue() {
	if !wc.beforeHandshake.CompareAndSwap(true, false) {
		return
	}
	wc.s.pendingWS.Add(-1)
	wc.s.log().Info("bayeux: websocket closed: no handshake in time", "timeout", wc.s.wsHandshakeTimeout())
	wc.conn.Close(websocket.StatusPolicyViolation, "no Bayeux handshake in time")
	wc.cancel()
}

func (s *Server) addConn(wc *wsConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false
	}
	s.conns[wc] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) removeConn(wc *wsConn) {
	s.mu.Lock()
	delete(s.conns, wc)
	s.mu.Unlock()
}

func (wc *wsConn) closeGoingAway() {
	wc.conn.Close(websocket.StatusGoingAway, "server closing")
	wc.cancel()
}

func (wc *wsConn) write(msgs []json.RawMessage) error {
	ctx, cancel := context.WithTimeout(wc.ctx, wsWriteTimeout)
	defer cancel()
	return wc.conn.Write(ctx, websocket.MessageText, joinArray(msgs))
}

// setSession records the session whose connects arrive on this socket,
// which is then no longer waiting for its handshake. Called with the
// session's lock held.
func (wc *wsConn) setSession(ss *session) {
	wc.mu.Lock()
	wc.sess = ss
	wc.mu.Unlock()
	wc.handshaken()
}

// ready queues a released connect for the writer. Called with the
// session's lock held.
func (wc *wsConn) ready(p *poll) {
	wc.mu.Lock()
	wc.polls = append(wc.polls, p)
	wc.kickLocked()
	wc.mu.Unlock()
}

// kick asks the writer to look for work. Called with the session's lock
// held.
func (wc *wsConn) kick() {
	wc.mu.Lock()
	wc.kickLocked()
	wc.mu.Unlock()
}

func (wc *wsConn) kickLocked() {
	wc.pending = true
	if !wc.running {
		wc.running = true
		go wc.run()
	}
}

func (wc *wsConn) run() {
	for {
		wc.mu.Lock()
		if !wc.pending || wc.ctx.Err() != nil {
			wc.running = false
			unsent, ss := wc.polls, wc.sess
			wc.polls = nil
			wc.mu.Unlock()
			// Released connects this dead socket will never answer give
			// their messages back for the session's next transport.
			for _, p := range unsent {
				wc.fail(ss, p.msgs, p.takeSeq)
			}
			return
		}
		wc.pending = false
		polls := wc.polls
		wc.polls = nil
		ss := wc.sess
		wc.mu.Unlock()
		wc.flush(polls, ss)
	}
}

// flush writes released connect replies, then, in push mode, the messages
// waiting for the session. Messages that could not be written go back to
// the queue for the session's next transport.
func (wc *wsConn) flush(polls []*poll, ss *session) {
	s := wc.s
	for _, p := range polls {
		if err := wc.write(s.connectReply(p)); err != nil {
			wc.fail(ss, p.msgs, p.takeSeq)
			return
		}
	}
	if ss == nil {
		return
	}
	ss.mu.Lock()
	var msgs []json.RawMessage
	var seq uint64
	if ss.ws == wc && ss.pushMode() {
		msgs, _ = ss.take()
		seq = ss.takes
	}
	ss.mu.Unlock()
	if len(msgs) == 0 {
		return
	}
	if err := wc.write(msgs); err != nil {
		wc.fail(ss, msgs, seq)
	}
}

// fail ends a socket whose write failed, detaches it from its session and
// puts back what it could not send.
func (wc *wsConn) fail(ss *session, msgs []json.RawMessage, seq uint64) {
	wc.cancel()
	wc.conn.CloseNow() // ends the reader
	if ss == nil {
		return
	}
	now := wc.s.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.ws == wc {
		ss.ws = nil
	}
	// A connect held on this dead socket must not be released with the
	// restored messages (its writer would drop them): forget it first.
	ss.forgetHeldOn(wc)
	ss.restore(msgs, seq, now)
}

// detach unbinds the socket from its session when it closes; a connect
// held on it is forgotten and the session starts counting towards its
// sweep.
func (wc *wsConn) detach(now time.Time) {
	wc.mu.Lock()
	ss := wc.sess
	wc.mu.Unlock()
	if ss == nil {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.ws == wc {
		ss.ws = nil
	}
	if ss.forgetHeldOn(wc) {
		ss.lastSeen = now
	}
}

// forgetHeldOn drops the session's held connect if it waits on wc, and
// reports whether it did. Called with the session's lock held.
func (ss *session) forgetHeldOn(wc *wsConn) bool {
	p := ss.held
	if p == nil || p.wc != wc {
		return false
	}
	ss.held = nil
	if p.timer != nil {
		p.timer.Stop()
	}
	return true
}

// isEmptyArray reports whether a frame is "[]", which Faye sends on its
// WebSocket as a keep-alive.
func isEmptyArray(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '[' || data[len(data)-1] != ']' {
		return false
	}
	return len(bytes.TrimSpace(data[1:len(data)-1])) == 0
}
