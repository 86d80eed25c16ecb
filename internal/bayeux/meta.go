package bayeux

// Dispatch of one request's messages to the meta-channel handlers
// (handshake, connect, subscribe, unsubscribe, disconnect) and to publish,
// for both transports, and the replies they build.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

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
	errTooManySubs         = "403::too many subscriptions"
)

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
		ss := s.lookup(rq, m)
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

func marshal(m *Message) json.RawMessage {
	b, err := json.Marshal(m)
	if err != nil {
		// Only Data and Ext can fail, and replies carry neither from
		// untrusted input.
		panic(fmt.Sprintf("bayeux: marshal reply: %v", err))
	}
	return b
}

func failure(m *Message, clientID, text string) *Message {
	return (&Message{Channel: m.Channel, ClientID: clientID, Successful: &jsonFalse, Error: text}).replyID(m)
}

func unknown(m *Message) *Message {
	r := failure(m, "", errSessionUnknown)
	a := handshakeAdvice
	r.Advice = &a
	return r
}

func (s *Server) retryAdvice() *Advice {
	return &Advice{Reconnect: ReconnectRetry, Interval: int64p(0), Timeout: int64p(s.timeout().Milliseconds())}
}

var (
	handshakeAdvice = Advice{Reconnect: ReconnectHandshake, Interval: int64p(0)}
	noneAdvice      = Advice{Reconnect: ReconnectNone, Interval: int64p(0)}
)

func (s *Server) handshake(rq *request, m *Message) *Message {
	r := (&Message{Channel: MetaHandshake, Successful: &jsonFalse}).replyID(m)
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
	p := &poll{id: m.ID, idNumber: m.idNumber, clientID: ss.id, wc: rq.wc}
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
	r := &Message{Channel: MetaConnect, ID: p.id, idNumber: p.idNumber, ClientID: p.clientID, Successful: &jsonTrue}
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
	limit := s.maxSubscriptions()
	tooMany := func() *Message {
		s.log().Info("bayeux: subscription refused: too many", "clientId", ss.id, "principal", ss.principal, "max", limit)
		return withSub(failure(m, ss.id, fmt.Sprintf("%s (max %d)", errTooManySubs, limit)), m)
	}
	// The channels once each, in order; a set, so that checking a long
	// list stays linear.
	want := make(map[string]struct{}, len(m.Subscription))
	var uniq []string
	for _, ch := range m.Subscription {
		if _, dup := want[ch]; !dup {
			want[ch] = struct{}{}
			uniq = append(uniq, ch)
		}
	}
	if limit > 0 && len(uniq) > limit {
		return tooMany()
	}
	for _, ch := range uniq {
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
	fits := true
	if !gone {
		added := 0
		for _, ch := range uniq {
			if _, held := ss.subs[ch]; !held {
				added++
			}
		}
		fits = limit <= 0 || len(ss.subs)+added <= limit
		if fits {
			if ss.subs == nil {
				ss.subs = make(map[string]struct{}, len(uniq))
			}
			for _, ch := range uniq {
				ss.subs[ch] = struct{}{}
			}
		}
	}
	ss.mu.Unlock()
	if gone {
		return unknown(m)
	}
	if !fits {
		return tooMany()
	}
	return withSub((&Message{Channel: MetaSubscribe, ClientID: ss.id, Successful: &jsonTrue}).replyID(m), m)
}

func (s *Server) unsubscribe(ss *session, m *Message) *Message {
	if len(m.Subscription) == 0 {
		return failure(m, ss.id, errMissingSubscription)
	}
	ss.mu.Lock()
	gone := ss.gone
	for _, ch := range m.Subscription {
		delete(ss.subs, ch)
	}
	ss.mu.Unlock()
	if gone {
		return unknown(m)
	}
	return withSub((&Message{Channel: MetaUnsubscribe, ClientID: ss.id, Successful: &jsonTrue}).replyID(m), m)
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
	return (&Message{Channel: MetaDisconnect, ClientID: ss.id, Successful: &jsonTrue}).replyID(m)
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
	return (&Message{Channel: m.Channel, Successful: &jsonTrue}).replyID(m)
}
