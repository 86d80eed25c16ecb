package contactcenter

import (
	"fmt"
	"testing"
	"time"
)

// step is one call in a scenario and the events it must produce.
type step struct {
	do     func(h *harness) error
	code   Code // wanted error code; 0: success
	events []string
}

type scenario struct {
	name  string
	opts  []option
	steps []step
	check func(t *testing.T, h *harness)
}

func runScenarios(t *testing.T, cases []scenario) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts...)
			for i, s := range tc.steps {
				err := s.do(h)
				if s.code == 0 && err != nil {
					t.Fatalf("step %d: unexpected error: %v", i+1, err)
				}
				if s.code != 0 && (err == nil || CodeOf(err) != s.code) {
					t.Fatalf("step %d: error = %v, want code %v", i+1, err, s.code)
				}
				checkLines(t, fmt.Sprintf("events of step %d", i+1), h.events(), s.events)
			}
			if tc.check != nil {
				tc.check(t, h)
			}
		})
	}
}

// Steps.

func newEmail(h *harness) error { h.create(NewInteraction{Channel: Email}); return nil }
func newChat(h *harness) error  { h.create(NewInteraction{Channel: Chat}); return nil }

func newIn(queue string) func(*harness) error {
	return func(h *harness) error { h.create(NewInteraction{Channel: Email, Queue: queue}); return nil }
}

func on(label string, op func(*harness, string) error) func(*harness) error {
	return func(h *harness) error { return op(h, h.id(label)) }
}

func setReady(name string, ch Channel, ready bool) func(*harness) error {
	return func(h *harness) error { return errOf(h.c.SetReady(userIDs[name], ch, ready)) }
}

func fire(i int) func(*harness) error {
	return func(h *harness) error { h.timers.fire(i); return nil }
}

func invited(name, label string) string {
	return name + " " + label + " StatusChange Invited " + offerCaps
}

func TestRouting(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name: "fewest held wins, ties go to the smaller userName",
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: newEmail, events: []string{invited("bob", "i2")}},
				{do: newEmail, events: []string{invited("carol", "i3")}},
				{do: newEmail, events: []string{invited("dave", "i4")}},
				{do: newEmail, events: []string{invited("alice", "i5")}},
			},
		},
		{
			name: "interactions of every channel count as held",
			steps: []step{
				{do: newChat, events: []string{invited("alice", "i1")}},
				{do: on("i1", accept("alice")), events: []string{
					"alice i1 StatusChange Processing " + chatOwnerCaps,
					"alice i1 Log 1:Client:Customer:ParticipantJoined 2:Agent:Alice:ParticipantJoined ref=1",
				}},
				{do: newEmail, events: []string{invited("bob", "i2")}},
			},
		},
		{
			name: "capacity: it waits, and is offered when capacity is freed",
			opts: []option{onlyReady("alice"), capacity("alice", Email, 1)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: newEmail, events: nil},
				{do: newChat, events: []string{invited("alice", "i3")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: on("i1", stopProcessing("alice")), events: []string{"alice i1 StatusChange Completed []", invited("alice", "i2")}},
			},
		},
		{
			name: "capacity freed by a transfer",
			opts: []option{onlyReady("alice", "bob"), capacity("alice", Email, 1), capacity("bob", Email, 1)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: newEmail, events: []string{invited("bob", "i2")}},
				{do: newEmail, events: nil},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: on("i1", transfer("alice", "carol")), events: []string{
					"alice i1 StatusChange Transferred []", invited("carol", "i1"), invited("alice", "i3"),
				}},
			},
		},
		{
			name: "capacity freed by a reject goes to the oldest waiting interaction",
			opts: []option{onlyReady("alice"), capacity("alice", Email, 1)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: newEmail, events: nil},
				{do: on("i1", reject("alice")), events: []string{"alice i1 StatusChange Completed []", invited("alice", "i2")}},
			},
		},
		{
			name: "waiting for readiness, offered on Ready in the same transition",
			opts: []option{onlyReady()},
			steps: []step{
				{do: newEmail, events: nil},
				{do: setReady("bob", Chat, true), events: []string{"bob Channel chat Ready"}},
				{do: setReady("bob", Email, true), events: []string{"bob Channel email Ready", invited("bob", "i1")}},
			},
		},
		{
			name: "waiting interactions are offered in the order they started waiting",
			opts: []option{onlyReady(), capacity("alice", Email, 1)},
			steps: []step{
				{do: newEmail, events: nil},
				{do: newEmail, events: nil},
				{do: setReady("alice", Email, true), events: []string{"alice Channel email Ready", invited("alice", "i1")}},
				{do: setReady("bob", Email, true), events: []string{"bob Channel email Ready", invited("bob", "i2")}},
			},
		},
		{
			name: "only agents serving the queue",
			opts: []option{withVIPQueue},
			steps: []step{
				{do: newIn("email-vip"), events: []string{invited("dave", "i1")}},
				{do: newIn("email-vip"), events: []string{invited("dave", "i2")}},
			},
		},
		{
			name: "NotReady keeps open offers",
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: setReady("alice", Email, false), events: []string{"alice Channel email NotReady"}},
				{do: newEmail, events: []string{invited("bob", "i2")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
			},
		},
		{
			name: "a rejecter is offered it again once someone else was",
			opts: []option{onlyReady("alice", "bob")},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", reject("alice")), events: []string{"alice i1 StatusChange Completed []", invited("bob", "i1")}},
				{do: on("i1", reject("bob")), events: []string{"bob i1 StatusChange Completed []", invited("alice", "i1")}},
			},
		},
		{
			name: "a rejecter is not offered it again while it waits",
			opts: []option{onlyReady("alice")},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", reject("alice")), events: []string{"alice i1 StatusChange Completed []"}},
				{do: setReady("alice", Email, true), events: nil}, // already Ready: nothing changes, nothing is routed
				{do: newEmail, events: []string{invited("alice", "i2")}},
				{do: setReady("bob", Email, true), events: []string{"bob Channel email Ready", invited("bob", "i1")}},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "alice's interactions", h.mine("alice"), []string{"i2 Invited"})
			},
		},
		{
			name: "placing in a queue excludes the caller until someone else is offered it",
			opts: []option{onlyReady("alice")},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: on("i1", placeInQueue("alice", "email-inbound")), events: []string{"alice i1 StatusChange Queued []"}},
				{do: setReady("carol", Email, true), events: []string{"carol Channel email Ready", invited("carol", "i1")}},
			},
		},
		{
			name: "a transfer target rejects: routed from the queue",
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: on("i1", transfer("alice", "bob")), events: []string{"alice i1 StatusChange Transferred []", invited("bob", "i1")}},
				{do: on("i1", reject("bob")), events: []string{"bob i1 StatusChange Completed []", invited("alice", "i1")}},
			},
		},
		{
			name: "capacity 0 is never offered anything",
			opts: []option{onlyReady("alice"), capacity("alice", Email, 0)},
			steps: []step{
				{do: newEmail, events: nil},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "state", h.see("admin", "i1"), "Queued []")
			},
		},
	})
}

