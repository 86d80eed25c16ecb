package contactcenter

import (
	"strings"
	"testing"
	"time"
)

// busy builds a center holding interactions in every state: a conference
// with a member and an open invitation, an offer, one in a workbin, a
// completed one and a queued one with an exclusion.
func busy(t *testing.T, opts ...option) *harness {
	t.Helper()
	h := newHarness(t, append([]option{onlyReady("alice", "bob", "dave")}, opts...)...)
	i1 := h.create(NewInteraction{Channel: Email, UserData: map[string]any{"n": map[string]any{"x": 1.0}}, ChannelData: map[string]any{"subject": "s"}})
	h.ok(h.c.Accept(aliceID, h.id(i1)))
	h.ok(h.c.StartConference(aliceID, h.id(i1), "bob"))
	h.ok(h.c.Accept(bobID, h.id(i1)))
	h.ok(h.c.StartConference(aliceID, h.id(i1), "carol"))
	h.offer(Chat, "dave")
	i3 := h.owned(Email, "dave")
	h.ok(h.c.PlaceInWorkbin(daveID, h.id(i3), "dave-workbin"))
	i4 := h.owned(Chat, "bob")
	h.ok(h.c.StopProcessing(bobID, h.id(i4)))
	h.ok(h.c.SetReady(aliceID, Chat, false))
	h.ok(h.c.SetReady(bobID, Chat, false))
	i5 := h.create(NewInteraction{Channel: Chat})
	h.ok(h.c.Reject(daveID, h.id(i5)))
	h.events()
	return h
}

func TestSnapshotRoundTrip(t *testing.T) {
	h := busy(t)
	s1 := h.c.Snapshot()
	states := map[State]int{}
	for _, r := range s1.Interactions {
		states[r.State]++
	}
	checkEqual(t, "states", states, map[State]int{Processing: 1, Invited: 1, InWorkbin: 1, Completed: 1, Queued: 1})
	checkEqual(t, "exclusion kept", s1.Interactions[4].Excluded, []string{daveID})
	checkEqual(t, "participants", s1.Interactions[0].Participants, []Participant{
		{UserID: aliceID, UserName: "alice", Role: PartyOwner},
		{UserID: bobID, UserName: "bob", Role: PartyMember},
		{UserID: carolID, UserName: "carol", Role: PartyInvitedConference},
	})
	for i := 1; i < len(s1.Interactions); i++ {
		if !s1.Interactions[i-1].ReceivedAt.Before(s1.Interactions[i].ReceivedAt) {
			t.Errorf("interactions not by receivedDate: %v", s1.Interactions)
		}
	}

	c2, err := New(Config{}, s1)
	h.must(err)
	checkEqual(t, "New(Snapshot()).Snapshot()", c2.Snapshot(), s1)

	h2 := newHarness(t)
	h2.must(h2.c.Restore(s1))
	checkEqual(t, "Restore(Snapshot()) then Snapshot()", h2.c.Snapshot(), s1)
	checkLines(t, "events of Restore", h2.events(), nil)

	// The restored state works: the offer to dave can be accepted, the
	// conference goes on.
	h2.must(errOf(h2.c.Accept(daveID, s1.Interactions[1].ID)))
	h2.must(errOf(h2.c.Accept(carolID, s1.Interactions[0].ID)))
	h2.must(errOf(h2.c.EndConference(aliceID, s1.Interactions[0].ID, "")))
	checkEqual(t, "owner after the owner left", h2.c.Snapshot().Interactions[0].OwnerID, bobID)
}

func TestSnapshotIsACopy(t *testing.T) {
	h := busy(t)
	s := h.c.Snapshot()
	want := h.c.Snapshot()
	s.Users[0].Channels[0] = "fax"
	s.Users[0].Roles[0] = RoleAdmin
	s.Workbins[4].Members[0] = "x"
	s.Interactions[0].UserData["n"].(map[string]any)["x"] = 99.0
	s.Interactions[0].Participants[0].Role = PartyMember
	s.Interactions[4].Excluded[0] = "x"
	checkEqual(t, "snapshot after changing a copy", h.c.Snapshot(), want)

	in := fixture()
	c, err := New(Config{}, in)
	h.must(err)
	in.Users[0].Queues[0] = "nope"
	in.Workbins[4].Members[0] = "nope"
	got := c.Snapshot()
	checkEqual(t, "queues after changing the input", got.Users[0].Queues[0], "email-inbound")
	checkEqual(t, "members after changing the input", got.Workbins[4].Members[0], aliceID)
}

