package steps

import (
	"fmt"
	"strconv"
	"strings"
)

// The paths and names of the chat and email steps (docs/behavior.md, chat
// and email; docs/control-api.md, the customer's side of a chat).
const (
	chatMessages = "/control/v1/interactions/{{it}}/chat/messages"
	chatLeave    = "/control/v1/interactions/{{it}}/chat/leave"
	outbox       = "/control/v1/outbox"
	// myReply is the outbound email the last Reply, ReplyAll or Forward
	// created, bound as reply by the steps that create it.
	myReply = "/api/v2/me/interactions/{{reply}}"
	reply   = "/api/v2/interactions/{{reply}}"
	// participantID is a transcript participant's id as every
	// implementation promises it: a string. Its form (gwsmock's 16
	// characters [0-9A-F]) is gwsmock's policy (docs/behavior.md B8.2),
	// for @mock scenarios to assert.
	participantID = "{{string}}"
)

// maxCustomerMessages is the most messages one "the customer writes N
// messages" step sends: enough to fill gwsmock's transcript (1,000 events).
const maxCustomerMessages = 2000

// replyCaps are the capabilities of the owner of an outbound email being
// composed.
var replyCaps = []string{"UpdateProperties", "CancelReply", "Send"}

// chatEvent is the expectation of one transcript event of this type, from
// "the customer", "an agent", a "nickname" in quotes, or anyone (""); text
// only on Text events.
func chatEvent(typ, from, text string) map[string]any {
	f := map[string]any{"participantId": participantID}
	switch {
	case from == "the customer":
		f["type"] = "Client"
	case from == "an agent":
		f["type"] = "Agent"
	case strings.HasPrefix(from, `"`):
		f["nickname"] = strings.Trim(from, `"`)
	}
	ev := map[string]any{"index": "{{number}}", "type": typ, "visibility": "All", "timestamp": "{{string}}", "from": f, "text": "{{absent}}"}
	if typ == "Text" {
		ev["text"] = text
	}
	return ev
}

// messageLog is the expectation of a message-log notification of the
// interaction it carrying exactly these events.
func messageLog(events []any) string {
	return obj("messageType", "MessageLogUpdated", "messageTypeName", "MessageLogUpdated", "notificationType", "NewMessages",
		"id", "{{it}}", "uri", "{{it.uri}}", "messages", compact(events))
}

// customerDef is a step of the customer's side of a chat: a control API
// request and, unless the step only tries, the answer it must get.
func customerDef(pattern, doc, example string, request func(a []string) (path, body string), ok []Call) *Def {
	return &Def{
		Pattern: pattern, Doc: doc, Example: example,
		expand: func(a []string, _ string) ([]Call, error) {
			path, body := request(a)
			return append([]Call{sendCall("control", "POST", path, body)}, ok...), nil
		},
	}
}

// chatOps are the chat operations of an agent (SendMessage,
// SendNotification, RequestChatHistory, Accept with a nickname).
var chatOps = []opDef{
	{
		does: `accepts it as "(?P<nickname>[^"]*)"`, try: `accept it as "(?P<nickname>[^"]*)"`, user: "alice", args: []string{"Ally"},
		doc: `The user accepts the chat offered to it under this nickname, the agent's name in the transcript (Accept with nickname).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "Accept", "nickname", a[0])
		},
	},
	{
		does: `writes "(?P<text>[^"]*)"`, try: `write "(?P<text>[^"]*)"`, user: "alice", args: []string{"Let me check."},
		doc: `A party of the chat sends a message to it (SendMessage with text).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "SendMessage", "text", a[0])
		},
	},
	{
		does: `starts typing`, try: `start typing`, user: "alice",
		doc: `A party of the chat tells the others that it started typing (SendNotification with notification TypingStarted).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "SendNotification", "notification", "TypingStarted")
		},
	},
	{
		does: `stops typing`, try: `stop typing`, user: "alice",
		doc: `A party of the chat tells the others that it stopped typing (SendNotification with notification TypingStopped).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "SendNotification", "notification", "TypingStopped")
		},
	},
	{
		does: `requests the chat history(?: from index (?P<index>\d+))?`, try: `request the chat history(?: from index (?P<index>\d+))?`,
		user: "alice", example: "requests the chat history from index 2", tryExample: "request the chat history",
		doc: `A party of the chat asks for its transcript, all of it or from the index on (RequestChatHistory with fromIndex); ` +
			`the answer comes as one message-log notification.`,
		request: func(a []string, _ string) (string, string, string) {
			if a[0] == "" {
				return "POST", myInteraction, opBody("operationName", "RequestChatHistory")
			}
			n, _ := strconv.Atoi(a[0])
			return "POST", myInteraction, opBody("operationName", "RequestChatHistory", "fromIndex", n)
		},
	},
	{
		does: `sends the reply`, try: `send the reply`, user: "alice",
		doc: `The owner of the outbound email the last reply step created (the variable reply) sends it (Send).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myReply, opBody("operationName", "Send")
		},
	},
	{
		does: `cancels the reply`, try: `cancel the reply`, user: "alice",
		doc: `The owner of the outbound email the last reply step created (the variable reply) discards it (CancelReply).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myReply, opBody("operationName", "CancelReply")
		},
	},
}

