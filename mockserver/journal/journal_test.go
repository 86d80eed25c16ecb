package journal

import (
	"slices"
	"testing"
	"time"
)

func TestRingKeepsNewest(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	j := New(3, func() time.Time { return now })
	for i, u := range []string{"alice", "bob", "alice", "bob", "alice"} {
		if got, want := j.Add(Entry{Kind: Request, User: u}), uint64(i+1); got != want {
			t.Fatalf("Add #%d seq = %d, want %d", i, got, want)
		}
	}
	tests := []struct {
		name  string
		since uint64
		user  string
		want  []uint64
	}{
		{"all kept", 0, "", []uint64{3, 4, 5}},
		{"since", 3, "", []uint64{4, 5}},
		{"by user", 0, "alice", []uint64{3, 5}},
		{"nothing newer", 5, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := j.Scan(nil, tt.since, tt.user, 100)
			if len(got) != len(tt.want) {
				t.Fatalf("Scan(%d, %q) = %d entries, want %d", tt.since, tt.user, len(got), len(tt.want))
			}
			for i, e := range got {
				if e.Seq != tt.want[i] || !e.Time.Equal(now) {
					t.Errorf("entry %d = seq %d time %v, want seq %d", i, e.Seq, e.Time, tt.want[i])
				}
			}
		})
	}
	if j.Last() != 5 {
		t.Errorf("Last = %d, want 5", j.Last())
	}
}

// TestBoundsHold: however many entries of whatever size are added, the
// journal keeps at most its size in entries and its byte bound in data,
// newest first, with sequence numbers that never repeat.
func TestBoundsHold(t *testing.T) {
	data := func(n int) []byte { // a JSON string of n bytes
		b := make([]byte, n)
		for i := range b {
			b[i] = 'x'
		}
		b[0], b[n-1] = '"', '"'
		return b
	}
	tests := []struct {
		name      string
		size      int
		maxBytes  int64
		sizes     []int // data sizes added, in order
		wantSeqs  []uint64
		wantBytes int64
	}{
		{"entries bound", 2, 1000, []int{10, 10, 10}, []uint64{2, 3}, 20},
		{"byte bound drops the oldest", 10, 100, []int{40, 40, 40}, []uint64{2, 3}, 80},
		{"one entry over the bound keeps no data", 10, 100, []int{40, 500}, []uint64{1, 2}, 40},
		{"a big entry pushes out several", 10, 100, []int{30, 30, 30, 90}, []uint64{4}, 90},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := NewSized(tt.size, tt.maxBytes, nil)
			for _, n := range tt.sizes {
				j.Add(Entry{Kind: Notification, Data: data(n)})
				if j.Bytes() > tt.maxBytes || j.Len() > tt.size {
					t.Fatalf("after adding %d bytes: %d entries, %d bytes; bounds %d, %d", n, j.Len(), j.Bytes(), tt.size, tt.maxBytes)
				}
			}
			got, _ := j.Scan(nil, 0, "", 100)
			if len(got) != len(tt.wantSeqs) {
				t.Fatalf("kept %d entries, want %v", len(got), tt.wantSeqs)
			}
			for i, e := range got {
				if e.Seq != tt.wantSeqs[i] {
					t.Errorf("entry %d seq = %d, want %d", i, e.Seq, tt.wantSeqs[i])
				}
			}
			if j.Bytes() != tt.wantBytes {
				t.Errorf("Bytes = %d, want %d", j.Bytes(), tt.wantBytes)
			}
		})
	}
}

// TestManyBigEntriesStayBounded: a client sending one large body after
// another cannot grow the journal past its byte bound.
func TestManyBigEntriesStayBounded(t *testing.T) {
	const maxBytes = 1 << 20
	j := NewSized(100000, maxBytes, nil)
	big := make([]byte, 64<<10)
	for i := range 1000 {
		j.Add(Entry{Kind: Request, Path: "/api/v2/me", Data: big})
		if j.Bytes() > maxBytes {
			t.Fatalf("after %d entries the journal holds %d bytes, over %d", i+1, j.Bytes(), maxBytes)
		}
	}
	if j.Last() != 1000 || j.Len() == 0 {
		t.Fatalf("Last = %d, Len = %d", j.Last(), j.Len())
	}
}

