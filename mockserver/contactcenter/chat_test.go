package contactcenter

import (
	"strings"
	"testing"
)

// chatOf makes a chat owned by owner with the members joined in order.
func chatOf(owner string, members ...string) func(*harness) string {
	return func(h *harness) string {
		l := h.owned(Chat, owner)
		for _, m := range members {
			h.ok(h.c.StartConference(userIDs[owner], h.id(l), m))
			h.ok(h.c.Accept(userIDs[m], h.id(l)))
		}
		return l
	}
}

// customerLeft is chatOf after the customer left.
func customerLeft(owner string, members ...string) func(*harness) string {
	return func(h *harness) string {
		l := chatOf(owner, members...)(h)
		h.must(h.c.CustomerLeave(h.id(l)))
		return l
	}
}

// fullChat is a chat owned by owner whose transcript is full.
func fullChat(owner string) func(*harness) string {
	return func(h *harness) string {
		l := h.owned(Chat, owner)
		for len(h.view(l).Transcript) < MaxTranscript {
			if _, err := h.c.CustomerWrite(h.id(l), ChatTypingStarted, ""); err != nil {
				h.t.Fatalf("CustomerWrite: %v", err)
			}
		}
		return l
	}
}

// completedChat is a chat its owner stopped.
func completedChat(owner string) func(*harness) string {
	return func(h *harness) string {
		l := h.owned(Chat, owner)
		h.ok(h.c.StopProcessing(userIDs[owner], h.id(l)))
		return l
	}
}

func sendMessage(name, text string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.SendMessage(userIDs[name], id, text)) }
}

func sendNotification(name string, t ChatEventType) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.SendNotification(userIDs[name], id, t)) }
}

func requestHistory(name string, from int) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.RequestChatHistory(userIDs[name], id, from)) }
}

func acceptAs(name, nickname string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.AcceptAs(userIDs[name], id, nickname)) }
}

func customerWrites(t ChatEventType, text string) func(*harness, string) error {
	return func(h *harness, id string) error {
		_, err := h.c.CustomerWrite(id, t, text)
		return err
	}
}

func customerLeaves(h *harness, id string) error { return h.c.CustomerLeave(id) }

func stop(h *harness, id string) error { return h.c.Stop(id) }

// transcript checks the transcript of the case's interaction.
func transcript(want ...string) func(*testing.T, *harness, string) {
	return func(t *testing.T, h *harness, label string) {
		t.Helper()
		var got []string
		for _, e := range h.view(label).Transcript {
			got = append(got, fmtChat(e))
		}
		checkLines(t, "transcript", got, want)
	}
}

func TestSendMessage(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "the owner writes; she is sent it with her referenceId", setup: chatOf("alice"),
			op:     sendMessage("alice", "Hello Jane"),
			events: []string{"alice i1 Log 3:Agent:Alice:Text:Hello Jane ref=2"},
			check:  transcript("1:Client:Customer:ParticipantJoined", "2:Agent:Alice:ParticipantJoined", "3:Agent:Alice:Text:Hello Jane"),
		},
		{
			name: "a member writes; every owner and member is sent it", setup: chatOf("alice", "bob"),
			op: sendMessage("bob", "Hi"),
			events: []string{
				"alice i1 Log 4:Agent:Bob:Text:Hi",
				"bob i1 Log 4:Agent:Bob:Text:Hi ref=2",
			},
		},
		{
			name: "an invitee is not sent it", setup: func(h *harness) string {
				l := chatOf("alice")(h)
				h.ok(h.c.StartConference(aliceID, h.id(l), "bob"))
				return l
			},
			op:     sendMessage("alice", "Hi"),
			events: []string{"alice i1 Log 3:Agent:Alice:Text:Hi ref=3"},
		},
		{name: "not a party", setup: chatOf("alice"), op: sendMessage("bob", "Hi"), code: Forbidden},
		{name: "an invitee may not write", setup: offered(Chat, "alice"), op: sendMessage("alice", "Hi"), code: Forbidden},
		{name: "after the customer left", setup: customerLeft("alice"), op: sendMessage("alice", "Hi"), code: Conflict},
		{name: "empty text", setup: chatOf("alice"), op: sendMessage("alice", ""), code: Invalid},
		{name: "text too long", setup: chatOf("alice"), op: sendMessage("alice", strings.Repeat("é", MaxChatText+1)), code: Invalid},
		{
			name: "text of the longest length", setup: chatOf("alice"), op: sendMessage("alice", strings.Repeat("é", MaxChatText)),
			events: []string{"alice i1 Log 3:Agent:Alice:Text:" + strings.Repeat("é", MaxChatText) + " ref=2"},
		},
		{name: "not a chat", setup: ownedBy("alice"), op: sendMessage("alice", "Hi"), code: Invalid},
		{name: "a completed chat", setup: completedChat("alice"), op: sendMessage("alice", "Hi"), code: Conflict},
		{name: "unknown interaction", setup: none, op: sendMessage("alice", "Hi"), code: NotFound},
		{name: "transcript full", setup: fullChat("alice"), op: sendMessage("alice", "Hi"), code: Conflict},
	})
}

