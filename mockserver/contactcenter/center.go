package contactcenter

import (
	"crypto/subtle"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config tunes a Center. The zero value is usable.
type Config struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// NewID returns new interaction ids, 16 characters [0-9A-Za-z];
	// default NewIDSource(1). An id already in use is skipped.
	NewID func() string
	// Sink receives the events; nil drops them.
	Sink Sink
	// InviteTimeout revokes an offer (Invited or InvitedConference) that is
	// still open after this long; 0 means offers never time out.
	InviteTimeout time.Duration
	// AfterFunc arms a timer that calls f once after d, on another goroutine;
	// stop cancels it. Default: time.AfterFunc. It is called with the state
	// lock held, so it must never call f synchronously.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// RetainCompleted is how many completed interactions stay readable
	// (the oldest are dropped first); 0 means 1000, negative means none.
	RetainCompleted int
	// MaxValueBytes bounds the size, in bytes of JSON, of an interaction's
	// userData and of its channel data, each, as Create, UpdateProperties
	// and UpdateChannelData would leave them: more is Invalid, so that
	// merge patches cannot grow an interaction (and every notification
	// about it) without bound. 0 means DefaultMaxValueBytes, negative means
	// no bound. Restore and New do not check it.
	MaxValueBytes int
	// OnChange, when set, is called after every transition that succeeded
	// and after every Restore, outside the state lock, in the goroutine
	// that made the change. It must return quickly (signal a channel, say);
	// VersionedSnapshot tells what the state is by then. A persistence
	// layer hangs here: not every change emits events (Restore emits none).
	OnChange func()
}

// DefaultRetainCompleted is the RetainCompleted used when Config leaves it 0.
const DefaultRetainCompleted = 1000

// DefaultMaxValueBytes is the MaxValueBytes used when Config leaves it 0:
// the REST API's request body limit.
const DefaultMaxValueBytes = 1 << 20

// Center is one simulated contact center. All methods are safe for
// concurrent use.
//
// Every state-changing method is one transition: it takes the state lock
// once, reads, decides and writes, collects the events it causes, and hands
// them to the Sink after releasing the lock, in the order the transitions
// happened. A refused transition changes nothing and emits nothing.
//
// An agent's operation (Accept ... UpdateChannelData, SetReady,
// SetReadyAll, StartContactCenterSession, EndContactCenterSession) returns
// ref, its referenceId: per user, 1 for the user's first successful
// operation and one more for each further one; a refused operation takes no
// number (docs/behavior.md B4.16). Every event of that transition addressed
// to the caller carries it as Event.ReferenceID. The counters are not part
// of the state: Restore leaves them alone. Control-API transitions and
// timeouts take no number.
//
// Errors are *Error values. When several things are wrong with a request,
// the first of these is reported:
//
//  1. NotFound: no such interaction.
//  2. Forbidden: the caller is not the party the operation needs (not a
//     party at all, or, for owner operations, not the owner; for
//     UpdateProperties and EndConference, not the owner or a member).
//  3. Invalid: a parameter is missing, malformed or names no known queue,
//     workbin or agent (or an agent not on the interaction's channel).
//  4. Forbidden: the caller may not use what it named: a workbin that is
//     not its own nor shared with it (PlaceInWorkbin, GetWorkbinContent),
//     or, as a member, another agent (EndConference).
//  5. Conflict: the operation is not valid in the current state: Accept or
//     Reject without an open offer (e.g. a second Accept), PlaceInQueue,
//     PlaceInWorkbin or Transfer while a conference is on or being set up,
//     EndConference without a conference, a target who already takes part,
//     has no contact-center session or no free capacity on the channel.
type Center struct {
	now           func() time.Time
	newID         func() string
	sink          Sink
	inviteTimeout time.Duration
	afterFunc     func(time.Duration, func()) func() bool
	retain        int
	maxValue      int // 0: no bound
	onChange      func()

	// guards pubTurn, the ticket of the batch whose turn it is to be handed
	// to the sink; pubCond waits for it to change. Batches are handed over
	// in ticket order, one at a time.
	pubMu   sync.Mutex
	pubCond *sync.Cond
	pubTurn uint64

	// guards w, seq, nextTicket, offerGen, pending, refs, and the writes
	// of version: all domain state
	mu sync.Mutex
	// version counts the changes: successful transitions and Restores.
	// Written under mu, together with the change; read without it by
	// Version, so that a reader that only asks whether anything changed
	// (a cached answer) does not queue behind the writers.
	version    atomic.Uint64
	w          *world
	seq        uint64         // Seq of the last event
	nextTicket uint64         // ticket of the next batch of events
	offerGen   uint64         // token of the last offer
	pending    []pendingEvent // events of the transition under way
	stamp      time.Time      // the time of the transition under way, read once (instant)
	// refs is the last referenceId per user id. It lives outside the world,
	// so Restore never sets a counter back (docs/behavior.md B4.16).
	refs map[string]int64
}

