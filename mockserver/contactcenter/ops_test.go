package contactcenter

import (
	"testing"
)

const unknownID = "0000000000000000"

// opCase is one operation tried on a prepared center. The interaction the
// setup returns is the one the checks look at; the setup's events are
// dropped.
type opCase struct {
	name    string
	opts    []option
	setup   func(h *harness) string
	op      func(h *harness, id string) error
	code    Code                // wanted error code; 0: success
	events  []string            // success: the exact events
	see     map[string]string   // success: user -> "State [capabilities]"
	parties []string            // success: participants as "name:Role"; nil: unchecked
	mine    map[string][]string // success: user -> MyInteractions
	check   func(t *testing.T, h *harness, label string)
}

func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts...)
			label := tc.setup(h)
			h.events()
			id := unknownID
			if label != "" {
				id = h.id(label)
			}
			before := h.c.Snapshot()
			armed := h.timers.armed()
			err := tc.op(h, id)
			if tc.code != 0 {
				if got := CodeOf(err); err == nil || got != tc.code {
					t.Fatalf("error = %v (%v), want code %v", err, got, tc.code)
				}
				checkEqual(t, "snapshot after the refusal", h.c.Snapshot(), before)
				checkLines(t, "events after the refusal", h.events(), nil)
				checkEqual(t, "armed timers after the refusal", h.timers.armed(), armed)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			checkLines(t, "events", h.events(), tc.events)
			for name, want := range tc.see {
				checkEqual(t, "as "+name+" sees it", h.see(name, label), want)
			}
			if tc.parties != nil {
				checkEqual(t, "participants", h.parties(label), tc.parties)
			}
			for name, want := range tc.mine {
				checkEqual(t, "MyInteractions of "+name, h.mine(name), want)
			}
			if tc.check != nil {
				tc.check(t, h, label)
			}
		})
	}
}

// Setups.

func offeredTo(name string) func(*harness) string {
	return func(h *harness) string { return h.offer(Email, name) }
}

func ownedBy(name string) func(*harness) string {
	return func(h *harness) string { return h.owned(Email, name) }
}

func conferenceOf(owner string, members ...string) func(*harness) string {
	return func(h *harness) string { return h.conference(owner, members...) }
}

// pending is a conference of owner and members with invitees still invited.
func pending(owner string, members []string, invitees ...string) func(*harness) string {
	return func(h *harness) string {
		l := h.conference(owner, members...)
		for _, inv := range invitees {
			h.ok(h.c.StartConference(userIDs[owner], h.id(l), inv))
		}
		return l
	}
}

func none(*harness) string { return "" }

// Operations.

func accept(name string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.Accept(userIDs[name], id)) }
}

func reject(name string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.Reject(userIDs[name], id)) }
}

func stopProcessing(name string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.StopProcessing(userIDs[name], id)) }
}

func placeInQueue(name, queue string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.PlaceInQueue(userIDs[name], id, queue)) }
}

func updateProperties(name string, patch map[string]any) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.UpdateProperties(userIDs[name], id, patch)) }
}

func placeInWorkbin(name, workbin string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.PlaceInWorkbin(userIDs[name], id, workbin)) }
}

func transfer(name, target string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.Transfer(userIDs[name], id, target)) }
}

func startConference(name, agent string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.StartConference(userIDs[name], id, agent)) }
}

func endConference(name, agent string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.EndConference(userIDs[name], id, agent)) }
}

func updateChannelData(name string, ch Channel, patch map[string]any) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.UpdateChannelData(userIDs[name], id, ch, patch)) }
}