func offered(ch Channel, name string) func(*harness) string {
	return func(h *harness) string { return h.offer(ch, name) }
}

func TestSendNotification(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "typing started", setup: chatOf("alice"), op: sendNotification("alice", ChatTypingStarted),
			events: []string{"alice i1 Log 3:Agent:Alice:TypingStarted ref=2"},
		},
		{
			name: "typing stopped, by a member", setup: chatOf("alice", "bob"), op: sendNotification("bob", ChatTypingStopped),
			events: []string{"alice i1 Log 4:Agent:Bob:TypingStopped", "bob i1 Log 4:Agent:Bob:TypingStopped ref=2"},
		},
		{name: "not a typing notification", setup: chatOf("alice"), op: sendNotification("alice", ChatText), code: Invalid},
		{name: "not a party", setup: chatOf("alice"), op: sendNotification("carol", ChatTypingStarted), code: Forbidden},
		{name: "after the customer left", setup: customerLeft("alice"), op: sendNotification("alice", ChatTypingStarted), code: Conflict},
		{name: "not a chat", setup: ownedBy("alice"), op: sendNotification("alice", ChatTypingStarted), code: Invalid},
		{name: "transcript full", setup: fullChat("alice"), op: sendNotification("alice", ChatTypingStarted), code: Conflict},
	})
}

func TestRequestChatHistory(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "all of it", setup: chatOf("alice"), op: requestHistory("alice", 0),
			events: []string{"alice i1 Log 1:Client:Customer:ParticipantJoined 2:Agent:Alice:ParticipantJoined ref=2"},
		},
		{
			name: "from an index, by a member", setup: chatOf("alice", "bob"), op: requestHistory("bob", 2),
			events: []string{"bob i1 Log 2:Agent:Alice:ParticipantJoined 3:Agent:Bob:ParticipantJoined ref=2"},
		},
		{
			name: "past the end: an empty log is still sent", setup: chatOf("alice"), op: requestHistory("alice", 9),
			events: []string{"alice i1 Log ref=2"},
		},
		{
			name: "after the customer left", setup: customerLeft("alice"), op: requestHistory("alice", 3),
			events: []string{"alice i1 Log 3:Client:Customer:ParticipantLeft ref=2"},
		},
		{name: "not a party", setup: chatOf("alice"), op: requestHistory("bob", 0), code: Forbidden},
		{name: "negative index", setup: chatOf("alice"), op: requestHistory("alice", -1), code: Invalid},
		{name: "not a chat", setup: ownedBy("alice"), op: requestHistory("alice", 0), code: Invalid},
		{name: "a completed chat", setup: completedChat("alice"), op: requestHistory("alice", 0), code: Conflict},
	})
}