// New returns a Center holding the state of snap, which is validated first
// (Invalid errors name the bad item). Interactions that wait in a queue are
// not routed until the next transition.
func New(cfg Config, snap Snapshot) (*Center, error) {
	c := &Center{
		now:           cfg.Now,
		newID:         cfg.NewID,
		sink:          cfg.Sink,
		inviteTimeout: cfg.InviteTimeout,
		afterFunc:     cfg.AfterFunc,
		retain:        cfg.RetainCompleted,
		maxValue:      cfg.MaxValueBytes,
		onChange:      cfg.OnChange,
		refs:          make(map[string]int64),
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.newID == nil {
		c.newID = NewIDSource(1)
	}
	if c.afterFunc == nil {
		c.afterFunc = func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, f).Stop
		}
	}
	if c.retain == 0 {
		c.retain = DefaultRetainCompleted
	}
	if c.retain < 0 {
		c.retain = 0
	}
	switch {
	case c.maxValue == 0:
		c.maxValue = DefaultMaxValueBytes
	case c.maxValue < 0:
		c.maxValue = 0
	}
	c.pubCond = sync.NewCond(&c.pubMu)
	w, err := load(snap, c.now())
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.w = w
	c.trimCompleted()
	c.armAll()
	return c, nil
}

// Snapshot returns a deep copy of the whole state: users, queues and
// workbins in the order they were loaded, interactions (retained completed
// ones included) by receivedDate, then id.
func (c *Center) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.snapshot()
}

// Version counts the changes made so far (successful transitions and
// Restores); it only grows. Every read method answers from the state of
// one version: two reads that see the same Version see the same state.
func (c *Center) Version() uint64 {
	return c.version.Load()
}

// VersionedSnapshot returns Snapshot and the Version it reflects, taken
// together.
func (c *Center) VersionedSnapshot() (Snapshot, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.snapshot(), c.version.Load()
}

func (c *Center) changed() {
	if c.onChange != nil {
		c.onChange()
	}
}

// Restore replaces the whole state by s. It validates s fully first; on
// error nothing changes. Open timers are cancelled (offers in s get new
// ones) and no events are emitted; waiting interactions are routed by the
// next transition.
func (c *Center) Restore(s Snapshot) error {
	w, err := load(s, c.now())
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.stopAll()
	c.w = w
	c.trimCompleted()
	c.armAll()
	c.version.Add(1)
	c.mu.Unlock()
	c.changed()
	return nil
}

// Authenticate returns the user with that userName and password. A user
// without a password cannot log in.
func (c *Center) Authenticate(userName, password string) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.w.userByName[userName]
	if u == nil || u.Password == "" || subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) != 1 {
		return User{}, false
	}
	return u.export(), true
}

// User returns the user with that id.
func (c *Center) User(id string) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.w.userByID[id]
	if u == nil {
		return User{}, false
	}
	return u.export(), true
}

// UserByName returns the user with that userName.
func (c *Center) UserByName(name string) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.w.userByName[name]
	if u == nil {
		return User{}, false
	}
	return u.export(), true
}

// Readiness is whether a user is Ready on one channel.
type Readiness struct {
	Channel Channel
	Ready   bool
}

