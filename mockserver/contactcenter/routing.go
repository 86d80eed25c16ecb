package contactcenter

import "slices"

// Routing (docs/behavior.md §5). An interaction that needs an agent waits in
// world.waiting; dispatch, run at the end of every transition, offers each
// waiting interaction, oldest first, to the best eligible agent: one who
// serves its queue, is logged in and Ready on its channel, is under capacity there and is
// not excluded; the one holding fewest interactions wins, ties go to the
// smaller userName. Offers only take capacity, so one pass suffices, and
// after every transition no waiting interaction has an eligible agent.
//
// Exclusions: the agent who rejected an offer, whose offer was revoked or
// timed out, or who placed the interaction in a queue is not offered it
// again until it has been offered to someone else (or the control API
// routes it); if nobody else is eligible it waits.

// dispatch offers the waiting interactions that have an eligible agent.
func (c *Center) dispatch() {
	var still []*interaction
	for _, it := range c.w.waiting {
		u := c.pick(it)
		if u == nil {
			still = append(still, it)
			continue
		}
		it.state = Invited
		it.excluded = nil
		c.offer(it, u.ID, PartyInvited)
	}
	c.w.waiting = still
}

// pick returns the agent it should be offered to, or nil.
func (c *Center) pick(it *interaction) *user {
	if it.queue == "" {
		return nil
	}
	var best *user
	bestHeld := 0
	for _, u := range c.w.users {
		if !c.eligible(u, it) {
			continue
		}
		held := len(c.w.held[u.ID])
		if best == nil || held < bestHeld || held == bestHeld && u.UserName < best.UserName {
			best, bestHeld = u, held
		}
	}
	return best
}

func (c *Center) eligible(u *user, it *interaction) bool {
	return u.HasRole(RoleAgent) &&
		!u.LoggedOut &&
		slices.Contains(u.Queues, it.queue) &&
		u.ready[it.channel] &&
		c.hasRoom(u, it.channel) &&
		!slices.Contains(it.excluded, u.ID) &&
		it.party(u.ID) == nil
}

// hasRoom reports whether u holds fewer interactions of ch than its
// capacity; every party role counts.
func (c *Center) hasRoom(u *user, ch Channel) bool {
	n := 0
	for _, it := range c.w.held[u.ID] {
		if it.channel == ch {
			n++
		}
	}
	return n < u.capacity(ch)
}

// wait puts it in line for an agent; an interaction already waiting keeps
// its place.
func (c *Center) wait(it *interaction) {
	it.state = Queued
	it.workbin = ""
	if !slices.Contains(c.w.waiting, it) {
		c.w.waiting = append(c.w.waiting, it)
	}
}

func (c *Center) unwait(it *interaction) {
	c.w.waiting = slices.DeleteFunc(c.w.waiting, func(x *interaction) bool { return x == it })
}

// offer makes userID a party with an open offer (Invited or
// InvitedConference), arms its timer and tells the invitee.
func (c *Center) offer(it *interaction, userID string, role PartyRole) {
	p := c.w.addParty(it, userID, role)
	c.arm(it, p)
	c.emit(userID, StatusChange, it)
}

// arm gives an open offer a fresh token and, with an invitation timeout,
// a timer.
func (c *Center) arm(it *interaction, p *party) {
	c.offerGen++
	p.offer = c.offerGen
	if c.inviteTimeout <= 0 {
		return
	}
	id, userID, token := it.id, p.userID, p.offer
	p.stop = c.afterFunc(c.inviteTimeout, func() { c.expire(id, userID, token) })
}

// closeOffer cancels the timer of an open offer.
func (c *Center) closeOffer(p *party) {
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
	p.offer = 0
}

// endOffer withdraws an open offer: the invitee gets s (Completed after a
// Reject, or Revoked) and leaves; an Invited interaction waits again without that
// agent. The caller tells the remaining parties of a conference invitation.
func (c *Center) endOffer(it *interaction, p *party, s State) {
	c.closeOffer(p)
	c.w.removeParty(it, p.userID)
	c.emitEnd(p.userID, it, s)
	if p.role == PartyInvited {
		if !slices.Contains(it.excluded, p.userID) {
			it.excluded = append(it.excluded, p.userID)
		}
		c.wait(it)
	}
}

// expire revokes an offer whose invitation timed out, if it is still open.
func (c *Center) expire(id, userID string, token uint64) {
	_ = c.transition(func(w *world) error {
		it := w.inters[id]
		if it == nil {
			return nil
		}
		p := it.party(userID)
		if p == nil || p.offer != token || (p.role != PartyInvited && p.role != PartyInvitedConference) {
			return nil
		}
		c.endOffer(it, p, Revoked)
		if p.role == PartyInvitedConference {
			c.emitParties(it, ParticipantsUpdated, "")
		}
		c.dispatch()
		return nil
	})
}

// armAll arms the offers of a freshly loaded world.
func (c *Center) armAll() {
	for _, it := range sortedInteractions(c.w.inters) {
		for _, p := range it.parties {
			if p.role == PartyInvited || p.role == PartyInvitedConference {
				c.arm(it, p)
			}
		}
	}
}

// stopAll cancels every timer of the current world.
func (c *Center) stopAll() {
	for _, it := range c.w.inters {
		for _, p := range it.parties {
			c.closeOffer(p)
		}
	}
}

// complete marks it Completed and keeps it readable within the retention.
func (c *Center) complete(it *interaction) {
	it.state = Completed
	it.workbin = ""
	it.excluded = nil
	c.unwait(it)
	c.w.completed = append(c.w.completed, it)
	c.trimCompleted()
}

// trimCompleted drops the oldest completed interactions beyond the
// retention.
func (c *Center) trimCompleted() {
	for len(c.w.completed) > c.retain {
		delete(c.w.inters, c.w.completed[0].id)
		c.w.completed[0] = nil
		c.w.completed = c.w.completed[1:]
	}
}
