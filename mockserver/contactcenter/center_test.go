package contactcenter

import (
	"fmt"
	"testing"

	"github.com/gwsmock/gwsmock/internal/testusers"
)

func TestAuthenticate(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, user, password string
		wantID               string
		wantOK               bool
	}{
		{name: "right password", user: "alice", password: testusers.Password("alice"), wantID: aliceID, wantOK: true},
		{name: "wrong password", user: "alice", password: testusers.Password("bob")},
		{name: "empty password", user: "alice", password: ""},
		{name: "unknown user", user: "mallory", password: testusers.Password("alice")},
		{name: "a user without a password", user: "nopass", password: ""},
	}
	h.must(h.c.Restore(func() Snapshot {
		s := fixture()
		s.Users = append(s.Users, User{ID: "00000000000000000000000000000009", UserName: "nopass"})
		return s
	}()))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, ok := h.c.Authenticate(tc.user, tc.password)
			checkEqual(t, "ok", ok, tc.wantOK)
			checkEqual(t, "id", u.ID, tc.wantID)
		})
	}
}

func TestUsers(t *testing.T) {
	h := newHarness(t, capacity("alice", Chat, 2))
	u, ok := h.c.User(aliceID)
	if !ok {
		t.Fatal("User(alice) not found")
	}
	want := agent(aliceID, "alice", "Alice")
	want.Capacity = map[Channel]int{Chat: 2}
	checkEqual(t, "User", u, want)
	byName, ok := h.c.UserByName("alice")
	checkEqual(t, "UserByName found", ok, true)
	checkEqual(t, "UserByName", byName, want)

	u.Channels[0] = "fax"
	u.Capacity[Chat] = 99
	again, _ := h.c.User(aliceID)
	checkEqual(t, "User after changing a copy", again, want)

	if _, ok := h.c.User("nope"); ok {
		t.Error("User(unknown) found")
	}
	if _, ok := h.c.UserByName("nope"); ok {
		t.Error("UserByName(unknown) found")
	}
}

func TestReadiness(t *testing.T) {
	h := newHarness(t, func(_ *Config, s *Snapshot) {
		s.Users[0].Channels = []Channel{Chat, Email}
		s.Users[0].Ready = []Channel{Email}
	})
	got, err := h.c.Readiness(aliceID)
	h.must(err)
	checkEqual(t, "readiness in channel order", got, []Readiness{{Chat, false}, {Email, true}})

	h.ok(h.c.SetReady(aliceID, Chat, true))
	h.ok(h.c.SetReady(aliceID, Chat, true)) // unchanged: nothing to tell
	checkLines(t, "events", h.events(), []string{"alice Channel chat Ready"})
	got, _ = h.c.Readiness(aliceID)
	checkEqual(t, "readiness", got, []Readiness{{Chat, true}, {Email, true}})
	u, _ := h.c.User(aliceID)
	checkEqual(t, "User.Ready", u.Ready, []Channel{Chat, Email})

	if _, err := h.c.Readiness("nope"); CodeOf(err) != NotFound {
		t.Errorf("Readiness(unknown) = %v, want NotFound", err)
	}
	before := h.c.Snapshot()
	for _, tc := range []struct {
		name   string
		userID string
		ch     Channel
		code   Code
	}{
		{"unknown user", "nope", Email, NotFound},
		{"a channel the user does not handle", aliceID, Workitem, Invalid},
		{"an unknown channel", aliceID, "fax", Invalid},
		{"admin has no channels", adminID, Email, Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := errOf(h.c.SetReady(tc.userID, tc.ch, true))
			checkEqual(t, "code", CodeOf(err), tc.code)
			checkEqual(t, "snapshot", h.c.Snapshot(), before)
			checkLines(t, "events", h.events(), nil)
		})
	}
}

