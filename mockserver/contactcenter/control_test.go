package contactcenter

import (
	"testing"
	"time"
)

func TestCreate(t *testing.T) {
	t.Run("routed from the default queue of its channel", func(t *testing.T) {
		h := newHarness(t)
		v, err := h.c.Create(NewInteraction{
			Channel:     Chat,
			UserData:    map[string]any{"k": "v"},
			ChannelData: map[string]any{"nickname": "Cust"},
		})
		h.must(err)
		if !validInteractionID(v.ID) {
			t.Errorf("id %q is not 16 characters [0-9A-Za-z]", v.ID)
		}
		h.labels[v.ID], h.ids["i1"] = "i1", v.ID
		checkEqual(t, "view", v, View{
			ID: v.ID, Channel: Chat, Type: "Inbound", SubType: "InboundNew",
			State: Invited, Capabilities: []Operation{}, CurrentQueue: "chat-inbound",
			Participants: []Participant{{UserID: aliceID, UserName: "alice", Role: PartyInvited}},
			UserData:     map[string]any{"k": "v"}, ChannelData: map[string]any{"nickname": "Cust"},
			Transcript: []ChatEvent{{Index: 1, Type: ChatParticipantJoined, Nickname: "Cust", From: FromClient,
				ParticipantID: v.Transcript[0].ParticipantID, Time: t0.Add(2 * time.Second)}},
			ReceivedAt: t0.Add(2 * time.Second),
		})
		checkLines(t, "events", h.events(), []string{invited("alice", "i1")})
	})
	t.Run("waits when nobody is eligible", func(t *testing.T) {
		h := newHarness(t, onlyReady())
		v, err := h.c.Create(NewInteraction{Channel: Email, Queue: emailQueueID})
		h.must(err)
		checkEqual(t, "state", v.State, Queued)
		checkEqual(t, "queue", v.CurrentQueue, "email-inbound")
		checkLines(t, "events", h.events(), nil)
	})
	t.Run("offered directly to an agent who is not Ready", func(t *testing.T) {
		h := newHarness(t, onlyReady())
		l := h.create(NewInteraction{Channel: Email, Agent: "carol"})
		checkLines(t, "events", h.events(), []string{invited("carol", l)})
		checkEqual(t, "queue", h.view(l).CurrentQueue, "email-inbound")
	})
	t.Run("offered directly on a channel without a queue", func(t *testing.T) {
		h := newHarness(t, onWorkitem("dave"), func(_ *Config, s *Snapshot) {
			s.Queues = s.Queues[:2]
			for i := range s.Users {
				if len(s.Users[i].Queues) > 0 {
					s.Users[i].Queues = []string{"email-inbound", "chat-inbound"}
				}
			}
		})
		l := h.create(NewInteraction{Channel: Workitem, Agent: daveID})
		checkLines(t, "events", h.events(), []string{invited("dave", l)})
		checkEqual(t, "queue", h.view(l).CurrentQueue, "")
		// Rejected, it has no queue to be routed from: it waits.
		h.ok(h.c.Reject(daveID, h.id(l)))
		checkLines(t, "events", h.events(), []string{"dave i1 StatusChange Completed []"})
		checkEqual(t, "state", h.see("admin", l), "Queued []")
		_, err := h.c.Create(NewInteraction{Channel: Workitem})
		checkEqual(t, "code without an agent", CodeOf(err), Invalid)
	})
	t.Run("an id in use is skipped", func(t *testing.T) {
		ids := []string{"AAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"}
		c, err := New(Config{NewID: func() string { id := ids[0]; ids = ids[1:]; return id }}, fixture())
		h := &harness{t: t}
		h.must(err)
		v1, err := c.Create(NewInteraction{Channel: Email})
		h.must(err)
		v2, err := c.Create(NewInteraction{Channel: Email})
		h.must(err)
		checkEqual(t, "ids", []string{v1.ID, v2.ID}, []string{"AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"})
	})
	t.Run("a bad id source", func(t *testing.T) {
		c, err := New(Config{NewID: func() string { return "bad" }}, fixture())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Create(NewInteraction{Channel: Email})
		checkEqual(t, "code", CodeOf(err), Internal)
	})

	refusals := []struct {
		name string
		opts []option
		n    NewInteraction
		code Code
	}{
		{name: "unknown channel", n: NewInteraction{Channel: "fax"}, code: Invalid},
		{name: "missing channel", n: NewInteraction{}, code: Invalid},
		{name: "unknown queue", n: NewInteraction{Channel: Email, Queue: "nope"}, code: Invalid},
		{name: "queue of another channel", n: NewInteraction{Channel: Email, Queue: "chat-inbound"}, code: Invalid},
		{name: "unknown agent", n: NewInteraction{Channel: Email, Agent: "nobody"}, code: Invalid},
		{name: "not an agent", n: NewInteraction{Channel: Email, Agent: "admin"}, code: Invalid},
		{name: "agent not on the channel", n: NewInteraction{Channel: Workitem, Agent: "alice"}, code: Invalid},
		{name: "agent without capacity", opts: []option{capacity("alice", Email, 0)}, n: NewInteraction{Channel: Email, Agent: "alice"}, code: Conflict},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts...)
			before := h.c.Snapshot()
			_, err := h.c.Create(tc.n)
			if err == nil || CodeOf(err) != tc.code {
				t.Fatalf("error = %v, want code %v", err, tc.code)
			}
			checkEqual(t, "snapshot", h.c.Snapshot(), before)
			checkLines(t, "events", h.events(), nil)
		})
	}
}