// replyOps create an outbound email from the inbound one; subType is the
// interactionSubType of what they create.
var replyOps = []struct {
	opDef
	subType string
}{
	{opDef{
		does: `replies to it`, try: `reply to it`, user: "alice",
		doc: `The owner of an inbound email starts a reply to its sender (Reply).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "Reply")
		},
	}, "OutboundReply"},
	{opDef{
		does: `replies to all`, try: `reply to all`, user: "alice",
		doc: `The owner of an inbound email starts a reply to its sender and its other recipients (ReplyAll).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "ReplyAll")
		},
	}, "OutboundReply"},
	{opDef{
		does: `forwards it to "(?P<to>[^"]*)"`, try: `forward it to "(?P<to>[^"]*)"`, user: "alice", args: []string{"claims@example.com"},
		doc: `The owner of an inbound email starts forwarding it to the address (Forward with to).`,
		request: func(a []string, _ string) (string, string, string) {
			return "POST", myInteraction, opBody("operationName", "Forward", "to", a[0])
		},
	}, "OutboundNew"},
}

// composing are the steps that take the StatusChange of the outbound email
// user's request created from it, and bind its id as reply and its uri as
// reply.uri.
func composing(user, subType string) []Call {
	return []Call{
		receiveCall(user, interactionsChannel, obj(
			"messageTypeName", "InteractionStateMessage", "notificationType", "StatusChange",
			"id", "{{capture:reply}}", "uri", "{{capture:reply.uri}}", "parentId", "{{it}}",
			"channel", "email", "interactionType", "Outbound", "interactionSubType", subType, "state", "Composing",
			"capabilities", compact(containsAll(replyCaps)),
			"referenceId", "{{"+user+".referenceId}}")),
		{Text: user + "'s last notification has " + strconv.Itoa(len(replyCaps)) + " capabilities"},
	}
}

// containsAll is the "contains" form of an array of these strings: each of
// them, in any order.
func containsAll(s []string) []any {
	out := []any{"{{contains}}"}
	for _, x := range s {
		out = append(out, x)
	}
	return out
}

// fromPattern reads who an event is from: the customer, an agent, or the
// nickname in quotes.
const fromPattern = `(?: from (?P<from>the customer|an agent|"[^"]*"))?`

