package contactcenter

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/testusers"
)

// Fixture-like test data: four agents on email and chat, an admin, one
// queue per channel, a private workbin per agent and one shared workbin.
const (
	aliceID = "a11ce000000000000000000000000001"
	bobID   = "b0b00000000000000000000000000002"
	carolID = "ca201000000000000000000000000003"
	daveID  = "da7e0000000000000000000000000004"
	adminID = "ad000000000000000000000000000005"

	emailQueueID    = "00000000-0000-4000-8000-0000000000e1"
	chatQueueID     = "00000000-0000-4000-8000-0000000000c1"
	workitemQueueID = "00000000-0000-4000-8000-0000000000f1"

	aliceWorkbinID = "00000000-0000-4000-8000-00000000b001"
	bobWorkbinID   = "00000000-0000-4000-8000-00000000b002"
	carolWorkbinID = "00000000-0000-4000-8000-00000000b003"
	daveWorkbinID  = "00000000-0000-4000-8000-00000000b004"
	teamWorkbinID  = "00000000-0000-4000-8000-00000000b0ff"
)

var userNames = map[string]string{
	aliceID: "alice", bobID: "bob", carolID: "carol", daveID: "dave", adminID: "admin",
}

var workbinNames = map[string]string{
	aliceWorkbinID: "alice-workbin", bobWorkbinID: "bob-workbin", carolWorkbinID: "carol-workbin",
	daveWorkbinID: "dave-workbin", teamWorkbinID: "team-workbin",
}

var userIDs = map[string]string{
	"alice": aliceID, "bob": bobID, "carol": carolID, "dave": daveID, "admin": adminID,
}

// Capabilities as formatted by capsString; those of an owner are of an
// inbound email's owner.
const (
	ownerCaps        = "[StopProcessing PlaceInQueue UpdateProperties PlaceInWorkbin Transfer StartConference Reply ReplyAll Forward]"
	ownerConfCaps    = "[StopProcessing UpdateProperties StartConference EndConference Reply ReplyAll Forward]"
	ownerPendingCaps = "[StopProcessing UpdateProperties StartConference Reply ReplyAll Forward]"
	plainOwnerCaps   = "[StopProcessing PlaceInQueue UpdateProperties PlaceInWorkbin Transfer StartConference]" // workitem
	chatOwnerCaps    = "[StopProcessing PlaceInQueue UpdateProperties PlaceInWorkbin Transfer StartConference SendMessage SendNotification RequestChatHistory]"
	chatConfCaps     = "[StopProcessing UpdateProperties StartConference EndConference SendMessage SendNotification RequestChatHistory]"
	chatMemberCaps   = "[UpdateProperties EndConference SendMessage SendNotification RequestChatHistory]"
	draftCaps        = "[UpdateProperties CancelReply Send]"
	offerCaps        = "[Accept Reject]"
	memberCaps       = "[UpdateProperties EndConference]"
	noCaps           = "[]"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func agent(id, name, first string) User {
	return User{
		ID: id, UserName: name, Password: testusers.Password(name), FirstName: first, LastName: "Agent",
		Roles:    []Role{RoleAgent},
		Channels: []Channel{Email, Chat},
		Queues:   []string{"email-inbound", "chat-inbound"},
		Ready:    []Channel{Email, Chat},
	}
}

func fixture() Snapshot {
	return Snapshot{
		Version: 1,
		Name:    "test",
		Users: []User{
			agent(aliceID, "alice", "Alice"),
			agent(bobID, "bob", "Bob"),
			agent(carolID, "carol", "Carol"),
			agent(daveID, "dave", "Dave"),
			{ID: adminID, UserName: "admin", Password: testusers.Password("admin"), FirstName: "Ada", LastName: "Admin", Roles: []Role{RoleAdmin}},
		},
		Queues: []Queue{
			{ID: emailQueueID, Name: "email-inbound", Channel: Email},
			{ID: chatQueueID, Name: "chat-inbound", Channel: Chat},
			{ID: workitemQueueID, Name: "workitem-inbound", Channel: Workitem},
		},
		Workbins: []Workbin{
			{ID: aliceWorkbinID, Name: "alice-workbin", Type: WorkbinAgent, OwnerID: aliceID},
			{ID: bobWorkbinID, Name: "bob-workbin", Type: WorkbinAgent, OwnerID: bobID},
			{ID: carolWorkbinID, Name: "carol-workbin", Type: WorkbinAgent, OwnerID: carolID},
			{ID: daveWorkbinID, Name: "dave-workbin", Type: WorkbinAgent, OwnerID: daveID},
			{ID: teamWorkbinID, Name: "team-workbin", Type: WorkbinShared, Members: []string{aliceID, bobID, carolID}},
		},
	}
}

// option changes the configuration or the starting state of a harness.
type option func(*Config, *Snapshot)

// onlyReady leaves only the named users Ready (on all their channels).
func onlyReady(names ...string) option {
	return func(_ *Config, s *Snapshot) {
		for i := range s.Users {
			if slices.Contains(names, s.Users[i].UserName) {
				s.Users[i].Ready = slices.Clone(s.Users[i].Channels)
			} else {
				s.Users[i].Ready = nil
			}
		}
	}
}

func capacity(name string, ch Channel, n int) option {
	return func(_ *Config, s *Snapshot) {
		for i := range s.Users {
			if s.Users[i].UserName == name {
				if s.Users[i].Capacity == nil {
					s.Users[i].Capacity = map[Channel]int{}
				}
				s.Users[i].Capacity[ch] = n
			}
		}
	}
}

// onWorkitem puts the named agents on the workitem channel and queue.
func onWorkitem(names ...string) option {
	return func(_ *Config, s *Snapshot) {
		for i := range s.Users {
			if slices.Contains(names, s.Users[i].UserName) {
				s.Users[i].Channels = append(s.Users[i].Channels, Workitem)
				s.Users[i].Queues = append(s.Users[i].Queues, "workitem-inbound")
				s.Users[i].Ready = append(s.Users[i].Ready, Workitem)
			}
		}
	}
}

func inviteTimeout(d time.Duration) option {
	return func(c *Config, _ *Snapshot) { c.InviteTimeout = d }
}

func retainCompleted(n int) option {
	return func(c *Config, _ *Snapshot) { c.RetainCompleted = n }
}

// harness is a Center with a deterministic clock, ids and timers, and a
// sink that records every event.
type harness struct {
	t      testing.TB
	c      *Center
	sink   *recorder
	timers *fakeTimers
	labels map[string]string // interaction id -> label (i1, i2, ...)
	ids    map[string]string // label -> interaction id
}

func newHarness(t testing.TB, opts ...option) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		sink:   &recorder{t: t},
		timers: &fakeTimers{},
		labels: map[string]string{},
		ids:    map[string]string{},
	}
	var tick atomic.Int64
	cfg := Config{
		Now:       func() time.Time { return t0.Add(time.Duration(tick.Add(1)) * time.Second) },
		NewID:     NewIDSource(42),
		Sink:      h.sink,
		AfterFunc: h.timers.AfterFunc,
	}
	snap := fixture()
	for _, o := range opts {
		o(&cfg, &snap)
	}
	c, err := New(cfg, snap)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.c = c
	return h
}

