// Package contactcenter is the simulated contact center behind gwsmock: users,
// queues, workbins and interactions, the per-agent state machine of the
// Interactions API, routing, and the events each transition produces.
//
// It knows nothing of HTTP, JSON wire names or Bayeux: adapters at the edge
// (mockserver/httpapi, mockserver/push, mockserver/control) translate.
// Every state transition is one method call under one lock; the events it
// produces are handed to the Sink in order, after the state lock is released.
package contactcenter

import "time"

// Channel is a media channel an interaction travels on.
type Channel string

// The channels of the Interactions API.
const (
	Email    Channel = "email"
	Chat     Channel = "chat"
	Workitem Channel = "workitem"
)

// Role is what a user may do.
type Role string

// The roles of docs/behavior.md §1.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// State is an interaction's state, either as a party sees it or its own.
type State string

// States of docs/behavior.md §4.
const (
	Queued            State = "Queued"
	Invited           State = "Invited"
	InvitedConference State = "InvitedConference"
	Processing        State = "Processing"
	InWorkbin         State = "InWorkbin"
	Completed         State = "Completed"
	Revoked           State = "Revoked"
	Transferred       State = "Transferred"
	LeftConference    State = "LeftConference"
	// Composing is an outbound email being written by its owner
	// (docs/behavior.md §3 of issue 12: Reply, ReplyAll, Forward).
	Composing State = "Composing"
	// Canceled is what the owner of an outbound email is told after
	// CancelReply; the interaction itself is Completed.
	Canceled State = "Canceled"
)

// Operation is an operationName of POST /me/interactions/{id}.
type Operation string

// Operations in the order of the seed page's table; capabilities are listed
// in this order.
const (
	OpAccept            Operation = "Accept"
	OpReject            Operation = "Reject"
	OpStopProcessing    Operation = "StopProcessing"
	OpPlaceInQueue      Operation = "PlaceInQueue"
	OpUpdateProperties  Operation = "UpdateProperties"
	OpPlaceInWorkbin    Operation = "PlaceInWorkbin"
	OpGetWorkbinContent Operation = "GetWorkbinContent"
	OpTransfer          Operation = "Transfer"
	OpStartConference   Operation = "StartConference"
	OpEndConference     Operation = "EndConference"

	// Chat operations, listed after the seed's for a chat owner or member.
	OpSendMessage        Operation = "SendMessage"
	OpSendNotification   Operation = "SendNotification"
	OpRequestChatHistory Operation = "RequestChatHistory"

	// Email operations: Reply, ReplyAll and Forward are listed after the
	// seed's for the owner of an inbound email; CancelReply and Send for
	// the owner of an outbound email being composed.
	OpReply       Operation = "Reply"
	OpReplyAll    Operation = "ReplyAll"
	OpForward     Operation = "Forward"
	OpCancelReply Operation = "CancelReply"
	OpSend        Operation = "Send"
)

// Interaction types and subtypes.
const (
	TypeInbound          = "Inbound"
	TypeOutbound         = "Outbound"
	SubTypeInboundNew    = "InboundNew"
	SubTypeOutboundReply = "OutboundReply" // Reply, ReplyAll
	SubTypeOutboundNew   = "OutboundNew"   // Forward
)

// PartyRole is how a user takes part in an interaction.
type PartyRole string

// Party roles of docs/behavior.md §3.
const (
	PartyOwner             PartyRole = "Owner"
	PartyMember            PartyRole = "Member"
	PartyInvited           PartyRole = "Invited"
	PartyInvitedConference PartyRole = "InvitedConference"
)

// WorkbinType says who may see a workbin.
type WorkbinType string

// Workbin types.
const (
	WorkbinAgent  WorkbinType = "Agent"
	WorkbinShared WorkbinType = "Shared"
)

// NotificationType says what an interaction event reports.
type NotificationType string

// Notification types of docs/behavior.md B3.5.
const (
	StatusChange        NotificationType = "StatusChange"
	PropertiesUpdated   NotificationType = "PropertiesUpdated"
	ParticipantsUpdated NotificationType = "ParticipantsUpdated"
	ChannelDataUpdated  NotificationType = "ChannelDataUpdated"
	WorkbinContent      NotificationType = "WorkbinContent" // one per interaction, answering GetWorkbinContent
)

// User is a person of the contact center.
type User struct {
	ID        string
	UserName  string
	Password  string
	FirstName string
	LastName  string
	Roles     []Role
	Channels  []Channel
	Queues    []string        // names of the queues served
	Capacity  map[Channel]int // missing channel: DefaultCapacity
	Ready     []Channel       // channels the user is Ready on
	// LoggedOut is true after EndContactCenterSession until the agent
	// starts a session or goes Ready again: no offers reach it.
	LoggedOut bool
}

// DefaultCapacity is how many interactions of one channel an agent may hold
// when the fixture does not say.
const DefaultCapacity = 5