func TestAccept(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:    "the invitee becomes owner",
			setup:   offeredTo("alice"),
			op:      accept("alice"),
			events:  []string{"alice i1 StatusChange Processing " + ownerCaps},
			see:     map[string]string{"alice": "Processing " + ownerCaps, "admin": "Processing []", "bob": "Processing []"},
			parties: []string{"alice:Owner"},
			mine:    map[string][]string{"alice": {"i1 Processing"}},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "ownerId", h.view(l).OwnerID, aliceID)
			},
		},
		{
			name:  "a conference invitee becomes member",
			setup: pending("alice", nil, "bob"),
			op:    accept("bob"),
			events: []string{
				"bob i1 StatusChange Processing " + memberCaps,
				"alice i1 ParticipantsUpdated Processing " + ownerConfCaps,
			},
			see:     map[string]string{"alice": "Processing " + ownerConfCaps, "bob": "Processing " + memberCaps},
			parties: []string{"alice:Owner", "bob:Member"},
			mine:    map[string][]string{"bob": {"i1 Processing"}},
		},
		{
			name:  "a second member joins",
			setup: pending("alice", []string{"bob"}, "carol"),
			op:    accept("carol"),
			events: []string{
				"carol i1 StatusChange Processing " + memberCaps,
				"alice i1 ParticipantsUpdated Processing " + ownerConfCaps,
				"bob i1 ParticipantsUpdated Processing " + memberCaps,
			},
			parties: []string{"alice:Owner", "bob:Member", "carol:Member"},
		},
		{name: "second Accept", setup: ownedBy("alice"), op: accept("alice"), code: Conflict},
		{name: "a member accepts again", setup: conferenceOf("alice", "bob"), op: accept("bob"), code: Conflict},
		{name: "not offered to the caller", setup: offeredTo("alice"), op: accept("bob"), code: Forbidden},
		{name: "admin", setup: offeredTo("alice"), op: accept("admin"), code: Forbidden},
		{name: "unknown user", setup: offeredTo("alice"), op: accept("nobody"), code: Forbidden},
		{
			name: "a queued interaction", opts: []option{onlyReady()},
			setup: func(h *harness) string { return h.create(NewInteraction{Channel: Email}) },
			op:    accept("alice"), code: Forbidden,
		},
		{name: "unknown interaction", setup: none, op: accept("alice"), code: NotFound},
	})
}

func TestReject(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:  "the interaction is offered to the next agent",
			setup: func(h *harness) string { return h.create(NewInteraction{Channel: Email}) },
			op:    reject("alice"),
			events: []string{
				"alice i1 StatusChange Completed []",
				"bob i1 StatusChange Invited " + offerCaps,
			},
			see:     map[string]string{"alice": "Invited []", "bob": "Invited " + offerCaps},
			parties: []string{"bob:Invited"},
			mine:    map[string][]string{"alice": {}, "bob": {"i1 Invited"}},
		},
		{
			name: "nobody else is eligible: it waits", opts: []option{onlyReady("alice")},
			setup:   func(h *harness) string { return h.create(NewInteraction{Channel: Email}) },
			op:      reject("alice"),
			events:  []string{"alice i1 StatusChange Completed []"},
			see:     map[string]string{"admin": "Queued []", "alice": "Queued []"},
			parties: []string{},
			mine:    map[string][]string{"alice": {}},
		},
		{
			name:    "a conference invitation lapses",
			setup:   pending("alice", nil, "bob"),
			op:      reject("bob"),
			events:  []string{"bob i1 StatusChange Completed []", "alice i1 ParticipantsUpdated Processing " + ownerCaps},
			see:     map[string]string{"alice": "Processing " + ownerCaps},
			parties: []string{"alice:Owner"},
			mine:    map[string][]string{"bob": {}},
		},
		{
			name:  "a conference invitation lapses, the members stay",
			setup: pending("alice", []string{"bob"}, "carol"),
			op:    reject("carol"),
			events: []string{
				"carol i1 StatusChange Completed []",
				"alice i1 ParticipantsUpdated Processing " + ownerConfCaps,
				"bob i1 ParticipantsUpdated Processing " + memberCaps,
			},
			parties: []string{"alice:Owner", "bob:Member"},
		},
		{name: "the owner", setup: ownedBy("alice"), op: reject("alice"), code: Conflict},
		{name: "a member", setup: conferenceOf("alice", "bob"), op: reject("bob"), code: Conflict},
		{name: "not offered to the caller", setup: offeredTo("alice"), op: reject("bob"), code: Forbidden},
		{name: "unknown interaction", setup: none, op: reject("alice"), code: NotFound},
	})
}