func TestChatAccept(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "the owner joins under her firstName and is sent the whole transcript", setup: offered(Chat, "alice"),
			op: accept("alice"),
			events: []string{
				"alice i1 StatusChange Processing " + chatOwnerCaps,
				"alice i1 Log 1:Client:Customer:ParticipantJoined 2:Agent:Alice:ParticipantJoined ref=1",
			},
		},
		{
			name: "under a nickname", setup: offered(Chat, "alice"), op: acceptAs("alice", "Ally"),
			events: []string{
				"alice i1 StatusChange Processing " + chatOwnerCaps,
				"alice i1 Log 1:Client:Customer:ParticipantJoined 2:Agent:Ally:ParticipantJoined ref=1",
			},
		},
		{
			name: "a member joining a running chat", setup: func(h *harness) string {
				l := chatOf("alice")(h)
				h.ok(h.c.SendMessage(aliceID, h.id(l), "Hi"))
				h.ok(h.c.StartConference(aliceID, h.id(l), "bob"))
				return l
			},
			op: acceptAs("bob", "Robert"),
			events: []string{
				"bob i1 StatusChange Processing " + chatMemberCaps,
				"alice i1 ParticipantsUpdated Processing " + chatConfCaps,
				"alice i1 Log 4:Agent:Robert:ParticipantJoined",
				"bob i1 Log 1:Client:Customer:ParticipantJoined 2:Agent:Alice:ParticipantJoined 3:Agent:Alice:Text:Hi 4:Agent:Robert:ParticipantJoined ref=1",
			},
		},
		{
			name: "an email ignores the nickname", setup: offeredTo("alice"), op: acceptAs("alice", "Ally"),
			events: []string{"alice i1 StatusChange Processing " + ownerCaps},
		},
		{name: "nickname too long", setup: offered(Chat, "alice"), op: acceptAs("alice", strings.Repeat("n", MaxNickname+1)), code: Invalid},
	})
}

func TestChatPartsEnd(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "StopProcessing: everyone still in it leaves, then is told Completed", setup: chatOf("alice", "bob"),
			op: stopProcessing("alice"),
			events: []string{
				"alice i1 Log 4:Agent:Alice:ParticipantLeft ref=3",
				"bob i1 Log 4:Agent:Alice:ParticipantLeft",
				"alice i1 Log 5:Agent:Bob:ParticipantLeft ref=3",
				"bob i1 Log 5:Agent:Bob:ParticipantLeft",
				"alice i1 StatusChange Completed []",
				"bob i1 StatusChange Completed []",
			},
		},
		{
			name: "StopProcessing after the customer left", setup: customerLeft("alice"), op: stopProcessing("alice"),
			events: []string{"alice i1 Log 4:Agent:Alice:ParticipantLeft ref=2", "alice i1 StatusChange Completed []"},
		},
		{
			name: "Transfer", setup: chatOf("alice"), op: transfer("alice", "bob"),
			events: []string{
				"alice i1 Log 3:Agent:Alice:ParticipantLeft ref=2",
				"alice i1 StatusChange Transferred []",
				"bob i1 StatusChange Invited " + offerCaps,
			},
		},
		{
			name: "a member leaves the conference", setup: chatOf("alice", "bob"), op: endConference("bob", ""),
			events: []string{
				"alice i1 Log 4:Agent:Bob:ParticipantLeft",
				"bob i1 Log 4:Agent:Bob:ParticipantLeft ref=2",
				"bob i1 StatusChange LeftConference [] left=bob",
				"alice i1 ParticipantsUpdated LeftConference " + chatOwnerCaps + " left=bob",
			},
		},
		{
			name: "an agent who comes back keeps her participantId", setup: chatOf("alice", "bob"),
			op: func(h *harness, id string) error {
				h.ok(h.c.EndConference(bobID, id, ""))
				h.ok(h.c.StartConference(aliceID, id, "bob"))
				h.events()
				return errOf(h.c.Accept(bobID, id))
			},
			events: []string{
				"bob i1 StatusChange Processing " + chatMemberCaps,
				"alice i1 ParticipantsUpdated Processing " + chatConfCaps,
				"alice i1 Log 5:Agent:Bob:ParticipantJoined",
				"bob i1 Log 1:Client:Customer:ParticipantJoined 2:Agent:Alice:ParticipantJoined 3:Agent:Bob:ParticipantJoined 4:Agent:Bob:ParticipantLeft 5:Agent:Bob:ParticipantJoined ref=3",
			},
			check: func(t *testing.T, h *harness, label string) {
				tr := h.view(label).Transcript
				if tr[2].ParticipantID != tr[4].ParticipantID || tr[1].ParticipantID == tr[2].ParticipantID || tr[0].ParticipantID == tr[1].ParticipantID {
					t.Errorf("participantIds %s %s %s %s", tr[0].ParticipantID, tr[1].ParticipantID, tr[2].ParticipantID, tr[4].ParticipantID)
				}
				for _, e := range tr {
					if !validParticipantID(e.ParticipantID) {
						t.Errorf("participantId %q is not 16 characters [0-9A-F]", e.ParticipantID)
					}
				}
			},
		},
		{
			name: "a full transcript records no more joins or leaves, yet the chat ends", setup: fullChat("alice"),
			op:     stopProcessing("alice"),
			events: []string{"alice i1 StatusChange Completed []"},
		},
	})
}