// HasRole reports whether u has role r.
func (u User) HasRole(r Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Queue is a routing queue of one channel.
type Queue struct {
	ID      string
	Name    string
	Channel Channel
}

// Workbin is a place to park interactions.
type Workbin struct {
	ID      string
	Name    string
	Type    WorkbinType
	OwnerID string   // for WorkbinAgent
	Members []string // user ids, for WorkbinShared
}

// Participant is one party of an interaction.
type Participant struct {
	UserID   string
	UserName string
	Role     PartyRole
}

// ChatPartyType is who wrote a chat transcript event.
type ChatPartyType string

// Chat party types.
const (
	FromAgent  ChatPartyType = "Agent"
	FromClient ChatPartyType = "Client" // the customer
	FromSystem ChatPartyType = "System"
)

// ChatEventType is what a chat transcript event reports.
type ChatEventType string

// Chat transcript event types.
const (
	ChatText              ChatEventType = "Text"
	ChatTypingStarted     ChatEventType = "TypingStarted"
	ChatTypingStopped     ChatEventType = "TypingStopped"
	ChatParticipantJoined ChatEventType = "ParticipantJoined"
	ChatParticipantLeft   ChatEventType = "ParticipantLeft"
)

// ChatEvent is one event of a chat transcript.
type ChatEvent struct {
	Index         int // 1-based, one more per event
	Type          ChatEventType
	Text          string // Text events only
	Nickname      string // of who caused it
	From          ChatPartyType
	ParticipantID string // 16 characters [0-9A-F], stable per participant of the chat
	Time          time.Time
}

// ChatAgent is an agent who has taken part in a chat: her participantId
// and the nickname she accepted it with.
type ChatAgent struct {
	UserID        string
	ParticipantID string
	Nickname      string
}

// ChatRecord is a chat's transcript and its participants, as stored.
type ChatRecord struct {
	CustomerParticipantID string // "" until the customer's first event
	CustomerLeft          bool
	Agents                []ChatAgent
	Transcript            []ChatEvent
}

// MaxTranscript is how many events a chat transcript holds at most
// (docs/decisions.md: our decision). A message or typing notification
// beyond it is refused (Conflict); a join or leave beyond it is not
// recorded.
const MaxTranscript = 1000

// MaxChatText is the longest chat message, in characters.
const MaxChatText = 4096

// View is an interaction as one viewer sees it: the object of REST lists and
// of notifications. Maps and slices are copies the caller may keep.
type View struct {
	ID           string
	Channel      Channel
	Type         string // "Inbound" or "Outbound"
	SubType      string // "InboundNew", "OutboundReply" or "OutboundNew"
	ParentID     string // outbound emails: the inbound email replied to or forwarded
	State        State
	Capabilities []Operation // never nil
	CurrentQueue string
	Workbin      string // workbin id while in a workbin
	OwnerID      string
	Participants []Participant // never nil
	UserData     map[string]any
	ChannelData  map[string]any
	Transcript   []ChatEvent // chats: the whole transcript, oldest first
	ReceivedAt   time.Time
}

// InteractionRecord is an interaction as stored: the form of the state
// document (control API, fixtures, state file).
type InteractionRecord struct {
	ID           string
	Channel      Channel
	Type         string
	SubType      string
	ParentID     string
	State        State // own state: Queued, Invited, Processing, InWorkbin, Composing, Completed
	Queue        string
	Workbin      string
	OwnerID      string
	Participants []Participant // UserName may be empty on input
	UserData     map[string]any
	ChannelData  map[string]any
	ReceivedAt   time.Time
	Excluded     []string    // user ids not offered it again until someone else has been; optional
	Chat         *ChatRecord // chats: the transcript; nil: none yet
}

// Snapshot is the whole state of a contact center.
type Snapshot struct {
	Version      int
	Name         string
	Users        []User
	Queues       []Queue
	Workbins     []Workbin
	Interactions []InteractionRecord
}

// EventKind tells the events apart.
type EventKind int

// Event kinds.
const (
	InteractionEvent  EventKind = iota + 1 // an InteractionStateMessage
	ChannelStateEvent                      // a user's readiness changed
	MessageLogEvent                        // new chat transcript events for a party
)

// Event is one message for one user, produced by a transition.
type Event struct {
	Seq    uint64 // increases by one per event across the center
	Kind   EventKind
	UserID string // the only recipient
	// UserName is the recipient's userName when the event was made, so a
	// Sink need not ask the Center ("" if the user no longer exists).
	UserName string
	// ReferenceID is the referenceId of the recipient's own request that
	// caused the event, 0 when none did (docs/behavior.md B4.16).
	ReferenceID int64

	// InteractionEvent
	Notification NotificationType
	Interaction  View   // as UserID sees it after the transition
	LeftAgentID  string // on LeftConference messages

	// ChannelStateEvent
	Channel Channel
	Ready   bool

	// MessageLogEvent
	InteractionID string
	Messages      []ChatEvent // oldest first; may be empty (RequestChatHistory)
}

// Sink receives events in the order the transitions happened. It is called
// outside the state lock but never concurrently with itself; it must not
// call back into the Center.
type Sink interface {
	Publish(events []Event)
}

// SinkFunc adapts a function to Sink.
type SinkFunc func([]Event)

// Publish calls f.
func (f SinkFunc) Publish(events []Event) { f(events) }