// ok fails the test when an agent's operation fails.
func (h *harness) ok(_ int64, err error) {
	h.t.Helper()
	h.must(err)
}

// errOf drops the referenceId of an agent's operation.
func errOf(_ int64, err error) error { return err }

// must fails the test on err.
func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatalf("unexpected error: %v", err)
	}
}

// create makes an interaction and returns its label.
func (h *harness) create(n NewInteraction) string {
	h.t.Helper()
	v, err := h.c.Create(n)
	if err != nil {
		h.t.Fatalf("Create(%+v): %v", n, err)
	}
	label := fmt.Sprintf("i%d", len(h.ids)+1)
	h.ids[label] = v.ID
	h.labels[v.ID] = label
	return label
}

// offer makes an interaction of ch offered to the named agent.
func (h *harness) offer(ch Channel, name string) string {
	h.t.Helper()
	return h.create(NewInteraction{Channel: ch, Agent: name})
}

// owned makes an interaction of ch owned by the named agent.
func (h *harness) owned(ch Channel, name string) string {
	h.t.Helper()
	l := h.offer(ch, name)
	h.ok(h.c.Accept(userIDs[name], h.id(l)))
	return l
}

// conference makes an email owned by owner with the members joined in
// order.
func (h *harness) conference(owner string, members ...string) string {
	h.t.Helper()
	l := h.owned(Email, owner)
	for _, m := range members {
		h.ok(h.c.StartConference(userIDs[owner], h.id(l), m))
		h.ok(h.c.Accept(userIDs[m], h.id(l)))
	}
	return l
}

func (h *harness) id(label string) string {
	h.t.Helper()
	id, ok := h.ids[label]
	if !ok {
		h.t.Fatalf("no interaction %s", label)
	}
	return id
}

// label returns the label of an interaction id; an interaction the test did
// not create itself (an outbound email) gets the next one.
func (h *harness) label(id string) string {
	if l, ok := h.labels[id]; ok {
		return l
	}
	if !validInteractionID(id) || id == unknownID {
		return id
	}
	l := fmt.Sprintf("i%d", len(h.ids)+1)
	h.ids[l], h.labels[id] = id, l
	return l
}

// events returns the events recorded since the last call, formatted.
func (h *harness) events() []string {
	h.t.Helper()
	var out []string
	for _, e := range h.sink.take() {
		out = append(out, h.fmtEvent(e))
	}
	return out
}

