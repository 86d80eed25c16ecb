package contactcenter

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Chat conversations (docs/behavior.md, chat): the transcript, the agents'
// and the customer's events, and the message-log events that tell every
// owner and member of each new one.

// chatLog is a chat's transcript and who has taken part in it.
type chatLog struct {
	customerID   string // participantId of the customer; "" until first needed
	customerLeft bool
	agents       []ChatAgent
	events       []ChatEvent
}

// record returns a deep copy as stored.
func (l *chatLog) record() *ChatRecord {
	return &ChatRecord{
		CustomerParticipantID: l.customerID,
		CustomerLeft:          l.customerLeft,
		Agents:                slices.Clone(l.agents),
		Transcript:            slices.Clone(l.events),
	}
}

func (l *chatLog) agent(userID string) *ChatAgent {
	for i := range l.agents {
		if l.agents[i].UserID == userID {
			return &l.agents[i]
		}
	}
	return nil
}

func (l *chatLog) usesID(pid string) bool {
	if l.customerID == pid {
		return true
	}
	for _, a := range l.agents {
		if a.ParticipantID == pid {
			return true
		}
	}
	return false
}

func (l *chatLog) full() bool { return len(l.events) >= MaxTranscript }

// since returns the events with an index of at least from, oldest first.
func (l *chatLog) since(from int) []ChatEvent {
	out := []ChatEvent{}
	for _, e := range l.events {
		if e.Index >= from {
			out = append(out, e)
		}
	}
	return out
}

const hexDigitsUpper = "0123456789ABCDEF"

// hexID turns an id of the id source into 16 characters [0-9A-F].
func hexID(id string) string {
	var b [16]byte
	for i := range b {
		n := i
		if i < len(id) {
			n = strings.IndexByte(idAlphabet, id[i])
			if n < 0 {
				n = int(id[i])
			}
		}
		b[i] = hexDigitsUpper[n%16]
	}
	return string(b[:])
}

// participantID returns a participantId not yet used in l, from the id
// source.
func (c *Center) participantID(l *chatLog) string {
	for range 1000 {
		if pid := hexID(c.newID()); !l.usesID(pid) {
			return pid
		}
	}
	// An id source that repeats itself: count instead.
	for n := 1; ; n++ {
		if pid := fmt.Sprintf("%016X", n); !l.usesID(pid) {
			return pid
		}
	}
}

// chatOf returns the chat log of a chat, made on first use; nil for other
// channels.
func (it *interaction) chatOf() *chatLog {
	if it.channel != Chat {
		return nil
	}
	if it.chat == nil {
		it.chat = &chatLog{}
	}
	return it.chat
}

// customerNickname is the customer's name in the transcript: the chat's
// nickname, "Customer" when it has none (docs/decisions.md: our decision).
func customerNickname(it *interaction) string {
	if s, ok := it.channelData["nickname"].(string); ok && s != "" {
		return s
	}
	return "Customer"
}

// joinedParty reports whether p takes part in the conversation (and so
// receives its message log).
func joinedParty(p *party) bool { return p.role == PartyOwner || p.role == PartyMember }

// appendChat adds e to the transcript of it, numbered and timed now, and
// sends it to every owner and member but except. It reports false, and
// adds nothing, when the transcript is full.
func (c *Center) appendChat(it *interaction, e ChatEvent, except string) (ChatEvent, bool) {
	l := it.chatOf()
	if l.full() {
		return ChatEvent{}, false
	}
	e.Index = 1
	if n := len(l.events); n > 0 {
		e.Index = l.events[n-1].Index + 1
	}
	e.Time = c.instant()
	l.events = append(l.events, e)
	for _, p := range it.parties {
		if joinedParty(p) && p.userID != except {
			c.emitLog(p.userID, it, []ChatEvent{e})
		}
	}
	return e, true
}

// emitLog queues a message-log event for userID.
func (c *Center) emitLog(userID string, it *interaction, msgs []ChatEvent) {
	c.pending = append(c.pending, pendingEvent{kind: MessageLogEvent, userID: userID, it: it, messages: msgs})
}

// customerEvent is an event of the customer.
func (c *Center) customerEvent(it *interaction, t ChatEventType, text string) ChatEvent {
	l := it.chatOf()
	if l.customerID == "" {
		l.customerID = c.participantID(l)
	}
	return ChatEvent{Type: t, Text: text, Nickname: customerNickname(it), From: FromClient, ParticipantID: l.customerID}
}

