package bayeux

// Fan-out: Deliver and Broadcast queue messages for the subscribed sessions.

import (
	"bytes"
	"encoding/json"

	"github.com/gwsmock/gwsmock/internal/jsonvalid"
)

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
	n, dropped := s.enqueueAll(s.sessionsOf(principal), channel, raw)
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
