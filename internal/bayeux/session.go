package bayeux

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// session is one Bayeux client session. An idle session is this struct, its
// subscriptions and its queue: no goroutine waits for it unless a connect is
// held, and then only the goroutine of that request, or the small one of
// its hijacked connection (hijack.go).
type session struct {
	id        string
	principal string
	ack       bool // the client and the server agreed on the ack extension
	pidx      int  // index in Server.byPrincipal[principal]; guarded by Server.mu

	mu        sync.Mutex          // guards the fields below
	subs      map[string]struct{} // channels and patterns; nil until the first subscribe
	queue     []queued
	qbytes    int     // bytes of the messages in queue
	batch     int64   // last ack batch number sent
	takes     uint64  // counts takes from the queue, to detect a later take
	held      *poll   // the held /meta/connect, at most one
	ws        *wsConn // the WebSocket the session's connects arrive on, nil for long polling
	connected bool    // a connect has been answered
	gone      bool    // disconnected, swept, dropped or closed
	lastSeen  time.Time
	pubIDs    []string // ids of recent publishes, so that a resent publish is not published twice
}

// queued is a delivery waiting for, or (with the ack extension) sent and not
// yet acknowledged by, the client.
type queued struct {
	raw   json.RawMessage // the whole message, shared between sessions
	batch int64           // ack batch that carried it; 0 while unsent
}

// release reasons
type reason uint8

const (
	relImmediate  reason = iota + 1 // answered without holding
	relMessages                     // a message was queued
	relTimeout                      // the hold ran out
	relSuperseded                   // a newer connect of the session arrived
	relDisconnect                   // /meta/disconnect
	relDropped                      // the session was dropped (queue overflow)
	relClosing                      // the server is closing
)

// poll is one /meta/connect, held or answered. Its reply is decided when it
// is released, under the session lock, so that what it carries is taken from
// the queue exactly once.
type poll struct {
	id       string // the connect's message id, echoed
	idNumber bool   // the id was a JSON number
	clientID string
	done     chan struct{} // closed on release; nil for a connect answered at once
	timer    *time.Timer   // the hold
	wc       *wsConn       // the socket to answer on; nil for long polling
	hc       *heldConn     // the hijacked connection to answer on; guarded by session.mu

	// set by release
	why     reason
	msgs    []json.RawMessage
	ack     bool  // carry ext.ack
	batch   int64 // the ext.ack value
	takeSeq uint64
}

// pushMode reports whether deliveries are pushed on the session's
// WebSocket as they come rather than carried by connect replies.
func (ss *session) pushMode() bool { return ss.ws != nil && !ss.ack }

// release answers p if it is still the session's held connect, taking the
// queued messages when the reason calls for it. Called with ss.mu held.
func (ss *session) release(p *poll, why reason, now time.Time) bool {
	if ss.held != p {
		return false
	}
	ss.held = nil
	if p.timer != nil {
		p.timer.Stop()
	}
	p.why = why
	switch why {
	case relImmediate, relMessages, relTimeout, relClosing:
		if !ss.pushMode() {
			p.msgs, p.batch = ss.take()
			p.takeSeq = ss.takes
		}
		p.ack = ss.ack
	}
	ss.lastSeen = now
	if p.done != nil {
		close(p.done)
		if p.wc != nil {
			p.wc.ready(p)
		}
		if p.hc != nil {
			p.hc.wake()
		}
	}
	return true
}

// take returns the messages a connect reply carries. Without the ack
// extension it empties the queue. With it, every message not yet
// acknowledged goes out again, new ones get a new batch number, and all stay
// queued until a connect acknowledges that batch. Called with ss.mu held.
func (ss *session) take() ([]json.RawMessage, int64) {
	if len(ss.queue) == 0 {
		return nil, ss.batch
	}
	out := make([]json.RawMessage, len(ss.queue))
	for i, q := range ss.queue {
		out[i] = q.raw
	}
	ss.takes++
	if !ss.ack {
		ss.queue, ss.qbytes = nil, 0
		return out, 0
	}
	ss.batch++
	for i := len(ss.queue) - 1; i >= 0 && ss.queue[i].batch == 0; i-- {
		ss.queue[i].batch = ss.batch
	}
	return out, ss.batch
}

// ackTo forgets the messages of batches up to n, which the client has
// received. Sent messages form a prefix of the queue in batch order. Called
// with ss.mu held.
func (ss *session) ackTo(n int64) {
	i := 0
	for i < len(ss.queue) && ss.queue[i].batch != 0 && ss.queue[i].batch <= n {
		ss.qbytes -= len(ss.queue[i].raw)
		i++
	}
	switch {
	case i == 0:
	case i == len(ss.queue):
		ss.queue = nil
	default:
		ss.queue = slices.Clone(ss.queue[i:])
	}
}

// restore puts back at the head of the queue messages that were taken for a
// reply that could not be sent, when nothing was taken after them (so order
// holds). Without the ack extension only: with it they are still queued.
// Called with ss.mu held.
func (ss *session) restore(msgs []json.RawMessage, takeSeq uint64, now time.Time) bool {
	if ss.ack || ss.gone || len(msgs) == 0 || ss.takes != takeSeq {
		return false
	}
	q := make([]queued, 0, len(msgs)+len(ss.queue))
	for _, m := range msgs {
		q = append(q, queued{raw: m})
		ss.qbytes += len(m)
	}
	ss.queue = append(q, ss.queue...)
	ss.wake(now)
	return true
}

// enqueue queues one delivery and wakes whoever sends it. When the queue
// is full (limit messages, or more than maxBytes with this one unless it
// would be alone) the session is dropped instead: it is marked gone, its
// held connect is told to handshake again, and the caller must remove it.
// Called with ss.mu held.
func (ss *session) enqueue(raw json.RawMessage, limit, maxBytes int, now time.Time) (queuedOK, dropped bool) {
	if ss.gone {
		return false, false
	}
	if len(ss.queue) >= limit || (len(ss.queue) > 0 && ss.qbytes+len(raw) > maxBytes) {
		ss.gone = true
		if ss.held != nil {
			ss.release(ss.held, relDropped, now)
		}
		return false, true
	}
	ss.queue = append(ss.queue, queued{raw: raw})
	ss.qbytes += len(raw)
	ss.wake(now)
	return true, false
}

// wake releases the held connect, or kicks the WebSocket writer in push
// mode, when messages wait. Called with ss.mu held.
func (ss *session) wake(now time.Time) {
	if len(ss.queue) == 0 {
		return
	}
	if ss.pushMode() {
		ss.ws.kick()
		return
	}
	if ss.held != nil {
		ss.release(ss.held, relMessages, now)
	}
}

// subscribed reports whether any subscription matches channel. Called with
// ss.mu held.
func (ss *session) subscribed(channel string) bool {
	for p := range ss.subs {
		if Match(p, channel) {
			return true
		}
	}
	return false
}

// seenPublish records a publish id and reports whether it was seen among the
// last few. Called with ss.mu held.
func (ss *session) seenPublish(id string) bool {
	if id == "" {
		return false
	}
	if slices.Contains(ss.pubIDs, id) {
		return true
	}
	const keep = 16
	if len(ss.pubIDs) == keep {
		copy(ss.pubIDs, ss.pubIDs[1:])
		ss.pubIDs = ss.pubIDs[:keep-1]
	}
	ss.pubIDs = append(ss.pubIDs, id)
	return false
}