// Readiness returns the user's readiness per channel, in the user's channel
// order. Errors: NotFound for an unknown user.
func (c *Center) Readiness(userID string) ([]Readiness, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.w.userByID[userID]
	if u == nil {
		return nil, Errorf(NotFound, "user %q not found", userID)
	}
	out := make([]Readiness, 0, len(u.Channels))
	for _, ch := range u.Channels {
		out = append(out, Readiness{Channel: ch, Ready: u.ready[ch]})
	}
	return out, nil
}

// SetReady makes the user Ready or NotReady on a channel; Ready also logs
// a logged-out agent in again. The user gets a ChannelStateEvent when its
// readiness changed, nothing otherwise. Going Ready routes the interactions
// waiting for an agent in the same transition. ref is the request's
// referenceId.
//
// Errors: NotFound for an unknown user, Invalid for a channel the user does
// not handle.
func (c *Center) SetReady(userID string, ch Channel, ready bool) (ref int64, err error) {
	return c.operation(userID, func(w *world) error { return c.setReady(w, userID, ch, ready) })
}

// ChangeReadiness is the control API's SetReady: the same change, caused by
// no user request, so it takes no referenceId.
//
// Errors: as SetReady.
func (c *Center) ChangeReadiness(userID string, ch Channel, ready bool) error {
	return c.transition(func(w *world) error { return c.setReady(w, userID, ch, ready) })
}

func (c *Center) setReady(w *world, userID string, ch Channel, ready bool) error {
	u := w.userByID[userID]
	if u == nil {
		return Errorf(NotFound, "user %q not found", userID)
	}
	if !slices.Contains(u.Channels, ch) {
		return Errorf(Invalid, "channel %q is not a channel of %s", ch, u.UserName)
	}
	if ready {
		u.LoggedOut = false
	}
	c.ready(u, ch, ready)
	c.dispatch()
	return nil
}

// ready sets u's readiness on ch and tells u when it changed.
func (c *Center) ready(u *user, ch Channel, ready bool) {
	if u.ready[ch] == ready {
		return
	}
	u.ready[ch] = ready
	c.pending = append(c.pending, pendingEvent{kind: ChannelStateEvent, userID: u.ID, channel: ch, ready: ready})
}

// SetReadyAll makes the user Ready or NotReady on every one of its
// channels, as SetReady does for one.
//
// Errors: NotFound for an unknown user.
func (c *Center) SetReadyAll(userID string, ready bool) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		u := w.userByID[userID]
		if u == nil {
			return Errorf(NotFound, "user %q not found", userID)
		}
		if ready {
			u.LoggedOut = false
		}
		for _, ch := range u.Channels {
			c.ready(u, ch, ready)
		}
		c.dispatch()
		return nil
	})
}

// StartContactCenterSession logs the agent in, Ready on channels (nil: on
// every channel of the user) and NotReady on its other channels; waiting
// interactions are routed in the same transition.
//
// Errors: NotFound for an unknown user, Invalid for an empty (non-nil)
// list, an unknown channel or one the user does not handle.
func (c *Center) StartContactCenterSession(userID string, channels []Channel) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		u := w.userByID[userID]
		if u == nil {
			return Errorf(NotFound, "user %q not found", userID)
		}
		if channels == nil {
			channels = u.Channels
		}
		if len(channels) == 0 {
			return Errorf(Invalid, "channels must name at least one channel")
		}
		for _, ch := range channels {
			if !validChannel(ch) {
				return Errorf(Invalid, "channels: unknown channel %q", ch)
			}
			if !slices.Contains(u.Channels, ch) {
				return Errorf(Invalid, "channels: channel %q is not a channel of %s", ch, u.UserName)
			}
		}
		u.LoggedOut = false
		for _, ch := range u.Channels {
			c.ready(u, ch, slices.Contains(channels, ch))
		}
		c.dispatch()
		return nil
	})
}

