// Package simulate brings the mock's contact center to life for a developer
// who works in it by hand: customers arrive (emails, chats, workitems) at
// set rates, chat customers write and leave, and the agents no real client
// is logged in as play themselves: they go Ready, accept their offers after
// a think time, answer chats and finish their work after a handling time.
//
// It drives the contact center only through its public methods, so each of
// its actions is an ordinary transition, seen in the state, the
// notifications and the journal like any other; it never holds its lock
// across one. A run is a function of its seed: all randomness comes from
// one seeded source and all time from the injected clock and timers, so
// under a fake clock the same seed gives the same actions
// (docs/decisions.md, "A living contact center").
package simulate

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// Options choose what a simulation does.
type Options struct {
	// Rates are the customers arriving per minute on each channel; a
	// channel missing or at 0 gets none. nil: DefaultRates.
	Rates Rates
	// Seed seeds the one random source: the same seed plays the same
	// arrivals, texts and delays. 0: a seed from the clock, which
	// Simulator.Seed and the start-up log line tell.
	Seed int64
}

// Config is a Simulator's world: its options, the contact center it plays
// and how it learns who is logged in and what time it is.
type Config struct {
	Options
	// Center is the contact center played. Required.
	Center *contactcenter.Center
	// Online reports whether a real client is logged in as the user, by
	// its id (in the mock: the user holds a CometD session). Such an agent
	// is never played. nil: nobody is.
	Online func(userID string) bool
	// Now is the clock of the actions' times; default time.Now.
	Now func() time.Time
	// AfterFunc arms a timer that calls f once after d, on another
	// goroutine; stop cancels it. Default: time.AfterFunc. It may be
	// called with the simulator's lock held, so it must never call f
	// synchronously.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// Logger receives each action at Info and each refused one at Debug.
	// Default: discard.
	Logger *slog.Logger
	// Observe, when set, is called with each action after it succeeded,
	// on the goroutine that made it, without the simulator's lock.
	Observe func(Action)
}

// ActionKind says what a simulated customer or agent did.
type ActionKind string

// Action kinds.
const (
	Arrive        ActionKind = "arrive"         // a customer's interaction was created
	GoReady       ActionKind = "ready"          // a played agent went Ready on a channel
	Accept        ActionKind = "accept"         // a played agent accepted an offer
	Answer        ActionKind = "answer"         // a played agent wrote in a chat
	Finish        ActionKind = "finish"         // a played agent stopped processing
	CustomerWrite ActionKind = "customer-write" // a chat customer wrote
	CustomerLeave ActionKind = "customer-leave" // a chat customer left
)

// Action is one thing the simulation did.
type Action struct {
	At          time.Time
	Kind        ActionKind
	Channel     contactcenter.Channel
	Interaction string // its id
	Agent       string // the played agent's userName; "" for a customer's action
	Text        string // the message written, an email's or workitem's subject
}

// String is the action on one line.
func (a Action) String() string {
	s := fmt.Sprintf("%s %s %s %s", a.At.Format("15:04:05.000"), a.Kind, a.Channel, a.Interaction)
	if a.Agent != "" {
		s += " " + a.Agent
	}
	if a.Text != "" {
		s += fmt.Sprintf(" %q", a.Text)
	}
	return s
}

// span is a range of durations drawn from uniformly.
type span struct{ min, max time.Duration }

// The pace of the simulation: how long customers and agents take.
var (
	thinkTime    = span{2 * time.Second, 8 * time.Second}   // before accepting an offer
	answerTime   = span{4 * time.Second, 15 * time.Second}  // before answering a customer
	replyTime    = span{5 * time.Second, 25 * time.Second}  // before a customer answers an agent
	wrapUpTime   = span{3 * time.Second, 10 * time.Second}  // after the customer left, before finishing
	patience     = span{10 * time.Minute, 20 * time.Minute} // a chat customer leaves at the latest
	handlingTime = map[contactcenter.Channel]span{          // from accepting to finishing
		contactcenter.Email:    {45 * time.Second, 3 * time.Minute},
		contactcenter.Workitem: {30 * time.Second, 2 * time.Minute},
		contactcenter.Chat:     {5 * time.Minute, 10 * time.Minute},
	}
	maxReplies = 3 // a chat customer writes 1 to maxReplies answers, then says goodbye
)

