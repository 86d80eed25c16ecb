package contactcenter

import (
	"fmt"
	"testing"
)

// refEvents returns the events recorded since the last call, formatted,
// each with " ref=N" when it carries a referenceId.
func (h *harness) refEvents() []string {
	h.t.Helper()
	var out []string
	for _, e := range h.sink.take() {
		s := h.fmtEvent(e)
		if e.ReferenceID != 0 {
			s += fmt.Sprintf(" ref=%d", e.ReferenceID)
		}
		out = append(out, s)
	}
	return out
}

// TestReferenceIDs: the counter is per user, grows by one with each
// successful operation only, survives Restore, and is echoed on the
// caller's own events of that transition, never on anyone else's nor on
// control-API events.
func TestReferenceIDs(t *testing.T) {
	h := newHarness(t, onlyReady("alice"))
	type step struct {
		name    string
		do      func() (int64, error)
		wantRef int64 // 0: the operation fails
		events  []string
	}
	var i1 string
	steps := []step{
		{"control create takes no number", func() (int64, error) {
			i1 = h.create(NewInteraction{Channel: Email})
			return 0, nil
		}, 0, []string{invited("alice", "i1")}},
		{"alice's first operation is 1", func() (int64, error) { return h.c.Accept(aliceID, h.id(i1)) }, 1,
			[]string{"alice i1 StatusChange Processing " + ownerCaps + " ref=1"}},
		{"a refused operation takes no number", func() (int64, error) { return h.c.Accept(aliceID, h.id(i1)) }, 0, nil},
		{"bob's counter is his own", func() (int64, error) { return h.c.SetReady(bobID, Email, true) }, 1,
			[]string{"bob Channel email Ready ref=1"}},
		{"the invitee's event carries no number", func() (int64, error) { return h.c.StartConference(aliceID, h.id(i1), "bob") }, 2,
			[]string{"bob i1 StatusChange InvitedConference " + offerCaps, "alice i1 ParticipantsUpdated Processing " + ownerPendingCaps + " ref=2"}},
		{"an operation without events still takes a number", func() (int64, error) { return h.c.SetReady(aliceID, Email, true) }, 3, nil},
		{"every event for the caller carries it", func() (int64, error) { return h.c.Reject(bobID, h.id(i1)) }, 2,
			[]string{"bob i1 StatusChange Completed [] ref=2", "alice i1 ParticipantsUpdated Processing " + ownerCaps}},
		{"Restore does not set counters back", func() (int64, error) {
			h.must(h.c.Restore(h.c.Snapshot()))
			return h.c.UpdateProperties(aliceID, h.id(i1), map[string]any{"a": "b"})
		}, 4, []string{"alice i1 PropertiesUpdated Processing " + ownerCaps + " ref=4"}},
	}
	for _, s := range steps {
		ref, err := s.do()
		if s.wantRef == 0 {
			if ref != 0 {
				t.Errorf("%s: ref = %d, want 0", s.name, ref)
			}
		} else if err != nil || ref != s.wantRef {
			t.Errorf("%s: ref, err = %d, %v, want %d", s.name, ref, err, s.wantRef)
		}
		checkLines(t, s.name, h.refEvents(), s.events)
	}

	t.Run("freed capacity", func(t *testing.T) {
		h := newHarness(t, onlyReady("alice"), capacity("alice", Email, 1))
		i1 := h.create(NewInteraction{Channel: Email})
		h.ok(h.c.Accept(aliceID, h.id(i1)))
		h.create(NewInteraction{Channel: Email}) // waits: alice is full
		h.events()
		ref, err := h.c.StopProcessing(aliceID, h.id(i1))
		h.must(err)
		checkEqual(t, "ref", ref, int64(2))
		checkLines(t, "events", h.refEvents(), []string{
			"alice i1 StatusChange Completed [] ref=2",
			"alice i2 StatusChange Invited " + offerCaps + " ref=2",
		})
	})
}

