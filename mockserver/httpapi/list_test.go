package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// TestFastListIsWriteJSON: the fields=* answer encoded by
// appendInteractions is the bytes writeJSON writes for the same views.
func TestFastListIsWriteJSON(t *testing.T) {
	v := contactcenter.View{
		ID: "00009a8T8Y130123", Channel: contactcenter.Email, Type: "Inbound", SubType: "InboundNew",
		State: contactcenter.Processing, Capabilities: []contactcenter.Operation{contactcenter.OpStopProcessing},
		CurrentQueue: "email-inbound", OwnerID: "c9e053a7a19626b5b05b478b4fdcc0ab",
		Participants: []contactcenter.Participant{{UserID: "c9e053a7a19626b5b05b478b4fdcc0ab", UserName: "alice", Role: contactcenter.PartyOwner}},
		UserData:     map[string]any{"a": 1.5, "<b>": []any{"x", nil, true}},
		ChannelData:  map[string]any{"subject": "Where is my order? é"},
		ReceivedAt:   time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("", 7200)),
	}
	for _, views := range [][]contactcenter.View{nil, {v}, {v, v, v}} {
		got, ok := appendInteractions(views, "http://127.0.0.1:8090")
		if !ok {
			t.Fatal("appendInteractions refused")
		}
		out := make([]wire.Interaction, 0, len(views))
		for _, v := range views {
			out = append(out, wire.FromView(v, "http://127.0.0.1:8090"))
		}
		want, err := json.Marshal(struct {
			StatusCode   int                `json:"statusCode"`
			Interactions []wire.Interaction `json:"interactions"`
		}{codeOK, out})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
