package steps

import (
	"encoding/json"
	"strings"
	"testing"
)

// agreeingNote is a notification of an email alice owns while carol is
// invited to a conference on it.
const agreeingNote = `{
  "messageTypeName": "InteractionStateMessage", "notificationType": "ParticipantsUpdated", "referenceId": 3,
  "id": "00009a8T8Y130123", "channel": "email", "interactionType": "Inbound", "interactionSubType": "InboundNew",
  "state": "Processing", "capabilities": ["StopProcessing", "UpdateProperties", "StartConference"],
  "currentQueue": "email-inbound", "ownerId": "a1",
  "participants": [{"userId": "a1", "userName": "alice", "role": "Owner"}, {"userId": "c3", "userName": "carol", "role": "InvitedConference"}],
  "userData": {"customerId": "C-1042", "n": 12, "gone": null},
  "email_object": {"interactionId": "00009a8T8Y130123", "subject": "Order", "from": "jane@example.com", "to": "support@example.com", "body": "Hi"},
  "receivedDate": "2026-11-23 10:00:00.000+0000", "uri": "http://h/api/v2/interactions/00009a8T8Y130123", "path": "/interactions/00009a8T8Y130123"
}`

// edit returns the notification's fields as REST would carry them, with
// the changes of fn applied (no notificationType, no referenceId).
func edit(t *testing.T, doc string, fn func(o map[string]any)) map[string]any {
	t.Helper()
	o, err := decodeObject([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	delete(o, "notificationType")
	delete(o, "referenceId")
	if fn != nil {
		fn(o)
	}
	return o
}

func TestDisagreements(t *testing.T) {
	tests := []struct {
		name string
		note string // "" for agreeingNote
		rest func(o map[string]any)
		want []string // substrings, one per expected line; none: they agree
	}{
		{name: "the same object", rest: nil},
		{name: "extra fields on one side and null for absent", rest: func(o map[string]any) {
			o["contactId"], o["workbin"] = "x", nil
			o["email_object"].(map[string]any)["x-mailer"] = "m"
		}},
		{name: "sets in another order and numbers in another form", rest: func(o map[string]any) {
			p := o["participants"].([]any)
			p[0], p[1] = p[1], p[0]
			o["capabilities"] = []any{"StartConference", "StopProcessing", "UpdateProperties"}
			o["userData"].(map[string]any)["n"] = jsonNumber("12.0e0")
		}},
		{name: "a participant's extra field", rest: func(o map[string]any) {
			o["participants"].([]any)[0].(map[string]any)["extra"] = 1
		}},
		{name: "another owner", rest: func(o map[string]any) { o["ownerId"] = "b2" },
			want: []string{`ownerId: REST "b2", notification "a1"`}},
		{name: "no owner in REST", rest: func(o map[string]any) { delete(o, "ownerId") },
			want: []string{`ownerId: REST absent, notification "a1"`}},
		{name: "a participant left in the list", rest: func(o map[string]any) {
			o["participants"] = append(o["participants"].([]any), map[string]any{"userId": "b2", "userName": "bob", "role": "Member"})
		}, want: []string{"participants: REST [alice as Owner (a1), bob as Member (b2), carol as InvitedConference (c3)], notification [alice as Owner (a1), carol as InvitedConference (c3)]"}},
		{name: "another role", rest: func(o map[string]any) {
			o["participants"].([]any)[1].(map[string]any)["role"] = "Member"
		}, want: []string{"participants: "}},
		{name: "another receivedDate", rest: func(o map[string]any) { o["receivedDate"] = "2026-11-23 10:00:01.000+0000" },
			want: []string{`receivedDate: REST "2026-11-23 10:00:01.000+0000"`}},
		{name: "another date both carry", rest: func(o map[string]any) { o["startDate"] = "b" },
			note: strings.Replace(agreeingNote, `"receivedDate"`, `"startDate": "a", "receivedDate"`, 1),
			want: []string{`startDate: REST "b", notification "a"`}},
		{name: "another mediaType", rest: func(o map[string]any) { o["mediaType"] = "chat" },
			note: strings.Replace(agreeingNote, `"receivedDate"`, `"mediaType": "email", "receivedDate"`, 1),
			want: []string{`mediaType: REST "chat", notification "email"`}},
		{name: "userData merged instead of replaced", rest: func(o map[string]any) { o["userData"].(map[string]any)["old"] = "x" },
			want: []string{`userData: REST {"customerId":"C-1042","gone":null,"n":12,"old":"x"}`}},
		{name: "a null in userData is a value", rest: func(o map[string]any) { delete(o["userData"].(map[string]any), "gone") },
			want: []string{"userData: "}},
		{name: "another state", rest: func(o map[string]any) { o["state"] = "Invited" },
			want: []string{`state: REST "Invited", expected "Processing"`}},
		{name: "another capability", rest: func(o map[string]any) { o["capabilities"] = []any{"StopProcessing", "UpdateProperties", "Transfer"} },
			want: []string{"capabilities: REST [StopProcessing, Transfer, UpdateProperties], notification [StartConference, StopProcessing, UpdateProperties]"}},
		{name: "another subject and no body", rest: func(o map[string]any) {
			e := o["email_object"].(map[string]any)
			e["subject"] = "Re: Order"
			delete(e, "body")
		}, want: []string{`email_object.body: REST absent, notification "Hi"`, `email_object.subject: REST "Re: Order", notification "Order"`}},
		{name: "several fields at once", rest: func(o map[string]any) {
			o["interactionType"], o["currentQueue"], o["parentId"] = "Outbound", "chat-inbound", "0000000000000001"
		}, want: []string{"interactionType: ", "parentId: REST \"0000000000000001\", notification absent", "currentQueue: "}},
		{name: "a workitem field", note: strings.Replace(agreeingNote, `"email_object": {"interactionId": "00009a8T8Y130123", "subject": "Order", "from": "jane@example.com", "to": "support@example.com", "body": "Hi"}`, `"workitem_object": {"caseNumber": "CASE-77"}`, 1),
			rest: func(o map[string]any) { o["workitem_object"].(map[string]any)["extra"] = true },
			want: []string{`workitem_object: REST {"caseNumber":"CASE-77","extra":true}`}},
		{name: "a chat's transcript and customer capabilities are left out",
			note: strings.Replace(strings.Replace(agreeingNote, `"channel": "email"`, `"channel": "chat"`, 1),
				`"email_object": {"interactionId": "00009a8T8Y130123", "subject": "Order", "from": "jane@example.com", "to": "support@example.com", "body": "Hi"}`,
				`"chat_object": {"nickname": "Jane", "transcript": [{"index": 1}]}`, 1),
			rest: func(o map[string]any) {
				o["chat_object"].(map[string]any)["transcript"] = []any{}
				o["capabilities"] = append(o["capabilities"].([]any), "SendMessage", "SendNotification")
			}},
		{name: "a chat's nickname",
			note: strings.Replace(strings.Replace(agreeingNote, `"channel": "email"`, `"channel": "chat"`, 1),
				`"email_object": {"interactionId": "00009a8T8Y130123", "subject": "Order", "from": "jane@example.com", "to": "support@example.com", "body": "Hi"}`,
				`"chat_object": {"nickname": "Jane"}`, 1),
			rest: func(o map[string]any) { o["chat_object"].(map[string]any)["nickname"] = "Joe" },
			want: []string{`chat_object.nickname: REST "Joe", notification "Jane"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := agreeingNote
			if tt.note != "" {
				doc = tt.note
			}
			note, err := decodeObject([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			rest := edit(t, doc, tt.rest)
			got := disagreements(rest, note, ruleFor(note, "a1"))
			if len(got) != len(tt.want) {
				t.Fatalf("disagreements = %q, want %d lines naming %q", got, len(tt.want), tt.want)
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("disagreements = %q, want a line naming %q", got, w)
				}
			}
		})
	}
}

func TestRuleFor(t *testing.T) {
	tests := []struct {
		name      string
		note      string
		userID    string
		party     bool
		restState string
	}{
		{"an offer", `{"notificationType": "StatusChange", "state": "Invited"}`, "a1", true, "Invited"},
		{"a conference invitation", `{"notificationType": "StatusChange", "state": "InvitedConference"}`, "a1", true, "InvitedConference"},
		{"an owner", `{"notificationType": "PropertiesUpdated", "state": "Processing"}`, "a1", true, "Processing"},
		{"a reply being written", `{"notificationType": "StatusChange", "state": "Composing"}`, "a1", true, "Composing"},
		{"another party left", `{"notificationType": "ParticipantsUpdated", "state": "LeftConference", "leftAgentId": "c3"}`, "a1", true, "Processing"},
		{"another party left, reader unknown", `{"notificationType": "ParticipantsUpdated", "state": "LeftConference", "leftAgentId": "c3"}`, "", true, "Processing"},
		{"she left", `{"notificationType": "StatusChange", "state": "LeftConference", "leftAgentId": "a1"}`, "a1", false, ""},
		{"she left, without leftAgentId", `{"notificationType": "StatusChange", "state": "LeftConference"}`, "a1", false, ""},
		{"she transferred it", `{"notificationType": "StatusChange", "state": "Transferred"}`, "a1", false, ""},
		{"she completed it", `{"notificationType": "StatusChange", "state": "Completed"}`, "a1", false, ""},
		{"she queued it", `{"notificationType": "StatusChange", "state": "Queued"}`, "a1", false, ""},
		{"she stored it", `{"notificationType": "StatusChange", "state": "InWorkbin"}`, "a1", false, ""},
		{"a workbin's content", `{"notificationType": "WorkbinContent", "state": "InWorkbin"}`, "a1", false, "InWorkbin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			note, err := decodeObject([]byte(tt.note))
			if err != nil {
				t.Fatal(err)
			}
			got := ruleFor(note, tt.userID)
			if got.party != tt.party || got.restState != tt.restState {
				t.Errorf("ruleFor = %+v, want party %v, restState %q", got, tt.party, tt.restState)
			}
		})
	}
}

func TestNoteNotifiedKeepsTheLastAboutEachInteraction(t *testing.T) {
	w := &World{}
	w.noteNotified("alice", []byte(`{"messageTypeName": "InteractionStateMessage", "id": "A", "state": "Invited"}`))
	w.noteNotified("alice", []byte(`{"messageTypeName": "InteractionStateMessage", "id": "B", "state": "Invited"}`))
	w.noteNotified("alice", []byte(`{"messageTypeName": "InteractionStateMessage", "id": "A", "state": "Processing"}`))
	w.noteNotified("alice", []byte(`{"messageTypeName": "MessageLogUpdated", "id": "A", "messages": []}`))
	w.noteNotified("bob", []byte(`{"messageTypeName": "InteractionStateMessage", "id": "A", "state": "Invited"}`))
	tests := []struct{ user, id, want string }{
		{"alice", "A", "Processing"},
		{"alice", "B", "Invited"},
		{"bob", "A", "Invited"},
	}
	for _, tt := range tests {
		o, err := decodeObject(w.notified[tt.user][tt.id])
		if err != nil {
			t.Fatalf("%s/%s: %v", tt.user, tt.id, err)
		}
		if o["state"] != tt.want {
			t.Errorf("%s's last notification about %s has state %v, want %s", tt.user, tt.id, o["state"], tt.want)
		}
	}
}

func jsonNumber(s string) any { return json.Number(s) }