func (h *harness) fmtEvent(e Event) string {
	name := userNames[e.UserID]
	switch e.Kind {
	case InteractionEvent:
		s := fmt.Sprintf("%s %s %s %s %s", name, h.label(e.Interaction.ID), e.Notification, e.Interaction.State, capsString(e.Interaction.Capabilities))
		if e.LeftAgentID != "" {
			s += " left=" + userNames[e.LeftAgentID]
		}
		return s
	case MessageLogEvent:
		s := fmt.Sprintf("%s %s Log", name, h.label(e.InteractionID))
		for _, m := range e.Messages {
			s += " " + fmtChat(m)
		}
		if e.ReferenceID != 0 {
			s += fmt.Sprintf(" ref=%d", e.ReferenceID)
		}
		return s
	case ChannelStateEvent:
		state := "NotReady"
		if e.Ready {
			state = "Ready"
		}
		return fmt.Sprintf("%s Channel %s %s", name, e.Channel, state)
	}
	return fmt.Sprintf("unknown event %+v", e)
}

// fmtChat formats a transcript event as index:from:nickname:type[:text].
func fmtChat(e ChatEvent) string {
	s := fmt.Sprintf("%d:%s:%s:%s", e.Index, e.From, e.Nickname, e.Type)
	if e.Text != "" {
		s += ":" + e.Text
	}
	return s
}

func capsString(caps []Operation) string {
	s := make([]string, len(caps))
	for i, c := range caps {
		s[i] = string(c)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// see returns "State [capabilities]" of an interaction as the named user
// sees it.
func (h *harness) see(name, label string) string {
	h.t.Helper()
	v, err := h.c.Interaction(userIDs[name], h.id(label))
	if err != nil {
		h.t.Fatalf("Interaction(%s, %s): %v", name, label, err)
	}
	if v.Capabilities == nil || v.Participants == nil {
		h.t.Errorf("Interaction(%s, %s): nil capabilities or participants", name, label)
	}
	return fmt.Sprintf("%s %s", v.State, capsString(v.Capabilities))
}

// view returns an interaction as admin sees it.
func (h *harness) view(label string) View {
	h.t.Helper()
	v, err := h.c.Interaction(adminID, h.id(label))
	if err != nil {
		h.t.Fatalf("Interaction(%s): %v", label, err)
	}
	return v
}

// parties returns the participants of an interaction as "name:Role".
func (h *harness) parties(label string) []string {
	h.t.Helper()
	out := []string{}
	for _, p := range h.view(label).Participants {
		out = append(out, p.UserName+":"+string(p.Role))
	}
	return out
}

// mine returns the user's interactions as "label State".
func (h *harness) mine(name string) []string {
	h.t.Helper()
	out := []string{}
	for _, v := range h.c.MyInteractions(userIDs[name]) {
		out = append(out, h.label(v.ID)+" "+string(v.State))
	}
	return out
}

func checkEqual[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got: %#v\nwant: %#v", what, got, want)
	}
}

func checkLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got:\n\t%s\nwant:\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// recorder is a Sink that keeps the events and checks that it is never
// called concurrently and that Seq increases by one.
type recorder struct {
	t      testing.TB
	busy   atomic.Bool
	mu     sync.Mutex
	events []Event
	last   uint64
}

func (r *recorder) Publish(events []Event) {
	if !r.busy.CompareAndSwap(false, true) {
		r.t.Errorf("Sink.Publish called concurrently")
	}
	defer r.busy.Store(false)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(events) == 0 {
		r.t.Errorf("Sink.Publish called with no events")
	}
	for _, e := range events {
		if e.Seq != r.last+1 {
			r.t.Errorf("event Seq %d after %d", e.Seq, r.last)
		}
		r.last = e.Seq
		r.events = append(r.events, e)
	}
}

func (r *recorder) take() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// fakeTimers is an AfterFunc whose timers fire only when the test says.
type fakeTimers struct {
	mu     sync.Mutex
	timers []*fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
	fired   bool
}

func (ft *fakeTimers) AfterFunc(d time.Duration, f func()) func() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	tm := &fakeTimer{d: d, f: f}
	ft.timers = append(ft.timers, tm)
	return func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		was := !tm.stopped && !tm.fired
		tm.stopped = true
		return was
	}
}

// armed returns how many timers are neither stopped nor fired.
func (ft *fakeTimers) armed() int {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	n := 0
	for _, tm := range ft.timers {
		if !tm.stopped && !tm.fired {
			n++
		}
	}
	return n
}

func (ft *fakeTimers) count() int {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return len(ft.timers)
}

// fire runs timer i as if it went off, even a stopped one (a timer may
// fire while it is being stopped).
func (ft *fakeTimers) fire(i int) {
	ft.mu.Lock()
	tm := ft.timers[i]
	tm.fired = true
	ft.mu.Unlock()
	tm.f()
}