func TestStopProcessing(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:    "the owner completes it",
			setup:   ownedBy("alice"),
			op:      stopProcessing("alice"),
			events:  []string{"alice i1 StatusChange Completed []"},
			see:     map[string]string{"alice": "Completed []", "admin": "Completed []"},
			parties: []string{},
			mine:    map[string][]string{"alice": {}},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "Active", len(h.c.Active(adminID)), 0)
			},
		},
		{
			name:  "completed for members and invitees too",
			setup: pending("alice", []string{"bob"}, "carol"),
			op:    stopProcessing("alice"),
			events: []string{
				"alice i1 StatusChange Completed []",
				"bob i1 StatusChange Completed []",
				"carol i1 StatusChange Completed []",
			},
			mine: map[string][]string{"alice": {}, "bob": {}, "carol": {}},
		},
		{name: "a member", setup: conferenceOf("alice", "bob"), op: stopProcessing("bob"), code: Forbidden},
		{name: "an invitee", setup: offeredTo("alice"), op: stopProcessing("alice"), code: Forbidden},
		{name: "not a party", setup: ownedBy("alice"), op: stopProcessing("bob"), code: Forbidden},
		{
			name: "already completed",
			setup: func(h *harness) string {
				l := h.owned(Email, "alice")
				h.ok(h.c.StopProcessing(aliceID, h.id(l)))
				return l
			},
			op: stopProcessing("alice"), code: Forbidden,
		},
		{name: "unknown interaction", setup: none, op: stopProcessing("alice"), code: NotFound},
	})
}

func withVIPQueue(_ *Config, s *Snapshot) {
	s.Queues = append(s.Queues, Queue{ID: "00000000-0000-4000-8000-0000000000e2", Name: "email-vip", Channel: Email})
	for i := range s.Users {
		if s.Users[i].UserName == "dave" {
			s.Users[i].Queues = append(s.Users[i].Queues, "email-vip")
		}
	}
}

func TestPlaceInQueue(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:    "another agent is offered it",
			setup:   ownedBy("alice"),
			op:      placeInQueue("alice", "email-inbound"),
			events:  []string{"alice i1 StatusChange Queued []", "bob i1 StatusChange Invited " + offerCaps},
			see:     map[string]string{"alice": "Invited []", "admin": "Invited []"},
			parties: []string{"bob:Invited"},
			mine:    map[string][]string{"alice": {}},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "currentQueue", h.view(l).CurrentQueue, "email-inbound")
			},
		},
		{
			name:   "queue by id",
			setup:  ownedBy("alice"),
			op:     placeInQueue("alice", emailQueueID),
			events: []string{"alice i1 StatusChange Queued []", "bob i1 StatusChange Invited " + offerCaps},
		},
		{
			name: "another queue of the channel", opts: []option{withVIPQueue},
			setup:  ownedBy("alice"),
			op:     placeInQueue("alice", "email-vip"),
			events: []string{"alice i1 StatusChange Queued []", "dave i1 StatusChange Invited " + offerCaps},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "currentQueue", h.view(l).CurrentQueue, "email-vip")
			},
		},
		{
			name: "the caller is excluded: it waits", opts: []option{onlyReady("alice")},
			setup:   ownedBy("alice"),
			op:      placeInQueue("alice", "email-inbound"),
			events:  []string{"alice i1 StatusChange Queued []"},
			see:     map[string]string{"admin": "Queued []"},
			parties: []string{},
		},
		{name: "missing queue", setup: ownedBy("alice"), op: placeInQueue("alice", ""), code: Invalid},
		{name: "unknown queue", setup: ownedBy("alice"), op: placeInQueue("alice", "nope"), code: Invalid},
		{name: "queue of another channel", setup: ownedBy("alice"), op: placeInQueue("alice", "chat-inbound"), code: Invalid},
		{name: "a member", setup: conferenceOf("alice", "bob"), op: placeInQueue("bob", "email-inbound"), code: Forbidden},
		{name: "an invitee", setup: offeredTo("alice"), op: placeInQueue("alice", "email-inbound"), code: Forbidden},
		{name: "not a party, missing queue", setup: ownedBy("alice"), op: placeInQueue("bob", ""), code: Forbidden},
		{name: "conference on", setup: conferenceOf("alice", "bob"), op: placeInQueue("alice", "email-inbound"), code: Conflict},
		{name: "conference invitation open", setup: pending("alice", nil, "bob"), op: placeInQueue("alice", "email-inbound"), code: Conflict},
		{name: "conference on, missing queue", setup: conferenceOf("alice", "bob"), op: placeInQueue("alice", ""), code: Invalid},
		{name: "unknown interaction", setup: none, op: placeInQueue("alice", "email-inbound"), code: NotFound},
	})
}

