package contactcenter

import "slices"

// pendingEvent is an event collected during a transition. Interaction
// events are turned into views when the transition ends, so each shows the
// interaction as its recipient sees it after the transition.
type pendingEvent struct {
	kind   EventKind
	userID string

	// InteractionEvent
	notif  NotificationType
	it     *interaction
	state  State  // shown instead of the recipient's own state, if set
	ending bool   // the recipient's involvement ended: capabilities []
	left   string // LeftAgentID

	// ChannelStateEvent
	channel Channel
	ready   bool

	// MessageLogEvent
	messages []ChatEvent
}

// emit queues an interaction event showing it as the recipient sees it.
func (c *Center) emit(userID string, n NotificationType, it *interaction) {
	c.pending = append(c.pending, pendingEvent{kind: InteractionEvent, userID: userID, notif: n, it: it})
}

// emitEnd queues the StatusChange that ends userID's involvement in it.
func (c *Center) emitEnd(userID string, it *interaction, s State) {
	c.pending = append(c.pending, pendingEvent{kind: InteractionEvent, userID: userID, notif: StatusChange, it: it, state: s, ending: true})
}

// emitParties queues an event to every party of it but except.
func (c *Center) emitParties(it *interaction, n NotificationType, except string) {
	for _, p := range it.parties {
		if p.userID != except {
			c.emit(p.userID, n, it)
		}
	}
}

// flush numbers the pending events and turns them into Events; those for
// caller carry ref.
func (c *Center) flush(caller string, ref int64) []Event {
	if len(c.pending) == 0 {
		return nil
	}
	out := make([]Event, 0, len(c.pending))
	for _, p := range c.pending {
		c.seq++
		e := Event{Seq: c.seq, Kind: p.kind, UserID: p.userID}
		if caller != "" && p.userID == caller {
			e.ReferenceID = ref
		}
		if u := c.w.userByID[p.userID]; u != nil {
			e.UserName = u.UserName
		}
		switch p.kind {
		case InteractionEvent:
			v := c.view(p.it, p.userID)
			if p.state != "" {
				v.State = p.state
			}
			if p.ending {
				v.Capabilities = []Operation{}
			}
			e.Notification, e.Interaction, e.LeftAgentID = p.notif, v, p.left
		case ChannelStateEvent:
			e.Channel, e.Ready = p.channel, p.ready
		case MessageLogEvent:
			e.InteractionID, e.Messages = p.it.id, p.messages
		}
		out = append(out, e)
	}
	clear(c.pending)
	c.pending = c.pending[:0]
	return out
}

// view returns it as viewerID sees it: a party sees its own state and
// capabilities, anyone else the interaction's own state and none.
func (c *Center) view(it *interaction, viewerID string) View {
	v := View{
		ID:           it.id,
		Channel:      it.channel,
		Type:         it.typ,
		SubType:      it.subType,
		ParentID:     it.parentID,
		State:        it.state,
		Capabilities: []Operation{},
		CurrentQueue: it.queue,
		Workbin:      it.workbin,
		Participants: c.w.participants(it),
		UserData:     deepCopyMap(it.userData),
		ChannelData:  deepCopyMap(it.channelData),
		ReceivedAt:   it.receivedAt,
	}
	if it.chat != nil {
		v.Transcript = slices.Clone(it.chat.events)
	}
	if o := it.owner(); o != nil {
		v.OwnerID = o.userID
	}
	if p := it.party(viewerID); p != nil {
		v.State, v.Capabilities = partyState(it, p)
	}
	return v
}

// views returns the interactions, sorted by receivedDate then id, as
// viewerID sees them; never nil.
func (c *Center) views(its []*interaction, viewerID string) []View {
	sortInteractions(its)
	out := make([]View, 0, len(its))
	for _, it := range its {
		out = append(out, c.view(it, viewerID))
	}
	return out
}

// partyState returns the state and capabilities of a party, capabilities
// in the order of the seed page's table, then the media operations. The
// owner is offered only what it may do now: PlaceInQueue, PlaceInWorkbin
// and Transfer not while a conference is on or being set up, EndConference
// only while one is on. A chat's owner and members add SendMessage and
// SendNotification while the customer is in the chat, and
// RequestChatHistory; an inbound email's owner adds Reply, ReplyAll and
// Forward; the owner of an outbound email being composed may only
// UpdateProperties, CancelReply and Send.
func partyState(it *interaction, p *party) (State, []Operation) {
	switch p.role {
	case PartyInvited:
		return Invited, []Operation{OpAccept, OpReject}
	case PartyInvitedConference:
		return InvitedConference, []Operation{OpAccept, OpReject}
	case PartyMember:
		return Processing, append([]Operation{OpUpdateProperties, OpEndConference}, chatCaps(it)...)
	}
	if it.state == Composing {
		return Composing, []Operation{OpUpdateProperties, OpCancelReply, OpSend}
	}
	busy := it.conferenceBusy()
	caps := []Operation{OpStopProcessing}
	if !busy {
		caps = append(caps, OpPlaceInQueue)
	}
	caps = append(caps, OpUpdateProperties)
	if !busy {
		caps = append(caps, OpPlaceInWorkbin, OpTransfer)
	}
	caps = append(caps, OpStartConference)
	if it.conferenceOn() {
		caps = append(caps, OpEndConference)
	}
	caps = append(caps, chatCaps(it)...)
	if it.channel == Email && it.typ != TypeOutbound {
		caps = append(caps, OpReply, OpReplyAll, OpForward)
	}
	return Processing, caps
}
