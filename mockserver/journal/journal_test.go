package journal

import (
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
			got := j.Since(tt.since, tt.user)
			if len(got) != len(tt.want) {
				t.Fatalf("Since(%d, %q) = %d entries, want %d", tt.since, tt.user, len(got), len(tt.want))
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