func TestUpdateProperties(t *testing.T) {
	withProps := func(h *harness) string {
		l := h.create(NewInteraction{Channel: Email, Agent: "alice", UserData: map[string]any{
			"a": 1.0, "n": map[string]any{"x": 1.0, "y": 2.0},
		}})
		h.ok(h.c.Accept(aliceID, h.id(l)))
		return l
	}
	runOpCases(t, []opCase{
		{
			name:   "the owner merges a patch",
			setup:  withProps,
			op:     updateProperties("alice", map[string]any{"a": nil, "b": "two", "n": map[string]any{"x": nil, "z": true}}),
			events: []string{"alice i1 PropertiesUpdated Processing " + ownerCaps},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "properties", h.view(l).UserData, map[string]any{"b": "two", "n": map[string]any{"y": 2.0, "z": true}})
			},
		},
		{
			name:  "a member, every party is told",
			setup: conferenceOf("alice", "bob"),
			op:    updateProperties("bob", map[string]any{"k": "v"}),
			events: []string{
				"alice i1 PropertiesUpdated Processing " + ownerConfCaps,
				"bob i1 PropertiesUpdated Processing " + memberCaps,
			},
		},
		{
			name:  "conference invitees are told",
			setup: pending("alice", nil, "bob"),
			op:    updateProperties("alice", map[string]any{}),
			events: []string{
				"alice i1 PropertiesUpdated Processing " + ownerPendingCaps,
				"bob i1 PropertiesUpdated InvitedConference " + offerCaps,
			},
		},
		{name: "missing properties", setup: ownedBy("alice"), op: updateProperties("alice", nil), code: Invalid},
		{name: "an invitee", setup: offeredTo("alice"), op: updateProperties("alice", map[string]any{}), code: Forbidden},
		{name: "a conference invitee", setup: pending("alice", nil, "bob"), op: updateProperties("bob", map[string]any{}), code: Forbidden},
		{name: "not a party, missing properties", setup: ownedBy("alice"), op: updateProperties("bob", nil), code: Forbidden},
		{name: "unknown interaction", setup: none, op: updateProperties("alice", map[string]any{}), code: NotFound},
	})
}