func TestCustomerSide(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "the customer writes; every owner and member is sent it", setup: chatOf("alice", "bob"),
			op:     customerWrites(ChatText, "Where is my parcel?"),
			events: []string{"alice i1 Log 4:Client:Customer:Text:Where is my parcel?", "bob i1 Log 4:Client:Customer:Text:Where is my parcel?"},
		},
		{
			name: "the customer types; a text is not used", setup: chatOf("alice"), op: customerWrites(ChatTypingStarted, "ignored"),
			events: []string{"alice i1 Log 3:Client:Customer:TypingStarted"},
		},
		{
			name: "while the chat waits in a queue nobody is sent it", setup: func(h *harness) string {
				return h.create(NewInteraction{Channel: Chat, ChannelData: map[string]any{"nickname": "Jane"}, Text: "Hello"})
			},
			opts:  []option{onlyReady()},
			op:    customerWrites(ChatText, "Anyone?"),
			check: transcript("1:Client:Jane:ParticipantJoined", "2:Client:Jane:Text:Hello", "3:Client:Jane:Text:Anyone?"),
		},
		{
			name: "the customer leaves: SendMessage and SendNotification are no longer offered", setup: chatOf("alice", "bob"),
			op:     customerLeaves,
			events: []string{"alice i1 Log 4:Client:Customer:ParticipantLeft", "bob i1 Log 4:Client:Customer:ParticipantLeft"},
			see: map[string]string{
				"alice": "Processing [StopProcessing UpdateProperties StartConference EndConference RequestChatHistory]",
				"bob":   "Processing [UpdateProperties EndConference RequestChatHistory]",
			},
		},
		{name: "the customer leaves twice", setup: customerLeft("alice"), op: customerLeaves, code: Conflict},
		{name: "the customer writes after leaving", setup: customerLeft("alice"), op: customerWrites(ChatText, "Hi"), code: Conflict},
		{name: "an empty message", setup: chatOf("alice"), op: customerWrites(ChatText, ""), code: Invalid},
		{name: "an unknown type", setup: chatOf("alice"), op: customerWrites(ChatParticipantJoined, ""), code: Invalid},
		{name: "not a chat", setup: ownedBy("alice"), op: customerWrites(ChatText, "Hi"), code: Invalid},
		{name: "not a chat: leave", setup: ownedBy("alice"), op: customerLeaves, code: Invalid},
		{name: "a completed chat", setup: completedChat("alice"), op: customerWrites(ChatText, "Hi"), code: Conflict},
		{name: "a completed chat: leave", setup: completedChat("alice"), op: customerLeaves, code: Conflict},
		{name: "unknown interaction", setup: none, op: customerWrites(ChatText, "Hi"), code: NotFound},
		{name: "transcript full", setup: fullChat("alice"), op: customerWrites(ChatText, "Hi"), code: Conflict},
	})
	t.Run("CustomerWrite answers the event's index", func(t *testing.T) {
		h := newHarness(t)
		l := h.owned(Chat, "alice")
		n, err := h.c.CustomerWrite(h.id(l), ChatText, "Hi")
		h.must(err)
		checkEqual(t, "index", n, 3)
	})
	t.Run("a chat created with a first message", func(t *testing.T) {
		h := newHarness(t)
		_, err := h.c.Create(NewInteraction{Channel: Email, Text: "Hi"})
		checkEqual(t, "error code of a first message of an email", CodeOf(err), Invalid)
		l := h.create(NewInteraction{Channel: Chat, ChannelData: map[string]any{"nickname": "Jane"}, Text: "Hello"})
		transcript("1:Client:Jane:ParticipantJoined", "2:Client:Jane:Text:Hello")(t, h, l)
	})
}

