package bayeux

// The Server type, its fields and their defaults, and its lifecycle
// (Sessions, Close).

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the Server fields.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxInterval = 10 * time.Second
	DefaultMaxQueue    = 1000
	// DefaultMaxQueueBytes bounds the bytes waiting for one session.
	DefaultMaxQueueBytes = 64 << 20
	// DefaultMaxSessionsPerPrincipal bounds the sessions one principal may
	// hold at once: generous, since one browser user may open several tabs
	// and the Node CometD adapter several instances.
	DefaultMaxSessionsPerPrincipal = 64
	// DefaultMaxSubscriptionsPerSession bounds the subscriptions of one
	// session.
	DefaultMaxSubscriptionsPerSession = 1000
	// DefaultWebSocketHandshakeTimeout is how long a WebSocket may stay
	// open without a handshake.
	DefaultWebSocketHandshakeTimeout = 10 * time.Second
	// DefaultMaxPendingWebSockets bounds the WebSockets waiting for their
	// handshake at once.
	DefaultMaxPendingWebSockets = 256
)

// Proof says how a request shows who sent it; Server.Identify answers it
// and its documentation says what each value lets a request do.
type Proof uint8

const (
	// ProofNone: the request carries no credentials the application knows.
	ProofNone Proof = iota
	// ProofCredentials: credentials that authenticate the sender, such as
	// HTTP Basic.
	ProofCredentials
	// ProofCookie: a session cookie, which a client process may share
	// between its users.
	ProofCookie
	// ProofInvalid: credentials that do not authenticate.
	ProofInvalid
)

// maxBody bounds a request body or WebSocket frame.
const maxBody = 1 << 20