// Simulator plays customers and the agents nobody is logged in as. Make
// one with New, hand its Publish to the center's Sink, then Start; Stop
// ends it.
type Simulator struct {
	cfg     Config
	seed    int64
	rates   Rates
	running sync.WaitGroup // the timer callbacks under way

	mu sync.Mutex
	// guards everything below
	rng       *rand.Rand
	started   bool
	stopped   bool
	timers    map[uint64]func() bool // armed timers, by id
	lastTimer uint64
	offers    map[offer]bool       // offers whose Accept is armed
	handled   map[string]*handling // by interaction id: what played agents own
	chats     map[string]*chat     // by interaction id: the simulated customers' chats
}

type offer struct{ userID, id string }

// handling is an interaction a played agent accepted as its owner.
type handling struct {
	agent, name string // user id, userName
	channel     contactcenter.Channel
	seen        int    // last transcript index read
	nickname    string // the customer's
	need        bool   // the customer's last message is unanswered
	answered    int    // messages written
	answer      uint64 // timer of the next message; 0: none
	finish      uint64 // timer of StopProcessing; 0: none
	wrapping    bool   // the customer left: finish is the wrap-up
}

// chat is a simulated customer's chat.
type chat struct {
	seen        int    // last transcript index read
	repliesLeft int    // answers before the goodbye
	left        bool   // the customer said goodbye or left
	reply       uint64 // timer of the next message; 0: none
	leave       uint64 // timer of leaving out of patience
}

// New checks cfg and returns a Simulator that does nothing until Start.
func New(cfg Config) (*Simulator, error) {
	if cfg.Center == nil {
		return nil, errors.New("simulate: Config.Center is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rates := cfg.Rates
	if rates == nil {
		rates = DefaultRates()
	}
	if err := rates.check(); err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = cfg.Now().UnixNano()
	}
	return &Simulator{
		cfg: cfg, seed: seed, rates: rates,
		rng:     rand.New(rand.NewPCG(uint64(seed), uint64(seed))),
		timers:  make(map[uint64]func() bool),
		offers:  make(map[offer]bool),
		handled: make(map[string]*handling),
		chats:   make(map[string]*chat),
	}, nil
}

// Seed returns the seed in use.
func (s *Simulator) Seed() int64 { return s.seed }

// Start arms the first arrival of every channel with a rate. A second
// call, or one after Stop, does nothing.
func (s *Simulator) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.stopped {
		return
	}
	s.started = true
	s.cfg.Logger.Info("simulation started", "seed", s.seed, "rates", s.rates.String())
	for _, ch := range channels {
		s.armArrival(ch)
	}
}

// Stop cancels every timer and waits for the actions under way; nothing
// happens afterwards. Idempotent.
func (s *Simulator) Stop() {
	s.mu.Lock()
	first := !s.stopped
	s.stopped = true
	stops := make([]func() bool, 0, len(s.timers))
	for _, id := range slices.Sorted(maps.Keys(s.timers)) {
		stops = append(stops, s.timers[id])
	}
	clear(s.timers)
	clear(s.offers)
	clear(s.handled)
	clear(s.chats)
	s.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
	s.running.Wait()
	if first && s.started {
		s.cfg.Logger.Info("simulation stopped")
	}
}

// after arms f after d and returns the timer's id; 0 once stopped. s.mu is
// held.
func (s *Simulator) after(d time.Duration, f func()) uint64 {
	if s.stopped {
		return 0
	}
	s.lastTimer++
	id := s.lastTimer
	s.timers[id] = s.cfg.AfterFunc(d, func() {
		s.mu.Lock()
		if _, armed := s.timers[id]; !armed || s.stopped {
			s.mu.Unlock()
			return
		}
		delete(s.timers, id)
		s.running.Add(1)
		s.mu.Unlock()
		defer s.running.Done()
		f()
	})
	return id
}

// cancel disarms timer id (0: none). s.mu is held.
func (s *Simulator) cancel(id uint64) {
	if stop, ok := s.timers[id]; ok {
		delete(s.timers, id)
		stop()
	}
}

// draw returns a duration of sp, to the millisecond. s.mu is held.
func (s *Simulator) draw(sp span) time.Duration {
	ms := sp.min.Milliseconds() + s.rng.Int64N(sp.max.Milliseconds()-sp.min.Milliseconds()+1)
	return time.Duration(ms) * time.Millisecond
}

// pick returns one of list. s.mu is held.
func pick[T any](s *Simulator, list []T) T { return list[s.rng.IntN(len(list))] }

func (s *Simulator) online(userID string) bool {
	return s.cfg.Online != nil && s.cfg.Online(userID)
}

