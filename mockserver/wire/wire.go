// Package wire owns the JSON vocabulary that the REST API and the CometD
// notifications share: the interaction object (the page says REST lists carry
// "the same message format as comes via cometD notifications") and its fast
// encoder, the participant and user objects, the interaction's uri and path,
// the receivedDate layout, the channel-data member's name, readiness on the
// wire (the channel objects of the session surface), the API prefix, and the mapping of domain error codes to HTTP
// statuses that every HTTP edge answers with. Both mockserver/httpapi and
// mockserver/push encode through it, so the two cannot drift apart;
// spec/openapi.yaml describes every shape here. What only CometD sends (the
// channel names, the ChannelStateMessage message, the
// encoding of an event) belongs to mockserver/push.
package wire

import (
	"strings"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// DateLayout is the Go layout of receivedDate: 2014-03-26 16:02:22.000+0200.
const DateLayout = "2006-01-02 15:04:05.000-0700"

// APIPrefix is where the Interactions API is mounted.
const APIPrefix = "/api/v2"

// Interaction is the InteractionStateMessage object.
type Interaction struct {
	MessageTypeName    string         `json:"messageTypeName"`
	NotificationType   string         `json:"notificationType,omitempty"`
	ReferenceID        int64          `json:"referenceId,omitempty"`
	ID                 string         `json:"id"`
	Channel            string         `json:"channel"`
	InteractionType    string         `json:"interactionType"`
	InteractionSubType string         `json:"interactionSubType"`
	State              string         `json:"state"`
	Capabilities       []string       `json:"capabilities"`
	CurrentQueue       string         `json:"currentQueue,omitempty"`
	Workbin            string         `json:"workbin,omitempty"`
	OwnerID            string         `json:"ownerId,omitempty"`
	ParentID           string         `json:"parentId,omitempty"`
	LeftAgentID        string         `json:"leftAgentId,omitempty"`
	Participants       []Participant  `json:"participants"`
	UserData           map[string]any `json:"userData"`
	EmailObject        map[string]any `json:"email_object,omitempty"`
	ChatObject         map[string]any `json:"chat_object,omitempty"`
	WorkitemObject     map[string]any `json:"workitem_object,omitempty"`
	ReceivedDate       string         `json:"receivedDate"`
	URI                string         `json:"uri"`
	Path               string         `json:"path"`
}

// Participant is one party of an interaction.
type Participant struct {
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	Role     string `json:"role"`
}

// Path returns the API-relative path of interaction id.
func Path(id string) string { return "/interactions/" + id }

// URI returns the absolute URI of interaction id under baseURL
// (scheme://host, no trailing slash).
func URI(baseURL, id string) string {
	return strings.TrimSuffix(baseURL, "/") + APIPrefix + Path(id)
}

// FromView encodes v; baseURL makes uri absolute. An email's email_object
// gets interactionId, the interaction's id; a chat's chat_object its
// transcript.
func FromView(v contactcenter.View, baseURL string) Interaction {
	w := Interaction{
		MessageTypeName:    "InteractionStateMessage",
		ID:                 v.ID,
		Channel:            string(v.Channel),
		InteractionType:    v.Type,
		InteractionSubType: v.SubType,
		State:              string(v.State),
		Capabilities:       make([]string, 0, len(v.Capabilities)),
		CurrentQueue:       v.CurrentQueue,
		Workbin:            v.Workbin,
		OwnerID:            v.OwnerID,
		ParentID:           v.ParentID,
		Participants:       make([]Participant, 0, len(v.Participants)),
		UserData:           v.UserData,
		ReceivedDate:       v.ReceivedAt.Format(DateLayout),
		URI:                URI(baseURL, v.ID),
		Path:               Path(v.ID),
	}
	for _, c := range v.Capabilities {
		w.Capabilities = append(w.Capabilities, string(c))
	}
	for _, p := range v.Participants {
		w.Participants = append(w.Participants, Participant{UserID: p.UserID, UserName: p.UserName, Role: string(p.Role)})
	}
	if w.UserData == nil {
		w.UserData = map[string]any{}
	}
	data := v.ChannelData
	if data == nil {
		data = map[string]any{}
	}
	switch v.Channel {
	case contactcenter.Email:
		// interactionId is derived, not stored (docs/behavior.md B3.3):
		// a shallow copy, so the view's map stays as it was.
		email := make(map[string]any, len(data)+1)
		for k, x := range data {
			email[k] = x
		}
		email["interactionId"] = v.ID
		w.EmailObject = email
	case contactcenter.Chat:
		// The transcript is the contact center's, not channel data: a
		// shallow copy, so the view's map stays as it was.
		chat := make(map[string]any, len(data)+1)
		for k, x := range data {
			chat[k] = x
		}
		chat["transcript"] = transcriptValue(v.Transcript)
		w.ChatObject = chat
	case contactcenter.Workitem:
		w.WorkitemObject = data
	}
	return w
}

// ChannelObjectKey names the channel-data member of an interaction of ch.
func ChannelObjectKey(ch contactcenter.Channel) string {
	return string(ch) + "_object"
}

// ReadyState names readiness on the wire.
func ReadyState(ready bool) string {
	if ready {
		return "Ready"
	}
	return "NotReady"
}

// User is the user object of GET /me. Channels and Devices are set only
// when GET /me?subresources= asks for them (docs/behavior.md B4.23).
type User struct {
	ID        string           `json:"id"`
	UserName  string           `json:"userName"`
	FirstName string           `json:"firstName"`
	LastName  string           `json:"lastName"`
	Roles     []string         `json:"roles"`
	Channels  *[]ChannelObject `json:"channels,omitempty"`
	Devices   *[]struct{}      `json:"devices,omitempty"` // always empty: gwsmock has no voice
}

// FromUser encodes u without its password.
func FromUser(u contactcenter.User) User {
	w := User{ID: u.ID, UserName: u.UserName, FirstName: u.FirstName, LastName: u.LastName, Roles: []string{}}
	for _, r := range u.Roles {
		w.Roles = append(w.Roles, string(r))
	}
	return w
}

// ChannelObject is one channel of a user with its readiness, as GET
// /me?subresources=channels and GET /me/channels show it.
type ChannelObject struct {
	Channel   string    `json:"channel"`
	UserState UserState `json:"userState"`
}

// UserState is a user's readiness on one channel: state and displayName
// are the same word, Ready or NotReady.
type UserState struct {
	State       string `json:"state"`
	DisplayName string `json:"displayName"`
}

// FromReadiness encodes a user's readiness per channel, in its order;
// never nil.
func FromReadiness(rs []contactcenter.Readiness) []ChannelObject {
	out := make([]ChannelObject, 0, len(rs))
	for _, r := range rs {
		s := ReadyState(r.Ready)
		out = append(out, ChannelObject{Channel: string(r.Channel), UserState: UserState{State: s, DisplayName: s}})
	}
	return out
}