func TestStop(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "owner and members are told Completed, open offers Revoked", setup: pending("alice", []string{"bob"}, "carol"),
			op: stop,
			events: []string{
				"alice i1 StatusChange Completed []",
				"bob i1 StatusChange Completed []",
				"carol i1 StatusChange Revoked []",
			},
			see: map[string]string{"admin": "Completed []"},
		},
		{
			name: "a chat: the agents leave first", setup: chatOf("alice"), op: stop,
			events: []string{"alice i1 Log 3:Agent:Alice:ParticipantLeft", "alice i1 StatusChange Completed []"},
		},
		{
			name: "an offer is revoked and not routed again", setup: offeredTo("alice"), op: stop,
			events: []string{"alice i1 StatusChange Revoked []"},
			see:    map[string]string{"admin": "Completed []"},
		},
		{
			name: "in a queue: it just becomes Completed", opts: []option{onlyReady()},
			setup: func(h *harness) string { return h.create(NewInteraction{Channel: Email}) },
			op:    stop, see: map[string]string{"admin": "Completed []"},
		},
		{
			name: "in a workbin", setup: func(h *harness) string {
				l := h.owned(Email, "alice")
				h.ok(h.c.PlaceInWorkbin(aliceID, h.id(l), "alice-workbin"))
				return l
			},
			op: stop, see: map[string]string{"admin": "Completed []"},
		},
		{
			name: "an outbound email being composed is discarded", setup: drafting("alice", OpReply),
			op:     stop,
			events: []string{"alice i2 StatusChange Completed []"},
			check: func(t *testing.T, h *harness, _ string) {
				checkEqual(t, "outbox", len(h.c.Outbox()), 0)
			},
		},
		{
			name: "stopping a Completed one is a no-op", setup: completedChat("alice"), op: stop,
		},
		{name: "unknown interaction", setup: none, op: stop, code: NotFound},
	})
}

func TestChatSnapshot(t *testing.T) {
	h := newHarness(t)
	l := chatOf("alice", "bob")(h)
	h.ok(h.c.SendMessage(bobID, h.id(l), "Hi"))
	snap := h.c.Snapshot()
	h.must(h.c.Restore(snap))
	checkEqual(t, "snapshot after Restore", h.c.Snapshot(), snap)
	// The agents keep their participantIds and nicknames.
	h.events()
	h.ok(h.c.SendMessage(aliceID, h.id(l), "Hello"))
	tr := h.view(l).Transcript
	checkEqual(t, "alice's participantId", tr[len(tr)-1].ParticipantID, tr[1].ParticipantID)

	bad := []struct {
		name string
		edit func(r *ChatRecord)
	}{
		{"an index out of order", func(r *ChatRecord) { r.Transcript[1].Index = 7 }},
		{"an unknown type", func(r *ChatRecord) { r.Transcript[0].Type = "Shout" }},
		{"text on a join", func(r *ChatRecord) { r.Transcript[0].Text = "x" }},
		{"a bad participantId", func(r *ChatRecord) { r.Agents[0].ParticipantID = "xyz" }},
		{"an unknown agent", func(r *ChatRecord) { r.Agents[0].UserID = "ffffffffffffffffffffffffffffffff" }},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			s := h.c.Snapshot()
			tc.edit(s.Interactions[0].Chat)
			if err := h.c.Restore(s); CodeOf(err) != Invalid {
				t.Errorf("Restore: %v, want Invalid", err)
			}
		})
	}
	t.Run("a transcript on an email", func(t *testing.T) {
		s := h.c.Snapshot()
		s.Interactions[0].Channel = Email
		if err := h.c.Restore(s); CodeOf(err) != Invalid {
			t.Errorf("Restore: %v, want Invalid", err)
		}
	})
}
