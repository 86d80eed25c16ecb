package bayeux

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestDeliverAs: a message delivered under a channel and its aliases
// reaches each session once, on the first of those names one of the
// session's subscriptions matches, and never another principal's session.
func TestDeliverAs(t *testing.T) {
	names := []string{"/v2/me/interactions", "/me/interactions"}
	tests := []struct {
		name     string
		subs     []string // the session's subscriptions
		channels []string
		want     []string // channel of each delivered message; nil: none
	}{
		{"the primary channel", []string{"/v2/me/interactions"}, names, []string{"/v2/me/interactions"}},
		{"an alias", []string{"/me/interactions"}, names, []string{"/me/interactions"}},
		{"an alias by wildcard", []string{"/me/*"}, names, []string{"/me/interactions"}},
		{"an alias by deep wildcard", []string{"/me/**"}, names, []string{"/me/interactions"}},
		{"both names: once, on the primary", []string{"/me/interactions", "/v2/me/interactions"}, names, []string{"/v2/me/interactions"}},
		{"the global wildcard: once, on the primary", []string{"/**"}, names, []string{"/v2/me/interactions"}},
		{"a second alias", []string{"/old/interactions"}, []string{"/v2/me/interactions", "/me/interactions", "/old/interactions"}, []string{"/old/interactions"}},
		{"the first alias that matches wins", []string{"/old/interactions", "/me/interactions"}, []string{"/v2/me/interactions", "/me/interactions", "/old/interactions"}, []string{"/me/interactions"}},
		{"no name matches", []string{"/me/channels"}, names, nil},
		{"no alias: Deliver", []string{"/me/interactions"}, names[:1], nil},
		{"no channels at all", []string{"/**"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testServer()
			defer s.Close()
			id := openSession(t, s, "alice", tc.subs[0], false)
			for i, sub := range tc.subs[1:] {
				roundTrip(t, s, "alice", subscribeReq(id, "s"+string(rune('a'+i)), `"`+sub+`"`))
			}
			other := openSession(t, s, "bob", "/**", false)

			n := s.DeliverAs("alice", tc.channels, json.RawMessage(`{"n":1}`))
			if n != len(tc.want) {
				t.Errorf("DeliverAs reached %d sessions, want %d", n, len(tc.want))
			}
			var got []string
			for _, m := range roundTrip(t, s, "alice", `[{"channel":"/meta/connect","clientId":"`+id+`","id":"x","advice":{"timeout":0}}]`) {
				if !m.IsReply() {
					got = append(got, m.Channel)
					if string(m.Data) != `{"n":1}` {
						t.Errorf("data = %s", m.Data)
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("delivered on %v, want %v", got, tc.want)
			}
			for _, m := range roundTrip(t, s, "bob", `[{"channel":"/meta/connect","clientId":"`+other+`","id":"y","advice":{"timeout":0}}]`) {
				if !m.IsReply() {
					t.Errorf("bob got alice's message on %s", m.Channel)
				}
			}
		})
	}
}

// TestDeliverAsRefusesInvalidData: invalid JSON reaches no session under
// any name.
func TestDeliverAsRefusesInvalidData(t *testing.T) {
	s := testServer()
	defer s.Close()
	openSession(t, s, "alice", "/**", false)
	if n := s.DeliverAs("alice", []string{"/a", "/b"}, json.RawMessage(`{"n":`)); n != 0 {
		t.Errorf("DeliverAs(invalid) reached %d sessions", n)
	}
}
