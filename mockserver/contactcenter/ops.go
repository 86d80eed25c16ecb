package contactcenter

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The operations of docs/behavior.md §4. Each is one transition; the error
// precedence is documented on Center.

// find returns the interaction with that id. Errors: NotFound.
func (w *world) find(id string) (*interaction, error) {
	it := w.inters[id]
	if it == nil {
		return nil, Errorf(NotFound, "interaction %q not found", id)
	}
	return it, nil
}

// nameOf returns the userName of a user id, or the id itself.
func (w *world) nameOf(userID string) string {
	if u := w.userByID[userID]; u != nil {
		return u.UserName
	}
	return userID
}

// need returns the interaction and the caller's party, which must have one
// of roles. Errors: NotFound, Forbidden.
func (w *world) need(userID, id string, op Operation, roles ...PartyRole) (*interaction, *party, error) {
	it, err := w.find(id)
	if err != nil {
		return nil, nil, err
	}
	p := it.party(userID)
	if p == nil || !slices.Contains(roles, p.role) {
		who := make([]string, len(roles))
		for i, r := range roles {
			who[i] = string(r)
		}
		return nil, nil, Errorf(Forbidden, "%s: %s is not the %s of interaction %s", op, w.nameOf(userID), strings.Join(who, " or "), id)
	}
	return it, p, nil
}

// offered returns the interaction and the caller's party, which must hold
// an open offer. Errors: NotFound, Forbidden (not a party), Conflict (a
// party without an open offer, e.g. after Accept).
func (w *world) offered(userID, id string, op Operation) (*interaction, *party, error) {
	it, err := w.find(id)
	if err != nil {
		return nil, nil, err
	}
	p := it.party(userID)
	if p == nil {
		return nil, nil, Errorf(Forbidden, "%s: interaction %s is not offered to %s", op, id, w.nameOf(userID))
	}
	if p.role != PartyInvited && p.role != PartyInvitedConference {
		return nil, nil, Errorf(Conflict, "%s: %s already takes part in interaction %s as %s; there is no open offer", op, w.nameOf(userID), id, p.role)
	}
	return it, p, nil
}

// Accept takes an open offer: the invitee of an Invited interaction becomes
// its owner, a conference invitee a member. The caller gets StatusChange
// Processing, the other parties ParticipantsUpdated. In a chat the caller
// joins the conversation under her firstName: see AcceptAs.
//
// Errors: NotFound, Forbidden (not offered to the caller), Conflict (the
// caller already takes part, e.g. a second Accept).
func (c *Center) Accept(userID, id string) (ref int64, err error) {
	return c.AcceptAs(userID, id, "")
}

// AcceptAs is Accept with the nickname the caller takes in a chat's
// transcript ("": the one she had in this chat, else her firstName). In a
// chat, a ParticipantJoined event is added: the other owners and members
// are sent it, the caller one message-log event with the whole transcript.
// Other channels ignore the nickname.
//
// Errors: as Accept; Invalid for a nickname longer than 64 characters.
func (c *Center) AcceptAs(userID, id, nickname string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		if utf8.RuneCountInString(nickname) > MaxNickname {
			return Errorf(Invalid, "nickname is longer than %d characters", MaxNickname)
		}
		it, p, err := w.offered(userID, id, OpAccept)
		if err != nil {
			return err
		}
		c.closeOffer(p)
		if p.role == PartyInvited {
			p.role = PartyOwner
			it.state = Processing
			it.excluded = nil
		} else {
			p.role = PartyMember
			w.joinGen++
			p.joined = w.joinGen
		}
		c.emit(userID, StatusChange, it)
		c.emitParties(it, ParticipantsUpdated, userID)
		c.chatJoin(it, userID, nickname)
		c.dispatch()
		return nil
	})
}

// MaxNickname is the longest nickname Accept takes, in characters.
const MaxNickname = 64

// notComposing refuses the operations of a handled interaction on an
// outbound email being composed, which may only be edited, sent or
// canceled.
func notComposing(it *interaction, op Operation) error {
	if it.state == Composing {
		return Errorf(Conflict, "%s: interaction %s is an outbound email being composed; Send or CancelReply it", op, it.id)
	}
	return nil
}

