package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// Capabilities of the media operations (DESIGN of issue 12, docs/behavior.md).
const (
	chatOwnerCaps = `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","SendMessage","SendNotification","RequestChatHistory"]`
	draftCaps     = `["UpdateProperties","CancelReply","Send"]`
)

const newChat = `{"channel":"chat","agent":"alice","chat_object":{"nickname":"Jane","text":"Hello, my parcel never arrived."}}`

// log checks that the next message is a message log of interaction id
// with events "index:type[:text]" and referenceId ref (0: none).
func (a *agentSession) log(id string, ref int64, events ...string) gjson.Result {
	a.t.Helper()
	_, m := a.next()
	if m.Get("messageTypeName").String() != "MessageLogUpdated" || m.Get("id").String() != id {
		a.t.Fatalf("%s got %s, want the message log of %s", a.user, m.Raw, id)
	}
	var got []string
	for _, e := range m.Get("messages").Array() {
		s := e.Get("index").String() + ":" + e.Get("type").String()
		if t := e.Get("text"); t.Exists() {
			s += ":" + t.String()
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != strings.Join(events, " ") || m.Get("referenceId").Int() != ref {
		a.t.Fatalf("%s got events %q ref %d, want %q ref %d\n%s", a.user, got, m.Get("referenceId").Int(), events, ref, m.Raw)
	}
	return m
}

// refused checks an operation's refusal: status and a word of its text.
func (h *harness) refused(user, method, path, body string, status int, naming string) {
	h.t.Helper()
	r := h.request(user, method, path, body)
	text := r.json().Get("errorDescription").String() + r.json().Get("error").String()
	if r.status != status || !strings.Contains(text, naming) {
		h.t.Errorf("%s %s %s %s = %d %s, want %d naming %q", user, method, path, body, r.status, r.body, status, naming)
	}
}

// TestChatConversation: a whole chat through REST, CometD and the control
// API, every answer and notification validated against the spec.
func TestChatConversation(t *testing.T) {
	for _, transport := range []string{bayeux.LongPolling, bayeux.WebSocket} {
		t.Run(transport, func(t *testing.T) {
			h := newHarness(t)
			alice := h.cometd("alice", transport)
			bob := h.cometd("bob", transport, "/me/interactions")
			id := h.create(newChat)
			alice.want("StatusChange", "Invited", `["Accept","Reject"]`)
			path := "/api/v2/me/interactions/" + id

			ref := h.op("alice", id, `{"operationName":"Accept","nickname":"Ally"}`)
			alice.want("StatusChange", "Processing", chatOwnerCaps)
			m := alice.log(id, ref, "1:ParticipantJoined", "2:Text:Hello, my parcel never arrived.", "3:ParticipantJoined")
			if got := m.Get("messages.2.from.nickname").String() + "/" + m.Get("messages.0.from.type").String(); got != "Ally/Client" {
				t.Errorf("from = %s, want Ally/Client", got)
			}

			// A conference member joins: she gets the whole transcript.
			h.op("alice", id, `{"operationName":"StartConference","agentId":"bob"}`)
			alice.next()
			bob.want("StatusChange", "InvitedConference", `["Accept","Reject"]`)
			bref := h.op("bob", id, `{"operationName":"Accept"}`)
			bob.want("StatusChange", "Processing", `["UpdateProperties","EndConference","SendMessage","SendNotification","RequestChatHistory"]`)
			alice.next() // ParticipantsUpdated
			alice.log(id, 0, "4:ParticipantJoined")
			bob.log(id, bref, "1:ParticipantJoined", "2:Text:Hello, my parcel never arrived.", "3:ParticipantJoined", "4:ParticipantJoined")

			r := h.request("", "POST", "/control/v1/interactions/"+id+"/chat/messages", `{"text":"It was order 1042."}`)
			if r.status != http.StatusOK || r.json().Get("index").Int() != 5 {
				t.Fatalf("customer writes = %d %s", r.status, r.body)
			}
			alice.log(id, 0, "5:Text:It was order 1042.")
			bob.log(id, 0, "5:Text:It was order 1042.")
			h.request("", "POST", "/control/v1/interactions/"+id+"/chat/messages", `{"type":"TypingStarted"}`)
			alice.log(id, 0, "6:TypingStarted")
			bob.log(id, 0, "6:TypingStarted")

			steps := []struct {
				body  string
				event string
			}{
				{`{"operationName":"SendMessage","text":"Let me check."}`, "7:Text:Let me check."},
				{`{"operationName":"SendNotification","notification":"TypingStarted"}`, "8:TypingStarted"},
				{`{"operationName":"SendNotification","notifcation":"TypingStopped"}`, "9:TypingStopped"},
				{`{"operationName":"SendStartTypingNotification"}`, "10:TypingStarted"},
				{`{"operationName":"SendStopTypingNotification"}`, "11:TypingStopped"},
			}
			for _, s := range steps {
				ref := h.op("alice", id, s.body)
				alice.log(id, ref, s.event)
				bob.log(id, 0, s.event)
			}
			ref = h.op("alice", id, `{"operationName":"RequestChatHistory","fromIndex":10}`)
			alice.log(id, ref, "10:TypingStarted", "11:TypingStopped")
			ref = h.op("bob", id, `{"operationName":"RequestChatHistory","eventId":99}`)
			bob.log(id, ref)

			got := h.seenAs("alice", id).Get("chat_object")
			if got.Get("nickname").String() != "Jane" || len(got.Get("transcript").Array()) != 11 || got.Get("transcript.6.text").String() != "Let me check." {
				t.Errorf("chat_object = %s", got.Raw)
			}

			if r := h.request("", "POST", "/control/v1/interactions/"+id+"/chat/leave", ""); r.status != http.StatusOK {
				t.Fatalf("leave = %d %s", r.status, r.body)
			}
			alice.log(id, 0, "12:ParticipantLeft")
			bob.log(id, 0, "12:ParticipantLeft")
			h.refused("alice", "POST", path, `{"operationName":"SendMessage","text":"Hello?"}`, http.StatusConflict, "left")
			h.refused("", "POST", "/control/v1/interactions/"+id+"/chat/leave", "", http.StatusConflict, "left")
			if caps := h.seenAs("alice", id).Get("capabilities").Raw; caps != `["StopProcessing","UpdateProperties","StartConference","EndConference","RequestChatHistory"]` {
				t.Errorf("capabilities after the customer left = %s", caps)
			}

			ref = h.op("alice", id, `{"operationName":"StopProcessing"}`)
			alice.log(id, ref, "13:ParticipantLeft")
			bob.log(id, 0, "13:ParticipantLeft")
			alice.log(id, ref, "14:ParticipantLeft")
			bob.log(id, 0, "14:ParticipantLeft")
			alice.want("StatusChange", "Completed", `[]`)
			bob.want("StatusChange", "Completed", `[]`)

			// The journal records the message logs like any notification.
			j := h.request("", "GET", "/control/v1/journal?user=bob", "").json()
			n := 0
			for _, e := range j.Get("entries").Array() {
				if e.Get("data.messageTypeName").String() == "MessageLogUpdated" && e.Get("channel").String() == "/v2/me/interactions" {
					n++
				}
			}
			if n != 12 {
				t.Errorf("the journal holds %d message logs for bob, want 12", n)
			}
		})
	}
}

// TestChatRefusals: every refusal of the chat operations, with its status
// and the field or state it names.
func TestChatRefusals(t *testing.T) {
	h := newHarness(t)
	chat := h.create(newChat)
	h.op("alice", chat, `{"operationName":"Accept"}`)
	email := h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"Refund","from":"pat@example.com","to":"support@example.com","body":"Hi"}}`)
	h.op("alice", email, `{"operationName":"Accept"}`)
	offered := h.create(newChat)
	op := func(id string) string { return "/api/v2/me/interactions/" + id }
	tests := []struct {
		name, user, path, body string
		status                 int
		naming                 string
	}{
		{"not a party", "bob", op(chat), `{"operationName":"SendMessage","text":"Hi"}`, 403, "bob"},
		{"empty text", "alice", op(chat), `{"operationName":"SendMessage","text":""}`, 400, "text"},
		{"no text", "alice", op(chat), `{"operationName":"SendMessage"}`, 400, "text"},
		{"text too long", "alice", op(chat), `{"operationName":"SendMessage","text":"` + strings.Repeat("x", 4097) + `"}`, 400, "text"},
		{"not a chat", "alice", op(email), `{"operationName":"SendMessage","text":"Hi"}`, 400, "chat"},
		{"both spellings", "alice", op(chat), `{"operationName":"SendNotification","notification":"TypingStarted","notifcation":"TypingStarted"}`, 400, ""}, // the spec's validator answers: "oneOf"
		{"no notification", "alice", op(chat), `{"operationName":"SendNotification"}`, 400, "notif"},
		{"an unknown notification", "alice", op(chat), `{"operationName":"SendNotification","notification":"Shouting"}`, 400, "Shouting"},
		{"history from 0", "alice", op(chat), `{"operationName":"RequestChatHistory","fromIndex":0}`, 400, "fromIndex"},
		{"an empty nickname", "alice", op(offered), `{"operationName":"Accept","nickname":""}`, 400, "nickname"},
		{"a nickname too long", "alice", op(offered), `{"operationName":"Accept","nickname":"` + strings.Repeat("n", 65) + `"}`, 400, "nickname"},
		{"an invitee may not write", "alice", op(offered), `{"operationName":"SendMessage","text":"Hi"}`, 403, "alice"},
		{"the customer: unknown interaction", "", "/control/v1/interactions/0000000000000000/chat/messages", `{"text":"Hi"}`, 404, "0000000000000000"},
		{"the customer: not a chat", "", "/control/v1/interactions/" + email + "/chat/messages", `{"text":"Hi"}`, 400, "chat"},
		{"the customer: empty text", "", "/control/v1/interactions/" + chat + "/chat/messages", `{"text":""}`, 400, "text"},
		{"the customer: an unknown type", "", "/control/v1/interactions/" + chat + "/chat/messages", `{"type":"Shout","text":"Hi"}`, 400, "type"},
		{"the customer: a message without text", "", "/control/v1/interactions/" + chat + "/chat/messages", `{"type":"Message"}`, 400, "text"},
		{"the customer leaves an email", "", "/control/v1/interactions/" + email + "/chat/leave", "", 400, "chat"},
		{"a new chat with a transcript", "", "/control/v1/interactions", `{"channel":"chat","chat_object":{"nickname":"Jane","transcript":[]}}`, 400, "transcript"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			h.refused(tc.user, "POST", tc.path, tc.body, tc.status, tc.naming)
		})
	}
}

// TestEmailReplies: Reply, ReplyAll and Forward make an outbound email the
// owner edits and sends (to the outbox) or cancels.
func TestEmailReplies(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling)
	in := h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"Refund","from":"pat@example.com","to":"support@example.com","cc":["boss@example.com"],"body":"Hi\nthere"},"userData":{"orderId":"1042"}}`)
	alice.want("StatusChange", "Invited", `["Accept","Reject"]`)
	h.op("alice", in, `{"operationName":"Accept"}`)
	alice.want("StatusChange", "Processing", ownerCaps)

	ref := h.op("alice", in, `{"operationName":"ReplyAll"}`)
	m := alice.want("StatusChange", "Composing", draftCaps)
	out := m.Get("id").String()
	if m.Get("referenceId").Int() != ref || m.Get("parentId").String() != in || m.Get("interactionType").String() != "Outbound" ||
		m.Get("interactionSubType").String() != "OutboundReply" || m.Get("userData.orderId").String() != "1042" {
		t.Errorf("the reply's StatusChange: %s", m.Raw)
	}
	email := m.Get("email_object")
	if email.Get("to").String() != "pat@example.com" || email.Get("from").String() != "support@example.com" ||
		email.Get("cc").Raw != `["boss@example.com"]` || email.Get("subject").String() != "Re: Refund" ||
		email.Get("body").String() != "On 2026-11-23 10:00:00.000+0000, pat@example.com wrote:\n> Hi\n> there" {
		t.Errorf("the reply's email_object: %s", email.Raw)
	}
	if r := h.request("alice", "GET", "/api/v2/me/interactions", ""); len(r.json().Get("uris").Array()) != 2 {
		t.Errorf("alice's interactions: %s", r.body)
	}
	if got := h.seenAs("admin", out).Get("state").String(); got != "Composing" {
		t.Errorf("the outbound as admin sees it: %s", got)
	}
	h.refused("alice", "POST", "/api/v2/me/interactions/"+out, `{"operationName":"Reply"}`, 400, "outbound")
	h.refused("alice", "POST", "/api/v2/me/interactions/"+in, `{"operationName":"Send"}`, 400, "outbound")
	h.refused("bob", "POST", "/api/v2/me/interactions/"+out, `{"operationName":"Send"}`, 403, "bob")
	h.refused("alice", "POST", "/api/v2/me/interactions/"+in, `{"operationName":"Forward"}`, 400, "to")
	h.refused("alice", "POST", "/api/v2/me/interactions/"+out, `{"operationName":"StopProcessing"}`, 409, "Send")

	ref = h.operate("alice", "PUT", "/api/v2/interactions/"+out, `{"email_object":{"to":[],"body":"Sent today."}}`)
	alice.want("ChannelDataUpdated", "Composing", draftCaps)
	h.refused("alice", "POST", "/api/v2/me/interactions/"+out, `{"operationName":"Send"}`, 400, "to")
	h.operate("alice", "PUT", "/api/v2/interactions/"+out, `{"email_object":{"to":"pat@example.com","cc":null}}`)
	alice.want("ChannelDataUpdated", "Composing", draftCaps)
	ref = h.op("alice", out, `{"operationName":"Send"}`)
	if m := alice.want("StatusChange", "Completed", `[]`); m.Get("referenceId").Int() != ref {
		t.Errorf("Send's StatusChange: %s", m.Raw)
	}
	r := h.request("", "GET", "/control/v1/outbox", "")
	if r.status != http.StatusOK || r.json().Get("emails.#").Int() != 1 || r.json().Get("emails.0.id").String() != out ||
		r.json().Get("emails.0.parentId").String() != in || r.json().Get("emails.0.to").Raw != `["pat@example.com"]` ||
		r.json().Get("emails.0.body").String() != "Sent today." || r.json().Get("emails.0.cc").Exists() {
		t.Errorf("outbox = %d %s", r.status, r.body)
	}

	h.op("alice", in, `{"operationName":"Forward","to":["lab@example.com","qa@example.com"]}`)
	m = alice.want("StatusChange", "Composing", draftCaps)
	if m.Get("interactionSubType").String() != "OutboundNew" || m.Get("email_object.to").Raw != `["lab@example.com","qa@example.com"]` ||
		m.Get("email_object.subject").String() != "Fwd: Refund" {
		t.Errorf("the forward: %s", m.Raw)
	}
	h.op("alice", m.Get("id").String(), `{"operationName":"Cancel"}`)
	alice.want("StatusChange", "Canceled", `[]`)
	h.op("alice", in, `{"operationName":"Reply"}`)
	m = alice.want("StatusChange", "Composing", draftCaps)
	h.op("alice", m.Get("id").String(), `{"operationName":"CancelReply"}`)
	alice.want("StatusChange", "Canceled", `[]`)
	h.refused("alice", "POST", "/api/v2/me/interactions/"+m.Get("id").String(), `{"operationName":"Send"}`, 409, "Completed")
	if n := h.request("", "GET", "/control/v1/outbox", "").json().Get("emails.#").Int(); n != 1 {
		t.Errorf("outbox holds %d emails after two cancels", n)
	}
	if r := h.request("", "POST", "/control/v1/reset", ""); r.status != http.StatusOK {
		t.Fatalf("reset = %d", r.status)
	}
	if n := h.request("", "GET", "/control/v1/outbox", "").json().Get("emails.#").Int(); n != 0 {
		t.Errorf("outbox holds %d emails after a reset", n)
	}
}

