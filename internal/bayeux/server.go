package bayeux

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gwsmock/gwsmock/internal/jsonvalid"
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
)

// holdSlack is added to a held connect's hold for its connection's read
// and write deadlines.
const holdSlack = 10 * time.Second

// maxBody bounds a request body or WebSocket frame.
const maxBody = 1 << 20

// Error strings the server sends.
const (
	errSessionUnknown      = "402::session_unknown"
	errPublishDenied       = "403::Publish denied"
	errSubscriptionDenied  = "403::Subscription denied"
	errHandshakeDenied     = "403::Handshake denied"
	errServerClosing       = "503::Server closing"
	errInvalidChannel      = "400::Invalid channel"
	errMissingSubscription = "400::Missing subscription"
	errMissingData         = "400::Missing data"
	errUnknownMeta         = "400::Unknown meta channel"
	errConnectionTypes     = "301::Unsupported connection types"
	errTooManySessions     = "403::Too many sessions for this user"
)

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
	// WebSocket: who opened the socket). When it answers ok with another
	// principal than the session's, the message is refused as
	// "402::session_unknown", so a clientId cannot be used by another user.
	// When it answers !ok (no credentials on the request) the clientId alone
	// decides. Report ok only for credentials that surely belong to the
	// sender: the Node CometD adapter shares one cookie jar between all its
	// instances, so a cookie may belong to another user of the same process.
	// nil: the clientId alone decides.
	Identify func(r *http.Request) (principal string, ok bool)

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

	// DisableWebSocket refuses WebSocket upgrades and leaves "websocket"
	// out of supportedConnectionTypes.
	DisableWebSocket bool
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

	mu          sync.RWMutex // guards sessions, byPrincipal, conns, stopSweep, and session.pidx
	sessions    map[string]*session
	byPrincipal map[string][]*session
	conns       map[*wsConn]struct{}
	stopSweep   chan struct{} // nil until the sweeper runs

	wg sync.WaitGroup // the sweeper and the WebSocket handlers
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.sessions = make(map[string]*session)
		s.byPrincipal = make(map[string][]*session)
		s.conns = make(map[*wsConn]struct{})
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

func (s *Server) maxSessions() int {
	switch {
	case s.MaxSessionsPerPrincipal > 0:
		return s.MaxSessionsPerPrincipal
	case s.MaxSessionsPerPrincipal < 0:
		return 0
	}
	return DefaultMaxSessionsPerPrincipal
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

func (s *Server) retryAdvice() *Advice {
	return &Advice{Reconnect: ReconnectRetry, Interval: int64p(0), Timeout: int64p(s.timeout().Milliseconds())}
}

var (
	handshakeAdvice = Advice{Reconnect: ReconnectHandshake, Interval: int64p(0)}
	noneAdvice      = Advice{Reconnect: ReconnectNone, Interval: int64p(0)}
)

var _ http.Handler = (*Server)(nil)

// Sessions returns the number of live sessions.
func (s *Server) Sessions() int {
	s.init()
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.sessions)
}

// Deliver queues a message on channel for every session of principal that
// has a subscription matching channel, once per session however many
// subscriptions match, and wakes those sessions. It never blocks on a
// client. Calls made one after another reach each session in that order.
// It returns the number of sessions the message was queued for; invalid
// JSON data is not delivered.
func (s *Server) Deliver(principal, channel string, data json.RawMessage) int {
	s.init()
	raw, err := deliveryJSON(channel, data)
	if err != nil {
		s.log().Error("bayeux: deliver: invalid data", "channel", channel, "err", err)
		return 0
	}
	s.mu.RLock()
	n, dropped := s.enqueueAll(s.byPrincipal[principal], channel, raw)
	s.mu.RUnlock()
	s.drop(dropped)
	return n
}

// Broadcast queues a message on channel for every session subscribed to
// it, whatever its principal. /meta and /service channels are never
// broadcast. It returns the number of sessions reached.
func (s *Server) Broadcast(channel string, data json.RawMessage) int {
	s.init()
	if IsMeta(channel) || IsService(channel) {
		return 0
	}
	raw, err := deliveryJSON(channel, data)
	if err != nil {
		s.log().Error("bayeux: broadcast: invalid data", "channel", channel, "err", err)
		return 0
	}
	s.mu.RLock()
	all := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.RUnlock()
	n, dropped := s.enqueueAll(all, channel, raw)
	s.drop(dropped)
	return n
}

