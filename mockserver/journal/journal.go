// Package journal keeps the bounded log of what the mock server saw and said:
// requests, responses and notifications, each with a sequence number. The
// control API serves it at /control/v1/journal.
package journal

import (
	"bytes"
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
	// pinned is what a shared Data holds in memory (its capacity), 0
	// for a copy.
	pinned int64
}

// DefaultSize is how many entries a journal keeps when New is given 0.
const DefaultSize = 10000

// DefaultMaxBytes is how many bytes of entry data (bodies, payloads and
// paths) a journal keeps when NewSized is given 0: bodies may be up to
// 16 MiB each, so a bound in entries alone does not bound memory.
const DefaultMaxBytes = 64 << 20

// Journal is a ring of the most recent entries, bounded in entries and in
// bytes of data. The zero value is not usable; call New.
type Journal struct {
	now      func() time.Time
	maxBytes int64
	// OnAdd, when set (before the journal is used), is called after each
	// entry is recorded, outside the journal's lock, so that readers
	// following the journal (the control API's event streams) look again.
	OnAdd func()

	mu sync.Mutex
	// guards ring, start, n, next, bytes
	ring  []Entry
	start int
	n     int
	next  uint64
	bytes int64 // cost of the entries kept
}

// New returns a journal that keeps the size most recent entries (0:
// DefaultSize) and at most DefaultMaxBytes of their data.
func New(size int, now func() time.Time) *Journal {
	return NewSized(size, 0, now)
}

// NewSized returns a journal that keeps the size most recent entries (0:
// DefaultSize) as long as their data (bodies, payloads, paths) stays within
// maxBytes (0: DefaultMaxBytes); the oldest go first. An entry whose data
// alone exceeds maxBytes is kept without its data.
func NewSized(size int, maxBytes int64, now func() time.Time) *Journal {
	if size <= 0 {
		size = DefaultSize
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if now == nil {
		now = time.Now
	}
	return &Journal{now: now, maxBytes: maxBytes, ring: make([]Entry, size), next: 1}
}

// cost is what an entry counts against the byte bound: for shared data,
// the whole buffer it pins.
func cost(e *Entry) int64 { return max(int64(len(e.Data)), e.pinned) + int64(len(e.Path)) }

// Add records e, setting its Seq and Time, and returns the Seq. It keeps
// a copy of e.Data.
func (j *Journal) Add(e Entry) uint64 {
	// Keep exactly the bytes counted: a caller's slice may pin a larger
	// buffer (a recorder's, io.ReadAll's), and may change later.
	return j.add(e, false)
}

// AddShared records e like Add but keeps e.Data itself, which the caller
// must never change; the whole buffer it pins (its capacity) counts
// against the byte bound.
func (j *Journal) AddShared(e Entry) uint64 {
	e.pinned = int64(cap(e.Data))
	return j.add(e, true)
}

func (j *Journal) add(e Entry, share bool) uint64 {
	seq := j.record(e, share)
	if j.OnAdd != nil {
		j.OnAdd()
	}
	return seq
}

func (j *Journal) record(e Entry, share bool) uint64 {
	t := j.now()
	if !share {
		e.Data = bytes.Clone(e.Data) // outside the lock: other writers wait less
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	e.Seq = j.next
	e.Time = t
	j.next++
	if cost(&e) > j.maxBytes {
		e.Data, e.pinned = nil, 0
	}
	c := cost(&e)
	for j.n > 0 && (j.n == len(j.ring) || j.bytes+c > j.maxBytes) {
		j.bytes -= cost(&j.ring[j.start])
		j.ring[j.start] = Entry{}
		j.start = (j.start + 1) % len(j.ring)
		j.n--
	}
	j.ring[(j.start+j.n)%len(j.ring)] = e
	j.n++
	j.bytes += c
	return e.Seq
}

// Bytes returns the cost of the entries kept, which never exceeds the
// journal's byte bound.
func (j *Journal) Bytes() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.bytes
}

// Len returns how many entries are kept.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n
}

// Scan copies into buf (cleared first) the entries with Seq > since, oldest
// first, at most max of them; with user set, only that user's. It returns
// them and the sequence number it has looked up to, from which scanning on
// misses nothing and repeats nothing: the last entry copied when more that
// match follow, else the newest assigned, or since when that is greater.
// Entries share their Data with the journal, which never changes it.
func (j *Journal) Scan(buf []Entry, since uint64, user string, max int) (entries []Entry, scanned uint64) {
	buf = buf[:0]
	if max < 1 {
		return buf, since
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	first := j.next - uint64(j.n) // the seq of the oldest entry kept
	i := 0
	if since >= first {
		i = int(min(since-first+1, uint64(j.n)))
	}
	for ; i < j.n; i++ {
		e := &j.ring[(j.start+i)%len(j.ring)]
		if user != "" && e.User != user {
			continue
		}
		if len(buf) >= max {
			return buf, buf[len(buf)-1].Seq
		}
		buf = append(buf, *e)
	}
	if since > j.next-1 {
		return buf, since
	}
	return buf, j.next - 1
}

// Last returns the sequence number of the newest entry, 0 when empty.
func (j *Journal) Last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.next - 1
}
