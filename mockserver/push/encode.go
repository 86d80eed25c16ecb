package push

import (
	"encoding/json"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// WorkbinContent is the answer to GetWorkbinContent, sent on /v2/me/interactions.
type WorkbinContent struct {
	MessageTypeName string             `json:"messageTypeName"`
	Workbin         string             `json:"workbin"`
	Interactions    []wire.Interaction `json:"interactions"`
}

// ChannelState is sent on /v2/me/channels when a user's readiness changes.
type ChannelState struct {
	MessageTypeName string `json:"messageTypeName"`
	Channel         string `json:"channel"`
	State           string `json:"state"`
}

// Notification is one encoded event: the CometD channel and the payload.
type Notification struct {
	UserID  string
	Channel string
	Data    json.RawMessage
}

// EncodeEvent turns a domain event into its notification.
func EncodeEvent(e contactcenter.Event, baseURL string) (Notification, error) {
	var (
		channel = InteractionsChannel
		payload any
	)
	switch e.Kind {
	case contactcenter.InteractionEvent:
		w := wire.FromView(e.Interaction, baseURL)
		w.NotificationType = string(e.Notification)
		w.LeftAgentID = e.LeftAgentID
		if b, ok := w.AppendJSON(make([]byte, 0, 1024)); ok {
			return Notification{UserID: e.UserID, Channel: channel, Data: b}, nil
		}
		payload = w
	case contactcenter.WorkbinContentEvent:
		wc := WorkbinContent{MessageTypeName: "WorkbinContent", Workbin: e.WorkbinID, Interactions: make([]wire.Interaction, 0, len(e.Interactions))}
		for _, v := range e.Interactions {
			wc.Interactions = append(wc.Interactions, wire.FromView(v, baseURL))
		}
		payload = wc
	case contactcenter.ChannelStateEvent:
		channel = ChannelsChannel
		payload = ChannelState{MessageTypeName: "ChannelStateMessage", Channel: string(e.Channel), State: wire.ReadyState(e.Ready)}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return Notification{}, err
	}
	return Notification{UserID: e.UserID, Channel: channel, Data: b}, nil
}
