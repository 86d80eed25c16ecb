package contactcenter

import "slices"

// The test-control API's transitions (docs/control-api.md). None is a
// user's request: they take no referenceId.

// NewInteraction describes an inbound interaction arriving through the
// control API.
type NewInteraction struct {
	Channel     Channel
	Queue       string // name or id; default: the first queue of the channel
	Agent       string // user id or userName: offer it to this agent directly
	UserData    map[string]any
	ChannelData map[string]any
	// Text is a chat's first message from the customer; "" for none.
	Text string
}

// Create makes a new inbound interaction (Type "Inbound", SubType
// "InboundNew", received now). A chat starts with the customer's
// ParticipantJoined event and, with Text, her first message. With Agent it is offered directly to that
// agent, whether Ready or not; else it is routed from its queue. It returns
// the interaction as a non-party sees it after routing.
//
// Errors: Invalid (unknown channel; Queue unknown or of another channel;
// Agent unknown, not an agent or not on the channel; no Agent and no queue
// for the channel; userData or channel data over Config.MaxValueBytes;
// Text for another channel than chat, or longer than MaxChatText),
// Conflict (Agent has no contact-center session or no free capacity on the
// channel),
// Internal (the id source gives no usable id).
func (c *Center) Create(n NewInteraction) (View, error) {
	var v View
	err := c.transition(func(w *world) error {
		if !validChannel(n.Channel) {
			return Errorf(Invalid, "channel: unknown channel %q", n.Channel)
		}
		queue := ""
		if n.Queue != "" {
			q, err := w.resolveQueue("queue", n.Queue, n.Channel)
			if err != nil {
				return err
			}
			queue = q.Name
		} else {
			for _, q := range w.queues {
				if q.Channel == n.Channel {
					queue = q.Name
					break
				}
			}
		}
		var agent *user
		if n.Agent != "" {
			a, err := w.resolveAgent("agent", n.Agent, n.Channel)
			if err != nil {
				return err
			}
			agent = a
		} else if queue == "" {
			return Errorf(Invalid, "queue: there is no queue for channel %s", n.Channel)
		}
		if err := c.checkSize("userData", n.UserData); err != nil {
			return err
		}
		if err := c.checkSize("channel data", n.ChannelData); err != nil {
			return err
		}
		if n.Text != "" {
			if n.Channel != Chat {
				return Errorf(Invalid, "text: only a chat starts with a message")
			}
			if err := checkChatText(n.Text); err != nil {
				return err
			}
		}
		if agent != nil {
			if err := sessionConflict(agent); err != nil {
				return err
			}
		}
		if agent != nil && !c.hasRoom(agent, n.Channel) {
			return Errorf(Conflict, "agent: %s has no free %s capacity", agent.UserName, n.Channel)
		}
		id, err := c.freshID(w)
		if err != nil {
			return err
		}
		it := &interaction{
			id:          id,
			channel:     n.Channel,
			typ:         TypeInbound,
			subType:     SubTypeInboundNew,
			queue:       queue,
			userData:    deepCopyMap(n.UserData),
			channelData: deepCopyMap(n.ChannelData),
			receivedAt:  c.instant(),
		}
		w.inters[id] = it
		if n.Channel == Chat {
			c.appendChat(it, c.customerEvent(it, ChatParticipantJoined, ""), "")
			if n.Text != "" {
				c.appendChat(it, c.customerEvent(it, ChatText, n.Text), "")
			}
		}
		if agent != nil {
			it.state = Invited
			c.offer(it, agent.ID, PartyInvited)
		} else {
			c.wait(it)
		}
		c.dispatch()
		v = c.view(it, "")
		return nil
	})
	return v, err
}

// freshID returns an unused id from the id source. Errors: Internal.
func (c *Center) freshID(w *world) (string, error) {
	for range 1000 {
		id := c.newID()
		if !validInteractionID(id) {
			return "", Errorf(Internal, "the id source gave %q, which is not 16 characters [0-9A-Za-z]", id)
		}
		if w.inters[id] == nil {
			return id, nil
		}
	}
	return "", Errorf(Internal, "the id source gives only ids in use")
}

// Route routes again an interaction that waits in a queue or sits in a
// workbin: to agent if given (user id or userName; offered directly,
// whether Ready or not), else from queue if given (name or id), else from
// its current queue. Exclusions are forgotten. With no eligible agent it
// waits in the queue.
//
// Errors: NotFound, Invalid (queue or agent unknown or of another channel),
// Conflict (not waiting in a queue or a workbin; agent without a
// contact-center session or free capacity).
func (c *Center) Route(id, queue, agent string) error {
	return c.transition(func(w *world) error {
		it, err := w.find(id)
		if err != nil {
			return err
		}
		var q Queue
		if queue != "" {
			if q, err = w.resolveQueue("queue", queue, it.channel); err != nil {
				return err
			}
		}
		var a *user
		if agent != "" {
			if a, err = w.resolveAgent("agent", agent, it.channel); err != nil {
				return err
			}
		}
		if it.state != Queued && it.state != InWorkbin {
			return Errorf(Conflict, "interaction %s is %s, not waiting in a queue or a workbin", id, it.state)
		}
		if a != nil {
			if err := sessionConflict(a); err != nil {
				return err
			}
		}
		if a != nil && !c.hasRoom(a, it.channel) {
			return Errorf(Conflict, "agent: %s has no free %s capacity", a.UserName, it.channel)
		}
		if queue != "" {
			it.queue = q.Name
		}
		it.excluded = nil
		if a != nil {
			c.unwait(it)
			it.state = Invited
			it.workbin = ""
			c.offer(it, a.ID, PartyInvited)
		} else {
			c.wait(it)
		}
		c.dispatch()
		return nil
	})
}

// Revoke takes back the open offers of an interaction; each invitee gets
// Revoked. An Invited interaction is routed again without the revoked
// agent; lapsed conference invitations give the remaining parties
// ParticipantsUpdated.
//
// Errors: NotFound, Conflict (no open offer).
func (c *Center) Revoke(id string) error {
	return c.transition(func(w *world) error {
		it, err := w.find(id)
		if err != nil {
			return err
		}
		var offers []*party
		for _, p := range it.parties {
			if p.role == PartyInvited || p.role == PartyInvitedConference {
				offers = append(offers, p)
			}
		}
		if len(offers) == 0 {
			return Errorf(Conflict, "interaction %s has no open offer", id)
		}
		conference := false
		for _, p := range offers {
			c.endOffer(it, p, Revoked)
			conference = conference || p.role == PartyInvitedConference
		}
		if conference {
			c.emitParties(it, ParticipantsUpdated, "")
		}
		c.dispatch()
		return nil
	})
}

// Stop ends an interaction whatever its state (the driver's cleanup): every
// owner and member is told Completed (in a chat after their
// ParticipantLeft events), every open offer Revoked; an interaction in a
// queue or a workbin just becomes Completed. An outbound email being
// composed is discarded, not sent. Stopping a Completed interaction
// changes nothing and emits nothing.
//
// Errors: NotFound.
func (c *Center) Stop(id string) error {
	return c.transition(func(w *world) error {
		it, err := w.find(id)
		if err != nil {
			return err
		}
		if it.state == Completed {
			return nil
		}
		c.leaveAll(it)
		for _, p := range slices.Clone(it.parties) {
			s := Completed
			if p.role == PartyInvited || p.role == PartyInvitedConference {
				s = Revoked
			}
			c.closeOffer(p)
			w.removeParty(it, p.userID)
			c.emitEnd(p.userID, it, s)
		}
		c.complete(it)
		c.dispatch()
		return nil
	})
}
