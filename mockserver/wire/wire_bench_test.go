package wire_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// benchView is an email in a conference seen by its owner: two
// participants, userData and channel data, as GET /me/interactions and
// the notifications carry it (mockserver/push's BenchmarkEncodeEvent
// encodes the same view).
func benchView() contactcenter.View {
	return contactcenter.View{
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
	}
}

// BenchmarkInteractionJSON measures the REST object, one element of
// GET /me/interactions?fields=*: FromView and the encoding, by AppendJSON
// (what the mock uses) and by json.Marshal (the reference it matches).
func BenchmarkInteractionJSON(b *testing.B) {
	v := benchView()
	b.Run("AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 2048)
		for b.Loop() {
			w := wire.FromView(v, "http://127.0.0.1:8090")
			if _, ok := w.AppendJSON(buf[:0]); !ok {
				b.Fatal("AppendJSON refused")
			}
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(wire.FromView(v, "http://127.0.0.1:8090")); err != nil {
				b.Fatal(err)
			}
		}
	})
}