func TestPlaceInWorkbin(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:    "the owner's workbin by name",
			setup:   ownedBy("alice"),
			op:      placeInWorkbin("alice", "alice-workbin"),
			events:  []string{"alice i1 StatusChange InWorkbin []"},
			see:     map[string]string{"alice": "InWorkbin []", "admin": "InWorkbin []"},
			parties: []string{},
			mine:    map[string][]string{"alice": {}},
			check: func(t *testing.T, h *harness, l string) {
				v := h.view(l)
				checkEqual(t, "workbin", v.Workbin, aliceWorkbinID)
				checkEqual(t, "currentQueue", v.CurrentQueue, "email-inbound")
				checkEqual(t, "ownerId", v.OwnerID, "")
			},
		},
		{
			name:   "a shared workbin by id",
			setup:  ownedBy("bob"),
			op:     placeInWorkbin("bob", teamWorkbinID),
			events: []string{"bob i1 StatusChange InWorkbin []"},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "workbin", h.view(l).Workbin, teamWorkbinID)
			},
		},
		{name: "another agent's workbin", setup: ownedBy("alice"), op: placeInWorkbin("alice", "bob-workbin"), code: Forbidden},
		{name: "a shared workbin the caller is not a member of", setup: ownedBy("dave"), op: placeInWorkbin("dave", "team-workbin"), code: Forbidden},
		{name: "unknown workbin", setup: ownedBy("alice"), op: placeInWorkbin("alice", "nope"), code: Invalid},
		{name: "missing workbin", setup: ownedBy("alice"), op: placeInWorkbin("alice", ""), code: Invalid},
		{name: "conference on", setup: conferenceOf("alice", "bob"), op: placeInWorkbin("alice", "alice-workbin"), code: Conflict},
		{name: "conference on, another agent's workbin", setup: conferenceOf("alice", "bob"), op: placeInWorkbin("alice", "bob-workbin"), code: Forbidden},
		{name: "a member", setup: conferenceOf("alice", "bob"), op: placeInWorkbin("bob", "bob-workbin"), code: Forbidden},
		{name: "not a party, unknown workbin", setup: ownedBy("alice"), op: placeInWorkbin("bob", "nope"), code: Forbidden},
		{name: "unknown interaction", setup: none, op: placeInWorkbin("alice", "alice-workbin"), code: NotFound},
	})
}

func TestGetWorkbinContent(t *testing.T) {
	twoInWorkbin := func(h *harness) string {
		for range 2 {
			l := h.owned(Email, "alice")
			h.ok(h.c.PlaceInWorkbin(aliceID, h.id(l), "alice-workbin"))
		}
		h.owned(Email, "alice") // not in the workbin
		return ""
	}
	get := func(name, wb string) func(*harness, string) error {
		return func(h *harness, _ string) error { return errOf(h.c.GetWorkbinContent(userIDs[name], wb)) }
	}
	runOpCases(t, []opCase{
		{
			name:   "the owner of an Agent workbin",
			setup:  twoInWorkbin,
			op:     get("alice", "alice-workbin"),
			events: []string{"alice i1 WorkbinContent InWorkbin []", "alice i2 WorkbinContent InWorkbin []"},
		},
		{
			name:   "by id",
			setup:  twoInWorkbin,
			op:     get("alice", aliceWorkbinID),
			events: []string{"alice i1 WorkbinContent InWorkbin []", "alice i2 WorkbinContent InWorkbin []"},
		},
		{
			name:   "an empty shared workbin, by a member",
			setup:  none,
			op:     get("bob", "team-workbin"),
			events: nil, // nothing to send
		},
		{name: "another agent's workbin", setup: twoInWorkbin, op: get("bob", "alice-workbin"), code: Forbidden},
		{name: "a shared workbin the caller is not a member of", setup: none, op: get("dave", "team-workbin"), code: Forbidden},
		{name: "unknown workbin", setup: none, op: get("alice", "nope"), code: Invalid},
		{name: "missing workbin", setup: none, op: get("alice", ""), code: Invalid},
		{name: "unknown user", setup: none, op: get("nobody", "alice-workbin"), code: Forbidden},
	})
}

