package push_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/push"
)

// TestChannelPolicy: clients subscribe under /v2/, to the aliases without
// /v2 and to /**; they publish nowhere (docs/behavior.md B6.6).
func TestChannelPolicy(t *testing.T) {
	tests := []struct {
		channel   string
		subscribe bool
	}{
		{"/v2/me/interactions", true},
		{"/v2/me/channels", true},
		{"/v2/me/*", true},
		{"/v2/**", true},
		{"/**", true},
		{"/me/interactions", true},
		{"/me/channels", true},
		{"/me/*", true},
		{"/me/**", true},
		{"/me/interaction", false},
		{"/me", false},
		{"/*", false},
		{"/other/**", false},
	}
	for _, tc := range tests {
		t.Run(tc.channel, func(t *testing.T) {
			if got := push.CanSubscribe("alice", tc.channel); got != tc.subscribe {
				t.Errorf("CanSubscribe(%s) = %v, want %v", tc.channel, got, tc.subscribe)
			}
			if push.CanPublish("alice", tc.channel) {
				t.Errorf("CanPublish(%s) = true", tc.channel)
			}
		})
	}
}

// recorder is a Deliverer that keeps what it was given.
type recorder struct{ got []string }

func (r *recorder) DeliverAs(principal string, channels []string, data json.RawMessage) int {
	var d struct {
		ReferenceID int64 `json:"referenceId"`
	}
	_ = json.Unmarshal(data, &d)
	r.got = append(r.got, fmt.Sprintf("%s %s %d", principal, strings.Join(channels, ","), d.ReferenceID))
	return 1
}

// TestBridgeDeliversUnderTheAliases: each event (a chat's message log
// too) goes to its recipient under
// its /v2 channel and the alias, with the event's referenceId; the
// observer sees the /v2 channel once.
func TestBridgeDeliversUnderTheAliases(t *testing.T) {
	out := &recorder{}
	var observed []string
	b := &push.Bridge{Out: out, BaseURL: "http://h", Observe: func(_ contactcenter.Event, n push.Notification) {
		observed = append(observed, n.Channel)
	}}
	b.Publish([]contactcenter.Event{
		{Seq: 1, Kind: contactcenter.InteractionEvent, UserID: "u1", ReferenceID: 3, Notification: contactcenter.StatusChange,
			Interaction: contactcenter.View{ID: "00009a8T8Y130123", Channel: contactcenter.Email, State: contactcenter.Processing}},
		{Seq: 2, Kind: contactcenter.ChannelStateEvent, UserID: "u2", Channel: contactcenter.Chat},
		{Seq: 3, Kind: contactcenter.MessageLogEvent, UserID: "u1", ReferenceID: 4, InteractionID: "00009a8T8Y130123",
			Messages: []contactcenter.ChatEvent{{Index: 1, Type: contactcenter.ChatText, Text: "Hi"}}},
	})
	want := []string{"u1 /v2/me/interactions,/me/interactions 3", "u2 /v2/me/channels,/me/channels 0", "u1 /v2/me/interactions,/me/interactions 4"}
	if !slices.Equal(out.got, want) {
		t.Errorf("delivered %q, want %q", out.got, want)
	}
	if !slices.Equal(observed, []string{"/v2/me/interactions", "/v2/me/channels", "/v2/me/interactions"}) {
		t.Errorf("observed %v", observed)
	}
}
