package contactcenter

import (
	"fmt"
	"testing"
	"time"
)

// inboundEmail is an email owned by owner, with channel data.
func inboundEmail(owner string, data map[string]any) func(*harness) string {
	return func(h *harness) string {
		l := h.create(NewInteraction{Channel: Email, Agent: owner, ChannelData: data, UserData: map[string]any{"orderId": "1042"}})
		h.ok(h.c.Accept(userIDs[owner], h.id(l)))
		return l
	}
}

var sampleEmail = map[string]any{
	"from": "jane@example.com", "to": "support@example.com", "cc": []any{"pat@example.com"},
	"subject": "Order 1042", "body": "It broke.\nPlease help.",
}

// drafting is an outbound email owner is composing, made by op (Reply,
// ReplyAll or Forward) on an inbound one; it returns the outbound one.
func drafting(owner string, op Operation) func(*harness) string {
	return func(h *harness) string {
		in := inboundEmail(owner, sampleEmail)(h)
		before := len(h.c.MyInteractions(userIDs[owner]))
		switch op {
		case OpReply:
			h.ok(h.c.Reply(userIDs[owner], h.id(in)))
		case OpReplyAll:
			h.ok(h.c.ReplyAll(userIDs[owner], h.id(in)))
		case OpForward:
			h.ok(h.c.Forward(userIDs[owner], h.id(in), "lab@example.com"))
		}
		mine := h.c.MyInteractions(userIDs[owner])
		if len(mine) != before+1 {
			h.t.Fatalf("%s made no interaction", op)
		}
		for _, v := range mine {
			if v.Type == TypeOutbound {
				return h.label(v.ID)
			}
		}
		h.t.Fatalf("no outbound interaction")
		return ""
	}
}

func reply(name string, op Operation, to ...string) func(*harness, string) error {
	return func(h *harness, id string) error {
		switch op {
		case OpReply:
			return errOf(h.c.Reply(userIDs[name], id))
		case OpReplyAll:
			return errOf(h.c.ReplyAll(userIDs[name], id))
		}
		var addrs any
		switch len(to) {
		case 0:
		case 1:
			addrs = to[0]
		default:
			addrs = to
		}
		return errOf(h.c.Forward(userIDs[name], id, addrs))
	}
}

func send(name string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.Send(userIDs[name], id)) }
}

func cancelReply(name string) func(*harness, string) error {
	return func(h *harness, id string) error { return errOf(h.c.CancelReply(userIDs[name], id)) }
}

// outbound checks the outbound email the case made (i2).
func outbound(subType string, data map[string]any) func(*testing.T, *harness, string) {
	return func(t *testing.T, h *harness, in string) {
		t.Helper()
		v := h.view("i2")
		checkEqual(t, "type", v.Type+"/"+v.SubType, TypeOutbound+"/"+subType)
		checkEqual(t, "parentId", v.ParentID, h.id(in))
		checkEqual(t, "state", v.State, Composing)
		checkEqual(t, "owner", v.OwnerID, aliceID)
		checkEqual(t, "userData", v.UserData, map[string]any{"orderId": "1042"})
		checkEqual(t, "email", v.ChannelData, data)
		checkEqual(t, "the inbound one", h.see("alice", in), "Processing "+ownerCaps)
		checkEqual(t, "alice's interactions", h.mine("alice"), []string{in + " Processing", "i2 Composing"})
	}
}

const quoteHeader = "On 2026-11-23 10:00:02.000+0000, jane@example.com wrote:\n"