// mediaDefs is the vocabulary of chat conversations and email replies.
func mediaDefs() []*Def {
	indexOK := []Call{statusCall(200), matchCall(`{"index": "{{number}}"}`)}
	defs := []*Def{
		// ---------------------------------------------------------- the customer
		customerDef(`^the customer writes "(?P<text>[^"]*)"$`,
			`The customer of the chat it sends a message (control API POST .../chat/messages), which must be taken: 200 {"index":N}.`,
			`When the customer writes "Any news?"`,
			func(a []string) (string, string) { return chatMessages, obj("text", a[0]) }, indexOK),
		{
			Pattern: `^the customer writes (?P<n>\d+) messages$`,
			Doc: `The customer of the chat it sends this many messages, "Message 1", "Message 2" and so on, each of which ` +
				`must be taken (control API POST .../chat/messages, 200): to fill a transcript.`,
			Example: `When the customer writes 997 messages`,
			expand: func(a []string, _ string) ([]Call, error) {
				n, err := strconv.Atoi(a[0])
				if err != nil || n < 1 || n > maxCustomerMessages {
					return nil, fmt.Errorf("the customer writes 1 to %d messages, not %s", maxCustomerMessages, a[0])
				}
				calls := make([]Call, 0, 2*n)
				for i := 1; i <= n; i++ {
					calls = append(calls, sendCall("control", "POST", chatMessages, obj("text", fmt.Sprintf("Message %d", i))), statusCall(200))
				}
				return calls, nil
			},
		},
		customerDef(`^the customer tries to write "(?P<text>[^"]*)"$`,
			`The customer of the chat it sends a message; the next steps check the control API's answer.`,
			`When the customer tries to write ""`,
			func(a []string) (string, string) { return chatMessages, obj("text", a[0]) }, nil),
		customerDef(`^the customer starts typing$`,
			`The customer of the chat it starts typing (control API POST .../chat/messages with type TypingStarted).`,
			`When the customer starts typing`,
			func([]string) (string, string) { return chatMessages, obj("type", "TypingStarted") }, indexOK),
		customerDef(`^the customer stops typing$`,
			`The customer of the chat it stops typing (control API POST .../chat/messages with type TypingStopped).`,
			`When the customer stops typing`,
			func([]string) (string, string) { return chatMessages, obj("type", "TypingStopped") }, indexOK),
		customerDef(`^the customer leaves$`,
			`The customer leaves the chat it (control API POST .../chat/leave); every party is told.`,
			`When the customer leaves`,
			func([]string) (string, string) { return chatLeave, "" }, []Call{statusCall(200)}),
		customerDef(`^the customer tries to leave$`,
			`The customer leaves the chat it; the next steps check the control API's answer.`,
			`When the customer tries to leave`,
			func([]string) (string, string) { return chatLeave, "" }, nil),

		// ---------------------------------------------------------- chat notifications
		{
			Pattern: `^(?P<user>\w+) receives the chat message "(?P<text>[^"]*)"` + fromPattern + `$`,
			Doc: `The user's next message on /v2/me/interactions is a message-log notification (MessageLogUpdated, NewMessages) ` +
				`of the chat it with one Text event of this text, from the customer (type Client), an agent (type Agent) or ` +
				`the nickname in quotes.`,
			Example: `Then bob receives the chat message "Any news?" from the customer`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{receiveCall(a[0], interactionsChannel, messageLog([]any{chatEvent("Text", a[2], a[1])}))}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) receives the chat event (?P<type>TypingStarted|TypingStopped|ParticipantJoined|ParticipantLeft)` + fromPattern + `$`,
			Doc: `The user's next message on /v2/me/interactions is a message-log notification of the chat it with one event ` +
				`of this type, from whom the step says (see above).`,
			Example: `Then alice receives the chat event ParticipantLeft from the customer`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{receiveCall(a[0], interactionsChannel, messageLog([]any{chatEvent(a[1], a[2], "")}))}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) receives the chat history with (?P<n>no|\d+) events?(?: from index (?P<index>\d+))?$`,
			Doc: `The user's next message on /v2/me/interactions is one message-log notification of the chat it with exactly ` +
				`this many events, numbered on from the index (default 1): the whole transcript after Accept, or the answer ` +
				`to RequestChatHistory.`,
			Example: `Then alice receives the chat history with 3 events`,
			expand: func(a []string, _ string) ([]Call, error) {
				n, from := 0, 1
				if a[1] != "no" {
					n, _ = strconv.Atoi(a[1])
				}
				if a[2] != "" {
					from, _ = strconv.Atoi(a[2])
				}
				events := make([]any, n)
				for i := range events {
					events[i] = map[string]any{"index": from + i, "visibility": "All", "from": map[string]any{"participantId": participantID}}
				}
				return []Call{receiveCall(a[0], interactionsChannel, messageLog(events))}, nil
			},
		},

		// ---------------------------------------------------------- capabilities as sets
		{
			Pattern: `^(?P<user>\w+) is notified that it is (?P<state>\w+) with capability set (?P<capabilities>.+)$`,
			Doc: `The user's next message on /v2/me/interactions is a StatusChange of the interaction to this state whose ` +
				`capabilities are exactly these, in any order ("none" for none).`,
			Example: `Then alice is notified that it is Processing with capability set UpdateProperties, EndConference and SendMessage`,
			expand: func(a []string, _ string) ([]Call, error) {
				caps := capsList(a[2])
				kv := append(interactionMessage("StatusChange"), "state", a[1], "capabilities", compact(containsAll(caps)))
				return []Call{
					receiveCall(a[0], interactionsChannel, obj(kv...)),
					{Text: fmt.Sprintf("%s's last notification has %d capabilities", a[0], len(caps))},
				}, nil
			},
		},
		{
			Pattern: `^(?P<user>\w+) sees (it|the reply) as (?P<state>\w+) with capability set (?P<capabilities>.+)$`,
			Doc: `GET /interactions/{id} as the user shows the interaction (or the outbound email bound as reply) in this ` +
				`state, with exactly these capabilities, in any order ("none" for none).`,
			Example: `Then alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send`,
			expand: func(a []string, _ string) ([]Call, error) {
				path, id := interaction, "{{it}}"
				if a[1] == "the reply" {
					path, id = reply, "{{reply}}"
				}
				caps := capsList(a[3])
				return []Call{
					sendCall(a[0], "GET", path, ""),
					statusCall(200),
					matchCall(obj("statusCode", 0, "interaction", compact(map[string]any{"id": id, "state": a[2], "capabilities": containsAll(caps)}))),
					{Text: fmt.Sprintf("the response has %d interaction.capabilities", len(caps))},
				}, nil
			},
		},

		// ---------------------------------------------------------- email replies
		{
			Pattern: `^(?P<user>\w+) is notified that the reply is (?P<state>Completed|Canceled)$`,
			Doc: `The user's next message on /v2/me/interactions is a StatusChange of the outbound email bound as reply to ` +
				`this state, with no capabilities: Completed after Send, Canceled after CancelReply.`,
			Example: `Then alice is notified that the reply is Completed`,
			expand: func(a []string, _ string) ([]Call, error) {
				return []Call{receiveCall(a[0], interactionsChannel, obj(
					"messageTypeName", "InteractionStateMessage", "notificationType", "StatusChange", "id", "{{reply}}",
					"state", a[1], "capabilities", raw("[]")))}, nil
			},
		},
		{
			Pattern: `^the outbox holds an email to "(?P<to>[^"]*)"$`,
			Doc: `gwsmock's outbox (control API GET /control/v1/outbox, beyond the driver contract: tag the scenario @mock) ` +
				`holds a sent email to this address, whose parent is the interaction it.`,
			Example: `Then the outbox holds an email to "jane.doe@example.com"`,
			expand: func(a []string, _ string) ([]Call, error) {
				email := map[string]any{"to": containsAll([]string{a[0]}), "parentId": "{{it}}"}
				return []Call{
					sendCall("control", "GET", outbox, ""),
					statusCall(200),
					matchCall(obj("emails", compact([]any{"{{contains}}", email}))),
				}, nil
			},
		},
		{
			Pattern: `^the outbox is empty$`,
			Doc:     `gwsmock's outbox (control API GET /control/v1/outbox; tag the scenario @mock) holds no email.`,
			Example: `Then the outbox is empty`,
			expand: func([]string, string) ([]Call, error) {
				return []Call{sendCall("control", "GET", outbox, ""), statusCall(200), {Text: "the response has 0 emails"}}, nil
			},
		},
	}
	defs = append(defs, opSteps(chatOps)...)
	for _, op := range replyOps {
		for _, d := range opSteps([]opDef{op.opDef}) {
			if strings.Contains(d.Pattern, " tries to ") {
				defs = append(defs, d)
				continue
			}
			expand, subType := d.expand, op.subType
			d.Doc += ` Then the user is notified of the new outbound email (StatusChange, state Composing, parentId it, ` +
				`interactionSubType ` + subType + `, capabilities UpdateProperties, CancelReply and Send, the request's ` +
				`referenceId), bound as reply and reply.uri (one reply per scenario).`
			d.expand = func(a []string, doc string) ([]Call, error) {
				calls, err := expand(a, doc)
				if err != nil {
					return nil, err
				}
				return append(calls, composing(a[0], subType)...), nil
			}
			defs = append(defs, d)
		}
	}
	return defs
}
