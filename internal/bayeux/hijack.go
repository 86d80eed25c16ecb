package bayeux

// Held long polls off net/http. A /meta/connect that is going to be held on
// an HTTP/1.1 connection served through a Listener takes the connection
// from net/http (Hijack): while it waits it costs a heldConn and one
// goroutine parked in a 1-byte read, instead of net/http's connection
// buffers, request, response and two goroutines (the memory rows of
// BENCHMARKS.md). When the poll is released the answer is written on the
// connection and the connection goes back to the http.Server through the
// Listener, which accepts it again for the next request.

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// Listener is a net.Listener that also accepts again the connections that
// held long polls hand back after their answer. Serve an http.Server on
// it and set the http.Server's ConnContext to the Listener's ConnContext,
// which tells the Server's requests where their connection goes back;
// without it, and for HTTP/2 or any writer that cannot be hijacked, a held
// poll stays on net/http's goroutine.
type Listener struct {
	net.Listener
	accepted chan accepted // from the inner listener, by run
	back     chan net.Conn // handed back by answered polls
	done     chan struct{} // closed by Close
	once     sync.Once
}

type accepted struct {
	c   net.Conn
	err error
}

// NewListener wraps inner; closing the Listener closes inner.
func NewListener(inner net.Listener) *Listener {
	l := &Listener{
		Listener: inner,
		accepted: make(chan accepted),
		back:     make(chan net.Conn),
		done:     make(chan struct{}),
	}
	go l.run()
	return l
}

// run accepts from the inner listener until it is closed.
func (l *Listener) run() {
	for {
		c, err := l.Listener.Accept()
		select {
		case l.accepted <- accepted{c, err}:
		case <-l.done:
			if c != nil {
				c.Close()
			}
			return
		}
		if errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// Accept returns the next new or handed-back connection.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.back:
		return c, nil
	case a := <-l.accepted:
		return a.c, a.err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes the inner listener; connections
// handed back afterwards are closed. Idempotent.
func (l *Listener) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
	})
	return err
}

// ConnContext is the http.Server's ConnContext: it marks the requests of
// c as served through l.
func (l *Listener) ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, listenerKey{}, l)
}

type listenerKey struct{}

// give hands c back to be accepted again, or closes it when l is closed.
func (l *Listener) give(c net.Conn) {
	select {
	case l.back <- c:
	case <-l.done:
		c.Close()
	}
}

// heldConn is the connection of a hijacked held poll: what the answer
// needs, and nothing of net/http.
type heldConn struct {
	conn   net.Conn
	ln     *Listener
	header http.Header   // set by handlers in front of this one (CORS)
	close  bool          // the request asked for Connection: close
	idle   time.Duration // the http.Server's IdleTimeout (else ReadTimeout); 0: none
	prefix []byte        // bytes of later requests already read from conn
}

// aLongTimeAgo is a read deadline that wakes a parked read at once.
var aLongTimeAgo = time.Unix(1, 0)

// wake interrupts the goroutine parked in the connection's read: the poll
// is released. Called with the session's lock held.
func (hc *heldConn) wake() { _ = hc.conn.SetReadDeadline(aLongTimeAgo) }

// hijack takes the connection of held poll p off net/http and answers it
// on a goroutine of its own when p is released. It reports false, having
// changed nothing, when the request cannot be hijacked: the caller then
// holds it as before.
func (s *Server) hijack(w http.ResponseWriter, r *http.Request, ss *session, p *poll) bool {
	l, _ := r.Context().Value(listenerKey{}).(*Listener)
	if l == nil || r.ProtoMajor != 1 || r.ProtoMinor != 1 {
		return false
	}
	// Close waits for the answer like for a WebSocket handler.
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return false
	}
	s.wg.Add(1)
	s.mu.Unlock()
	h := w.Header()
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		s.wg.Done()
		return false
	}
	hc := &heldConn{conn: conn, ln: l, header: h, close: r.Close}
	if hs, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok {
		hc.idle = cmp.Or(hs.IdleTimeout, hs.ReadTimeout)
	}
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		hc.prefix = bytes.Clone(b)
	}
	// A connection handed back with bytes of its own comes back here as
	// a prefixConn: keep one wrapper, its unread bytes after net/http's.
	if pc, ok := conn.(*prefixConn); ok {
		hc.conn = pc.Conn
		hc.prefix = append(hc.prefix, pc.prefix...)
	}
	ss.mu.Lock()
	if ss.held == p {
		p.hc = hc
	}
	ss.mu.Unlock()
	go s.holdConn(ss, p, hc)
	return true
}