// TestControlStop: stop ends an interaction whatever its state and is
// idempotent; GET /faults reads the rules in force.
func TestControlStop(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling)
	id := h.create(newChat)
	alice.want("StatusChange", "Invited", `["Accept","Reject"]`)
	stop := "/control/v1/interactions/" + id + "/stop"
	if r := h.request("", "POST", stop, ""); r.status != http.StatusOK {
		t.Fatalf("stop = %d %s", r.status, r.body)
	}
	alice.want("StatusChange", "Revoked", `[]`)
	if r := h.request("", "POST", stop, ""); r.status != http.StatusOK {
		t.Fatalf("stop again = %d %s", r.status, r.body)
	}
	alice.quiet()
	if got := h.seenAs("admin", id).Get("state").String(); got != "Completed" {
		t.Errorf("state after stop: %s", got)
	}
	h.refused("", "POST", "/control/v1/interactions/0000000000000000/stop", "", 404, "0000000000000000")
	h.refused("", "POST", "/control/v1/interactions/"+id+"/chat/messages", `{"text":"Hi"}`, 409, "Completed")

	rules := `{"rules":[{"match":{"method":"POST","operationName":"Accept"},"action":{"delayMs":10},"count":1}]}`
	if r := h.request("", "PUT", "/control/v1/faults", rules); r.status != http.StatusOK {
		t.Fatalf("PUT faults = %d %s", r.status, r.body)
	}
	if r := h.request("", "GET", "/control/v1/faults", ""); r.status != http.StatusOK || r.json().Get("rules.0.action.delayMs").Int() != 10 {
		t.Errorf("GET faults = %d %s", r.status, r.body)
	}
	h.request("", "DELETE", "/control/v1/faults", "")
	if r := h.request("", "GET", "/control/v1/faults", ""); string(r.body) != `{"rules":[]}` {
		t.Errorf("GET faults after DELETE = %d %s", r.status, r.body)
	}
}