// did reports an action that succeeded.
func (s *Simulator) did(a Action) {
	a.At = s.cfg.Now()
	args := []any{"channel", a.Channel}
	for _, kv := range [][2]string{{"interaction", a.Interaction}, {"agent", a.Agent}, {"text", a.Text}} {
		if kv[1] != "" {
			args = append(args, kv[0], kv[1])
		}
	}
	s.cfg.Logger.Info("simulated "+string(a.Kind), args...)
	if s.cfg.Observe != nil {
		s.cfg.Observe(a)
	}
}

// refused reports an action the contact center refused: the world moved
// on (a real client acted, an offer was revoked), which is not an error.
func (s *Simulator) refused(kind ActionKind, id string, err error) {
	s.cfg.Logger.Debug("simulated "+string(kind)+" refused", "interaction", id, "error", err)
}

// armArrival arms the next customer of ch after an exponential wait, so
// that arrivals are a Poisson process of the channel's rate. s.mu is held.
func (s *Simulator) armArrival(ch contactcenter.Channel) {
	perMinute := s.rates[ch]
	if perMinute <= 0 {
		return
	}
	d := time.Duration(s.rng.ExpFloat64() / perMinute * float64(time.Minute))
	s.after(max(d, time.Millisecond), func() { s.arrive(ch) })
}

// arrive makes a customer of ch arrive: the played agents of ch go Ready
// first, so that someone takes it.
func (s *Simulator) arrive(ch contactcenter.Channel) {
	s.mu.Lock()
	n, what, replies := s.newInteraction(ch)
	s.armArrival(ch)
	s.mu.Unlock()
	s.staff(ch)
	v, err := s.cfg.Center.Create(n)
	if err != nil {
		s.refused(Arrive, "", err)
		return
	}
	if ch == contactcenter.Chat {
		s.mu.Lock()
		c := &chat{repliesLeft: replies}
		s.chats[v.ID] = c
		c.leave = s.after(s.draw(patience), func() { s.leave(v.ID, c) })
		s.mu.Unlock()
	}
	s.did(Action{Kind: Arrive, Channel: ch, Interaction: v.ID, Text: what})
}

// newInteraction draws a customer's interaction on ch, what it is about
// and, for a chat, how many answers the customer will write. s.mu is held.
func (s *Simulator) newInteraction(ch contactcenter.Channel) (n contactcenter.NewInteraction, what string, replies int) {
	c := pick(s, customers)
	n = contactcenter.NewInteraction{Channel: ch, UserData: map[string]any{"customerId": c.id}}
	switch ch {
	case contactcenter.Email:
		e := pick(s, emails)
		n.ChannelData = map[string]any{
			"from":    strings.ToLower(c.first+"."+c.last) + "@example.com",
			"to":      "support@example.com",
			"subject": e.subject,
			"body":    e.body + "\n\n" + c.first + " " + c.last,
		}
		what = e.subject
	case contactcenter.Chat:
		n.ChannelData = map[string]any{"nickname": c.first}
		n.Text = pick(s, chatOpenings)
		what = n.Text
		replies = 1 + s.rng.IntN(maxReplies)
	case contactcenter.Workitem:
		what = pick(s, workitems)
		n.ChannelData = map[string]any{"caseNumber": fmt.Sprintf("CASE-%d", 1000+s.rng.IntN(9000)), "subject": what}
	}
	return n, what, replies
}

// staff makes every agent of ch nobody is logged in as Ready on ch.
func (s *Simulator) staff(ch contactcenter.Channel) {
	snap := s.cfg.Center.Snapshot()
	var queues []string
	for _, q := range snap.Queues {
		if q.Channel == ch {
			queues = append(queues, q.Name)
		}
	}
	for _, u := range snap.Users {
		serves := slices.ContainsFunc(u.Queues, func(q string) bool { return slices.Contains(queues, q) })
		if !u.HasRole(contactcenter.RoleAgent) || !slices.Contains(u.Channels, ch) || !serves ||
			slices.Contains(u.Ready, ch) && !u.LoggedOut || s.online(u.ID) {
			continue
		}
		if err := s.cfg.Center.ChangeReadiness(u.ID, ch, true); err != nil {
			s.refused(GoReady, "", err)
			continue
		}
		s.did(Action{Kind: GoReady, Channel: ch, Agent: u.UserName})
	}
}