// holdConn waits for p's release while noticing the client closing the
// connection (a 1-byte read through the runtime's netpoller), then writes
// the answer and hands the connection back.
func (s *Server) holdConn(ss *session, p *poll, hc *heldConn) {
	defer s.wg.Done()
	select {
	case <-p.done:
	default:
		if len(hc.prefix) == 0 { // else the client already sent more: it is there
			var b [1]byte
			n, err := hc.conn.Read(b[:])
			if n == 1 {
				hc.prefix = append(hc.prefix, b[0])
			} else if !errors.Is(err, os.ErrDeadlineExceeded) {
				// The client went away (net/http's request context
				// would have ended): the poll gives its messages back.
				s.abandon(ss, p)
				hc.conn.Close()
				return
			}
		}
		<-p.done
	}
	if s.closed.Load() {
		// As net/http answers while shutting down: the connection ends
		// with this answer. Handed back, it would wait as a new
		// connection, which http.Server.Shutdown does not count idle
		// for its first 5 seconds.
		hc.close = true
	}
	_ = hc.conn.SetWriteDeadline(time.Now().Add(holdSlack))
	if _, err := hc.conn.Write(hc.response(joinArray(s.connectReply(p)))); err != nil {
		// The reply did not leave: its messages go back to the queue.
		s.abandon(ss, p)
		hc.conn.Close()
		return
	}
	_ = hc.conn.SetDeadline(time.Time{})
	if hc.close || (len(hc.prefix) == 0 && !s.awaitNext(hc)) {
		hc.conn.Close()
		return
	}
	hc.ln.give(&prefixConn{Conn: hc.conn, prefix: hc.prefix})
}

// awaitNext waits, as net/http does between two requests of a keep-alive
// connection, for the first byte of the client's next request, which it
// keeps in hc.prefix. It reports false when the connection must end
// instead: the client closed it, it stayed idle for the http.Server's
// IdleTimeout, or the Server closed. The connection goes back to net/http
// only with a request under way: net/http takes a connection it accepts
// for new, and new connections neither wait for IdleTimeout (but
// ReadHeaderTimeout) nor count as idle when http.Server.Shutdown starts.
func (s *Server) awaitNext(hc *heldConn) bool {
	if hc.idle > 0 { // before Close can see hc: its wake-up must come after
		_ = hc.conn.SetReadDeadline(time.Now().Add(hc.idle))
	}
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return false
	}
	s.idle[hc] = struct{}{}
	s.mu.Unlock()
	var b [1]byte
	n, _ := hc.conn.Read(b[:])
	s.mu.Lock()
	delete(s.idle, hc)
	s.mu.Unlock()
	if n == 0 {
		return false
	}
	_ = hc.conn.SetReadDeadline(time.Time{})
	hc.prefix = append(hc.prefix, b[0])
	return true
}

// setReplyHeaders sets the headers of every long-polling answer.
func setReplyHeaders(h http.Header) {
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-cache, no-store")
}

// response is the whole HTTP/1.1 answer carrying body, with the headers
// net/http would send for it.
func (hc *heldConn) response(body []byte) []byte {
	h := hc.header
	setReplyHeaders(h)
	if _, ok := h["Date"]; !ok {
		h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if hc.close {
		h.Set("Connection", "close")
	}
	var b bytes.Buffer
	b.Grow(256 + len(body))
	b.WriteString("HTTP/1.1 200 OK\r\n")
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// prefixConn is a handed-back connection whose next bytes were already
// read from it.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(b []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(b, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}