func TestRestoreTimers(t *testing.T) {
	h := busy(t, inviteTimeout(time.Minute))
	s := h.c.Snapshot()
	armed := h.timers.armed()
	checkEqual(t, "armed before", armed, 2) // dave's offer and carol's conference invitation
	n := h.timers.count()

	h.must(h.c.Restore(fixture()))
	checkEqual(t, "armed after Restore", h.timers.armed(), 0)
	for i := range n {
		h.timers.fire(i) // late fires of cancelled timers
	}
	checkLines(t, "events of late fires", h.events(), nil)

	h.must(h.c.Restore(s))
	checkEqual(t, "armed after restoring offers", h.timers.armed(), 2)
	checkLines(t, "events of Restore", h.events(), nil)
	h.timers.fire(n + 1) // the second armed: by receivedDate, dave's chat offer
	checkLines(t, "events of a restored timer", h.events(), []string{
		"dave i2 StatusChange Revoked []", // nobody else is Ready on chat: it waits
	})
}

func TestRestoreDoesNotRoute(t *testing.T) {
	h := newHarness(t)
	s := fixture()
	s.Interactions = []InteractionRecord{{ID: "QQQQQQQQQQQQQQQQ", Channel: Email, State: Queued, Queue: "email-inbound", ReceivedAt: t0}}
	h.must(h.c.Restore(s))
	h.labels["QQQQQQQQQQQQQQQQ"] = "q"
	checkLines(t, "events of Restore", h.events(), nil)
	checkEqual(t, "defaults", h.c.Snapshot().Interactions[0].Type+"/"+h.c.Snapshot().Interactions[0].SubType, "Inbound/InboundNew")
	h.ok(h.c.SetReady(bobID, Chat, true)) // already Ready: no ChannelStateEvent
	checkLines(t, "the next transition routes it", h.events(), []string{invited("alice", "q")})
}