// Server is a Bayeux 1.0 server: an http.Handler that answers long-polling
// POSTs on its path and every sub-path (the CometD client posts to
// ".../handshake", ".../connect"; Faye to the bare path), and WebSocket
// upgrades (a GET with an Upgrade header) at the same URL, without
// subprotocol. Mount it with a prefix, for example
// mux.Handle("/api/v2/notifications/", srv) plus the bare path.
//
// Set the fields before the first request and do not change them after.
// The zero value is ready to use: anonymous sessions, subscriptions allowed,
// publishing allowed to /service/** only. The http.Server that carries it
// must let a response take longer than Timeout (WriteTimeout).
type Server struct {
	// Authenticate is called for each /meta/handshake with the HTTP request
	// that carries it (for WebSocket, the upgrade request) and returns the
	// principal that owns the new session for its whole life. An error
	// refuses the handshake: its text becomes the reply's error, prefixed
	// with "403::" unless it already has the "code:args:message" form (an
	// *Error is used as is). nil: every session is anonymous, principal "".
	Authenticate func(r *http.Request, m *Message) (principal string, err error)

	// Identify tells who sent a request that is not a handshake (for
	// WebSocket: who opened the socket) and how the request shows it, so
	// that a clientId cannot be used by another user. Every message after
	// the handshake is bound to its session's principal by this rule:
	//
	//   - ProofNone (no credentials, or a cookie the application does not
	//     know): the clientId alone decides;
	//   - ProofCredentials (credentials that authenticate the sender, such
	//     as HTTP Basic): the principal must be the session's;
	//   - ProofInvalid (credentials that do not authenticate, such as a
	//     wrong password): every message is refused;
	//   - ProofCookie (a session cookie): a /meta/connect is allowed
	//     whatever principal the cookie names, every other message
	//     (subscribe, unsubscribe, disconnect, publish) only when it names
	//     the session's. The Node CometD adapter shares one cookie jar
	//     between all the CometD instances of a process, so a cookie may
	//     belong to the last user of that process who logged in; a poll only
	//     reads the session's own queue, and a client of two users that
	//     changes state sends Basic credentials, which take precedence.
	//
	// A refused message is answered "402::session_unknown", as if the
	// clientId were unknown, so a refusal does not tell that the session
	// exists. nil: the clientId alone decides.
	Identify func(r *http.Request) (principal string, proof Proof)

	// CanSubscribe decides whether principal may subscribe to channel (a
	// channel name or a pattern ending in /* or /**). nil allows every
	// channel. /meta channels are always refused.
	CanSubscribe func(principal, channel string) bool

	// CanPublish decides whether principal may publish to channel. nil
	// allows /service/** only. A refusal answers "403::Publish denied".
	CanPublish func(principal, channel string) bool

	// OnPublish, when set, receives every publish the server accepts (once
	// per message id and session), before it is broadcast. Messages on
	// /service/** are never broadcast; OnPublish is where they go.
	OnPublish func(principal string, m *Message)

	// Timeout is how long a /meta/connect is held. Default DefaultTimeout.
	Timeout time.Duration
	// MaxInterval is how long a session may go without a connect after its
	// last one ended before it is swept. Default DefaultMaxInterval.
	MaxInterval time.Duration
	// MaxQueue bounds the messages waiting for one session (with the ack
	// extension: also those sent and not yet acknowledged). A session whose
	// queue overflows is dropped; its client is told to handshake again.
	// Default DefaultMaxQueue.
	MaxQueue int
	// MaxQueueBytes bounds the same queue in bytes of messages, like
	// MaxQueue (a single message larger than it is still queued when the
	// queue is empty). Default DefaultMaxQueueBytes.
	MaxQueueBytes int
	// MaxSessionsPerPrincipal bounds the live sessions of one principal: a
	// handshake beyond it is refused with "403::Too many sessions ..." and
	// advice reconnect "none", so one client that leaks sessions cannot
	// exhaust the server. It counts per principal, never per cookie or
	// connection (the Node CometD adapter shares one cookie jar between
	// instances). The anonymous principal "" is not bounded. Default
	// DefaultMaxSessionsPerPrincipal; negative: no bound.
	MaxSessionsPerPrincipal int

	// MaxSubscriptionsPerSession bounds the subscriptions one session
	// holds (a channel or pattern counts once however often it is
	// subscribed). A /meta/subscribe that would exceed it is refused whole,
	// before any of its channels is checked, with "403::too many
	// subscriptions (max N)". Default DefaultMaxSubscriptionsPerSession;
	// negative: no bound.
	MaxSubscriptionsPerSession int

	// DisableWebSocket refuses WebSocket upgrades and leaves "websocket"
	// out of supportedConnectionTypes.
	DisableWebSocket bool
	// WebSocketHandshakeTimeout is how long a WebSocket may stay open
	// before it carries a successful /meta/handshake, or a /meta/connect of
	// a session it may use; then it is closed with status 1008 (policy
	// violation), so that upgrades which send nothing cannot hold
	// descriptors. Default DefaultWebSocketHandshakeTimeout.
	WebSocketHandshakeTimeout time.Duration
	// MaxPendingWebSockets bounds the WebSockets open at once that are
	// still waiting, as above, for their handshake. An upgrade beyond it is
	// refused with HTTP 503 and a text saying why. Default
	// DefaultMaxPendingWebSockets; negative: no bound.
	MaxPendingWebSockets int
	// OriginPatterns, when set, restricts the Origin of WebSocket upgrades
	// (host patterns as in path.Match, e.g. "localhost:*"). nil accepts any
	// origin: this is a local test double, and CORS is decided by the
	// handler in front of it.
	OriginPatterns []string

	// Now is the clock for session sweeping; it is called concurrently.
	// Default time.Now. (Holds use timers of the time package.)
	Now func() time.Time
	// ClientID makes session ids; it is called concurrently. Default: 26
	// random base32 characters.
	ClientID func() string
	// Logger receives session events at Debug and refusals at Info.
	// Default: discard.
	Logger *slog.Logger

	initOnce sync.Once
	closed   atomic.Bool

	mu          sync.RWMutex // guards sessions, byPrincipal, conns, idle, stopSweep, and session.pidx
	sessions    map[string]*session
	byPrincipal map[string][]*session
	conns       map[*wsConn]struct{}
	idle        map[*heldConn]struct{} // answered hijacked connections waiting for their next request
	stopSweep   chan struct{}          // nil until the sweeper runs

	wg sync.WaitGroup // the sweeper, the WebSocket handlers and the hijacked connections

	pendingWS atomic.Int64 // WebSockets waiting for their handshake, or reserved for an upgrade
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.sessions = make(map[string]*session)
		s.byPrincipal = make(map[string][]*session)
		s.conns = make(map[*wsConn]struct{})
		s.idle = make(map[*heldConn]struct{})
	})
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