// TestStateKeepsChatsAndReplies: GET /control/v1/state holds a chat's
// transcript and an outbound email's parentId, and PUT /control/v1/state
// gives them back.
func TestStateKeepsChatsAndReplies(t *testing.T) {
	h := newHarness(t)
	chat := h.create(newChat)
	h.op("alice", chat, `{"operationName":"Accept","nickname":"Ally"}`)
	h.op("alice", chat, `{"operationName":"SendMessage","text":"Hi Jane"}`)
	in := h.create(newEmailFor("alice"))
	h.op("alice", in, `{"operationName":"Accept"}`)
	h.op("alice", in, `{"operationName":"Reply"}`)
	doc := h.state()
	if r := h.request("", "POST", "/control/v1/reset", ""); r.status != http.StatusOK {
		t.Fatalf("reset = %d", r.status)
	}
	if r := h.request("", "PUT", "/control/v1/state", doc); r.status != http.StatusOK {
		t.Fatalf("PUT state = %d %s", r.status, r.body)
	}
	if got := h.seenAs("alice", chat).Get("chat_object.transcript.3.text").String(); got != "Hi Jane" {
		t.Errorf("the transcript after PUT state: %s", h.seenAs("alice", chat).Get("chat_object").Raw)
	}
	var out gjson.Result
	for _, it := range h.request("alice", "GET", "/api/v2/me/interactions?fields=*", "").json().Get("interactions").Array() {
		if it.Get("state").String() == "Composing" {
			out = it
		}
	}
	if out.Get("parentId").String() != in {
		t.Errorf("the outbound email after PUT state: %s", out.Raw)
	}
}

func newEmailFor(agent string) string {
	return `{"channel":"email","agent":"` + agent + `","email_object":{"subject":"Refund","from":"pat@example.com","to":"support@example.com","body":"Hi"}}`
}