// Reject declines an open offer: the caller gets Completed (the state the
// published pages tell after a Reject, docs/behavior.md B4.5); an Invited
// interaction is routed again without the caller, a conference invitation
// lapses and the remaining parties get ParticipantsUpdated.
//
// Errors: NotFound, Forbidden (not offered to the caller), Conflict (the
// caller already takes part).
func (c *Center) Reject(userID, id string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, p, err := w.offered(userID, id, OpReject)
		if err != nil {
			return err
		}
		c.endOffer(it, p, Completed)
		if p.role == PartyInvitedConference {
			c.emitParties(it, ParticipantsUpdated, "")
		}
		c.dispatch()
		return nil
	})
}

// StopProcessing completes the interaction for every party, conference
// members and invitees included; each gets Completed.
//
// Errors: NotFound, Forbidden (not the owner).
func (c *Center) StopProcessing(userID, id string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, _, err := w.need(userID, id, OpStopProcessing, PartyOwner)
		if err != nil {
			return err
		}
		if err := notComposing(it, OpStopProcessing); err != nil {
			return err
		}
		c.leaveAll(it)
		for _, p := range slices.Clone(it.parties) {
			c.closeOffer(p)
			w.removeParty(it, p.userID)
			c.emitEnd(p.userID, it, Completed)
		}
		c.complete(it)
		c.dispatch()
		return nil
	})
}

// PlaceInQueue moves the interaction to a queue (name or id) of its channel
// and routes it, the caller excluded from the first offer. The caller gets
// Queued, a new invitee Invited.
//
// Errors: NotFound, Forbidden (not the owner), Invalid (queue missing,
// unknown or of another channel), Conflict (a conference is on or being set
// up).
func (c *Center) PlaceInQueue(userID, id, queue string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, _, err := w.need(userID, id, OpPlaceInQueue, PartyOwner)
		if err != nil {
			return err
		}
		q, err := w.resolveQueue("queue", queue, it.channel)
		if err != nil {
			return err
		}
		if err := notComposing(it, OpPlaceInQueue); err != nil {
			return err
		}
		if it.conferenceBusy() {
			return Errorf(Conflict, "PlaceInQueue: not while a conference is on in interaction %s", id)
		}
		c.chatLeave(it, userID)
		w.removeParty(it, userID)
		it.queue = q.Name
		it.excluded = []string{userID}
		c.wait(it)
		c.emitEnd(userID, it, Queued)
		c.dispatch()
		return nil
	})
}

// UpdateProperties merges patch (the request's properties) into the
// interaction's userData (JSON Merge Patch, RFC 7386); every party gets
// PropertiesUpdated.
//
// Errors: NotFound, Forbidden (not the owner or a member), Invalid (patch
// is nil, or the userData would exceed Config.MaxValueBytes).
func (c *Center) UpdateProperties(userID, id string, patch map[string]any) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, _, err := w.need(userID, id, OpUpdateProperties, PartyOwner, PartyMember)
		if err != nil {
			return err
		}
		if patch == nil {
			return Errorf(Invalid, "properties is required")
		}
		merged := MergePatch(it.userData, patch)
		if err := c.checkSize("userData", merged); err != nil {
			return err
		}
		it.userData = merged
		c.emitParties(it, PropertiesUpdated, "")
		c.dispatch()
		return nil
	})
}

// PlaceInWorkbin stores the interaction in a workbin (id or name) the
// caller may use; it leaves every agent. The caller gets InWorkbin.
//
// Errors: NotFound, Forbidden (not the owner; or a workbin the caller may
// not use), Invalid (workbin missing or unknown), Conflict (a conference is
// on or being set up).
func (c *Center) PlaceInWorkbin(userID, id, workbin string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, _, err := w.need(userID, id, OpPlaceInWorkbin, PartyOwner)
		if err != nil {
			return err
		}
		wb, err := w.resolveWorkbin(workbin)
		if err != nil {
			return err
		}
		if !mayUseWorkbin(wb, userID) {
			return Errorf(Forbidden, "PlaceInWorkbin: %s may not use workbin %s", w.nameOf(userID), wb.Name)
		}
		if err := notComposing(it, OpPlaceInWorkbin); err != nil {
			return err
		}
		if it.conferenceBusy() {
			return Errorf(Conflict, "PlaceInWorkbin: not while a conference is on in interaction %s", id)
		}
		c.chatLeave(it, userID)
		w.removeParty(it, userID)
		it.state = InWorkbin
		it.workbin = wb.ID
		it.excluded = nil
		c.emitEnd(userID, it, InWorkbin)
		c.dispatch()
		return nil
	})
}