func TestInviteTimeout(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name: "an offer is revoked and routed without that agent",
			opts: []option{inviteTimeout(30 * time.Second)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: fire(0), events: []string{"alice i1 StatusChange Revoked []", invited("bob", "i1")}},
				{do: fire(1), events: []string{"bob i1 StatusChange Revoked []", invited("alice", "i1")}},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "timers", h.timers.count(), 3)
				checkEqual(t, "armed timers", h.timers.armed(), 1)
				checkEqual(t, "timeout", h.timers.timers[0].d, 30*time.Second)
			},
		},
		{
			name: "nobody else: it waits",
			opts: []option{inviteTimeout(time.Minute), onlyReady("alice")},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: fire(0), events: []string{"alice i1 StatusChange Revoked []"}},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "state", h.see("admin", "i1"), "Queued []")
			},
		},
		{
			name: "an accepted offer's timer is stopped; a late fire does nothing",
			opts: []option{inviteTimeout(time.Minute)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: fire(0), events: nil},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "armed timers", h.timers.armed(), 0)
				checkEqual(t, "state", h.see("alice", "i1"), "Processing "+ownerCaps)
			},
		},
		{
			name: "a rejected offer's timer is stopped",
			opts: []option{inviteTimeout(time.Minute)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", reject("alice")), events: []string{"alice i1 StatusChange Completed []", invited("bob", "i1")}},
				{do: fire(0), events: nil},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "armed timers", h.timers.armed(), 1)
			},
		},
		{
			name: "a conference invitation lapses",
			opts: []option{inviteTimeout(time.Minute)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: on("i1", startConference("alice", "bob")), events: []string{
					"bob i1 StatusChange InvitedConference " + offerCaps,
					"alice i1 ParticipantsUpdated Processing " + ownerPendingCaps,
				}},
				{do: fire(1), events: []string{"bob i1 StatusChange Revoked []", "alice i1 ParticipantsUpdated Processing " + ownerCaps}},
			},
		},
		{
			name: "completing stops the open invitation timers",
			opts: []option{inviteTimeout(time.Minute)},
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
				{do: on("i1", accept("alice")), events: []string{"alice i1 StatusChange Processing " + ownerCaps}},
				{do: on("i1", startConference("alice", "bob")), events: []string{
					"bob i1 StatusChange InvitedConference " + offerCaps,
					"alice i1 ParticipantsUpdated Processing " + ownerPendingCaps,
				}},
				{do: on("i1", stopProcessing("alice")), events: []string{"alice i1 StatusChange Completed []", "bob i1 StatusChange Completed []"}},
				{do: fire(1), events: nil},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "armed timers", h.timers.armed(), 0)
			},
		},
		{
			name: "no timeout: no timers",
			steps: []step{
				{do: newEmail, events: []string{invited("alice", "i1")}},
			},
			check: func(t *testing.T, h *harness) {
				checkEqual(t, "timers", h.timers.count(), 0)
			},
		},
	})
}