// EndContactCenterSession makes the agent NotReady on every channel and
// logs it out: routing passes it by and direct offers naming it are
// refused until it starts a session or goes Ready again. What it holds
// stays.
//
// Errors: NotFound for an unknown user.
func (c *Center) EndContactCenterSession(userID string) (ref int64, err error) {
	return c.operation(userID, func(w *world) error {
		u := w.userByID[userID]
		if u == nil {
			return Errorf(NotFound, "user %q not found", userID)
		}
		u.LoggedOut = true
		for _, ch := range u.Channels {
			c.ready(u, ch, false)
		}
		return nil
	})
}

// MyInteractions returns the interactions in which the user is a party
// (Invited, InvitedConference, Owner or Member), as the user sees them, by
// receivedDate, then id. Never nil.
func (c *Center) MyInteractions(userID string) []View {
	views, _ := c.VersionedMyInteractions(userID)
	return views
}

// VersionedMyInteractions returns MyInteractions and the Version it
// reflects, taken together: a caller may keep what it makes of the views
// for as long as Version still returns that number.
func (c *Center) VersionedMyInteractions(userID string) ([]View, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	its := make([]*interaction, 0, len(c.w.held[userID]))
	for _, it := range c.w.held[userID] {
		its = append(its, it)
	}
	return c.views(its, userID), c.version.Load()
}

// Active returns every interaction that is not Completed (Queued, Invited,
// Processing, InWorkbin), as the viewer sees it, by receivedDate, then id.
// Never nil.
func (c *Center) Active(viewerID string) []View {
	c.mu.Lock()
	defer c.mu.Unlock()
	var its []*interaction
	for _, it := range c.w.inters {
		if it.state != Completed {
			its = append(its, it)
		}
	}
	return c.views(its, viewerID)
}

// Interaction returns one interaction as the viewer sees it; retained
// completed interactions are readable. Errors: NotFound for an unknown id.
func (c *Center) Interaction(viewerID, id string) (View, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it := c.w.inters[id]
	if it == nil {
		return View{}, Errorf(NotFound, "interaction %q not found", id)
	}
	return c.view(it, viewerID), nil
}

// transition runs fn under the state lock as one transition caused by no
// user request and publishes the events it collected. fn must return an
// error before it changes anything, or change state and return nil.
func (c *Center) transition(fn func(w *world) error) error {
	_, err := c.operation("", fn)
	return err
}

// operation is transition for a request of user caller: on success the
// caller's referenceId counter grows by one and every event for the caller
// carries the new number, which is returned. A failed operation takes no
// number. caller "" is no user: no number, ref 0.
func (c *Center) operation(caller string, fn func(w *world) error) (ref int64, err error) {
	events, ticket, ref, err := c.locked(caller, fn)
	c.publish(events, ticket)
	if err == nil {
		c.changed()
	}
	return ref, err
}

func (c *Center) locked(caller string, fn func(w *world) error) ([]Event, uint64, int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = c.pending[:0]
	c.stamp = time.Time{}
	if err := fn(c.w); err != nil {
		c.pending = c.pending[:0]
		return nil, 0, 0, err
	}
	c.version.Add(1)
	var ref int64
	if caller != "" {
		ref = c.refs[caller] + 1
		c.refs[caller] = ref
	}
	events := c.flush(caller, ref)
	if len(events) == 0 {
		return nil, 0, ref, nil
	}
	ticket := c.nextTicket
	c.nextTicket++
	return events, ticket, ref, nil
}

// instant is the time of the transition under way: the clock is read
// once, so that what one transition makes (an interaction, its transcript
// events) carries one time. c.mu is held.
func (c *Center) instant() time.Time {
	if c.stamp.IsZero() {
		c.stamp = c.now()
	}
	return c.stamp
}

// publish hands a batch to the sink once every batch with a smaller ticket
// has been handed over, so the sink sees the transitions in order and is
// never called concurrently with itself.
func (c *Center) publish(events []Event, ticket uint64) {
	if len(events) == 0 {
		return
	}
	c.pubMu.Lock()
	defer c.pubMu.Unlock()
	for c.pubTurn != ticket {
		c.pubCond.Wait()
	}
	defer func() {
		c.pubTurn++
		c.pubCond.Broadcast()
	}()
	if c.sink != nil {
		c.sink.Publish(events)
	}
}