// GetWorkbinContent sends the caller one WorkbinContent InteractionEvent
// per interaction in the workbin (id or name), by receivedDate then id,
// each InWorkbin with no capabilities; an empty workbin sends nothing.
// Nothing changes.
//
// Errors: Forbidden (unknown caller, or not the owner of an Agent workbin
// nor a member of a Shared one), Invalid (workbin missing or unknown).
func (c *Center) GetWorkbinContent(userID, workbin string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		if w.userByID[userID] == nil {
			return Errorf(Forbidden, "GetWorkbinContent: unknown user %q", userID)
		}
		wb, err := w.resolveWorkbin(workbin)
		if err != nil {
			return err
		}
		if !mayUseWorkbin(wb, userID) {
			return Errorf(Forbidden, "GetWorkbinContent: %s may not see workbin %s", w.nameOf(userID), wb.Name)
		}
		var its []*interaction
		for _, it := range w.inters {
			if it.state == InWorkbin && it.workbin == wb.ID {
				its = append(its, it)
			}
		}
		sortInteractions(its)
		for _, it := range its {
			c.pending = append(c.pending, pendingEvent{kind: InteractionEvent, userID: userID, notif: WorkbinContent, it: it, state: InWorkbin, ending: true})
		}
		return nil
	})
}

// Transfer ends the caller's ownership and offers the interaction to
// target (user id or userName of an agent on its channel), regardless of
// the target's readiness. The caller gets Transferred, the target Invited;
// if the target rejects, the interaction is routed from its queue.
//
// Errors: NotFound, Forbidden (not the owner), Invalid (target missing,
// unknown, not an agent or not on the channel), Conflict (a conference is
// on or being set up, the target already takes part, has no
// contact-center session or no free capacity on the channel).
func (c *Center) Transfer(userID, id, target string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, _, err := w.need(userID, id, OpTransfer, PartyOwner)
		if err != nil {
			return err
		}
		t, err := w.resolveAgent("targetId", target, it.channel)
		if err != nil {
			return err
		}
		switch {
		case it.state == Composing:
			return notComposing(it, OpTransfer)
		case it.conferenceBusy():
			return Errorf(Conflict, "Transfer: not while a conference is on in interaction %s", id)
		case it.party(t.ID) != nil:
			return Errorf(Conflict, "Transfer: %s already takes part in interaction %s", t.UserName, id)
		case t.LoggedOut:
			return sessionConflict(t)
		case !c.hasRoom(t, it.channel):
			return Errorf(Conflict, "Transfer: %s has no free %s capacity", t.UserName, it.channel)
		}
		c.chatLeave(it, userID)
		w.removeParty(it, userID)
		it.state = Invited
		it.excluded = nil
		c.emitEnd(userID, it, Transferred)
		c.offer(it, t.ID, PartyInvited)
		c.dispatch()
		return nil
	})
}

// StartConference invites agent (user id or userName of an agent on the
// interaction's channel, regardless of readiness) to a conference. The
// invitee gets InvitedConference, the other parties ParticipantsUpdated.
//
// Errors: NotFound, Forbidden (not the owner), Invalid (agent missing,
// unknown, not an agent or not on the channel), Conflict (the agent already
// takes part, has no contact-center session or no free capacity on the
// channel).
func (c *Center) StartConference(userID, id, agent string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, _, err := w.need(userID, id, OpStartConference, PartyOwner)
		if err != nil {
			return err
		}
		t, err := w.resolveAgent("agentId", agent, it.channel)
		if err != nil {
			return err
		}
		switch {
		case it.state == Composing:
			return notComposing(it, OpStartConference)
		case it.party(t.ID) != nil:
			return Errorf(Conflict, "StartConference: %s already takes part in interaction %s", t.UserName, id)
		case t.LoggedOut:
			return sessionConflict(t)
		case !c.hasRoom(t, it.channel):
			return Errorf(Conflict, "StartConference: %s has no free %s capacity", t.UserName, it.channel)
		}
		c.offer(it, t.ID, PartyInvitedConference)
		c.emitParties(it, ParticipantsUpdated, t.ID)
		c.dispatch()
		return nil
	})
}