func TestReply(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "Reply", setup: inboundEmail("alice", sampleEmail), op: reply("alice", OpReply),
			events: []string{"alice i2 StatusChange Composing " + draftCaps},
			check: outbound(SubTypeOutboundReply, map[string]any{
				"from": "support@example.com", "to": "jane@example.com", "subject": "Re: Order 1042",
				"body": quoteHeader + "> It broke.\n> Please help.",
			}),
		},
		{
			name: "ReplyAll copies cc", setup: inboundEmail("alice", sampleEmail), op: reply("alice", OpReplyAll),
			events: []string{"alice i2 StatusChange Composing " + draftCaps},
			check: outbound(SubTypeOutboundReply, map[string]any{
				"from": "support@example.com", "to": "jane@example.com", "cc": []any{"pat@example.com"},
				"subject": "Re: Order 1042", "body": quoteHeader + "> It broke.\n> Please help.",
			}),
		},
		{
			name: "Forward", setup: inboundEmail("alice", sampleEmail), op: reply("alice", OpForward, "lab@example.com", "qa@example.com"),
			events: []string{"alice i2 StatusChange Composing " + draftCaps},
			check: outbound(SubTypeOutboundNew, map[string]any{
				"from": "support@example.com", "to": []any{"lab@example.com", "qa@example.com"}, "subject": "Fwd: Order 1042",
				"body": "---------- Forwarded message ----------\nFrom: jane@example.com\nDate: 2026-11-23 10:00:02.000+0000\n" +
					"Subject: Order 1042\nTo: support@example.com\n\nIt broke.\nPlease help.",
			}),
		},
		{
			name: "no double prefix", setup: inboundEmail("alice", map[string]any{"from": "jane@example.com", "subject": "RE: Order"}),
			op: reply("alice", OpReply), events: []string{"alice i2 StatusChange Composing " + draftCaps},
			check: func(t *testing.T, h *harness, _ string) {
				checkEqual(t, "subject", h.view("i2").ChannelData["subject"], any("RE: Order"))
			},
		},
		{
			name: "Forward to a list of one keeps the list", setup: inboundEmail("alice", sampleEmail),
			op:     func(h *harness, id string) error { return errOf(h.c.Forward(aliceID, id, []any{"lab@example.com"})) },
			events: []string{"alice i2 StatusChange Composing " + draftCaps},
			check: func(t *testing.T, h *harness, _ string) {
				checkEqual(t, "to", h.view("i2").ChannelData["to"], any([]any{"lab@example.com"}))
			},
		},
		{name: "Forward without an address", setup: inboundEmail("alice", sampleEmail), op: reply("alice", OpForward), code: Invalid},
		{
			name: "Forward to an empty list", setup: inboundEmail("alice", sampleEmail),
			op: func(h *harness, id string) error { return errOf(h.c.Forward(aliceID, id, []any{})) }, code: Invalid,
		},
		{
			name: "Forward to a number", setup: inboundEmail("alice", sampleEmail),
			op: func(h *harness, id string) error { return errOf(h.c.Forward(aliceID, id, 7.0)) }, code: Invalid,
		},
		{name: "Forward to an empty address", setup: inboundEmail("alice", sampleEmail), op: reply("alice", OpForward, ""), code: Invalid},
		{name: "not the owner", setup: inboundEmail("alice", sampleEmail), op: reply("bob", OpReply), code: Forbidden},
		{name: "a conference member is not the owner", setup: conferenceOf("alice", "bob"), op: reply("bob", OpReplyAll), code: Forbidden},
		{name: "not an email", setup: chatOf("alice"), op: reply("alice", OpReply), code: Invalid},
		{name: "Reply on an outbound one", setup: drafting("alice", OpReply), op: reply("alice", OpReply), code: Invalid},
		{name: "a completed email", setup: func(h *harness) string {
			l := inboundEmail("alice", sampleEmail)(h)
			h.ok(h.c.StopProcessing(aliceID, h.id(l)))
			return l
		}, op: reply("alice", OpReply), code: Conflict},
		{name: "unknown interaction", setup: none, op: reply("alice", OpReply), code: NotFound},
	})
}

