package wire

import (
	"encoding/json"
	"reflect"
	"testing"

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
		{"chat", contactcenter.Chat, map[string]any{"nickname": "pat"}, `{"chat_object":{"nickname":"pat"}}`},
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