func TestRestoreValidation(t *testing.T) {
	const iid = "IIIIIIIIIIIIIIII"
	base := func() Snapshot {
		s := fixture()
		s.Interactions = []InteractionRecord{{
			ID: iid, Channel: Email, State: Processing, Queue: "email-inbound", OwnerID: aliceID,
			Participants: []Participant{{UserID: aliceID, Role: PartyOwner}, {UserID: bobID, UserName: "bob", Role: PartyMember}},
			ReceivedAt:   t0,
		}}
		return s
	}
	tests := []struct {
		name   string
		edit   func(s *Snapshot)
		wantIn string // the error message names the item
	}{
		{"user id not hex", func(s *Snapshot) { s.Users[1].ID = "bob" }, "users[1] (bob)"},
		{"duplicate user id", func(s *Snapshot) { s.Users[1].ID = aliceID }, "users[1] (bob)"},
		{"duplicate userName", func(s *Snapshot) { s.Users[1].UserName = "alice" }, "users[1]"},
		{"empty userName", func(s *Snapshot) { s.Users[2].UserName = "" }, "users[2]"},
		{"unknown role", func(s *Snapshot) { s.Users[0].Roles = []Role{"boss"} }, "boss"},
		{"unknown user channel", func(s *Snapshot) { s.Users[0].Channels = append(s.Users[0].Channels, "fax") }, "fax"},
		{"channel listed twice", func(s *Snapshot) { s.Users[0].Channels = append(s.Users[0].Channels, Email) }, "users[0]"},
		{"unknown queue served", func(s *Snapshot) { s.Users[0].Queues = []string{"nope"} }, "nope"},
		{"queue of a channel not handled", func(s *Snapshot) { s.Users[0].Queues = []string{"workitem-inbound"} }, "workitem-inbound"},
		{"capacity of a channel not handled", func(s *Snapshot) { s.Users[0].Capacity = map[Channel]int{Workitem: 1} }, "users[0]"},
		{"negative capacity", func(s *Snapshot) { s.Users[0].Capacity = map[Channel]int{Email: -1} }, "users[0]"},
		{"ready on a channel not handled", func(s *Snapshot) { s.Users[0].Ready = []Channel{Workitem} }, "users[0]"},
		{"queue id not a UUID", func(s *Snapshot) { s.Queues[0].ID = "q1" }, "queues[0]"},
		{"duplicate queue id", func(s *Snapshot) { s.Queues[1].ID = emailQueueID }, "queues[1]"},
		{"duplicate queue name", func(s *Snapshot) { s.Queues[1].Name = "email-inbound" }, "queues[1]"},
		{"empty queue name", func(s *Snapshot) { s.Queues[2].Name = "" }, "queues[2]"},
		{"unknown queue channel", func(s *Snapshot) { s.Queues[2].Channel = "fax" }, "queues[2]"},
		{"workbin id not a UUID", func(s *Snapshot) { s.Workbins[0].ID = "w" }, "workbins[0]"},
		{"duplicate workbin id", func(s *Snapshot) { s.Workbins[1].ID = aliceWorkbinID }, "workbins[1]"},
		{"duplicate workbin name", func(s *Snapshot) { s.Workbins[1].Name = "alice-workbin" }, "workbins[1]"},
		{"unknown workbin type", func(s *Snapshot) { s.Workbins[0].Type = "Public" }, "workbins[0]"},
		{"Agent workbin of an unknown owner", func(s *Snapshot) { s.Workbins[0].OwnerID = "nope" }, "workbins[0]"},
		{"Agent workbin with members", func(s *Snapshot) { s.Workbins[0].Members = []string{bobID} }, "workbins[0]"},
		{"Shared workbin with an owner", func(s *Snapshot) { s.Workbins[4].OwnerID = aliceID }, "workbins[4]"},
		{"Shared workbin with an unknown member", func(s *Snapshot) { s.Workbins[4].Members = []string{"nope"} }, "workbins[4]"},
		{"interaction id malformed", func(s *Snapshot) { s.Interactions[0].ID = "short" }, "interactions[0]"},
		{"duplicate interaction id", func(s *Snapshot) {
			s.Interactions = append(s.Interactions, InteractionRecord{ID: iid, Channel: Chat, State: Queued})
		}, "interactions[1]"},
		{"unknown interaction channel", func(s *Snapshot) { s.Interactions[0].Channel = "fax" }, iid},
		{"unknown state", func(s *Snapshot) { s.Interactions[0].State = "Rejected" }, iid},
		{"unknown queue", func(s *Snapshot) { s.Interactions[0].Queue = "nope" }, iid},
		{"queue of another channel", func(s *Snapshot) { s.Interactions[0].Queue = "chat-inbound" }, iid},
		{"unknown workbin", func(s *Snapshot) {
			s.Interactions[0] = InteractionRecord{ID: iid, Channel: Email, State: InWorkbin, Workbin: "nope"}
		}, iid},
		{"InWorkbin without a workbin", func(s *Snapshot) {
			s.Interactions[0] = InteractionRecord{ID: iid, Channel: Email, State: InWorkbin}
		}, iid},
		{"a workbin while Processing", func(s *Snapshot) { s.Interactions[0].Workbin = aliceWorkbinID }, iid},
		{"participant unknown", func(s *Snapshot) { s.Interactions[0].Participants[1].UserID = "nope" }, "participants[1]"},
		{"participant userName mismatch", func(s *Snapshot) { s.Interactions[0].Participants[1].UserName = "carol" }, "participants[1]"},
		{"participant not an agent", func(s *Snapshot) { s.Interactions[0].Participants[1].UserID = adminID }, "participants[1]"},
		{"participant not on the channel", func(s *Snapshot) {
			s.Interactions[0].Channel = Workitem
			s.Interactions[0].Queue = ""
		}, "participants[0]"},
		{"participant twice", func(s *Snapshot) { s.Interactions[0].Participants[1].UserID = aliceID }, "participants[1]"},
		{"unknown participant role", func(s *Snapshot) { s.Interactions[0].Participants[1].Role = "Boss" }, "participants[1]"},
		{"ownerId not the Owner", func(s *Snapshot) { s.Interactions[0].OwnerID = bobID }, iid},
		{"ownerId without an Owner", func(s *Snapshot) { s.Interactions[0].Participants[0].Role = PartyMember }, iid},
		{"two owners", func(s *Snapshot) { s.Interactions[0].Participants[1].Role = PartyOwner }, iid},
		{"Processing with an Invited participant", func(s *Snapshot) { s.Interactions[0].Participants[1].Role = PartyInvited }, iid},
		{"Queued with participants", func(s *Snapshot) { s.Interactions[0].State = Queued }, iid},
		{"Invited with an owner", func(s *Snapshot) { s.Interactions[0].State = Invited }, iid},
		{"Completed with participants", func(s *Snapshot) { s.Interactions[0].State = Completed }, iid},
		{"excluded unknown user", func(s *Snapshot) { s.Interactions[0].Excluded = []string{"nope"} }, iid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			if _, err := New(Config{}, s); err != nil {
				t.Fatalf("base snapshot: %v", err)
			}
			tc.edit(&s)

			_, err := New(Config{}, s)
			if CodeOf(err) != Invalid {
				t.Fatalf("New: error = %v, want Invalid", err)
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("New: error %q does not name %q", err, tc.wantIn)
			}

			h := busy(t, inviteTimeout(time.Minute))
			before, armed := h.c.Snapshot(), h.timers.armed()
			err = h.c.Restore(s)
			if CodeOf(err) != Invalid {
				t.Fatalf("Restore: error = %v, want Invalid", err)
			}
			checkEqual(t, "snapshot after a refused Restore", h.c.Snapshot(), before)
			checkEqual(t, "armed timers after a refused Restore", h.timers.armed(), armed)
			checkLines(t, "events", h.events(), nil)
		})
	}
}