func TestQueries(t *testing.T) {
	h := newHarness(t)
	i1 := h.owned(Email, "alice")      // alice owns
	i2 := h.offer(Chat, "alice")       // alice invited
	i3 := h.conference("bob", "alice") // bob owns, alice member
	i4 := h.owned(Email, "carol")      // carol owns, then completes
	h.ok(h.c.StopProcessing(carolID, h.id(i4)))
	i5 := h.owned(Email, "dave")
	h.ok(h.c.PlaceInWorkbin(daveID, h.id(i5), "dave-workbin"))

	checkEqual(t, "alice's interactions", h.mine("alice"), []string{i1 + " Processing", i2 + " Invited", i3 + " Processing"})
	checkEqual(t, "carol's interactions", h.mine("carol"), []string{})
	checkEqual(t, "unknown user's interactions", h.mine("nobody"), []string{})

	var active []string
	for _, v := range h.c.Active(aliceID) {
		active = append(active, h.label(v.ID)+" "+string(v.State)+" "+capsString(v.Capabilities))
	}
	checkEqual(t, "Active as alice sees it", active, []string{
		i1 + " Processing " + ownerCaps,
		i2 + " Invited " + offerCaps,
		i3 + " Processing " + memberCaps,
		i5 + " InWorkbin []",
	})
	checkEqual(t, "a completed interaction stays readable", h.see("carol", i4), "Completed []")
	checkEqual(t, "a non-party sees the own state", h.see("carol", i3), "Processing []")
	if _, err := h.c.Interaction(aliceID, unknownID); CodeOf(err) != NotFound {
		t.Errorf("Interaction(unknown) = %v, want NotFound", err)
	}
	v := h.view(i3)
	checkEqual(t, "ownerId", v.OwnerID, bobID)
	checkEqual(t, "participants", v.Participants, []Participant{
		{UserID: bobID, UserName: "bob", Role: PartyOwner},
		{UserID: aliceID, UserName: "alice", Role: PartyMember},
	})
}

func TestRetainCompleted(t *testing.T) {
	h := newHarness(t, retainCompleted(2))
	var labels []string
	for range 3 {
		l := h.owned(Email, "alice")
		h.ok(h.c.StopProcessing(aliceID, h.id(l)))
		labels = append(labels, l)
	}
	if _, err := h.c.Interaction(adminID, h.id(labels[0])); CodeOf(err) != NotFound {
		t.Errorf("the oldest completed interaction: %v, want NotFound", err)
	}
	for _, l := range labels[1:] {
		checkEqual(t, l, h.see("admin", l), "Completed []")
	}
	checkEqual(t, "interactions in the snapshot", len(h.c.Snapshot().Interactions), 2)

	none := newHarness(t, retainCompleted(-1))
	l := none.owned(Email, "alice")
	none.ok(none.c.StopProcessing(aliceID, none.id(l)))
	if _, err := none.c.Interaction(adminID, none.id(l)); CodeOf(err) != NotFound {
		t.Errorf("retain none: %v, want NotFound", err)
	}
}

func TestNewIDSource(t *testing.T) {
	a, b, c := NewIDSource(7), NewIDSource(7), NewIDSource(8)
	seen := map[string]bool{}
	for range 1000 {
		x, y, z := a(), b(), c()
		if x != y {
			t.Fatalf("same seed, different ids: %q %q", x, y)
		}
		if x == z {
			t.Fatalf("different seeds, same id %q", x)
		}
		if !validInteractionID(x) {
			t.Fatalf("id %q is not 16 characters [0-9A-Za-z]", x)
		}
		if seen[x] {
			t.Fatalf("id %q repeated", x)
		}
		seen[x] = true
	}
}

// TestEventsCarryUserName: every kind of event names its recipient by
// userName too, so a Sink never needs to ask the Center who that is.
func TestEventsCarryUserName(t *testing.T) {
	tests := []struct {
		name string
		act  func(h *harness)
		kind EventKind
	}{
		{"channel state", func(h *harness) { h.ok(h.c.SetReady(bobID, Chat, false)) }, ChannelStateEvent},
		{"interaction", func(h *harness) { h.conference("alice", "bob") }, InteractionEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			tt.act(h)
			events := h.sink.take()
			if len(events) == 0 {
				t.Fatal("no events")
			}
			sawKind := false
			for _, e := range events {
				sawKind = sawKind || e.Kind == tt.kind
				want, ok := userNames[e.UserID]
				if !ok {
					t.Fatalf("event %d for unknown user %q", e.Seq, e.UserID)
				}
				checkEqual(t, fmt.Sprintf("UserName of event %d", e.Seq), e.UserName, want)
			}
			if !sawKind {
				t.Errorf("no event of kind %v", tt.kind)
			}
		})
	}
}