// TestSessionOperations: StartContactCenterSession, EndContactCenterSession
// and SetReadyAll change readiness and the logged-out flag, tell the user
// per changed channel, and refuse what does not fit without changing
// anything.
func TestSessionOperations(t *testing.T) {
	loggedOut := func(name string) option {
		return func(_ *Config, s *Snapshot) {
			for i := range s.Users {
				if s.Users[i].UserName == name {
					s.Users[i].LoggedOut = true
					s.Users[i].Ready = nil
				}
			}
		}
	}
	tests := []struct {
		name      string
		opts      []option
		op        func(h *harness) (int64, error)
		code      Code
		events    []string
		ready     []Channel
		loggedOut bool
	}{
		{
			name:   "start on all channels by default",
			opts:   []option{loggedOut("alice")},
			op:     func(h *harness) (int64, error) { return h.c.StartContactCenterSession(aliceID, nil) },
			events: []string{"alice Channel email Ready ref=1", "alice Channel chat Ready ref=1"},
			ready:  []Channel{Email, Chat},
		},
		{
			name:   "start on the listed channels, NotReady on the others",
			op:     func(h *harness) (int64, error) { return h.c.StartContactCenterSession(aliceID, []Channel{Chat}) },
			events: []string{"alice Channel email NotReady ref=1"},
			ready:  []Channel{Chat},
		},
		{
			name: "start with an empty list",
			op:   func(h *harness) (int64, error) { return h.c.StartContactCenterSession(aliceID, []Channel{}) },
			code: Invalid,
		},
		{
			name: "start on a channel the user does not handle",
			op:   func(h *harness) (int64, error) { return h.c.StartContactCenterSession(aliceID, []Channel{Workitem}) },
			code: Invalid,
		},
		{
			name: "start on an unknown channel",
			op:   func(h *harness) (int64, error) { return h.c.StartContactCenterSession(aliceID, []Channel{"fax"}) },
			code: Invalid,
		},
		{
			name: "start for an unknown user",
			op:   func(h *harness) (int64, error) { return h.c.StartContactCenterSession("nope", nil) },
			code: NotFound,
		},
		{
			name:      "end: NotReady everywhere and logged out",
			op:        func(h *harness) (int64, error) { return h.c.EndContactCenterSession(aliceID) },
			events:    []string{"alice Channel email NotReady ref=1", "alice Channel chat NotReady ref=1"},
			ready:     nil,
			loggedOut: true,
		},
		{
			name:      "end twice: nothing more to tell",
			opts:      []option{loggedOut("alice")},
			op:        func(h *harness) (int64, error) { return h.c.EndContactCenterSession(aliceID) },
			loggedOut: true,
		},
		{
			name: "end for an unknown user",
			op:   func(h *harness) (int64, error) { return h.c.EndContactCenterSession("nope") },
			code: NotFound,
		},
		{
			name:   "NotReady on every channel keeps the session",
			op:     func(h *harness) (int64, error) { return h.c.SetReadyAll(aliceID, false) },
			events: []string{"alice Channel email NotReady ref=1", "alice Channel chat NotReady ref=1"},
		},
		{
			name:   "Ready on every channel logs in again",
			opts:   []option{loggedOut("alice")},
			op:     func(h *harness) (int64, error) { return h.c.SetReadyAll(aliceID, true) },
			events: []string{"alice Channel email Ready ref=1", "alice Channel chat Ready ref=1"},
			ready:  []Channel{Email, Chat},
		},
		{
			name:   "Ready on one channel logs in again",
			opts:   []option{loggedOut("alice")},
			op:     func(h *harness) (int64, error) { return h.c.SetReady(aliceID, Chat, true) },
			events: []string{"alice Channel chat Ready ref=1"},
			ready:  []Channel{Chat},
		},
		{
			name:      "NotReady on one channel does not log in",
			opts:      []option{loggedOut("alice")},
			op:        func(h *harness) (int64, error) { return h.c.SetReady(aliceID, Chat, false) },
			loggedOut: true,
		},
		{
			name:   "Ready while Ready: no message",
			op:     func(h *harness) (int64, error) { return h.c.SetReadyAll(aliceID, true) },
			events: nil,
			ready:  []Channel{Email, Chat},
		},
		{
			name: "all for an unknown user",
			op:   func(h *harness) (int64, error) { return h.c.SetReadyAll("nope", true) },
			code: NotFound,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts...)
			before := h.c.Snapshot()
			ref, err := tc.op(h)
			if tc.code != 0 {
				if CodeOf(err) != tc.code {
					t.Fatalf("error = %v, want code %v", err, tc.code)
				}
				checkEqual(t, "ref", ref, int64(0))
				checkEqual(t, "snapshot after the refusal", h.c.Snapshot(), before)
				checkLines(t, "events after the refusal", h.refEvents(), nil)
				return
			}
			h.must(err)
			checkEqual(t, "ref", ref, int64(1))
			checkLines(t, "events", h.refEvents(), tc.events)
			u, _ := h.c.User(aliceID)
			checkEqual(t, "ready", u.Ready, tc.ready)
			checkEqual(t, "LoggedOut", u.LoggedOut, tc.loggedOut)
		})
	}
}

// TestLoggedOutGetsNoOffers: routing passes a logged-out agent by, direct
// offers naming it are refused (Conflict), and what it holds stays.
func TestLoggedOutGetsNoOffers(t *testing.T) {
	h := newHarness(t, onlyReady("alice", "bob"))
	held := h.owned(Email, "bob")
	offered := h.offer(Chat, "bob")
	h.ok(h.c.EndContactCenterSession(bobID))
	h.events()
	checkEqual(t, "bob keeps what he holds", h.mine("bob"), []string{held + " Processing", offered + " Invited"})

	// Ready would make bob eligible; a Ready-list fixture cannot say
	// logged out, so make him Ready in the snapshot and keep him out.
	s := h.c.Snapshot()
	for i := range s.Users {
		if s.Users[i].ID == bobID {
			s.Users[i].Ready = []Channel{Email, Chat}
		}
	}
	h.must(h.c.Restore(s))
	h.ok(h.c.SetReadyAll(aliceID, false))
	h.events()
	waiting := h.create(NewInteraction{Channel: Email})
	checkEqual(t, "routing passes bob by", h.see("admin", waiting), "Queued []")

	alices := h.owned(Email, "alice")
	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"Transfer", func() error { return errOf(h.c.Transfer(aliceID, h.id(alices), "bob")) }},
		{"StartConference", func() error { return errOf(h.c.StartConference(aliceID, h.id(alices), "bob")) }},
		{"control create", func() error { _, err := h.c.Create(NewInteraction{Channel: Email, Agent: "bob"}); return err }},
		{"control route", func() error { return h.c.Route(h.id(waiting), "", "bob") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.events()
			before := h.c.Snapshot()
			err := tc.do()
			if CodeOf(err) != Conflict || err.Error() != "agent bob has no contact-center session" {
				t.Fatalf("error = %v, want Conflict \"agent bob has no contact-center session\"", err)
			}
			checkEqual(t, "snapshot", h.c.Snapshot(), before)
			checkLines(t, "events", h.events(), nil)
		})
	}

	h.ok(h.c.StartContactCenterSession(bobID, []Channel{Email}))
	checkLines(t, "a new session routes the waiting email to bob", h.events(), []string{
		"bob Channel chat NotReady", invited("bob", waiting),
	})
}