func (s *Server) enqueueAll(list []*session, channel string, raw json.RawMessage) (n int, dropped []*session) {
	now := s.now()
	limit, maxBytes := s.maxQueue(), s.maxQueueBytes()
	for _, ss := range list {
		ss.mu.Lock()
		if ss.subscribed(channel) {
			ok, drop := ss.enqueue(raw, limit, maxBytes, now)
			if ok {
				n++
			}
			if drop {
				dropped = append(dropped, ss)
			}
		}
		ss.mu.Unlock()
	}
	return n, dropped
}

// deliveryJSON is a delivered message: channel and data, nothing else.
func deliveryJSON(channel string, data json.RawMessage) (json.RawMessage, error) {
	ch, err := json.Marshal(channel)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(ch) + len(data) + 22)
	b.WriteString(`{"channel":`)
	b.Write(ch)
	b.WriteString(`,"data":`)
	if len(bytes.TrimSpace(data)) == 0 {
		b.WriteString("null")
	} else if valid, compact := jsonvalid.Check(data); valid && compact {
		b.Write(data) // what json.Compact would write, without its slow scan
	} else if err := json.Compact(&b, data); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
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

// Outcomes of add.
type addResult uint8

const (
	added addResult = iota
	duplicateID
	closing
	tooMany
)

// add registers a new session and starts the sweeper if it does not run.
func (s *Server) add(ss *session) addResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return closing
	}
	if _, dup := s.sessions[ss.id]; dup {
		return duplicateID
	}
	list := s.byPrincipal[ss.principal]
	if limit := s.maxSessions(); limit > 0 && ss.principal != "" && len(list) >= limit {
		return tooMany
	}
	s.sessions[ss.id] = ss
	ss.pidx = len(list)
	s.byPrincipal[ss.principal] = append(list, ss)
	if s.stopSweep == nil {
		s.stopSweep = make(chan struct{})
		stop := s.stopSweep
		s.wg.Go(func() { s.sweeper(stop) })
	}
	return added
}

// remove unregisters ss if it is still registered. Called with s.mu held.
func (s *Server) removeLocked(ss *session) {
	if s.sessions[ss.id] != ss {
		return
	}
	delete(s.sessions, ss.id)
	list := s.byPrincipal[ss.principal]
	last := len(list) - 1
	list[ss.pidx] = list[last]
	list[ss.pidx].pidx = ss.pidx
	list[last] = nil
	if last == 0 {
		delete(s.byPrincipal, ss.principal)
	} else {
		s.byPrincipal[ss.principal] = list[:last]
	}
}

func (s *Server) drop(list []*session) {
	if len(list) == 0 {
		return
	}
	s.mu.Lock()
	for _, ss := range list {
		s.removeLocked(ss)
	}
	s.mu.Unlock()
	for _, ss := range list {
		s.log().Info("bayeux: session dropped: queue full", "clientId", ss.id, "principal", ss.principal)
	}
}

func (s *Server) sweeper(stop <-chan struct{}) {
	period := max(s.maxInterval()/2, 10*time.Millisecond)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.sweep(s.now())
		case <-stop:
			return
		}
	}
}

// sweep removes the sessions that have had no connect, held or answered,
// for longer than MaxInterval, and returns how many it removed.
func (s *Server) sweep(now time.Time) int {
	limit := s.maxInterval()
	var dead []*session
	s.mu.Lock()
	for _, ss := range s.sessions {
		ss.mu.Lock()
		if ss.held == nil && now.Sub(ss.lastSeen) > limit {
			ss.gone = true
			ss.queue, ss.subs = nil, nil
			dead = append(dead, ss)
		}
		ss.mu.Unlock()
	}
	for _, ss := range dead {
		s.removeLocked(ss)
	}
	s.mu.Unlock()
	for _, ss := range dead {
		s.log().Debug("bayeux: session swept", "clientId", ss.id, "principal", ss.principal)
	}
	return len(dead)
}

// request is one HTTP request or one WebSocket frame being processed.
type request struct {
	r       *http.Request // for WebSocket, the upgrade request
	wc      *wsConn
	batched bool
	ident   *identity
	// answered lists the connects answered at once in this request's
	// reply, so that a reply that fails to leave gives their messages back.
	answered []answeredPoll
}

type answeredPoll struct {
	ss *session
	p  *poll
}

// identity caches Server.Identify for a request or a socket.
type identity struct {
	done      bool
	principal string
	ok        bool
}

