// Package journal keeps the bounded log of what the mock server saw and said:
// requests, responses and notifications, each with a sequence number. The
// control API serves it at /control/v1/journal.
package journal

import (
	"encoding/json"
	"sync"
	"time"
)

// Kinds of entries.
const (
	Request      = "request"
	Response     = "response"
	Notification = "notification"
)

// Entry is one thing that happened. Fields are set as they apply to Kind.
type Entry struct {
	Seq     uint64          `json:"seq"`
	Time    time.Time       `json:"time"`
	Kind    string          `json:"kind"`
	User    string          `json:"user,omitempty"` // userName
	Method  string          `json:"method,omitempty"`
	Path    string          `json:"path,omitempty"`
	Status  int             `json:"status,omitempty"`
	Channel string          `json:"channel,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// DefaultSize is how many entries a journal keeps when New is given 0.
const DefaultSize = 10000

// Journal is a ring of the most recent entries. The zero value is not usable;
// call New.
type Journal struct {
	now func() time.Time

	mu sync.Mutex
	// guards ring, start, n, next
	ring  []Entry
	start int
	n     int
	next  uint64
}

// New returns a journal that keeps the size most recent entries.
func New(size int, now func() time.Time) *Journal {
	if size <= 0 {
		size = DefaultSize
	}
	if now == nil {
		now = time.Now
	}
	return &Journal{now: now, ring: make([]Entry, size), next: 1}
}

// Add records e, setting its Seq and Time, and returns the Seq.
func (j *Journal) Add(e Entry) uint64 {
	t := j.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	e.Seq = j.next
	e.Time = t
	j.next++
	if j.n < len(j.ring) {
		j.ring[(j.start+j.n)%len(j.ring)] = e
		j.n++
	} else {
		j.ring[j.start] = e
		j.start = (j.start + 1) % len(j.ring)
	}
	return e.Seq
}

// Since returns the entries with Seq > since, oldest first; with user set,
// only that user's.
func (j *Journal) Since(since uint64, user string) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	for i := 0; i < j.n; i++ {
		e := j.ring[(j.start+i)%len(j.ring)]
		if e.Seq <= since || (user != "" && e.User != user) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Last returns the sequence number of the newest entry, 0 when empty.
func (j *Journal) Last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.next - 1
}