// TestScanPages: Scan copies at most max entries and says where to go on,
// so that paging from since=0 sees every kept entry once, whatever the page
// size and the user filter.
func TestScanPages(t *testing.T) {
	j := New(8, nil)
	for _, u := range []string{"alice", "bob", "bob", "alice", "bob", "alice", "alice", "bob", "bob", "alice"} {
		j.Add(Entry{Kind: Request, User: u}) // seqs 1..10, 3..10 kept
	}
	tests := []struct {
		name    string
		since   uint64
		user    string
		max     int
		want    []uint64
		scanned uint64
	}{
		{"a full page stops at its last entry", 0, "", 3, []uint64{3, 4, 5}, 5},
		{"the last page reaches the newest", 7, "", 3, []uint64{8, 9, 10}, 10},
		{"a short page reaches the newest", 8, "", 3, []uint64{9, 10}, 10},
		{"filtered page", 0, "alice", 2, []uint64{4, 6}, 6},
		{"filtered page without more of the user", 6, "alice", 2, []uint64{7, 10}, 10},
		{"nothing newer", 10, "", 3, nil, 10},
		{"since beyond the newest", 99, "", 3, nil, 99},
		{"no room", 0, "", 0, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, scanned := j.Scan(make([]Entry, 0, 1), tt.since, tt.user, tt.max)
			var seqs []uint64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
			}
			if !slices.Equal(seqs, tt.want) || scanned != tt.scanned {
				t.Errorf("Scan(%d, %q, %d) = %v up to %d, want %v up to %d", tt.since, tt.user, tt.max, seqs, scanned, tt.want, tt.scanned)
			}
		})
	}
}

func TestAddShared(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		maxBytes  int64
		wantBytes int64
		wantData  bool
	}{
		{"kept, counted by what it pins", make([]byte, 10, 64), 1000, 64 + int64(len("/p")), true},
		{"exact buffer", []byte(`{"a":1}`), 1000, 7 + 2, true},
		{"pins more than the bound: kept without data", make([]byte, 10, 2000), 1000, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := NewSized(10, tt.maxBytes, nil)
			j.AddShared(Entry{Kind: Response, Path: "/p", Data: tt.data})
			if got := j.Bytes(); got != tt.wantBytes {
				t.Errorf("Bytes = %d, want %d", got, tt.wantBytes)
			}
			got, _ := j.Scan(nil, 0, "", 10)
			if len(got) != 1 {
				t.Fatalf("%d entries, want 1", len(got))
			}
			if has := got[0].Data != nil; has != tt.wantData {
				t.Fatalf("data kept = %v, want %v", has, tt.wantData)
			}
			if tt.wantData && &got[0].Data[0] != &tt.data[0] {
				t.Errorf("data copied, want the caller's buffer itself")
			}
		})
	}
}

func TestAddSharedEvictsByPinnedBytes(t *testing.T) {
	j := NewSized(10, 100, nil)
	for range 3 {
		j.AddShared(Entry{Kind: Response, Data: make([]byte, 1, 40)})
	}
	if got, want := j.Len(), 2; got != want {
		t.Errorf("Len = %d, want %d (each entry pins 40 of 100 bytes)", got, want)
	}
	if got := j.Bytes(); got > 100 {
		t.Errorf("Bytes = %d, over the bound 100", got)
	}
}

// TestOnAddRunsAfterEachEntryOutsideTheLock: a reader told of an entry can
// read the journal at once (OnAdd runs after the lock is released).
func TestOnAddRunsAfterEachEntryOutsideTheLock(t *testing.T) {
	j := New(4, nil)
	var seen []int
	j.OnAdd = func() { seen = append(seen, j.Len()) }
	j.Add(Entry{Kind: Request})
	j.AddShared(Entry{Kind: Response, Data: []byte(`{}`)})
	if len(seen) != 2 || seen[0] != 1 || seen[1] != 2 {
		t.Fatalf("OnAdd saw lengths %v, want [1 2]", seen)
	}
}