func TestTransfer(t *testing.T) {
	workitemOfDave := func(h *harness) string { return h.owned(Workitem, "dave") }
	runOpCases(t, []opCase{
		{
			name:    "to a userName",
			setup:   ownedBy("alice"),
			op:      transfer("alice", "bob"),
			events:  []string{"alice i1 StatusChange Transferred []", "bob i1 StatusChange Invited " + offerCaps},
			see:     map[string]string{"alice": "Invited []", "bob": "Invited " + offerCaps, "admin": "Invited []"},
			parties: []string{"bob:Invited"},
			mine:    map[string][]string{"alice": {}, "bob": {"i1 Invited"}},
		},
		{
			name: "to a user id of an agent who is not Ready", opts: []option{onlyReady("alice")},
			setup:  ownedBy("alice"),
			op:     transfer("alice", carolID),
			events: []string{"alice i1 StatusChange Transferred []", "carol i1 StatusChange Invited " + offerCaps},
		},
		{name: "missing target", setup: ownedBy("alice"), op: transfer("alice", ""), code: Invalid},
		{name: "unknown target", setup: ownedBy("alice"), op: transfer("alice", "nobody"), code: Invalid},
		{name: "target is not an agent", setup: ownedBy("alice"), op: transfer("alice", "admin"), code: Invalid},
		{name: "target not on the channel", opts: []option{onWorkitem("dave")}, setup: workitemOfDave, op: transfer("dave", "alice"), code: Invalid},
		{name: "to oneself", setup: ownedBy("alice"), op: transfer("alice", "alice"), code: Conflict},
		{name: "target without capacity", opts: []option{capacity("bob", Email, 0)}, setup: ownedBy("alice"), op: transfer("alice", "bob"), code: Conflict},
		{name: "conference on", setup: conferenceOf("alice", "bob"), op: transfer("alice", "carol"), code: Conflict},
		{name: "conference invitation open", setup: pending("alice", nil, "bob"), op: transfer("alice", "carol"), code: Conflict},
		{name: "a member", setup: conferenceOf("alice", "bob"), op: transfer("bob", "carol"), code: Forbidden},
		{name: "an invitee", setup: offeredTo("alice"), op: transfer("alice", "bob"), code: Forbidden},
		{name: "not a party, unknown target", setup: ownedBy("alice"), op: transfer("bob", "nobody"), code: Forbidden},
		{name: "unknown interaction", setup: none, op: transfer("alice", "bob"), code: NotFound},
	})
}

func TestStartConference(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:  "the agent is invited",
			setup: ownedBy("alice"),
			op:    startConference("alice", "bob"),
			events: []string{
				"bob i1 StatusChange InvitedConference " + offerCaps,
				"alice i1 ParticipantsUpdated Processing " + ownerPendingCaps,
			},
			see:     map[string]string{"bob": "InvitedConference " + offerCaps, "admin": "Processing []"},
			parties: []string{"alice:Owner", "bob:InvitedConference"},
			mine:    map[string][]string{"bob": {"i1 InvitedConference"}},
		},
		{
			name:  "a third agent, by user id",
			setup: conferenceOf("alice", "bob"),
			op:    startConference("alice", carolID),
			events: []string{
				"carol i1 StatusChange InvitedConference " + offerCaps,
				"alice i1 ParticipantsUpdated Processing " + ownerConfCaps,
				"bob i1 ParticipantsUpdated Processing " + memberCaps,
			},
		},
		{
			name: "an agent who is not Ready", opts: []option{onlyReady("alice")},
			setup: ownedBy("alice"),
			op:    startConference("alice", "dave"),
			events: []string{
				"dave i1 StatusChange InvitedConference " + offerCaps,
				"alice i1 ParticipantsUpdated Processing " + ownerPendingCaps,
			},
		},
		{name: "missing agent", setup: ownedBy("alice"), op: startConference("alice", ""), code: Invalid},
		{name: "unknown agent", setup: ownedBy("alice"), op: startConference("alice", "nobody"), code: Invalid},
		{name: "not an agent", setup: ownedBy("alice"), op: startConference("alice", "admin"), code: Invalid},
		{name: "already a member", setup: conferenceOf("alice", "bob"), op: startConference("alice", "bob"), code: Conflict},
		{name: "already invited", setup: pending("alice", nil, "bob"), op: startConference("alice", "bob"), code: Conflict},
		{name: "oneself", setup: ownedBy("alice"), op: startConference("alice", "alice"), code: Conflict},
		{name: "agent without capacity", opts: []option{capacity("bob", Email, 0)}, setup: ownedBy("alice"), op: startConference("alice", "bob"), code: Conflict},
		{name: "a member", setup: conferenceOf("alice", "bob"), op: startConference("bob", "carol"), code: Forbidden},
		{name: "an invitee", setup: offeredTo("alice"), op: startConference("alice", "bob"), code: Forbidden},
		{name: "unknown interaction", setup: none, op: startConference("alice", "bob"), code: NotFound},
	})
}

