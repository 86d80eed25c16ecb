package steps_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

// expand finds the one definition of text and expands it.
func expand(t *testing.T, text, doc string) []steps.Call {
	t.Helper()
	found := steps.Find(text)
	if len(found) != 1 {
		t.Fatalf("%q matches %d steps, want 1", text, len(found))
	}
	calls, err := found[0].Expand(text, doc)
	if err != nil {
		t.Fatalf("expand %q: %v", text, err)
	}
	return calls
}

func TestMediaStepsExpand(t *testing.T) {
	tests := []struct {
		name string
		step string
		// want are texts that the expansion (step texts and docstrings)
		// holds, in order; absent are texts it must not hold.
		want   []string
		absent []string
		calls  int
	}{
		{
			name: "history from an index", step: "alice requests the chat history from index 2",
			want:  []string{"POST /api/v2/me/interactions/{{it}}", `"operationName": "RequestChatHistory"`, `"fromIndex": 2`, "referenceId is saved as alice.referenceId"},
			calls: 4,
		},
		{
			name: "the whole history", step: "alice requests the chat history",
			want: []string{`"operationName": "RequestChatHistory"`}, absent: []string{"fromIndex"}, calls: 4,
		},
		{
			name: "history past the end", step: "alice receives the chat history with no events from index 4",
			want: []string{"alice receives on /v2/me/interactions:", `"notificationType": "NewMessages"`, `"messages": []`}, calls: 1,
		},
		{
			name: "history numbered from the index", step: "alice receives the chat history with 2 events from index 2",
			want: []string{`"messageTypeName": "MessageLogUpdated"`, `"index":2`, `"index":3`}, absent: []string{`"index":4`}, calls: 1,
		},
		{
			name: "a message from the customer", step: `bob receives the chat message "Any news?" from the customer`,
			want: []string{`"type":"Client"`, `"text":"Any news?"`, `"type":"Text"`}, calls: 1,
		},
		{
			name: "a message under a nickname", step: `bob receives the chat message "Hi" from "Ally"`,
			want: []string{`"nickname":"Ally"`}, absent: []string{`"type":"Agent"`}, calls: 1,
		},
		{
			name: "an event has no text", step: "alice receives the chat event TypingStarted",
			want: []string{`"text":"{{absent}}"`, `"type":"TypingStarted"`}, calls: 1,
		},
		{
			name: "the customer types", step: "the customer starts typing",
			want: []string{"control sends POST /control/v1/interactions/{{it}}/chat/messages with:", `"type": "TypingStarted"`, `"index": "{{number}}"`}, calls: 3,
		},
		{
			name: "the customer fills the transcript", step: "the customer writes 3 messages",
			want: []string{"control sends POST /control/v1/interactions/{{it}}/chat/messages with:", `"text": "Message 1"`, "the response status is 200",
				`"text": "Message 2"`, `"text": "Message 3"`, "the response status is 200"},
			absent: []string{"Message 4"}, calls: 6,
		},
		{
			name: "the customer tries to write", step: `the customer tries to write ""`,
			want: []string{`"text": ""`}, calls: 1,
		},
		{
			name: "typing as an agent", step: "alice stops typing",
			want: []string{`"operationName": "SendNotification"`, `"notification": "TypingStopped"`}, calls: 4,
		},
		{
			name: "accept with a nickname", step: `alice tries to accept it as "Ally"`,
			want: []string{`"operationName": "Accept"`, `"nickname": "Ally"`}, calls: 1,
		},
		{
			name: "reply binds the new interaction", step: "alice replies to it",
			want: []string{`"operationName": "Reply"`, "referenceId is saved as alice.referenceId", `"id": "{{capture:reply}}"`,
				`"parentId": "{{it}}"`, `"interactionSubType": "OutboundReply"`, `"state": "Composing"`, `"referenceId": "{{alice.referenceId}}"`,
				"alice's last notification has 3 capabilities"},
			calls: 6,
		},
		{
			name: "forward is a new outbound", step: `alice forwards it to "claims@example.com"`,
			want:  []string{`"to": "claims@example.com"`, `"interactionSubType": "OutboundNew"`},
			calls: 6,
		},
		{
			name: "trying to reply only sends", step: "alice tries to reply to all",
			want: []string{`"operationName": "ReplyAll"`}, absent: []string{"capture:reply"}, calls: 1,
		},
		{
			name: "send acts on the reply", step: "alice sends the reply",
			want: []string{"POST /api/v2/me/interactions/{{reply}}", `"operationName": "Send"`}, calls: 4,
		},
		{
			name: "capabilities compared as a set", step: "alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send",
			want:  []string{"GET /api/v2/interactions/{{reply}}", `["{{contains}}","UpdateProperties","CancelReply","Send"]`, "the response has 3 interaction.capabilities"},
			calls: 4,
		},
		{
			name: "no capabilities", step: "alice is notified that it is Completed with capability set none",
			want: []string{`"capabilities": ["{{contains}}"]`, "alice's last notification has 0 capabilities"}, calls: 2,
		},
		{
			name: "the outbox", step: `the outbox holds an email to "jane.doe@example.com"`,
			want: []string{"control sends GET /control/v1/outbox", `"parentId":"{{it}}"`, `"to":["{{contains}}","jane.doe@example.com"]`}, calls: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := expand(t, tt.step, "")
			if len(calls) != tt.calls {
				t.Errorf("%d calls, want %d", len(calls), tt.calls)
			}
			var b strings.Builder
			for _, c := range calls {
				b.WriteString(c.Text + "\n" + c.Doc + "\n")
				if c.Doc != "" && !json.Valid([]byte(c.Doc)) {
					t.Errorf("%q: the docstring is not JSON:\n%s", c.Text, c.Doc)
				}
			}
			got := b.String()
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Errorf("the expansion lacks %s (after position %d):\n%s", w, at, got)
					break
				}
				at += i + len(w)
			}
			for _, a := range tt.absent {
				if strings.Contains(got, a) {
					t.Errorf("the expansion holds %s:\n%s", a, got)
				}
			}
		})
	}
}

// TestCustomerMessagesBounded checks that "the customer writes N messages"
// refuses a count that would only flood the target.
func TestCustomerMessagesBounded(t *testing.T) {
	for _, step := range []string{"the customer writes 0 messages", "the customer writes 2001 messages"} {
		found := steps.Find(step)
		if len(found) != 1 {
			t.Fatalf("%q matches %d steps, want 1", step, len(found))
		}
		if _, err := found[0].Expand(step, ""); err == nil {
			t.Errorf("%q expanded; want an error", step)
		}
	}
}
