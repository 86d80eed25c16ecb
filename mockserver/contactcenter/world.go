package contactcenter

import (
	"cmp"
	"slices"
	"time"
)

// world is the whole mutable state of a Center; Restore swaps it as a unit.
// It is guarded by Center.mu.
type world struct {
	version int
	name    string

	users      []*user
	userByID   map[string]*user
	userByName map[string]*user

	queues      []Queue
	queueByID   map[string]Queue
	queueByName map[string]Queue

	workbins      []*Workbin
	workbinByID   map[string]*Workbin
	workbinByName map[string]*Workbin

	inters    map[string]*interaction            // by id, retained completed ones included
	held      map[string]map[string]*interaction // user id -> interactions the user is a party of
	waiting   []*interaction                     // Queued interactions, in the order they started waiting
	completed []*interaction                     // retained completed interactions, oldest first
	joinGen   uint64                             // order in which conference members joined
	outbox    []SentEmail                        // sent emails, oldest first; not part of the snapshot
}

// user is a User with its readiness as a set.
type user struct {
	User
	ready map[Channel]bool
}

// export returns a deep copy with Ready in channel order.
func (u *user) export() User {
	out := u.User
	out.Roles = slices.Clone(u.Roles)
	out.Channels = slices.Clone(u.Channels)
	out.Queues = slices.Clone(u.Queues)
	if u.Capacity != nil {
		out.Capacity = make(map[Channel]int, len(u.Capacity))
		for k, v := range u.Capacity {
			out.Capacity[k] = v
		}
	}
	out.Ready = nil
	for _, ch := range u.Channels {
		if u.ready[ch] {
			out.Ready = append(out.Ready, ch)
		}
	}
	return out
}

// capacity is how many interactions of ch the user may hold at once.
func (u *user) capacity(ch Channel) int {
	if n, ok := u.Capacity[ch]; ok {
		return n
	}
	return DefaultCapacity
}

// party is one participant of an interaction.
type party struct {
	userID string
	role   PartyRole
	offer  uint64      // token of the open offer (Invited, InvitedConference), else 0
	stop   func() bool // cancels the offer's timer, or nil
	joined uint64      // when a Member joined; the earliest takes over from a leaving owner
}

// interaction is an interaction as stored.
type interaction struct {
	id          string
	channel     Channel
	typ         string
	subType     string
	parentID    string // outbound emails: the inbound one
	state       State  // own state: Queued, Invited, Processing, InWorkbin, Composing, Completed
	queue       string // name of the queue it sits in or came from
	workbin     string // workbin id while InWorkbin
	parties     []*party
	userData    map[string]any
	channelData map[string]any
	receivedAt  time.Time
	excluded    []string // user ids not offered it until someone else has been
	chat        *chatLog // chats only
}

func (it *interaction) party(userID string) *party {
	for _, p := range it.parties {
		if p.userID == userID {
			return p
		}
	}
	return nil
}

func (it *interaction) owner() *party {
	for _, p := range it.parties {
		if p.role == PartyOwner {
			return p
		}
	}
	return nil
}

func (it *interaction) has(role PartyRole) bool {
	for _, p := range it.parties {
		if p.role == role {
			return true
		}
	}
	return false
}

// conferenceOn reports whether a member takes part besides the owner.
func (it *interaction) conferenceOn() bool { return it.has(PartyMember) }

// conferenceBusy reports whether a conference is on or being set up: then
// the owner may not hand the interaction on.
func (it *interaction) conferenceBusy() bool {
	return it.has(PartyMember) || it.has(PartyInvitedConference)
}

func (w *world) addParty(it *interaction, userID string, role PartyRole) *party {
	p := &party{userID: userID, role: role}
	it.parties = append(it.parties, p)
	m := w.held[userID]
	if m == nil {
		m = make(map[string]*interaction)
		w.held[userID] = m
	}
	m[it.id] = it
	return p
}

func (w *world) removeParty(it *interaction, userID string) {
	it.parties = slices.DeleteFunc(it.parties, func(p *party) bool { return p.userID == userID })
	if m := w.held[userID]; m != nil {
		delete(m, it.id)
		if len(m) == 0 {
			delete(w.held, userID)
		}
	}
}