// Publish implements contactcenter.Sink: it arms the reactions of the
// played agents and the simulated customers to what happened. It never
// calls the center.
func (s *Simulator) Publish(events []contactcenter.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.stopped {
		return
	}
	for i := range events {
		switch e := &events[i]; e.Kind {
		case contactcenter.InteractionEvent:
			s.sawInteraction(e)
		case contactcenter.MessageLogEvent:
			if c := s.chats[e.InteractionID]; c != nil {
				s.customerRead(e.InteractionID, c, e.Messages)
			}
			if h := s.handled[e.InteractionID]; h != nil && h.agent == e.UserID {
				s.agentRead(e.InteractionID, h, e.Messages)
			}
		}
	}
}

// sawInteraction arms the Accept of an offer and forgets what ended.
// s.mu is held.
func (s *Simulator) sawInteraction(e *contactcenter.Event) {
	v := &e.Interaction
	if e.Notification != contactcenter.StatusChange {
		return
	}
	switch v.State {
	case contactcenter.Invited, contactcenter.InvitedConference:
		k := offer{e.UserID, v.ID}
		if !s.offers[k] {
			s.offers[k] = true
			userID, name, id, ch := e.UserID, e.UserName, v.ID, v.Channel
			conference := v.State == contactcenter.InvitedConference
			s.after(s.draw(thinkTime), func() { s.accept(userID, name, id, ch, conference) })
		}
	case contactcenter.Processing:
	default: // the recipient's part ended
		if h := s.handled[v.ID]; h != nil && h.agent == e.UserID {
			s.drop(v.ID, h)
		}
		if c := s.chats[v.ID]; c != nil && v.State == contactcenter.Completed {
			s.cancel(c.reply)
			s.cancel(c.leave)
			delete(s.chats, v.ID)
		}
	}
}

// drop forgets a handled interaction and its timers. s.mu is held.
func (s *Simulator) drop(id string, h *handling) {
	s.cancel(h.answer)
	s.cancel(h.finish)
	if s.handled[id] == h {
		delete(s.handled, id)
	}
}

// accept takes an offer for an agent nobody is logged in as; as the owner
// it then finishes after a handling time.
func (s *Simulator) accept(userID, name, id string, ch contactcenter.Channel, conference bool) {
	s.mu.Lock()
	delete(s.offers, offer{userID, id})
	s.mu.Unlock()
	if s.online(userID) {
		return
	}
	var h *handling
	if !conference {
		// Registered before AcceptAs: its message-log event (the
		// transcript so far) reaches Publish before AcceptAs returns.
		h = &handling{agent: userID, name: name, channel: ch}
		s.mu.Lock()
		s.handled[id] = h
		s.mu.Unlock()
	}
	if _, err := s.cfg.Center.AcceptAs(userID, id, ""); err != nil {
		if h != nil {
			s.mu.Lock()
			s.drop(id, h)
			s.mu.Unlock()
		}
		s.refused(Accept, id, err)
		return
	}
	if h != nil {
		s.mu.Lock()
		if s.handled[id] == h && h.finish == 0 {
			h.finish = s.after(s.draw(handlingTime[ch]), func() { s.finish(id, h) })
		}
		s.mu.Unlock()
	}
	s.did(Action{Kind: Accept, Channel: ch, Interaction: id, Agent: name})
}

// unread returns the events of msgs past index *seen, which it moves to the
// last one: every owner and member is sent each event, and an agent who
// joins is sent the whole transcript again.
func unread(seen *int, msgs []contactcenter.ChatEvent) []contactcenter.ChatEvent {
	var out []contactcenter.ChatEvent
	for _, m := range msgs {
		if m.Index > *seen {
			*seen = m.Index
			out = append(out, m)
		}
	}
	return out
}

// agentRead is a played owner reading new chat events: it answers the
// customer's last message, and finishes after a wrap-up once the customer
// left. s.mu is held.
func (s *Simulator) agentRead(id string, h *handling, msgs []contactcenter.ChatEvent) {
	for _, m := range unread(&h.seen, msgs) {
		switch {
		case m.From == contactcenter.FromClient && m.Type == contactcenter.ChatText:
			h.need, h.nickname = true, m.Nickname
		case m.From == contactcenter.FromAgent && m.Type == contactcenter.ChatText:
			h.need = false
		case m.From == contactcenter.FromClient && m.Type == contactcenter.ChatParticipantLeft:
			if !h.wrapping {
				h.wrapping = true
				s.cancel(h.answer)
				s.cancel(h.finish)
				h.answer = 0
				h.finish = s.after(s.draw(wrapUpTime), func() { s.finish(id, h) })
			}
		}
	}
	if h.need && !h.wrapping && h.answer == 0 {
		h.answer = s.after(s.draw(answerTime), func() { s.answer(id, h) })
	}
}

