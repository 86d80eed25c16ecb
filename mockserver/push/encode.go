package push

import (
	"encoding/json"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// ChannelState is sent on /v2/me/channels when a user's readiness changes.
type ChannelState struct {
	MessageTypeName string `json:"messageTypeName"`
	Channel         string `json:"channel"`
	State           string `json:"state"`
	ReferenceID     int64  `json:"referenceId,omitempty"`
}

// Notification is one encoded event: the CometD channel (the /v2 name; see
// Names for the aliases it is also delivered under) and the payload.
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
		w.ReferenceID = e.ReferenceID
		w.LeftAgentID = e.LeftAgentID
		if b, ok := w.AppendJSON(make([]byte, 0, 1024)); ok {
			return Notification{UserID: e.UserID, Channel: channel, Data: b}, nil
		}
		payload = w
	case contactcenter.MessageLogEvent:
		payload = wire.FromMessageLog(e.InteractionID, e.Messages, e.ReferenceID, baseURL)
	case contactcenter.ChannelStateEvent:
		channel = ChannelsChannel
		payload = ChannelState{MessageTypeName: "ChannelStateMessage", Channel: string(e.Channel), State: wire.ReadyState(e.Ready), ReferenceID: e.ReferenceID}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return Notification{}, err
	}
	return Notification{UserID: e.UserID, Channel: channel, Data: b}, nil
}