func TestEndConference(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name:  "a member leaves",
			setup: conferenceOf("alice", "bob"),
			op:    endConference("bob", ""),
			events: []string{
				"bob i1 StatusChange LeftConference [] left=bob",
				"alice i1 ParticipantsUpdated LeftConference " + ownerCaps + " left=bob",
			},
			see:     map[string]string{"alice": "Processing " + ownerCaps, "bob": "Processing []"},
			parties: []string{"alice:Owner"},
			mine:    map[string][]string{"bob": {}, "alice": {"i1 Processing"}},
		},
		{
			name:  "a member names itself",
			setup: conferenceOf("alice", "bob"),
			op:    endConference("bob", "bob"),
			events: []string{
				"bob i1 StatusChange LeftConference [] left=bob",
				"alice i1 ParticipantsUpdated LeftConference " + ownerCaps + " left=bob",
			},
		},
		{
			name:  "the owner removes a member",
			setup: conferenceOf("alice", "bob", "carol"),
			op:    endConference("alice", bobID),
			events: []string{
				"bob i1 StatusChange LeftConference [] left=bob",
				"alice i1 ParticipantsUpdated LeftConference " + ownerConfCaps + " left=bob",
				"carol i1 ParticipantsUpdated LeftConference " + memberCaps + " left=bob",
			},
			parties: []string{"alice:Owner", "carol:Member"},
		},
		{
			name:  "the owner leaves, the member keeps it",
			setup: conferenceOf("alice", "bob"),
			op:    endConference("alice", ""),
			events: []string{
				"alice i1 StatusChange LeftConference [] left=alice",
				"bob i1 ParticipantsUpdated LeftConference " + ownerCaps + " left=alice",
			},
			see:     map[string]string{"bob": "Processing " + ownerCaps},
			parties: []string{"bob:Owner"},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "ownerId", h.view(l).OwnerID, bobID)
			},
		},
		{
			name:  "the owner leaves, the earliest member takes over",
			setup: conferenceOf("alice", "carol", "bob"),
			op:    endConference("alice", "alice"),
			events: []string{
				"alice i1 StatusChange LeftConference [] left=alice",
				"carol i1 ParticipantsUpdated LeftConference " + ownerConfCaps + " left=alice",
				"bob i1 ParticipantsUpdated LeftConference " + memberCaps + " left=alice",
			},
			parties: []string{"carol:Owner", "bob:Member"},
		},
		{
			name:  "a conference invitee is told",
			setup: pending("alice", []string{"bob"}, "carol"),
			op:    endConference("bob", ""),
			events: []string{
				"bob i1 StatusChange LeftConference [] left=bob",
				"alice i1 ParticipantsUpdated LeftConference " + ownerPendingCaps + " left=bob",
				"carol i1 ParticipantsUpdated InvitedConference " + offerCaps,
			},
		},
		{name: "no conference", setup: ownedBy("alice"), op: endConference("alice", ""), code: Conflict},
		{name: "only an invitation open", setup: pending("alice", nil, "bob"), op: endConference("alice", ""), code: Conflict},
		{name: "the owner names a non-member", setup: conferenceOf("alice", "bob"), op: endConference("alice", "dave"), code: Conflict},
		{name: "the owner names an invitee", setup: pending("alice", []string{"bob"}, "carol"), op: endConference("alice", "carol"), code: Conflict},
		{name: "a member names another", setup: conferenceOf("alice", "bob", "carol"), op: endConference("bob", "carol"), code: Forbidden},
		{name: "unknown agent", setup: conferenceOf("alice", "bob"), op: endConference("alice", "nobody"), code: Invalid},
		{name: "an invitee", setup: pending("alice", nil, "bob"), op: endConference("bob", ""), code: Forbidden},
		{name: "not a party", setup: conferenceOf("alice", "bob"), op: endConference("carol", ""), code: Forbidden},
		{name: "unknown interaction", setup: none, op: endConference("alice", ""), code: NotFound},
	})
}

