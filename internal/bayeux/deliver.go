package bayeux

// Fan-out: Deliver, DeliverAs and Broadcast queue messages for the
// subscribed sessions.

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
	return s.DeliverAs(principal, []string{channel}, data)
}

// DeliverAs is Deliver under several names for one message: channels[0]
// is its channel and the rest are aliases, names under which it also
// reaches sessions (the application decides what is an alias of what).
// Each session of principal gets the message at most once: on channels[0]
// if one of its subscriptions matches it, else on the first alias one of
// its subscriptions matches, with "channel" set to that name. It returns
// the number of sessions reached; with no channels, or invalid JSON data,
// nothing is delivered.
func (s *Server) DeliverAs(principal string, channels []string, data json.RawMessage) int {
	s.init()
	if len(channels) == 0 {
		return 0
	}
	raws := make([]json.RawMessage, len(channels))
	raw, err := deliveryJSON(channels[0], data)
	if err != nil {
		s.log().Error("bayeux: deliver: invalid data", "channel", channels[0], "err", err)
		return 0
	}
	// An alias's delivery (raws[1:], nil for now) is this one renamed:
	// enqueueAs makes it only for a session subscribed under the alias
	// alone, so the data is checked and compacted once.
	raws[0] = raw
	// The session list is copied under the server lock and released before
	// any session lock is taken: one busy session never stalls the rest.
	n, dropped := s.enqueueAs(s.sessionsOf(principal), channels, raws)
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
	return s.enqueueAs(list, []string{channel}, []json.RawMessage{raw})
}

// enqueueAs queues raws[i] for each session of list whose subscriptions
// match channels[i], for the first such i. raws[0] is given; a nil
// raws[i] is raws[0] renamed to channels[i], made when first needed.
func (s *Server) enqueueAs(list []*session, channels []string, raws []json.RawMessage) (n int, dropped []*session) {
	now := s.now()
	limit, maxBytes := s.maxQueue(), s.maxQueueBytes()
	for _, ss := range list {
		ss.mu.Lock()
		for i, ch := range channels {
			if !ss.subscribed(ch) {
				continue
			}
			if raws[i] == nil {
				raws[i] = renamed(raws[0], channels[0], ch)
			}
			ok, drop := ss.enqueue(raws[i], limit, maxBytes, now)
			if ok {
				n++
			}
			if drop {
				dropped = append(dropped, ss)
			}
			break
		}
		ss.mu.Unlock()
	}
	return n, dropped
}

// renamed is the delivery raw, made by deliveryJSON for channel from, on
// channel to: the same data, not checked or compacted again.
func renamed(raw json.RawMessage, from, to string) json.RawMessage {
	old, _ := json.Marshal(from) // a string always marshals
	name, _ := json.Marshal(to)
	rest := raw[len(`{"channel":`)+len(old):]
	out := make(json.RawMessage, 0, len(`{"channel":`)+len(name)+len(rest))
	out = append(append(append(out, `{"channel":`...), name...), rest...)
	return out
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
