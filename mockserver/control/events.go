package control

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/journal"
)

// Defaults of an event stream's timing.
const (
	// DefaultEventsWriteTimeout is how long one write to an event stream
	// may block before the client counts as too slow and is dropped.
	DefaultEventsWriteTimeout = 10 * time.Second
	// DefaultEventsHeartbeat is how often an idle stream sends a comment,
	// so that a client that went away is noticed and proxies keep it open.
	DefaultEventsHeartbeat = 15 * time.Second
)

// eventsChunk is how many entries a stream copies out of the journal at
// once: all a client ever holds on the server.
const eventsChunk = 64

// Events wakes the streams of GET /control/v1/events. The composition calls
// Notify after the journal grew or the state changed, and Close when the
// server shuts down. A stream reads the journal itself from its own cursor:
// Notify only signals a one-slot channel per stream, so the writer of the
// journal never waits on a client, and a client holds at most one chunk of
// entries; a client too slow to keep up (a write blocks longer than the
// write timeout, or the journal dropped entries it had not been sent yet)
// is disconnected and may resume with Last-Event-ID. The zero value is not
// usable; call NewEvents.
type Events struct {
	writeTimeout time.Duration
	heartbeat    time.Duration
	done         chan struct{} // closed by Close

	mu sync.Mutex
	// guards subs, closed
	subs   map[chan struct{}]struct{}
	closed bool
}

// NewEvents returns an Events with the default timing.
func NewEvents() *Events {
	return &Events{
		writeTimeout: DefaultEventsWriteTimeout,
		heartbeat:    DefaultEventsHeartbeat,
		done:         make(chan struct{}),
		subs:         make(map[chan struct{}]struct{}),
	}
}

// Notify wakes every open stream to look at the journal and the state
// version again. It never blocks.
func (e *Events) Notify() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for c := range e.subs {
		select {
		case c <- struct{}{}:
		default: // already due to look
		}
	}
}

// Close ends every stream and refuses new ones with 503. Idempotent.
func (e *Events) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		e.closed = true
		close(e.done)
	}
}

// Streams counts the open streams.
func (e *Events) Streams() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.subs)
}

// subscribe registers a stream's wake-up channel; false once closed.
func (e *Events) subscribe() (chan struct{}, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, false
	}
	c := make(chan struct{}, 1)
	e.subs[c] = struct{}{}
	return c, true
}

func (e *Events) unsubscribe(c chan struct{}) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.subs, c)
}

// eventsSince is where a stream starts: the Last-Event-ID a reconnecting
// EventSource sends wins over the since of the URL it reconnects to.
func eventsSince(r *http.Request) (uint64, error) {
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("Last-Event-ID %q is not a sequence number", id)
		}
		return n, nil
	}
	if s := r.URL.Query().Get("since"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("since=%q is not a sequence number", s)
		}
		return n, nil
	}
	return 0, nil
}

// events streams the journal as Server-Sent Events (docs in
// spec/control.yaml, getEvents): each entry with Seq > since as an event
// whose id is its seq, a "state" event whenever the state's version
// changed, a "gap" event when entries the client asked for are no longer
// kept. Entries are copied out of the journal and written with no lock
// held.
func (a *API) events(w http.ResponseWriter, r *http.Request) {
	ev := a.cfg.Events
	if ev == nil {
		writeError(w, http.StatusNotImplemented, "this server has no event stream")
		return
	}
	since, err := eventsSince(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Subscribed before the first scan: an entry added in between wakes
	// the stream rather than waiting for the next one.
	wake, ok := ev.subscribe()
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "the server is shutting down")
		return
	}
	defer ev.unsubscribe(wake)

	rc := http.NewResponseController(w)
	// A stream outlives the server's read timeout: no read deadline while it is open.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	s := &stream{w: w, rc: rc, timeout: ev.writeTimeout, version: ^uint64(0)}
	s.printf("retry: 1000\n\n")

	heartbeat := time.NewTicker(ev.heartbeat)
	defer heartbeat.Stop()
	buf := make([]journal.Entry, 0, eventsChunk)
	first := true
	for {
		var entries []journal.Entry
		prev := since
		entries, since = a.cfg.Journal.Scan(buf, since, "", eventsChunk)
		if len(entries) > 0 && entries[0].Seq > prev+1 {
			if !first {
				return // the journal moved on while this client was being written to: too slow
			}
			s.printf("event: gap\ndata: {\"from\":%d,\"to\":%d}\n\n", prev+1, entries[0].Seq-1)
		}
		first = false
		for i := range entries {
			s.entry(&entries[i])
		}
		clear(entries) // let go of the entries' data before waiting
		if v := a.cfg.Center.Version(); v != s.version {
			s.version = v
			s.printf("event: state\ndata: {\"version\":%d}\n\n", v)
		}
		if !s.flush() {
			return
		}
		if len(entries) == eventsChunk {
			continue // more may be waiting
		}
		select {
		case <-wake:
		case <-heartbeat.C:
			s.printf(": keep-alive\n\n")
		case <-ev.done:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// stream writes the events of one client; the first error ends it.
type stream struct {
	w        io.Writer
	rc       *http.ResponseController
	timeout  time.Duration
	version  uint64 // of the last state event sent
	deadline bool   // a write deadline is set for the current batch
	err      error
}

// arm sets the write deadline of a batch before its first write: a client
// that does not read within it is dropped.
func (s *stream) arm() {
	if !s.deadline {
		_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
		s.deadline = true
	}
}

func (s *stream) printf(format string, args ...any) {
	if s.err != nil {
		return
	}
	s.arm()
	_, s.err = fmt.Fprintf(s.w, format, args...)
}

func (s *stream) entry(e *journal.Entry) {
	if s.err != nil {
		return
	}
	b, err := json.Marshal(e)
	if err != nil {
		s.err = err
		return
	}
	s.printf("id: %d\ndata: %s\n\n", e.Seq, b)
}

// flush sends what the batch wrote and reports whether the client is
// still there.
func (s *stream) flush() bool {
	if s.err == nil && s.deadline {
		s.err = s.rc.Flush()
	}
	s.deadline = false
	return s.err == nil
}