func TestUpdateChannelData(t *testing.T) {
	email := func(h *harness) string {
		l := h.create(NewInteraction{Channel: Email, Agent: "alice", ChannelData: map[string]any{
			"subject": "Hello", "from": "customer@example.com", "to": "support@example.com", "body": "Hi",
		}})
		h.ok(h.c.Accept(aliceID, h.id(l)))
		return l
	}
	chat := func(h *harness) string { return h.owned(Chat, "alice") }
	workitem := func(h *harness) string { return h.owned(Workitem, "dave") }
	runOpCases(t, []opCase{
		{
			name:   "email subject, to and body",
			setup:  email,
			op:     updateChannelData("alice", Email, map[string]any{"subject": "Re: Hello", "to": []any{"a@example.com"}, "body": nil}),
			events: []string{"alice i1 ChannelDataUpdated Processing " + ownerCaps},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "channel data", h.view(l).ChannelData, map[string]any{
					"subject": "Re: Hello", "from": "customer@example.com", "to": []any{"a@example.com"},
				})
			},
		},
		{
			name:   "chat nickname",
			setup:  chat,
			op:     updateChannelData("alice", Chat, map[string]any{"nickname": "Al"}),
			events: []string{"alice i1 ChannelDataUpdated Processing " + chatOwnerCaps},
		},
		{
			name: "any workitem field", opts: []option{onWorkitem("dave")},
			setup:  workitem,
			op:     updateChannelData("dave", Workitem, map[string]any{"anything": map[string]any{"x": 1.0}}),
			events: []string{"dave i1 ChannelDataUpdated Processing " + plainOwnerCaps},
		},
		{
			name:  "every party is told",
			setup: pending("alice", []string{"bob"}, "carol"),
			op:    updateChannelData("carol", Email, map[string]any{"subject": "x"}),
			events: []string{
				"alice i1 ChannelDataUpdated Processing " + ownerConfCaps,
				"bob i1 ChannelDataUpdated Processing " + memberCaps,
				"carol i1 ChannelDataUpdated InvitedConference " + offerCaps,
			},
		},
		{name: "another channel", setup: email, op: updateChannelData("alice", Chat, map[string]any{"nickname": "x"}), code: Invalid},
		{name: "a field that is not writable", setup: email, op: updateChannelData("alice", Email, map[string]any{"from": "x"}), code: Invalid},
		{name: "a chat field that is not writable", setup: chat, op: updateChannelData("alice", Chat, map[string]any{"transcript": []any{}}), code: Invalid},
		{name: "wrongly typed", setup: email, op: updateChannelData("alice", Email, map[string]any{"subject": 3.0}), code: Invalid},
		{name: "missing data", setup: email, op: updateChannelData("alice", Email, nil), code: Invalid},
		{name: "not a party", setup: email, op: updateChannelData("bob", Email, map[string]any{"subject": "x"}), code: Forbidden},
		{name: "not a party, another channel", setup: email, op: updateChannelData("bob", Chat, nil), code: Forbidden},
		{name: "unknown interaction", setup: none, op: updateChannelData("alice", Email, map[string]any{}), code: NotFound},
	})
}

// TestUnchangedInputs checks that patches are copied, not kept.
func TestUnchangedInputs(t *testing.T) {
	h := newHarness(t)
	props := map[string]any{"n": map[string]any{"x": 1.0}}
	l := h.create(NewInteraction{Channel: Email, Agent: "alice", UserData: props})
	h.ok(h.c.Accept(aliceID, h.id(l)))
	patch := map[string]any{"m": map[string]any{"y": 2.0}}
	h.ok(h.c.UpdateProperties(aliceID, h.id(l), patch))
	props["n"].(map[string]any)["x"] = 99.0
	patch["m"].(map[string]any)["y"] = 99.0
	v := h.view(l)
	checkEqual(t, "properties", v.UserData, map[string]any{"n": map[string]any{"x": 1.0}, "m": map[string]any{"y": 2.0}})
	v.UserData["n"].(map[string]any)["x"] = 7.0
	checkEqual(t, "properties after changing a view", h.view(l).UserData, map[string]any{"n": map[string]any{"x": 1.0}, "m": map[string]any{"y": 2.0}})
}
