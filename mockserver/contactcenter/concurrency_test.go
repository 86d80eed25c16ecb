package contactcenter

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// asyncTimers fires every third offer's timer at once on its own
// goroutine, so timeouts race with the agents.
type asyncTimers struct {
	n  atomic.Int64
	wg sync.WaitGroup
}

func (a *asyncTimers) AfterFunc(_ time.Duration, f func()) func() bool {
	if a.n.Add(1)%3 != 0 {
		return func() bool { return true }
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		f()
	}()
	return func() bool { return false }
}

// TestConcurrentOperations lets agents accept, reject, transfer, confer,
// queue, park and complete the same interactions while the control API
// creates, routes and revokes, readiness flips and timers fire, then checks
// the invariants: the state is consistent (each interaction has at most one
// owner, roles match states), none is lost or duplicated, capacities hold,
// no waiting interaction has an eligible agent, the sink saw every event
// once, in Seq order, never concurrently, and each agent's last event about
// an interaction is what it now sees.
func TestConcurrentOperations(t *testing.T) {
	sink := &recorder{t: t}
	timers := &asyncTimers{}
	snap := fixture()
	for i := range snap.Users[:4] {
		snap.Users[i].Capacity = map[Channel]int{Email: 6, Chat: 4}
	}
	c, err := New(Config{
		NewID:           NewIDSource(1),
		Sink:            sink,
		InviteTimeout:   time.Second,
		AfterFunc:       timers.AfterFunc,
		RetainCompleted: 1 << 20,
	}, snap)
	if err != nil {
		t.Fatal(err)
	}
	agents := []string{aliceID, bobID, carolID, daveID}
	names := []string{"alice", "bob", "carol", "dave"}

	var (
		mu      sync.Mutex
		created []string
	)
	pickID := func(r *rand.Rand) string {
		mu.Lock()
		defer mu.Unlock()
		if len(created) == 0 {
			return "" // callers skip
		}
		return created[r.IntN(len(created))]
	}
	allowed := func(err error) {
		t.Helper()
		switch CodeOf(err) {
		case Forbidden, Conflict:
		default:
			if err != nil {
				t.Errorf("unexpected error: %v", err)
			}
		}
	}

	var wg sync.WaitGroup
	wg.Go(func() { // the outside world
		r := rand.New(rand.NewPCG(1, 1))
		for i := range 80 {
			n := NewInteraction{Channel: Email, UserData: map[string]any{"i": float64(i)}}
			if i%2 == 1 {
				n.Channel = Chat
			}
			if i%7 == 0 {
				n.Agent = names[r.IntN(4)]
			}
			v, err := c.Create(n)
			if err != nil {
				allowed(err) // a direct offer to an agent at capacity
				continue
			}
			mu.Lock()
			created = append(created, v.ID)
			mu.Unlock()
			switch r.IntN(6) {
			case 0: // pickID finds one: one was just created
				allowed(c.Revoke(pickID(r)))
			case 1:
				allowed(c.Route(pickID(r), "", ""))
			}
		}
	})
	wg.Go(func() { // readiness flips
		r := rand.New(rand.NewPCG(2, 2))
		for range 200 {
			ch := Email
			if r.IntN(2) == 0 {
				ch = Chat
			}
			if err := errOf(c.SetReady(agents[r.IntN(4)], ch, r.IntN(3) != 0)); err != nil {
				t.Errorf("SetReady: %v", err)
			}
		}
		for _, a := range agents {
			for _, ch := range []Channel{Email, Chat} {
				if err := errOf(c.SetReady(a, ch, true)); err != nil {
					t.Errorf("SetReady: %v", err)
				}
			}
		}
	})
	wg.Go(func() { // readers
		for range 100 {
			c.Active(adminID)
			c.Snapshot()
			for _, a := range agents {
				c.MyInteractions(a)
			}
		}
	})
	for ai, me := range agents {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(10+ai), 3))
			other := func() string { return names[r.IntN(4)] }
			for range 600 {
				mine := c.MyInteractions(me)
				if len(mine) == 0 || r.IntN(5) == 0 {
					// Act on any interaction, mostly refused.
					id := pickID(r)
					if id == "" {
						continue
					}
					switch r.IntN(4) {
					case 0:
						allowed(errOf(c.Accept(me, id)))
					case 1:
						allowed(errOf(c.Reject(me, id)))
					case 2:
						allowed(errOf(c.Transfer(me, id, other())))
					case 3:
						allowed(errOf(c.StopProcessing(me, id)))
					}
					continue
				}
				v := mine[r.IntN(len(mine))]
				switch v.State {
				case Invited, InvitedConference:
					if r.IntN(3) == 0 {
						allowed(errOf(c.Reject(me, v.ID)))
					} else {
						allowed(errOf(c.Accept(me, v.ID)))
					}
				case Processing:
					if v.OwnerID != me {
						if r.IntN(2) == 0 {
							allowed(errOf(c.EndConference(me, v.ID, "")))
						} else {
							allowed(errOf(c.UpdateProperties(me, v.ID, map[string]any{"by": me})))
						}
						continue
					}
					switch r.IntN(10) {
					case 0, 1:
						allowed(errOf(c.StopProcessing(me, v.ID)))
					case 2, 3:
						allowed(errOf(c.Transfer(me, v.ID, other())))
					case 4:
						q := "email-inbound"
						if v.Channel == Chat {
							q = "chat-inbound"
						}
						allowed(errOf(c.PlaceInQueue(me, v.ID, q)))
					case 5, 6:
						allowed(errOf(c.StartConference(me, v.ID, other())))
					case 7:
						allowed(errOf(c.EndConference(me, v.ID, other())))
					case 8:
						allowed(errOf(c.UpdateProperties(me, v.ID, map[string]any{"n": map[string]any{"by": me}})))
					case 9:
						allowed(errOf(c.PlaceInWorkbin(me, v.ID, "team-workbin")))
					}
				}
			}
		})
	}
	wg.Wait()
	timers.wg.Wait()

	s := c.Snapshot()
	if _, err := load(s, t0); err != nil {
		t.Errorf("the final state is not consistent: %v", err)
	}

	count := map[string]int{}
	for _, r := range s.Interactions {
		count[r.ID]++
	}
	for _, id := range created {
		if count[id] != 1 {
			t.Errorf("interaction %s appears %d times", id, count[id])
		}
	}
	checkEqual(t, "interactions", len(s.Interactions), len(created))

	// Capacities, and no waiting interaction has an eligible agent.
	load := map[string]map[Channel]int{}
	for _, r := range s.Interactions {
		for _, p := range r.Participants {
			if load[p.UserID] == nil {
				load[p.UserID] = map[Channel]int{}
			}
			load[p.UserID][r.Channel]++
		}
	}
	users := map[string]User{}
	for _, u := range s.Users {
		users[u.ID] = u
		for ch, n := range load[u.ID] {
			if n > u.Capacity[ch] {
				t.Errorf("%s holds %d %s interactions, capacity %d", u.UserName, n, ch, u.Capacity[ch])
			}
		}
	}
	for _, r := range s.Interactions {
		if r.State != Queued {
			continue
		}
		for _, a := range agents {
			u := users[a]
			if slices.Contains(u.Queues, r.Queue) && slices.Contains(u.Ready, r.Channel) &&
				load[a][r.Channel] < u.Capacity[r.Channel] && !slices.Contains(r.Excluded, a) {
				t.Errorf("interaction %s waits while %s is eligible", r.ID, u.UserName)
			}
		}
	}

	// Each agent's last event about an interaction says whether the agent
	// still takes part and shows what the agent sees now.
	ending := []State{Revoked, Completed, Queued, InWorkbin, Transferred, LeftConference}
	last := map[string]map[string]Event{}
	events := sink.take()
	kinds := map[State]int{}
	for _, e := range events {
		kinds[e.Interaction.State]++
	}
	states := map[State]int{}
	for _, r := range s.Interactions {
		states[r.State]++
	}
	t.Logf("%d events, by state shown: %v; final states: %v", len(events), kinds, states)
	for _, e := range events {
		if e.Kind != InteractionEvent {
			continue
		}
		if last[e.UserID] == nil {
			last[e.UserID] = map[string]Event{}
		}
		last[e.UserID][e.Interaction.ID] = e
	}
	for i, a := range agents {
		want := map[string]View{}
		for id, e := range last[a] {
			if e.Notification == StatusChange && slices.Contains(ending, e.Interaction.State) {
				if len(e.Interaction.Capabilities) != 0 {
					t.Errorf("%s: ending message with capabilities %v", names[i], e.Interaction.Capabilities)
				}
				continue
			}
			v := e.Interaction
			if v.State == LeftConference {
				v.State = Processing
			}
			want[id] = v
		}
		got := map[string]View{}
		for _, v := range c.MyInteractions(a) {
			got[v.ID] = v
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the events do not add up to MyInteractions:\n got: %+v\nwant: %+v", names[i], got, want)
		}
	}
}