// holding reports whether h is still how id is played and, when it is,
// runs f under s.mu.
func (s *Simulator) holding(id string, h *handling, f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handled[id] != h {
		return false
	}
	f()
	return true
}

// answer writes a played owner's chat message.
func (s *Simulator) answer(id string, h *handling) {
	var text string
	if !s.holding(id, h, func() {
		h.answer = 0
		text = pick(s, answers)
		if h.answered == 0 {
			text = fmt.Sprintf(pick(s, greetings), h.nickname)
		}
		h.answered++
	}) {
		return
	}
	if s.leftToClient(id, h) {
		return
	}
	if _, err := s.cfg.Center.SendMessage(h.agent, id, text); err != nil {
		s.refused(Answer, id, err)
		return
	}
	s.did(Action{Kind: Answer, Channel: h.channel, Interaction: id, Agent: h.name, Text: text})
}

// finish stops processing a played owner's interaction.
func (s *Simulator) finish(id string, h *handling) {
	if !s.holding(id, h, func() { s.drop(id, h) }) {
		return
	}
	if s.online(h.agent) {
		return
	}
	if _, err := s.cfg.Center.StopProcessing(h.agent, id); err != nil {
		s.refused(Finish, id, err)
		return
	}
	s.did(Action{Kind: Finish, Channel: h.channel, Interaction: id, Agent: h.name})
}

// leftToClient reports whether a real client logged in as h's agent since
// it accepted; the interaction is then the client's and no longer played.
func (s *Simulator) leftToClient(id string, h *handling) bool {
	if !s.online(h.agent) {
		return false
	}
	s.mu.Lock()
	s.drop(id, h)
	s.mu.Unlock()
	return true
}

// customerRead is a simulated customer reading new chat events: an agent's
// message gets an answer after a delay. s.mu is held.
func (s *Simulator) customerRead(id string, c *chat, msgs []contactcenter.ChatEvent) {
	wrote := false
	for _, m := range unread(&c.seen, msgs) {
		switch {
		case m.From == contactcenter.FromAgent && m.Type == contactcenter.ChatText:
			wrote = true
		case m.From == contactcenter.FromClient && m.Type == contactcenter.ChatParticipantLeft:
			c.left = true // through the control API
		}
	}
	if wrote && !c.left && c.reply == 0 {
		c.reply = s.after(s.draw(replyTime), func() { s.reply(id, c) })
	}
}

// reply writes a simulated customer's answer or, when it has none left,
// its goodbye, and then leaves.
func (s *Simulator) reply(id string, c *chat) {
	s.mu.Lock()
	if s.chats[id] != c || c.left {
		s.mu.Unlock()
		return
	}
	c.reply = 0
	bye := c.repliesLeft == 0
	text := ""
	if bye {
		text = pick(s, goodbyes)
		c.left = true
		s.cancel(c.leave)
		delete(s.chats, id)
	} else {
		text = pick(s, customerReplies)
		c.repliesLeft--
	}
	s.mu.Unlock()
	if _, err := s.cfg.Center.CustomerWrite(id, contactcenter.ChatText, text); err != nil {
		s.refused(CustomerWrite, id, err)
		return
	}
	s.did(Action{Kind: CustomerWrite, Channel: contactcenter.Chat, Interaction: id, Text: text})
	if !bye {
		return
	}
	if err := s.cfg.Center.CustomerLeave(id); err != nil {
		s.refused(CustomerLeave, id, err)
		return
	}
	s.did(Action{Kind: CustomerLeave, Channel: contactcenter.Chat, Interaction: id})
}

// leave is a simulated customer whose patience ran out leaving its chat.
func (s *Simulator) leave(id string, c *chat) {
	s.mu.Lock()
	if s.chats[id] != c {
		s.mu.Unlock()
		return
	}
	s.cancel(c.reply)
	delete(s.chats, id)
	left := c.left
	s.mu.Unlock()
	if left {
		return
	}
	if err := s.cfg.Center.CustomerLeave(id); err != nil {
		s.refused(CustomerLeave, id, err)
		return
	}
	s.did(Action{Kind: CustomerLeave, Channel: contactcenter.Chat, Interaction: id})
}
