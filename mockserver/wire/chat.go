package wire

import "github.com/gwsmock/gwsmock/mockserver/contactcenter"

// ChatEvent is one event of a chat transcript, in chat_object.transcript
// and in a message-log notification's messages.
type ChatEvent struct {
	Index      int      `json:"index"`
	From       ChatFrom `json:"from"`
	Timestamp  string   `json:"timestamp"`
	Visibility string   `json:"visibility"`
	Type       string   `json:"type"`
	Text       string   `json:"text,omitempty"` // Text events only
}

// ChatFrom says who caused a chat event.
type ChatFrom struct {
	Nickname      string `json:"nickname"`
	Type          string `json:"type"` // Agent, Client or System
	ParticipantID string `json:"participantId"`
}

// FromChatEvents encodes transcript events; never nil.
func FromChatEvents(events []contactcenter.ChatEvent) []ChatEvent {
	out := make([]ChatEvent, 0, len(events))
	for _, e := range events {
		out = append(out, ChatEvent{
			Index:      e.Index,
			From:       ChatFrom{Nickname: e.Nickname, Type: string(e.From), ParticipantID: e.ParticipantID},
			Timestamp:  e.Time.Format(DateLayout),
			Visibility: "All",
			Type:       string(e.Type),
			Text:       e.Text,
		})
	}
	return out
}

// transcriptValue is the transcript as a value of chat_object, in the
// types the fast encoder (AppendJSON) takes.
func transcriptValue(events []contactcenter.ChatEvent) []any {
	out := make([]any, 0, len(events))
	for _, e := range FromChatEvents(events) {
		m := map[string]any{
			"index":      float64(e.Index),
			"from":       map[string]any{"nickname": e.From.Nickname, "type": e.From.Type, "participantId": e.From.ParticipantID},
			"timestamp":  e.Timestamp,
			"visibility": e.Visibility,
			"type":       e.Type,
		}
		if e.Text != "" {
			m["text"] = e.Text
		}
		out = append(out, m)
	}
	return out
}

// MessageLog is the chat message-log notification: new transcript events
// of one chat for one party. It carries both messageType and
// messageTypeName so that a client of either family can branch on it.
type MessageLog struct {
	MessageType      string      `json:"messageType"`
	MessageTypeName  string      `json:"messageTypeName"`
	NotificationType string      `json:"notificationType"`
	ReferenceID      int64       `json:"referenceId,omitempty"`
	ID               string      `json:"id"`
	URI              string      `json:"uri"`
	Messages         []ChatEvent `json:"messages"`
}

// FromMessageLog encodes the messages of a MessageLogEvent of interaction
// id; baseURL makes uri absolute.
func FromMessageLog(id string, messages []contactcenter.ChatEvent, ref int64, baseURL string) MessageLog {
	return MessageLog{
		MessageType: "MessageLogUpdated", MessageTypeName: "MessageLogUpdated", NotificationType: "NewMessages",
		ReferenceID: ref, ID: id, URI: URI(baseURL, id), Messages: FromChatEvents(messages),
	}
}