// chatAgent returns the transcript identity of an agent in a chat, made on
// first use with the nickname given, or her firstName (her userName when
// she has none).
func (c *Center) chatAgent(it *interaction, userID, nickname string) *ChatAgent {
	l := it.chatOf()
	a := l.agent(userID)
	if a == nil {
		l.agents = append(l.agents, ChatAgent{UserID: userID, ParticipantID: c.participantID(l)})
		a = &l.agents[len(l.agents)-1]
	}
	if nickname != "" {
		a.Nickname = nickname
	}
	if a.Nickname == "" {
		if u := c.w.userByID[userID]; u != nil {
			a.Nickname = u.FirstName
			if a.Nickname == "" {
				a.Nickname = u.UserName
			}
		}
	}
	return a
}

func agentEvent(a *ChatAgent, t ChatEventType, text string) ChatEvent {
	return ChatEvent{Type: t, Text: text, Nickname: a.Nickname, From: FromAgent, ParticipantID: a.ParticipantID}
}

// chatJoin records that an agent joined a chat (Accept): the other owners
// and members are sent the event, the agent the whole transcript.
func (c *Center) chatJoin(it *interaction, userID, nickname string) {
	if it.channel != Chat {
		return
	}
	a := c.chatAgent(it, userID, nickname)
	c.appendChat(it, agentEvent(a, ChatParticipantJoined, ""), userID)
	c.emitLog(userID, it, it.chat.since(0))
}

// chatLeave records that an agent's part in a chat ended; every owner and
// member, the agent included, is sent the event. Call it while the agent
// is still a party.
func (c *Center) chatLeave(it *interaction, userID string) {
	if it.channel != Chat {
		return
	}
	a := c.chatAgent(it, userID, "")
	c.appendChat(it, agentEvent(a, ChatParticipantLeft, ""), "")
}

// chatOperand returns the chat an owner or member acts on. Errors:
// NotFound, Conflict (Completed), Forbidden (not the owner or a member),
// Invalid (not a chat).
func (w *world) chatOperand(userID, id string, op Operation) (*interaction, error) {
	it, err := w.find(id)
	if err != nil {
		return nil, err
	}
	if it.state == Completed {
		return nil, Errorf(Conflict, "%s: interaction %s is Completed", op, id)
	}
	if _, _, err := w.need(userID, id, op, PartyOwner, PartyMember); err != nil {
		return nil, err
	}
	if it.channel != Chat {
		return nil, Errorf(Invalid, "%s: interaction %s is not a chat but a %s", op, id, it.channel)
	}
	return it, nil
}

// checkChatText refuses an empty or overlong message.
func checkChatText(text string) error {
	switch {
	case text == "":
		return Errorf(Invalid, "text is required: the message to send")
	case utf8.RuneCountInString(text) > MaxChatText:
		return Errorf(Invalid, "text is longer than %d characters", MaxChatText)
	}
	return nil
}

// customerPresent refuses what needs the customer in the chat, and a full
// transcript.
func customerPresent(it *interaction, op Operation) error {
	l := it.chatOf()
	switch {
	case l.customerLeft:
		return Errorf(Conflict, "%s: the customer has left the chat", op)
	case l.full():
		return Errorf(Conflict, "%s: transcript full (%d events)", op, MaxTranscript)
	}
	return nil
}

// SendMessage adds the caller's message to the chat's transcript; every
// owner and member is sent it in a message-log event.
//
// Errors: NotFound, Conflict (Completed; the customer has left; the
// transcript is full), Forbidden (not the owner or a member), Invalid (not
// a chat; text empty or longer than MaxChatText characters).
func (c *Center) SendMessage(userID, id, text string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, err := w.chatOperand(userID, id, OpSendMessage)
		if err != nil {
			return err
		}
		if err := checkChatText(text); err != nil {
			return err
		}
		if err := customerPresent(it, OpSendMessage); err != nil {
			return err
		}
		c.appendChat(it, agentEvent(c.chatAgent(it, userID, ""), ChatText, text), "")
		return nil
	})
}