// EndConference (LeaveConference) removes agent (user id or userName; ""
// means the caller) from the conference; only the owner may name someone
// else. If the owner leaves, the member who joined first becomes owner. The
// leaver gets StatusChange LeftConference; the remaining owner and members
// get ParticipantsUpdated with state LeftConference, LeftAgentID and their
// own capabilities; pending conference invitees get ParticipantsUpdated.
//
// Errors: NotFound, Forbidden (caller not the owner or a member; a member
// naming someone else), Invalid (unknown agent), Conflict (no conference
// on, or the named agent is not in it).
func (c *Center) EndConference(userID, id, agent string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, p, err := w.need(userID, id, OpEndConference, PartyOwner, PartyMember)
		if err != nil {
			return err
		}
		leaver := p
		if agent != "" {
			u := w.userByID[agent]
			if u == nil {
				u = w.userByName[agent]
			}
			if u == nil {
				return Errorf(Invalid, "agentId: unknown agent %q", agent)
			}
			if u.ID != userID {
				if p.role != PartyOwner {
					return Errorf(Forbidden, "EndConference: only the owner may name another agent than %s", w.nameOf(userID))
				}
				leaver = it.party(u.ID)
				if leaver == nil || leaver.role != PartyMember {
					return Errorf(Conflict, "EndConference: %s is not a member of the conference in interaction %s", u.UserName, id)
				}
			}
		}
		if !it.conferenceOn() {
			return Errorf(Conflict, "EndConference: no conference is on in interaction %s", id)
		}
		c.chatLeave(it, leaver.userID)
		w.removeParty(it, leaver.userID)
		if leaver.role == PartyOwner {
			var next *party
			for _, q := range it.parties {
				if q.role == PartyMember && (next == nil || q.joined < next.joined) {
					next = q
				}
			}
			next.role = PartyOwner
			next.joined = 0
		}
		c.pending = append(c.pending, pendingEvent{kind: InteractionEvent, userID: leaver.userID, notif: StatusChange, it: it, state: LeftConference, ending: true, left: leaver.userID})
		for _, q := range it.parties {
			if q.role == PartyOwner || q.role == PartyMember {
				c.pending = append(c.pending, pendingEvent{kind: InteractionEvent, userID: q.userID, notif: ParticipantsUpdated, it: it, state: LeftConference, left: leaver.userID})
			} else {
				c.emit(q.userID, ParticipantsUpdated, it)
			}
		}
		c.dispatch()
		return nil
	})
}

// UpdateChannelData applies patch (JSON Merge Patch) to the interaction's
// channel data; ch must be the interaction's channel. Writable fields:
// email subject, to, cc and body (strings; to may also be a list of strings, cc is one);
// chat nickname (a string); any workitem field; null deletes. Every party
// gets ChannelDataUpdated.
//
// Errors: NotFound, Forbidden (not a party), Invalid (ch is not the
// interaction's channel, patch is nil, a field is not writable or wrongly
// typed, or the channel data would exceed Config.MaxValueBytes).
func (c *Center) UpdateChannelData(userID, id string, ch Channel, patch map[string]any) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		it, err := w.find(id)
		if err != nil {
			return err
		}
		if it.party(userID) == nil {
			return Errorf(Forbidden, "%s is not a party of interaction %s", w.nameOf(userID), id)
		}
		if ch != it.channel {
			return Errorf(Invalid, "channel data of %s given for a %s interaction", ch, it.channel)
		}
		if patch == nil {
			return Errorf(Invalid, "%s channel data is required", ch)
		}
		if err := checkChannelPatch(ch, patch); err != nil {
			return err
		}
		merged := MergePatch(it.channelData, patch)
		if err := c.checkSize(string(ch)+" channel data", merged); err != nil {
			return err
		}
		it.channelData = merged
		c.emitParties(it, ChannelDataUpdated, "")
		c.dispatch()
		return nil
	})
}

func checkChannelPatch(ch Channel, patch map[string]any) error {
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	slices.Sort(keys) // report the same field every time
	for _, k := range keys {
		v := patch[k]
		ok := false
		switch ch {
		case Workitem:
			ok = true
		case Email:
			switch k {
			case "subject", "body":
				ok = isStringOrNil(v)
			case "to":
				ok = isStringOrNil(v) || isStringList(v)
			case "cc":
				ok = v == nil || isStringList(v)
			default:
				return Errorf(Invalid, "email field %q is not writable (writable: subject, to, cc, body)", k)
			}
		case Chat:
			if k != "nickname" {
				return Errorf(Invalid, "chat field %q is not writable (writable: nickname)", k)
			}
			ok = isStringOrNil(v)
		}
		if !ok {
			return Errorf(Invalid, "%s field %q has the wrong type", ch, k)
		}
	}
	return nil
}

func isStringOrNil(v any) bool {
	switch v.(type) {
	case nil, string:
		return true
	}
	return false
}

func isStringList(v any) bool {
	switch v := v.(type) {
	case []string:
		return true
	case []any:
		for _, x := range v {
			if _, ok := x.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}
