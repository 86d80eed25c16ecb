package contactcenter

import (
	"reflect"
	"sync/atomic"
	"testing"
)

func onChange(f func()) option {
	return func(c *Config, _ *Snapshot) { c.OnChange = f }
}

// TestEveryChangeIsCounted: a persistence layer learns of every change
// through OnChange and Version, including those that emit no event
// (Restore, an interaction waiting in a queue nobody serves), and of no
// refusal or read.
func TestEveryChangeIsCounted(t *testing.T) {
	alice, bob := userIDs["alice"], userIDs["bob"]
	tests := []struct {
		name    string
		do      func(h *harness) error
		changed bool
	}{
		{"create", func(h *harness) error { _, err := h.c.Create(NewInteraction{Channel: Email}); return err }, true},
		{"accept", func(h *harness) error { return errOf(h.c.Accept(alice, h.id(h.offer(Email, "alice")))) }, true},
		{"update properties", func(h *harness) error {
			return errOf(h.c.UpdateProperties(alice, h.id(h.owned(Email, "alice")), map[string]any{"a": 1.0}))
		}, true},
		{"set ready", func(h *harness) error { return errOf(h.c.SetReady(bob, Email, false)) }, true},
		{"restore emits no event but changes", func(h *harness) error { return h.c.Restore(fixture()) }, true},
		{"refused operation", func(h *harness) error {
			if err := errOf(h.c.Accept(bob, "0000000000000000")); err == nil {
				t.Fatal("accepted an unknown interaction")
			}
			return nil
		}, false},
		{"refused restore", func(h *harness) error {
			bad := fixture()
			bad.Users = append(bad.Users, bad.Users[0])
			if err := h.c.Restore(bad); err == nil {
				t.Fatal("restored a duplicate user")
			}
			return nil
		}, false},
		{"reads", func(h *harness) error {
			h.c.Snapshot()
			h.c.Active(alice)
			h.c.MyInteractions(alice)
			return nil
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			h := newHarness(t, onChange(func() { calls.Add(1) }))
			before, v0 := calls.Load(), h.c.Version()
			if _, sv0 := h.c.VersionedSnapshot(); sv0 != v0 {
				t.Fatalf("VersionedSnapshot version %d, Version %d", sv0, v0)
			}
			if err := tt.do(h); err != nil {
				t.Fatal(err)
			}
			got := h.c.Version() > v0
			if got != tt.changed {
				t.Fatalf("version %d -> %d, want changed %v", v0, h.c.Version(), tt.changed)
			}
			if int64(h.c.Version()-v0) != calls.Load()-before {
				t.Fatalf("OnChange called %d times for %d changes", calls.Load()-before, h.c.Version()-v0)
			}
		})
	}
}

// TestVersionedSnapshotIsConsistent: the snapshot returned with a version
// is the state after exactly that many changes.
func TestVersionedSnapshotIsConsistent(t *testing.T) {
	h := newHarness(t)
	l := h.offer(Email, "alice")
	snap, v := h.c.VersionedSnapshot()
	h.ok(h.c.Accept(userIDs["alice"], h.id(l)))
	snap2, v2 := h.c.VersionedSnapshot()
	if v2 != v+1 || reflect.DeepEqual(snap, snap2) {
		t.Fatalf("versions %d -> %d; snapshots equal: %v", v, v2, reflect.DeepEqual(snap, snap2))
	}
}

// TestVersionedMyInteractionsIsConsistent: the views returned with a
// version are MyInteractions at that version, and a version a read sees
// again means the same views (what a cached answer relies on).
func TestVersionedMyInteractionsIsConsistent(t *testing.T) {
	h := newHarness(t)
	alice := userIDs["alice"]
	l := h.offer(Email, "alice")
	views, v := h.c.VersionedMyInteractions(alice)
	if v != h.c.Version() || !reflect.DeepEqual(views, h.c.MyInteractions(alice)) {
		t.Fatalf("version %d (Version %d); views %+v, MyInteractions %+v", v, h.c.Version(), views, h.c.MyInteractions(alice))
	}
	h.ok(h.c.Accept(alice, h.id(l)))
	views2, v2 := h.c.VersionedMyInteractions(alice)
	if v2 != v+1 || reflect.DeepEqual(views, views2) {
		t.Fatalf("versions %d -> %d; views equal: %v", v, v2, reflect.DeepEqual(views, views2))
	}
	again, v3 := h.c.VersionedMyInteractions(alice)
	if v3 != v2 || !reflect.DeepEqual(again, views2) {
		t.Fatalf("an unchanged version %d -> %d gave other views", v2, v3)
	}
}