func route(queue, agent string) func(*harness, string) error {
	return func(h *harness, id string) error { return h.c.Route(id, queue, agent) }
}

func revoke(h *harness, id string) error { return h.c.Revoke(id) }

func TestRoute(t *testing.T) {
	inWorkbin := func(h *harness) string {
		l := h.owned(Email, "alice")
		h.ok(h.c.PlaceInWorkbin(aliceID, h.id(l), "alice-workbin"))
		return l
	}
	rejectedByOnlyAgent := func(h *harness) string {
		l := h.create(NewInteraction{Channel: Email})
		h.ok(h.c.Reject(aliceID, h.id(l)))
		return l
	}
	runOpCases(t, []opCase{
		{
			name:    "from a workbin, routed from its queue",
			setup:   inWorkbin,
			op:      route("", ""),
			events:  []string{invited("alice", "i1")},
			parties: []string{"alice:Invited"},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "workbin", h.view(l).Workbin, "")
			},
		},
		{
			name:   "from a workbin to an agent",
			setup:  inWorkbin,
			op:     route("", "dave"),
			events: []string{invited("dave", "i1")},
		},
		{
			name: "exclusions are forgotten", opts: []option{onlyReady("alice")},
			setup:  rejectedByOnlyAgent,
			op:     route("", ""),
			events: []string{invited("alice", "i1")},
		},
		{
			name: "to another queue, nobody eligible: it waits there", opts: []option{onlyReady(), withVIPQueue},
			setup:  func(h *harness) string { return h.create(NewInteraction{Channel: Email}) },
			op:     route("email-vip", ""),
			events: nil,
			see:    map[string]string{"admin": "Queued []"},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "queue", h.view(l).CurrentQueue, "email-vip")
			},
		},
		{name: "an Invited interaction", setup: offeredTo("alice"), op: route("", ""), code: Conflict},
		{name: "a Processing interaction", setup: ownedBy("alice"), op: route("", "bob"), code: Conflict},
		{
			name: "a completed interaction",
			setup: func(h *harness) string {
				l := h.owned(Email, "alice")
				h.ok(h.c.StopProcessing(aliceID, h.id(l)))
				return l
			},
			op: route("", ""), code: Conflict,
		},
		{name: "unknown queue", setup: inWorkbin, op: route("nope", ""), code: Invalid},
		{name: "queue of another channel", setup: inWorkbin, op: route("chat-inbound", ""), code: Invalid},
		{name: "unknown agent", setup: inWorkbin, op: route("", "nobody"), code: Invalid},
		{name: "unknown agent, wrong state", setup: ownedBy("alice"), op: route("", "nobody"), code: Invalid},
		{name: "agent without capacity", opts: []option{capacity("dave", Email, 0)}, setup: inWorkbin, op: route("", "dave"), code: Conflict},
		{name: "unknown interaction", setup: none, op: route("", ""), code: NotFound},
	})
}

func TestRevoke(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:    "an offer is taken back and routed without that agent",
			setup:   offeredTo("alice"),
			op:      revoke,
			events:  []string{"alice i1 StatusChange Revoked []", invited("bob", "i1")},
			parties: []string{"bob:Invited"},
			mine:    map[string][]string{"alice": {}},
		},
		{
			name: "nobody else: it waits", opts: []option{onlyReady("alice")},
			setup:  func(h *harness) string { return h.create(NewInteraction{Channel: Email}) },
			op:     revoke,
			events: []string{"alice i1 StatusChange Revoked []"},
			see:    map[string]string{"admin": "Queued []"},
		},
		{
			name:  "conference invitations lapse",
			setup: pending("alice", []string{"dave"}, "bob", "carol"),
			op:    revoke,
			events: []string{
				"bob i1 StatusChange Revoked []",
				"carol i1 StatusChange Revoked []",
				"alice i1 ParticipantsUpdated Processing " + ownerConfCaps,
				"dave i1 ParticipantsUpdated Processing " + memberCaps,
			},
			parties: []string{"alice:Owner", "dave:Member"},
		},
		{name: "no open offer", setup: ownedBy("alice"), op: revoke, code: Conflict},
		{name: "unknown interaction", setup: none, op: revoke, code: NotFound},
	})
}