// SendNotification adds the caller's TypingStarted or TypingStopped event
// to the chat's transcript; every owner and member is sent it.
//
// Errors: as SendMessage; Invalid also for another event type.
func (c *Center) SendNotification(userID, id string, t ChatEventType) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, err := w.chatOperand(userID, id, OpSendNotification)
		if err != nil {
			return err
		}
		if t != ChatTypingStarted && t != ChatTypingStopped {
			return Errorf(Invalid, "notification %q is not one of TypingStarted, TypingStopped", t)
		}
		if err := customerPresent(it, OpSendNotification); err != nil {
			return err
		}
		c.appendChat(it, agentEvent(c.chatAgent(it, userID, ""), t, ""), "")
		return nil
	})
}

// RequestChatHistory sends the caller one message-log event with the
// transcript's events from index fromIndex on (all of them for 0; none
// when it is past the end). Nothing changes.
//
// Errors: NotFound, Conflict (Completed), Forbidden (not the owner or a
// member), Invalid (not a chat; fromIndex negative).
func (c *Center) RequestChatHistory(userID, id string, fromIndex int) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, err := w.chatOperand(userID, id, OpRequestChatHistory)
		if err != nil {
			return err
		}
		if fromIndex < 0 {
			return Errorf(Invalid, "fromIndex must be at least 1")
		}
		c.emitLog(userID, it, it.chatOf().since(fromIndex))
		return nil
	})
}

// customerChat returns the chat the customer acts on. Errors: NotFound,
// Invalid (not a chat), Conflict (Completed, or the customer has left).
func (w *world) customerChat(id string) (*interaction, error) {
	it, err := w.find(id)
	if err != nil {
		return nil, err
	}
	switch {
	case it.channel != Chat:
		return nil, Errorf(Invalid, "interaction %s is not a chat but a %s", id, it.channel)
	case it.state == Completed:
		return nil, Errorf(Conflict, "chat %s is Completed", id)
	case it.chatOf().customerLeft:
		return nil, Errorf(Conflict, "the customer has left chat %s", id)
	}
	return it, nil
}

// CustomerWrite is the customer's side of a chat (control API): a Text
// message or a typing notification (whose text is not used), added to the transcript and sent to
// every owner and member. It returns the event's index.
//
// Errors: NotFound, Invalid (not a chat; another event type; a Text with
// an empty or overlong text), Conflict (Completed; the customer has left;
// the transcript is full).
func (c *Center) CustomerWrite(id string, t ChatEventType, text string) (index int, err error) {
	err = c.transition(func(w *world) error {
		it, err := w.find(id)
		if err != nil {
			return err
		}
		switch t {
		case ChatText:
			if err := checkChatText(text); err != nil {
				return err
			}
		case ChatTypingStarted, ChatTypingStopped:
			text = "" // not used (spec/control.yaml ChatMessageRequest)
		default:
			return Errorf(Invalid, "type %q is not one of Text, TypingStarted, TypingStopped", t)
		}
		if it, err = w.customerChat(id); err != nil {
			return err
		}
		if it.chatOf().full() {
			return Errorf(Conflict, "transcript full (%d events)", MaxTranscript)
		}
		e, _ := c.appendChat(it, c.customerEvent(it, t, text), "")
		index = e.Index
		return nil
	})
	return index, err
}

// CustomerLeave is the customer leaving a chat (control API): a
// ParticipantLeft event, sent to every owner and member. The agents can
// no longer send messages or typing notifications.
//
// Errors: NotFound, Invalid (not a chat), Conflict (Completed; the customer
// has already left).
func (c *Center) CustomerLeave(id string) error {
	return c.transition(func(w *world) error {
		it, err := w.customerChat(id)
		if err != nil {
			return err
		}
		c.appendChat(it, c.customerEvent(it, ChatParticipantLeft, ""), "")
		it.chat.customerLeft = true
		return nil
	})
}

// chatCaps are the chat operations an owner or member may perform now.
func chatCaps(it *interaction) []Operation {
	if it.channel != Chat {
		return nil
	}
	if it.chat != nil && it.chat.customerLeft {
		return []Operation{OpRequestChatHistory}
	}
	return []Operation{OpSendMessage, OpSendNotification, OpRequestChatHistory}
}

// leaveAll records that every owner and member of a chat left it, before
// the interaction ends for all of them.
func (c *Center) leaveAll(it *interaction) {
	for _, p := range slices.Clone(it.parties) {
		if joinedParty(p) {
			c.chatLeave(it, p.userID)
		}
	}
}