// snapshot returns a deep copy of the state.
func (w *world) snapshot() Snapshot {
	s := Snapshot{Version: w.version, Name: w.name}
	for _, u := range w.users {
		s.Users = append(s.Users, u.export())
	}
	s.Queues = slices.Clone(w.queues)
	for _, wb := range w.workbins {
		c := *wb
		c.Members = slices.Clone(wb.Members)
		s.Workbins = append(s.Workbins, c)
	}
	for _, it := range sortedInteractions(w.inters) {
		r := InteractionRecord{
			ID:          it.id,
			Channel:     it.channel,
			Type:        it.typ,
			SubType:     it.subType,
			State:       it.state,
			Queue:       it.queue,
			Workbin:     it.workbin,
			UserData:    deepCopyMap(it.userData),
			ChannelData: deepCopyMap(it.channelData),
			ReceivedAt:  it.receivedAt,
			Excluded:    slices.Clone(it.excluded),
			ParentID:    it.parentID,
		}
		if it.chat != nil {
			r.Chat = it.chat.record()
		}
		if o := it.owner(); o != nil {
			r.OwnerID = o.userID
		}
		r.Participants = w.participants(it)
		s.Interactions = append(s.Interactions, r)
	}
	return s
}

// participants returns the parties of it with their userNames.
func (w *world) participants(it *interaction) []Participant {
	out := make([]Participant, 0, len(it.parties))
	for _, p := range it.parties {
		name := ""
		if u := w.userByID[p.userID]; u != nil {
			name = u.UserName
		}
		out = append(out, Participant{UserID: p.userID, UserName: name, Role: p.role})
	}
	return out
}

// sortedInteractions returns the interactions by receivedDate, then id.
func sortedInteractions[M ~map[string]*interaction](m M) []*interaction {
	out := make([]*interaction, 0, len(m))
	for _, it := range m {
		out = append(out, it)
	}
	sortInteractions(out)
	return out
}

func sortInteractions(its []*interaction) {
	slices.SortFunc(its, func(a, b *interaction) int {
		if c := a.receivedAt.Compare(b.receivedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
}

// resolveAgent finds the agent named by ident (user id or userName) who
// handles ch. Errors: Invalid.
func (w *world) resolveAgent(field, ident string, ch Channel) (*user, error) {
	if ident == "" {
		return nil, Errorf(Invalid, "%s is required", field)
	}
	u := w.userByID[ident]
	if u == nil {
		u = w.userByName[ident]
	}
	switch {
	case u == nil:
		return nil, Errorf(Invalid, "%s: unknown agent %q", field, ident)
	case !u.HasRole(RoleAgent):
		return nil, Errorf(Invalid, "%s: %s is not an agent", field, u.UserName)
	case !slices.Contains(u.Channels, ch):
		return nil, Errorf(Invalid, "%s: %s does not handle channel %s", field, u.UserName, ch)
	}
	return u, nil
}

// sessionConflict is the Conflict of a direct offer to an agent who ended
// its contact-center session, or nil.
func sessionConflict(u *user) error {
	if u.LoggedOut {
		return Errorf(Conflict, "agent %s has no contact-center session", u.UserName)
	}
	return nil
}

// resolveQueue finds the queue named by ident (name or id) of channel ch.
// Errors: Invalid.
func (w *world) resolveQueue(field, ident string, ch Channel) (Queue, error) {
	if ident == "" {
		return Queue{}, Errorf(Invalid, "%s is required", field)
	}
	q, ok := w.queueByName[ident]
	if !ok {
		q, ok = w.queueByID[ident]
	}
	if !ok {
		return Queue{}, Errorf(Invalid, "%s: unknown queue %q", field, ident)
	}
	if q.Channel != ch {
		return Queue{}, Errorf(Invalid, "%s: queue %q is for channel %s, not %s", field, q.Name, q.Channel, ch)
	}
	return q, nil
}

// resolveWorkbin finds the workbin named by ident (id or name). Errors:
// Invalid.
func (w *world) resolveWorkbin(ident string) (*Workbin, error) {
	if ident == "" {
		return nil, Errorf(Invalid, "workbin is required")
	}
	wb := w.workbinByID[ident]
	if wb == nil {
		wb = w.workbinByName[ident]
	}
	if wb == nil {
		return nil, Errorf(Invalid, "workbin: unknown workbin %q", ident)
	}
	return wb, nil
}

// mayUseWorkbin reports whether a user may see and use a workbin: its owner
// for an Agent workbin, its members for a Shared one.
func mayUseWorkbin(wb *Workbin, userID string) bool {
	if wb.Type == WorkbinAgent {
		return wb.OwnerID == userID
	}
	return slices.Contains(wb.Members, userID)
}

func validChannel(ch Channel) bool {
	return ch == Email || ch == Chat || ch == Workitem
}