// owns reports whether the request may act for ss: Identify either knows
// nobody on the request or knows ss's principal.
func (s *Server) owns(rq *request, ss *session) bool {
	if s.Identify == nil {
		return true
	}
	id := rq.ident
	if !id.done {
		id.principal, id.ok = s.Identify(rq.r)
		id.done = true
	}
	return !id.ok || id.principal == ss.principal
}

// lookup finds the session of clientID that the request may use.
func (s *Server) lookup(rq *request, clientID string) *session {
	s.mu.RLock()
	ss := s.sessions[clientID]
	s.mu.RUnlock()
	if ss == nil {
		return nil
	}
	if !s.owns(rq, ss) {
		s.log().Info("bayeux: clientId presented by another principal", "clientId", clientID, "principal", ss.principal)
		return nil
	}
	return ss
}

// ServeHTTP answers long-polling POSTs and WebSocket upgrades.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	if r.Method == http.MethodGet && headerHas(r.Header, "Connection", "upgrade") && headerHas(r.Header, "Upgrade", "websocket") {
		s.serveWebSocket(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, GET")
		http.Error(w, "Bayeux endpoint: POST messages or open a WebSocket", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	msgs, err := DecodeMessages(body)
	if err != nil {
		http.Error(w, "not Bayeux JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	rq := &request{r: r, batched: len(msgs) > 1, ident: &identity{}}
	out, p, ss := s.process(rq, msgs)
	if p != nil {
		// The hold may outlast the http.Server's ReadTimeout (whose
		// background read would cancel the request's context) and
		// WriteTimeout: give this response its own deadlines. Not
		// supported (a test recorder): the server has none either.
		rc := http.NewResponseController(w)
		deadline := time.Now().Add(s.timeout() + holdSlack)
		_ = rc.SetReadDeadline(deadline)
		_ = rc.SetWriteDeadline(deadline)
		select {
		case <-p.done:
			// Both may be ready at once, and select picks at random: a
			// poll released for a client that is already gone must give
			// its messages back, not write them to a dead connection.
			if r.Context().Err() != nil {
				s.abandon(ss, p)
				return
			}
			out = append(out, s.connectReply(p)...)
		case <-r.Context().Done():
			s.abandon(ss, p)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-cache, no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(joinArray(out))
	if err == nil {
		err = http.NewResponseController(w).Flush()
	}
	if err != nil {
		// The reply did not leave: its messages go back to the queue
		// (without ack; with ack the unacknowledged batch is resent).
		for _, a := range rq.answered {
			s.abandon(a.ss, a.p)
		}
		if p != nil {
			s.abandon(ss, p)
		}
	}
}

func headerHas(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// joinArray writes messages as one JSON array.
func joinArray(msgs []json.RawMessage) []byte {
	n := 2
	for _, m := range msgs {
		n += len(m) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, m...)
	}
	return append(b, ']')
}

func marshal(m *Message) json.RawMessage {
	b, err := json.Marshal(m)
	if err != nil {
		// Only Data and Ext can fail, and replies carry neither from
		// untrusted input.
		panic(fmt.Sprintf("bayeux: marshal reply: %v", err))
	}
	return b
}

// process handles the messages of one request in order and returns what
// to answer. A connect that must be held on long polling is returned as p
// (with its session) for the caller to wait on; on WebSocket the socket
// answers it when it is released.
func (s *Server) process(rq *request, msgs []Message) (out []json.RawMessage, p *poll, pss *session) {
	for i := range msgs {
		m := &msgs[i]
		if m.Channel == MetaHandshake {
			out = append(out, marshal(s.handshake(rq, m)))
			continue
		}
		if m.Channel == "" {
			out = append(out, marshal(failure(m, "", errInvalidChannel)))
			continue
		}
		ss := s.lookup(rq, m.ClientID)
		if ss == nil {
			out = append(out, marshal(unknown(m)))
			continue
		}
		var r *Message
		switch m.Channel {
		case MetaConnect:
			cp := s.connect(rq, ss, m)
			switch {
			case cp == nil:
				r = unknown(m)
			case cp.done == nil:
				out = append(out, s.connectReply(cp)...)
				rq.answered = append(rq.answered, answeredPoll{ss, cp})
			case rq.wc == nil:
				p, pss = cp, ss // not batched, so the only message
			}
		case MetaSubscribe:
			r = s.subscribe(ss, m)
		case MetaUnsubscribe:
			r = s.unsubscribe(ss, m)
		case MetaDisconnect:
			r = s.disconnect(ss, m)
		default:
			if IsMeta(m.Channel) {
				r = failure(m, ss.id, errUnknownMeta)
			} else {
				r = s.publish(ss, m)
			}
		}
		if r != nil {
			out = append(out, marshal(r))
		}
	}
	return out, p, pss
}

func failure(m *Message, clientID, text string) *Message {
	return &Message{Channel: m.Channel, ID: m.ID, ClientID: clientID, Successful: &jsonFalse, Error: text}
}

func unknown(m *Message) *Message {
	r := failure(m, "", errSessionUnknown)
	a := handshakeAdvice
	r.Advice = &a
	return r
}

func (s *Server) handshake(rq *request, m *Message) *Message {
	r := &Message{Channel: MetaHandshake, ID: m.ID, Successful: &jsonFalse}
	refuse := func(text string) *Message {
		r.Error = text
		a := noneAdvice
		r.Advice = &a
		s.log().Info("bayeux: handshake refused", "error", text)
		return r
	}
	if s.closed.Load() {
		return refuse(errServerClosing)
	}
	if len(m.SupportedConnectionTypes) > 0 && !slices.ContainsFunc(m.SupportedConnectionTypes, func(t string) bool {
		return slices.Contains(s.connectionTypes(), t)
	}) {
		return refuse(errConnectionTypes)
	}
	var principal string
	if s.Authenticate != nil {
		p, err := s.Authenticate(rq.r, m)
		if err != nil {
			return refuse(errorText(403, err))
		}
		principal = p
	}
	ack, _ := m.Ext["ack"].(bool)
	ss := &session{principal: principal, ack: ack, lastSeen: s.now()}
	for range 10 {
		ss.id = s.newClientID()
		res := s.add(ss)
		if res == added {
			break
		}
		ss.id = ""
		switch res {
		case closing:
			return refuse(errServerClosing)
		case tooMany:
			return refuse(fmt.Sprintf("%s (%d); disconnect one first", errTooManySessions, s.maxSessions()))
		}
	}
	if ss.id == "" {
		return refuse(errHandshakeDenied)
	}
	if rq.wc != nil {
		ss.mu.Lock()
		ss.ws = rq.wc
		rq.wc.setSession(ss)
		ss.mu.Unlock()
	}
	s.log().Debug("bayeux: handshake", "clientId", ss.id, "principal", principal, "ack", ack)
	r.Successful = &jsonTrue
	r.ClientID = ss.id
	r.Version = "1.0"
	r.SupportedConnectionTypes = s.connectionTypes()
	r.Advice = s.retryAdvice()
	if ack {
		r.Ext = map[string]any{"ack": true}
	}
	return r
}

// connect registers a /meta/connect and returns its poll, answered at once
// (done == nil) or held; nil when the session is gone.
func (s *Server) connect(rq *request, ss *session, m *Message) *poll {
	now := s.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.gone {
		return nil
	}
	if ss.ack {
		if n, ok := m.Ext["ack"].(float64); ok {
			ss.ackTo(int64(n))
		}
	}
	if rq.wc != nil {
		if ss.ws != rq.wc {
			ss.ws = rq.wc
			rq.wc.setSession(ss)
		}
	} else {
		ss.ws = nil
	}
	if ss.held != nil {
		ss.release(ss.held, relSuperseded, now)
	}
	hold := s.timeout()
	zero := false
	if m.Advice != nil && m.Advice.Timeout != nil {
		if t := time.Duration(*m.Advice.Timeout) * time.Millisecond; t <= 0 {
			zero = true
		} else if t < hold {
			hold = t
		}
	}
	p := &poll{id: m.ID, clientID: ss.id, wc: rq.wc}
	ss.held = p
	if !ss.connected || zero || rq.batched || s.closed.Load() || (!ss.pushMode() && len(ss.queue) > 0) {
		ss.connected = true
		ss.release(p, relImmediate, now)
		if ss.pushMode() && len(ss.queue) > 0 {
			ss.ws.kick()
		}
		return p
	}
	p.done = make(chan struct{})
	p.timer = time.AfterFunc(hold, func() { s.expire(ss, p) })
	if ss.pushMode() && len(ss.queue) > 0 {
		ss.ws.kick()
	}
	return p
}

func (s *Server) expire(ss *session, p *poll) {
	now := s.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.release(p, relTimeout, now)
}

// abandon forgets a held connect whose client went away; if it had been
// released meanwhile, its messages go back to the queue.
func (s *Server) abandon(ss *session, p *poll) {
	now := s.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.held == p {
		ss.held = nil
		p.timer.Stop()
		ss.lastSeen = now
		return
	}
	ss.restore(p.msgs, p.takeSeq, now)
}

// connectReply is the answer to a released connect: the messages it
// carries, then the reply itself.
func (s *Server) connectReply(p *poll) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(p.msgs)+1)
	out = append(out, p.msgs...)
	r := &Message{Channel: MetaConnect, ID: p.id, ClientID: p.clientID, Successful: &jsonTrue}
	switch p.why {
	case relDropped:
		r.Successful = &jsonFalse
		r.Error = errSessionUnknown
		a := handshakeAdvice
		r.Advice = &a
	case relDisconnect:
		a := noneAdvice
		r.Advice = &a
	default:
		r.Advice = s.retryAdvice()
		if p.ack {
			r.Ext = map[string]any{"ack": p.batch}
		}
	}
	return append(out, marshal(r))
}

func (s *Server) subscribe(ss *session, m *Message) *Message {
	if len(m.Subscription) == 0 {
		return failure(m, ss.id, errMissingSubscription)
	}
	for _, ch := range m.Subscription {
		if !ValidChannel(ch, true) {
			return withSub(failure(m, ss.id, errInvalidChannel), m)
		}
		if IsMeta(ch) || (s.CanSubscribe != nil && !s.CanSubscribe(ss.principal, ch)) {
			s.log().Info("bayeux: subscription denied", "clientId", ss.id, "principal", ss.principal, "channel", ch)
			return withSub(failure(m, ss.id, errSubscriptionDenied), m)
		}
	}
	ss.mu.Lock()
	gone := ss.gone
	if !gone {
		for _, ch := range m.Subscription {
			if !slices.Contains(ss.subs, ch) {
				ss.subs = append(ss.subs, ch)
			}
		}
	}
	ss.mu.Unlock()
	if gone {
		return unknown(m)
	}
	return withSub(&Message{Channel: MetaSubscribe, ID: m.ID, ClientID: ss.id, Successful: &jsonTrue}, m)
}

func (s *Server) unsubscribe(ss *session, m *Message) *Message {
	if len(m.Subscription) == 0 {
		return failure(m, ss.id, errMissingSubscription)
	}
	ss.mu.Lock()
	gone := ss.gone
	ss.subs = slices.DeleteFunc(ss.subs, func(p string) bool { return slices.Contains(m.Subscription, p) })
	ss.mu.Unlock()
	if gone {
		return unknown(m)
	}
	return withSub(&Message{Channel: MetaUnsubscribe, ID: m.ID, ClientID: ss.id, Successful: &jsonTrue}, m)
}

func withSub(r, m *Message) *Message {
	r.Subscription = m.Subscription
	return r
}

func (s *Server) disconnect(ss *session, m *Message) *Message {
	s.mu.Lock()
	s.removeLocked(ss)
	s.mu.Unlock()
	now := s.now()
	ss.mu.Lock()
	ss.gone = true
	if ss.held != nil {
		ss.release(ss.held, relDisconnect, now)
	}
	ss.queue, ss.subs = nil, nil
	ss.mu.Unlock()
	s.log().Debug("bayeux: disconnect", "clientId", ss.id, "principal", ss.principal)
	return &Message{Channel: MetaDisconnect, ID: m.ID, ClientID: ss.id, Successful: &jsonTrue}
}

func (s *Server) publish(ss *session, m *Message) *Message {
	if !ValidChannel(m.Channel, false) {
		return failure(m, "", errInvalidChannel)
	}
	allowed := IsService(m.Channel)
	if s.CanPublish != nil {
		allowed = s.CanPublish(ss.principal, m.Channel)
	}
	if !allowed {
		s.log().Info("bayeux: publish denied", "clientId", ss.id, "principal", ss.principal, "channel", m.Channel)
		return failure(m, "", errPublishDenied)
	}
	if len(m.Data) == 0 {
		return failure(m, "", errMissingData)
	}
	ss.mu.Lock()
	gone := ss.gone
	dup := !gone && ss.seenPublish(m.ID)
	ss.mu.Unlock()
	if gone {
		return unknown(m)
	}
	if !dup {
		if s.OnPublish != nil {
			s.OnPublish(ss.principal, m)
		}
		if !IsService(m.Channel) {
			s.Broadcast(m.Channel, m.Data)
		}
	}
	return &Message{Channel: m.Channel, ID: m.ID, Successful: &jsonTrue}
}
