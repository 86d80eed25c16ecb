package contactcenter

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// load validates a snapshot and builds a world from it. now stands in for a
// missing receivedDate.
func load(s Snapshot, now time.Time) (*world, error) {
	w := &world{
		version:       s.Version,
		name:          s.Name,
		userByID:      make(map[string]*user),
		userByName:    make(map[string]*user),
		queueByID:     make(map[string]Queue),
		queueByName:   make(map[string]Queue),
		workbinByID:   make(map[string]*Workbin),
		workbinByName: make(map[string]*Workbin),
		inters:        make(map[string]*interaction),
		held:          make(map[string]map[string]*interaction),
	}
	for i, q := range s.Queues {
		where := fmt.Sprintf("queues[%d] (%s)", i, q.Name)
		switch {
		case !validUUID(q.ID):
			return nil, Errorf(Invalid, "%s: id %q is not a UUID", where, q.ID)
		case q.Name == "":
			return nil, Errorf(Invalid, "queues[%d]: name is required", i)
		case !validChannel(q.Channel):
			return nil, Errorf(Invalid, "%s: unknown channel %q", where, q.Channel)
		}
		if _, dup := w.queueByID[q.ID]; dup {
			return nil, Errorf(Invalid, "%s: duplicate queue id %q", where, q.ID)
		}
		if _, dup := w.queueByName[q.Name]; dup {
			return nil, Errorf(Invalid, "%s: duplicate queue name %q", where, q.Name)
		}
		w.queues = append(w.queues, q)
		w.queueByID[q.ID] = q
		w.queueByName[q.Name] = q
	}
	for i, in := range s.Users {
		if err := w.loadUser(i, in); err != nil {
			return nil, err
		}
	}
	for i, in := range s.Workbins {
		if err := w.loadWorkbin(i, in); err != nil {
			return nil, err
		}
	}
	for i, in := range s.Interactions {
		if err := w.loadInteraction(i, in, now); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *world) loadUser(i int, in User) error {
	where := fmt.Sprintf("users[%d] (%s)", i, in.UserName)
	switch {
	case !validUserID(in.ID):
		return Errorf(Invalid, "%s: id %q is not 32 lowercase hex digits", where, in.ID)
	case in.UserName == "":
		return Errorf(Invalid, "users[%d]: userName is required", i)
	case w.userByID[in.ID] != nil:
		return Errorf(Invalid, "%s: duplicate user id %q", where, in.ID)
	case w.userByName[in.UserName] != nil:
		return Errorf(Invalid, "%s: duplicate userName %q", where, in.UserName)
	}
	for _, r := range in.Roles {
		if r != RoleAgent && r != RoleSupervisor && r != RoleAdmin {
			return Errorf(Invalid, "%s: unknown role %q", where, r)
		}
	}
	if dup := firstDuplicate(in.Roles); dup != "" {
		return Errorf(Invalid, "%s: role %q listed twice", where, dup)
	}
	for _, ch := range in.Channels {
		if !validChannel(ch) {
			return Errorf(Invalid, "%s: unknown channel %q", where, ch)
		}
	}
	if dup := firstDuplicate(in.Channels); dup != "" {
		return Errorf(Invalid, "%s: channel %q listed twice", where, dup)
	}
	for _, name := range in.Queues {
		q, ok := w.queueByName[name]
		if !ok {
			return Errorf(Invalid, "%s: unknown queue %q", where, name)
		}
		if !slices.Contains(in.Channels, q.Channel) {
			return Errorf(Invalid, "%s: serves queue %q of channel %s, which is not one of the user's channels", where, name, q.Channel)
		}
	}
	if dup := firstDuplicate(in.Queues); dup != "" {
		return Errorf(Invalid, "%s: queue %q listed twice", where, dup)
	}
	for ch, n := range in.Capacity {
		if !slices.Contains(in.Channels, ch) {
			return Errorf(Invalid, "%s: capacity for channel %q, which is not one of the user's channels", where, ch)
		}
		if n < 0 {
			return Errorf(Invalid, "%s: capacity for %s is negative", where, ch)
		}
	}
	u := &user{ready: make(map[Channel]bool)}
	for _, ch := range in.Ready {
		if !slices.Contains(in.Channels, ch) {
			return Errorf(Invalid, "%s: ready on channel %q, which is not one of the user's channels", where, ch)
		}
		u.ready[ch] = true
	}
	u.User = in
	u.User = u.export() // deep copy of the caller's slices and map
	u.Ready = nil
	w.users = append(w.users, u)
	w.userByID[u.ID] = u
	w.userByName[u.UserName] = u
	return nil
}

func (w *world) loadWorkbin(i int, in Workbin) error {
	where := fmt.Sprintf("workbins[%d] (%s)", i, in.Name)
	switch {
	case !validUUID(in.ID):
		return Errorf(Invalid, "%s: id %q is not a UUID", where, in.ID)
	case in.Name == "":
		return Errorf(Invalid, "workbins[%d]: name is required", i)
	case w.workbinByID[in.ID] != nil:
		return Errorf(Invalid, "%s: duplicate workbin id %q", where, in.ID)
	case w.workbinByName[in.Name] != nil:
		return Errorf(Invalid, "%s: duplicate workbin name %q", where, in.Name)
	}
	switch in.Type {
	case WorkbinAgent:
		if w.userByID[in.OwnerID] == nil {
			return Errorf(Invalid, "%s: ownerId %q is not a known user", where, in.OwnerID)
		}
		if len(in.Members) > 0 {
			return Errorf(Invalid, "%s: an Agent workbin has no members", where)
		}
	case WorkbinShared:
		if in.OwnerID != "" {
			return Errorf(Invalid, "%s: a Shared workbin has no ownerId", where)
		}
		for _, m := range in.Members {
			if w.userByID[m] == nil {
				return Errorf(Invalid, "%s: member %q is not a known user", where, m)
			}
		}
		if dup := firstDuplicate(in.Members); dup != "" {
			return Errorf(Invalid, "%s: member %q listed twice", where, dup)
		}
	default:
		return Errorf(Invalid, "%s: unknown type %q", where, in.Type)
	}
	wb := in
	wb.Members = slices.Clone(in.Members)
	w.workbins = append(w.workbins, &wb)
	w.workbinByID[wb.ID] = &wb
	w.workbinByName[wb.Name] = &wb
	return nil
}

func (w *world) loadInteraction(i int, in InteractionRecord, now time.Time) error {
	where := fmt.Sprintf("interactions[%d] (%s)", i, in.ID)
	switch {
	case !validInteractionID(in.ID):
		return Errorf(Invalid, "%s: id %q is not 16 characters [0-9A-Za-z]", where, in.ID)
	case w.inters[in.ID] != nil:
		return Errorf(Invalid, "%s: duplicate interaction id", where)
	case !validChannel(in.Channel):
		return Errorf(Invalid, "%s: unknown channel %q", where, in.Channel)
	}
	it := &interaction{
		id:          in.ID,
		channel:     in.Channel,
		typ:         cmp.Or(in.Type, TypeInbound),
		subType:     cmp.Or(in.SubType, SubTypeInboundNew),
		parentID:    in.ParentID,
		state:       in.State,
		userData:    deepCopyMap(in.UserData),
		channelData: deepCopyMap(in.ChannelData),
		receivedAt:  in.ReceivedAt,
	}
	if it.receivedAt.IsZero() {
		it.receivedAt = now
	}
	if in.Queue != "" {
		q, ok := w.queueByName[in.Queue]
		if !ok {
			q, ok = w.queueByID[in.Queue]
		}
		if !ok {
			return Errorf(Invalid, "%s: unknown queue %q", where, in.Queue)
		}
		if q.Channel != in.Channel {
			return Errorf(Invalid, "%s: queue %q is for channel %s, not %s", where, q.Name, q.Channel, in.Channel)
		}
		it.queue = q.Name
	}
	if in.Workbin != "" {
		wb := w.workbinByID[in.Workbin]
		if wb == nil {
			wb = w.workbinByName[in.Workbin]
		}
		if wb == nil {
			return Errorf(Invalid, "%s: unknown workbin %q", where, in.Workbin)
		}
		it.workbin = wb.ID
	}
	count := map[PartyRole]int{}
	for j, p := range in.Participants {
		pw := fmt.Sprintf("%s: participants[%d]", where, j)
		u := w.userByID[p.UserID]
		switch {
		case u == nil:
			return Errorf(Invalid, "%s: userId %q is not a known user", pw, p.UserID)
		case p.UserName != "" && p.UserName != u.UserName:
			return Errorf(Invalid, "%s: userName %q does not match user %q (%s)", pw, p.UserName, p.UserID, u.UserName)
		case !u.HasRole(RoleAgent):
			return Errorf(Invalid, "%s: %s is not an agent", pw, u.UserName)
		case !slices.Contains(u.Channels, in.Channel):
			return Errorf(Invalid, "%s: %s does not handle channel %s", pw, u.UserName, in.Channel)
		case it.party(p.UserID) != nil:
			return Errorf(Invalid, "%s: %s takes part twice", pw, u.UserName)
		}
		switch p.Role {
		case PartyOwner, PartyMember, PartyInvited, PartyInvitedConference:
		default:
			return Errorf(Invalid, "%s: unknown role %q", pw, p.Role)
		}
		count[p.Role]++
		np := &party{userID: p.UserID, role: p.Role}
		if p.Role == PartyMember {
			w.joinGen++
			np.joined = w.joinGen
		}
		it.parties = append(it.parties, np)
	}
	ownerID := ""
	if o := it.owner(); o != nil {
		ownerID = o.userID
	}
	if in.OwnerID != ownerID {
		return Errorf(Invalid, "%s: ownerId %q is not the participant with role Owner (%q)", where, in.OwnerID, ownerID)
	}
	switch in.State {
	case Queued, InWorkbin, Completed:
		if len(in.Participants) > 0 {
			return Errorf(Invalid, "%s: a %s interaction has no participants", where, in.State)
		}
	case Invited:
		if len(in.Participants) != 1 || count[PartyInvited] != 1 {
			return Errorf(Invalid, "%s: an Invited interaction has exactly one participant, with role Invited", where)
		}
	case Processing:
		if count[PartyOwner] != 1 || count[PartyInvited] != 0 {
			return Errorf(Invalid, "%s: a Processing interaction has exactly one Owner and no Invited participant", where)
		}
	case Composing:
		if len(in.Participants) != 1 || count[PartyOwner] != 1 {
			return Errorf(Invalid, "%s: a Composing interaction has exactly one participant, its Owner", where)
		}
		if in.Channel != Email || it.typ != TypeOutbound {
			return Errorf(Invalid, "%s: only an outbound email is Composing", where)
		}
	default:
		return Errorf(Invalid, "%s: unknown state %q", where, in.State)
	}
	if (in.State == InWorkbin) != (it.workbin != "") {
		return Errorf(Invalid, "%s: workbin is set exactly when the state is InWorkbin", where)
	}
	for _, id := range in.Excluded {
		if w.userByID[id] == nil {
			return Errorf(Invalid, "%s: excluded user %q is not a known user", where, id)
		}
	}
	it.excluded = slices.Clone(in.Excluded)
	if in.ParentID != "" && !validInteractionID(in.ParentID) {
		return Errorf(Invalid, "%s: parentId %q is not 16 characters [0-9A-Za-z]", where, in.ParentID)
	}
	if err := w.loadChat(where, it, in.Chat); err != nil {
		return err
	}
	w.inters[it.id] = it
	for _, p := range it.parties {
		m := w.held[p.userID]
		if m == nil {
			m = make(map[string]*interaction)
			w.held[p.userID] = m
		}
		m[it.id] = it
	}
	switch it.state {
	case Queued:
		w.waiting = append(w.waiting, it)
	case Completed:
		w.completed = append(w.completed, it)
	}
	return nil
}

func firstDuplicate[T comparable](xs []T) T {
	seen := make(map[T]bool, len(xs))
	for _, x := range xs {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	var zero T
	return zero
}

// loadChat checks and sets a chat's transcript. A "transcript" in a chat's
// channel data (the form before transcripts were kept by the contact
// center) is dropped.
func (w *world) loadChat(where string, it *interaction, in *ChatRecord) error {
	if it.channel == Chat {
		delete(it.channelData, "transcript")
	}
	if in == nil {
		return nil
	}
	if it.channel != Chat {
		return Errorf(Invalid, "%s: only a chat has a transcript", where)
	}
	l := &chatLog{customerID: in.CustomerParticipantID, customerLeft: in.CustomerLeft}
	if l.customerID != "" && !validParticipantID(l.customerID) {
		return Errorf(Invalid, "%s: chat: customer participantId %q is not 16 characters [0-9A-F]", where, l.customerID)
	}
	for j, a := range in.Agents {
		aw := fmt.Sprintf("%s: chat.agents[%d]", where, j)
		switch {
		case w.userByID[a.UserID] == nil:
			return Errorf(Invalid, "%s: userId %q is not a known user", aw, a.UserID)
		case l.agent(a.UserID) != nil:
			return Errorf(Invalid, "%s: user %q listed twice", aw, a.UserID)
		case !validParticipantID(a.ParticipantID):
			return Errorf(Invalid, "%s: participantId %q is not 16 characters [0-9A-F]", aw, a.ParticipantID)
		case l.usesID(a.ParticipantID):
			return Errorf(Invalid, "%s: participantId %q is used twice", aw, a.ParticipantID)
		}
		l.agents = append(l.agents, a)
	}
	if len(in.Transcript) > MaxTranscript {
		return Errorf(Invalid, "%s: chat: the transcript holds more than %d events", where, MaxTranscript)
	}
	for j, e := range in.Transcript {
		ew := fmt.Sprintf("%s: chat.transcript[%d]", where, j)
		switch {
		case j > 0 && e.Index != in.Transcript[j-1].Index+1 || e.Index < 1:
			return Errorf(Invalid, "%s: index %d does not follow the previous one", ew, e.Index)
		case e.From != FromAgent && e.From != FromClient && e.From != FromSystem:
			return Errorf(Invalid, "%s: unknown from.type %q", ew, e.From)
		case e.ParticipantID != "" && !validParticipantID(e.ParticipantID):
			return Errorf(Invalid, "%s: participantId %q is not 16 characters [0-9A-F]", ew, e.ParticipantID)
		}
		switch e.Type {
		case ChatText, ChatTypingStarted, ChatTypingStopped, ChatParticipantJoined, ChatParticipantLeft:
		default:
			return Errorf(Invalid, "%s: unknown type %q", ew, e.Type)
		}
		if (e.Type == ChatText) != (e.Text != "") {
			return Errorf(Invalid, "%s: text is set exactly on Text events", ew)
		}
	}
	l.events = slices.Clone(in.Transcript)
	it.chat = l
	return nil
}

// validParticipantID reports whether s is 16 characters [0-9A-F].
func validParticipantID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(hexDigitsUpper, rune(s[i])) {
			return false
		}
	}
	return true
}
