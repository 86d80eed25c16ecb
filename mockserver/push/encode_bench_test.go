package push_test

import (
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/push"
)

// BenchmarkEncodeEvent measures one notification payload: an email in a
// conference seen by its owner, with two participants, userData and
// channel data (the view of mockserver/wire's BenchmarkInteractionJSON).
func BenchmarkEncodeEvent(b *testing.B) {
	e := contactcenter.Event{
		Seq: 1, Kind: contactcenter.InteractionEvent, UserID: "c9e053a7a19626b5b05b478b4fdcc0ab",
		Notification: contactcenter.PropertiesUpdated, Interaction: contactcenter.View{
			ID: "00009a8T8Y130123", Channel: contactcenter.Email, Type: "Inbound", SubType: "InboundNew",
			State: contactcenter.Processing,
			Capabilities: []contactcenter.Operation{
				contactcenter.OpStopProcessing, contactcenter.OpUpdateProperties, contactcenter.OpStartConference, contactcenter.OpEndConference,
			},
			CurrentQueue: "email-inbound",
			OwnerID:      "c9e053a7a19626b5b05b478b4fdcc0ab",
			Participants: []contactcenter.Participant{
				{UserID: "c9e053a7a19626b5b05b478b4fdcc0ab", UserName: "alice", Role: contactcenter.PartyOwner},
				{UserID: "5e3c8667fd514b811346bced276e8ab5", UserName: "bob", Role: contactcenter.PartyMember},
			},
			UserData:    map[string]any{"priority": "high", "customer": map[string]any{"tier": "gold", "since": 2019.0}},
			ChannelData: map[string]any{"subject": "Where is my order?", "from": "pat@example.com", "to": "support@example.com", "body": "Hello, my order 1234 has not arrived."},
			ReceivedAt:  time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := push.EncodeEvent(e, "http://127.0.0.1:8090"); err != nil {
			b.Fatal(err)
		}
	}
}