func TestSendAndCancel(t *testing.T) {
	runOpCases(t, []opCase{
		{
			name: "Send: to the outbox, Completed", setup: drafting("alice", OpReplyAll), op: send("alice"),
			events: []string{"alice i2 StatusChange Completed []"},
			see:    map[string]string{"admin": "Completed []"},
			check: func(t *testing.T, h *harness, l string) {
				checkEqual(t, "outbox", h.c.Outbox(), []SentEmail{{
					ID: h.id(l), ParentID: h.id("i1"), AgentID: aliceID, From: "support@example.com",
					To: []string{"jane@example.com"}, Cc: []string{"pat@example.com"}, Subject: "Re: Order 1042",
					Body: quoteHeader + "> It broke.\n> Please help.", SentAt: t0.Add(4 * time.Second),
				}})
				checkEqual(t, "alice's interactions", h.mine("alice"), []string{"i1 Processing"})
			},
		},
		{
			name: "Send after editing", setup: drafting("alice", OpReply),
			op: func(h *harness, id string) error {
				h.ok(h.c.UpdateChannelData(aliceID, id, Email, map[string]any{"to": []any{"a@example.com", "b@example.com"}, "cc": nil, "body": "Done."}))
				h.events()
				return errOf(h.c.Send(aliceID, id))
			},
			events: []string{"alice i2 StatusChange Completed []"},
			check: func(t *testing.T, h *harness, _ string) {
				got := h.c.Outbox()[0]
				checkEqual(t, "to and body", fmt.Sprintf("%v %v %s", got.To, got.Cc, got.Body), "[a@example.com b@example.com] [] Done.")
			},
		},
		{
			name: "Send with no recipient", setup: func(h *harness) string {
				l := drafting("alice", OpReply)(h)
				h.ok(h.c.UpdateChannelData(aliceID, h.id(l), Email, map[string]any{"to": []any{}}))
				return l
			},
			op: send("alice"), code: Invalid,
		},
		{
			name: "CancelReply: Canceled, not sent", setup: drafting("alice", OpForward), op: cancelReply("alice"),
			events: []string{"alice i2 StatusChange Canceled []"},
			see:    map[string]string{"admin": "Completed []"},
			check: func(t *testing.T, h *harness, _ string) {
				checkEqual(t, "outbox", len(h.c.Outbox()), 0)
			},
		},
		{name: "Send an inbound email", setup: inboundEmail("alice", sampleEmail), op: send("alice"), code: Invalid},
		{name: "CancelReply an inbound email", setup: inboundEmail("alice", sampleEmail), op: cancelReply("alice"), code: Invalid},
		{name: "Send by another agent", setup: drafting("alice", OpReply), op: send("bob"), code: Forbidden},
		{name: "Send a chat", setup: chatOf("alice"), op: send("alice"), code: Invalid},
		{name: "Send twice", setup: func(h *harness) string {
			l := drafting("alice", OpReply)(h)
			h.ok(h.c.Send(aliceID, h.id(l)))
			return l
		}, op: send("alice"), code: Conflict},
		{name: "Send after CancelReply", setup: func(h *harness) string {
			l := drafting("alice", OpReply)(h)
			h.ok(h.c.CancelReply(aliceID, h.id(l)))
			return l
		}, op: send("alice"), code: Conflict},
		{name: "StopProcessing an email being composed", setup: drafting("alice", OpReply), op: stopProcessing("alice"), code: Conflict},
		{name: "Transfer an email being composed", setup: drafting("alice", OpReply), op: transfer("alice", "bob"), code: Conflict},
		{name: "PlaceInQueue an email being composed", setup: drafting("alice", OpReply), op: placeInQueue("alice", "email-inbound"), code: Conflict},
		{name: "StartConference on an email being composed", setup: drafting("alice", OpReply), op: startConference("alice", "bob"), code: Conflict},
	})
}

func TestOutbox(t *testing.T) {
	t.Run("bounded: the oldest go first", func(t *testing.T) {
		h := newHarness(t, capacity("alice", Email, 2*MaxOutbox))
		in := inboundEmail("alice", sampleEmail)(h)
		for range MaxOutbox + 1 {
			h.ok(h.c.Reply(aliceID, h.id(in)))
			var draft string
			for _, v := range h.c.MyInteractions(aliceID) {
				if v.State == Composing {
					draft = v.ID
				}
			}
			h.ok(h.c.Send(aliceID, draft))
		}
		out := h.c.Outbox()
		checkEqual(t, "size", len(out), MaxOutbox)
		checkEqual(t, "oldest kept is the second sent", out[0].SentAt.Before(out[1].SentAt), true)
	})
	t.Run("Restore empties it", func(t *testing.T) {
		h := newHarness(t)
		l := drafting("alice", OpReply)(h)
		h.ok(h.c.Send(aliceID, h.id(l)))
		h.must(h.c.Restore(fixture()))
		checkEqual(t, "outbox", len(h.c.Outbox()), 0)
	})
}