func (s *Server) maxInterval() time.Duration {
	if s.MaxInterval > 0 {
		return s.MaxInterval
	}
	return DefaultMaxInterval
}

// bound reads a limit field: positive is the limit, zero the default,
// negative no limit (0).
func bound(field, def int) int {
	switch {
	case field > 0:
		return field
	case field < 0:
		return 0
	}
	return def
}

func (s *Server) maxSessions() int {
	return bound(s.MaxSessionsPerPrincipal, DefaultMaxSessionsPerPrincipal)
}

func (s *Server) wsHandshakeTimeout() time.Duration {
	if s.WebSocketHandshakeTimeout > 0 {
		return s.WebSocketHandshakeTimeout
	}
	return DefaultWebSocketHandshakeTimeout
}

func (s *Server) maxPendingWebSockets() int64 {
	return int64(bound(s.MaxPendingWebSockets, DefaultMaxPendingWebSockets))
}

func (s *Server) maxSubscriptions() int {
	return bound(s.MaxSubscriptionsPerSession, DefaultMaxSubscriptionsPerSession)
}

func (s *Server) maxQueueBytes() int {
	if s.MaxQueueBytes > 0 {
		return s.MaxQueueBytes
	}
	return DefaultMaxQueueBytes
}

func (s *Server) maxQueue() int {
	if s.MaxQueue > 0 {
		return s.MaxQueue
	}
	return DefaultMaxQueue
}

var discard = slog.New(slog.DiscardHandler)

func (s *Server) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return discard
}

func (s *Server) newClientID() string {
	if s.ClientID != nil {
		return s.ClientID()
	}
	return strings.ToLower(rand.Text())
}

func (s *Server) connectionTypes() []string {
	if s.DisableWebSocket {
		return []string{LongPolling}
	}
	return []string{LongPolling, WebSocket}
}

var _ http.Handler = (*Server)(nil)

// Sessions returns the number of live sessions.
func (s *Server) Sessions() int {
	s.init()
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.sessions)
}

// SessionsOf returns the number of live sessions of one principal.
func (s *Server) SessionsOf(principal string) int {
	s.init()
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byPrincipal[principal])
}

// Close ends every session, answering its held connect with what is
// queued, closes the WebSocket connections and stops the sweeper, then
// waits for the WebSocket handlers to end. Afterwards messages are answered
// "402::session_unknown" and handshakes "503::Server closing" with advice
// reconnect "none", so clients stop. Close is idempotent.
func (s *Server) Close() error {
	s.init()
	s.mu.Lock()
	if s.closed.Swap(true) {
		s.mu.Unlock()
		return nil
	}
	sessions := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		sessions = append(sessions, ss)
	}
	clear(s.sessions)
	clear(s.byPrincipal)
	conns := make([]*wsConn, 0, len(s.conns))
	for wc := range s.conns {
		conns = append(conns, wc)
	}
	stop := s.stopSweep
	s.stopSweep = nil
	for hc := range s.idle {
		hc.wake() // awaitNext ends, the connection closes
	}
	s.mu.Unlock()

	if stop != nil {
		close(stop)
	}
	now := s.now()
	for _, ss := range sessions {
		ss.mu.Lock()
		if ss.held != nil {
			ss.release(ss.held, relClosing, now)
		}
		ss.gone = true
		ss.queue, ss.subs = nil, nil
		ss.mu.Unlock()
	}
	for _, wc := range conns {
		s.wg.Go(wc.closeGoingAway)
	}
	s.wg.Wait()
	return nil
}
