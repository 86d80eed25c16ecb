package wire

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// TestFromViewChannelObjects: only the interaction's own channel object is
// sent; an email's carries interactionId, derived from the id, without
// touching the view's map; userData is never null.
func TestFromViewChannelObjects(t *testing.T) {
	tests := []struct {
		name    string
		channel contactcenter.Channel
		data    map[string]any
		want    string // the channel members of the JSON
	}{
		{"email", contactcenter.Email, map[string]any{"subject": "hi"}, `{"email_object":{"interactionId":"00009a8T8Y130123","subject":"hi"}}`},
		{"email without data", contactcenter.Email, nil, `{"email_object":{"interactionId":"00009a8T8Y130123"}}`},
		{"a stored interactionId is overridden", contactcenter.Email, map[string]any{"interactionId": "other"}, `{"email_object":{"interactionId":"00009a8T8Y130123"}}`},
		{"chat", contactcenter.Chat, map[string]any{"nickname": "pat"}, `{"chat_object":{"nickname":"pat","transcript":[]}}`},
		{"workitem", contactcenter.Workitem, map[string]any{"k": "v"}, `{"workitem_object":{"k":"v"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before map[string]any
			if tc.data != nil {
				before = map[string]any{}
				for k, v := range tc.data {
					before[k] = v
				}
			}
			w := FromView(contactcenter.View{ID: "00009a8T8Y130123", Channel: tc.channel, ChannelData: tc.data}, "http://h")
			b, err := json.Marshal(struct {
				Email    map[string]any `json:"email_object,omitempty"`
				Chat     map[string]any `json:"chat_object,omitempty"`
				Workitem map[string]any `json:"workitem_object,omitempty"`
			}{w.EmailObject, w.ChatObject, w.WorkitemObject})
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("channel objects = %s, want %s", b, tc.want)
			}
			if !reflect.DeepEqual(tc.data, before) {
				t.Errorf("the view's channel data changed: %v, was %v", tc.data, before)
			}
			if w.UserData == nil {
				t.Error("userData is nil")
			}
		})
	}
}

// TestFromReadiness: one channel object per channel, state and
// displayName the same word.
func TestFromReadiness(t *testing.T) {
	got, err := json.Marshal(FromReadiness([]contactcenter.Readiness{{Channel: contactcenter.Email, Ready: true}, {Channel: contactcenter.Chat}}))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"channel":"email","userState":{"state":"Ready","displayName":"Ready"}},{"channel":"chat","userState":{"state":"NotReady","displayName":"NotReady"}}]`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if b, _ := json.Marshal(FromReadiness(nil)); string(b) != "[]" {
		t.Errorf("FromReadiness(nil) = %s, want []", b)
	}
}

// TestChatTranscript: a chat's transcript is encoded into chat_object in
// the published event shape, the same in the fast encoder as in
// json.Marshal, and in the message-log notification.
func TestChatTranscript(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 1, 0, time.UTC)
	events := []contactcenter.ChatEvent{
		{Index: 1, Type: contactcenter.ChatParticipantJoined, Nickname: "Jane", From: contactcenter.FromClient, ParticipantID: "0123456789ABCDEF", Time: at},
		{Index: 2, Type: contactcenter.ChatText, Text: "Hi <there>", Nickname: "Alice", From: contactcenter.FromAgent, ParticipantID: "FEDCBA9876543210", Time: at},
	}
	v := contactcenter.View{ID: "00009a8T8Y130123", Channel: contactcenter.Chat, ChannelData: map[string]any{"nickname": "Jane"},
		Transcript: events, ParentID: "", ReceivedAt: at}
	w := FromView(v, "http://h")
	want := `{"nickname":"Jane","transcript":[` +
		`{"from":{"nickname":"Jane","participantId":"0123456789ABCDEF","type":"Client"},"index":1,"timestamp":"2026-11-23 10:00:01.000+0000","type":"ParticipantJoined","visibility":"All"},` +
		`{"from":{"nickname":"Alice","participantId":"FEDCBA9876543210","type":"Agent"},"index":2,"text":"Hi \u003cthere\u003e","timestamp":"2026-11-23 10:00:01.000+0000","type":"Text","visibility":"All"}]}`
	got, err := json.Marshal(w.ChatObject)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("chat_object = %s\nwant %s", got, want)
	}
	fast, ok := w.AppendJSON(nil)
	slow, _ := json.Marshal(w)
	if !ok || string(fast) != string(slow) {
		t.Errorf("AppendJSON = %s (%v)\njson.Marshal = %s", fast, ok, slow)
	}
	if _, ok := v.ChannelData["transcript"]; ok {
		t.Error("FromView changed the view's channel data")
	}

	log, err := json.Marshal(FromMessageLog(v.ID, events[1:], 4, "http://h"))
	if err != nil {
		t.Fatal(err)
	}
	wantLog := `{"messageType":"MessageLogUpdated","messageTypeName":"MessageLogUpdated","notificationType":"NewMessages","referenceId":4,` +
		`"id":"00009a8T8Y130123","uri":"http://h/api/v2/interactions/00009a8T8Y130123","messages":[` +
		`{"index":2,"from":{"nickname":"Alice","type":"Agent","participantId":"FEDCBA9876543210"},"timestamp":"2026-11-23 10:00:01.000+0000","visibility":"All","type":"Text","text":"Hi \u003cthere\u003e"}]}`
	if string(log) != wantLog {
		t.Errorf("message log = %s\nwant %s", log, wantLog)
	}
	empty, _ := json.Marshal(FromMessageLog(v.ID, nil, 0, "http://h"))
	if want := `"messages":[]}`; !strings.HasSuffix(string(empty), want) || strings.Contains(string(empty), "referenceId") {
		t.Errorf("empty message log = %s", empty)
	}
}
