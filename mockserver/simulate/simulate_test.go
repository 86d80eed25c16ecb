package simulate_test

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/simulate"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// fakeClock is a clock whose timers fire only when the test advances it,
// in the order they are due (then the order they were armed), on the
// test's goroutine.
type fakeClock struct {
	mu sync.Mutex
	// guards now, last and timers
	now    time.Time
	last   uint64
	timers map[uint64]*fakeTimer
}

type fakeTimer struct {
	at  time.Time
	seq uint64
	f   func()
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: start, timers: make(map[uint64]*fakeTimer)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last++
	id := c.last
	c.timers[id] = &fakeTimer{at: c.now.Add(d), seq: id, f: f}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, armed := c.timers[id]
		delete(c.timers, id)
		return armed
	}
}

// Advance moves the clock on by d, firing every timer due on the way,
// timers armed meanwhile included.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.at.After(end) && (next == nil || t.at.Before(next.at) || t.at.Equal(next.at) && t.seq < next.seq) {
				next = t
			}
		}
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		delete(c.timers, next.seq)
		c.now = next.at
		c.mu.Unlock()
		next.f()
	}
}

func (c *fakeClock) armed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// world is the default contact center played by a simulator under a fake
// clock; it records every action.
type world struct {
	t       *testing.T
	clock   *fakeClock
	center  *contactcenter.Center
	sim     *simulate.Simulator
	actions []simulate.Action
}

// newWorld starts a simulation; online says who a real client is logged
// in as (nil: nobody); prepare runs on the center before it starts.
func newWorld(t *testing.T, opts simulate.Options, online func(w *world, userID string) bool, prepare ...func(*world)) *world {
	t.Helper()
	w := &world{t: t, clock: newFakeClock()}
	center, err := contactcenter.New(contactcenter.Config{
		Now: w.clock.Now, NewID: contactcenter.NewIDSource(1), AfterFunc: w.clock.AfterFunc,
		Sink: contactcenter.SinkFunc(func(events []contactcenter.Event) {
			if w.sim != nil {
				w.sim.Publish(events)
			}
		}),
	}, fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	w.center = center
	for _, p := range prepare {
		p(w)
	}
	cfg := simulate.Config{
		Options: opts, Center: center, Now: w.clock.Now, AfterFunc: w.clock.AfterFunc,
		Observe: func(a simulate.Action) { w.actions = append(w.actions, a) },
	}
	if online != nil {
		cfg.Online = func(id string) bool { return online(w, id) }
	}
	sim, err := simulate.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.sim = sim
	sim.Start()
	t.Cleanup(sim.Stop)
	return w
}

func (w *world) userID(name string) string {
	w.t.Helper()
	u, ok := w.center.UserByName(name)
	if !ok {
		w.t.Fatalf("no user %s", name)
	}
	return u.ID
}

func (w *world) lines() []string {
	out := make([]string, len(w.actions))
	for i, a := range w.actions {
		out[i] = a.String()
	}
	return out
}

func rates(email, chat, workitem float64) simulate.Rates {
	return simulate.Rates{contactcenter.Email: email, contactcenter.Chat: chat, contactcenter.Workitem: workitem}
}

// TestSameSeedSameActions: two runs with one seed do the same things at the
// same times; another seed does something else.
func TestSameSeedSameActions(t *testing.T) {
	tests := []struct {
		name string
		opts simulate.Options
	}{
		{"seed 1, default rates", simulate.Options{Seed: 1}},
		{"seed 42, default rates", simulate.Options{Seed: 42}},
		{"seed 7, busy chat", simulate.Options{Seed: 7, Rates: rates(1, 6, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newWorld(t, tt.opts, nil), newWorld(t, tt.opts, nil)
			a.clock.Advance(30 * time.Minute)
			b.clock.Advance(30 * time.Minute)
			got, want := strings.Join(b.lines(), "\n"), strings.Join(a.lines(), "\n")
			if got != want {
				t.Fatalf("second run differs:\n%s\n\nfirst run:\n%s", got, want)
			}
			if len(a.actions) < 20 {
				t.Fatalf("only %d actions in 30 minutes:\n%s", len(a.actions), want)
			}
			other := tt.opts
			other.Seed++
			c := newWorld(t, other, nil)
			c.clock.Advance(30 * time.Minute)
			if strings.Join(c.lines(), "\n") == want {
				t.Fatalf("seed %d plays the same as seed %d", other.Seed, tt.opts.Seed)
			}
		})
	}
}

// TestGoldenRun pins the actions of seed 1 over ten minutes; -update
// rewrites testdata/seed1.golden after an intended change of pace or
// texts.
func TestGoldenRun(t *testing.T) {
	w := newWorld(t, simulate.Options{Seed: 1}, nil)
	w.clock.Advance(10 * time.Minute)
	got := strings.Join(w.lines(), "\n") + "\n"
	path := filepath.Join("testdata", "seed1.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Fatalf("actions of seed 1 changed (run with -update if intended):\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestLoggedInAgentIsNeverPlayed: an agent a real client is logged in as
// (one with a CometD session) is never made Ready, never accepts, answers
// or finishes; the others are played.
func TestLoggedInAgentIsNeverPlayed(t *testing.T) {
	login := 10 * time.Minute
	tests := []struct {
		name string
		// online: whether alice's client is logged in at the time
		online func(now time.Time) bool
		// aliceReady: her client makes her Ready on email and chat first
		aliceReady bool
		// playedUntil: alice is played before, never after
		playedUntil time.Time
	}{
		{"logged in from the start, Ready", func(time.Time) bool { return true }, true, start},
		{"logged in from the start, not Ready", func(time.Time) bool { return true }, false, start},
		{"logs in after ten minutes", func(now time.Time) bool { return !now.Before(start.Add(login)) }, false, start.Add(login)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var alice string
			prepare := func(w *world) {
				alice = w.userID("alice")
				var err error
				if tt.aliceReady {
					_, err = w.center.StartContactCenterSession(alice, nil)
				} else {
					_, err = w.center.EndContactCenterSession(alice)
				}
				// bob logged out last night: the simulation staffs him.
				if _, err2 := w.center.EndContactCenterSession(w.userID("bob")); err == nil {
					err = err2
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			online := func(w *world, id string) bool { return id == alice && tt.online(w.clock.Now()) }
			w := newWorld(t, simulate.Options{Seed: 3, Rates: rates(4, 4, 1)}, online, prepare)
			w.clock.Advance(time.Hour)
			playedBefore, others, bobReady := 0, 0, 0
			for _, a := range w.actions {
				switch {
				case a.Agent == "alice" && !a.At.Before(tt.playedUntil):
					t.Errorf("alice is logged in, yet played: %s", a)
				case a.Agent == "alice":
					playedBefore++
				case a.Agent == "bob" && a.Kind == simulate.GoReady:
					bobReady++
				case a.Agent != "" && a.Kind == simulate.Accept:
					others++
				}
			}
			if others == 0 || bobReady != 2 {
				t.Fatalf("other agents accepted %d offers, bob went Ready on %d channels; want some, and email and chat", others, bobReady)
			}
			if !tt.aliceReady && tt.playedUntil.Equal(start) {
				r, err := w.center.Readiness(alice)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range r {
					if c.Ready {
						t.Errorf("alice, logged in and NotReady, was made Ready on %s", c.Channel)
					}
				}
			}
			if tt.playedUntil.After(start) && playedBefore == 0 {
				t.Fatal("alice was not played before she logged in")
			}
			if tt.aliceReady {
				offered := 0
				for _, v := range w.center.MyInteractions(alice) {
					if v.State == contactcenter.Invited {
						offered++
					}
				}
				if offered == 0 {
					t.Fatal("alice, Ready, holds no open offer: her offers were taken for her")
				}
			}
		})
	}
}

// TestRatesAreHonouredOverAnHour: the arrivals of a simulated hour are the
// rate times 60, within four standard deviations of a Poisson count.
func TestRatesAreHonouredOverAnHour(t *testing.T) {
	tests := []struct {
		name  string
		seed  int64
		rates simulate.Rates
	}{
		{"defaults", 1, nil},
		{"busy", 2, rates(10, 5, 3)},
		{"chat only", 3, rates(0, 2, 0)},
		{"slow", 4, rates(0.2, 0.1, 0.05)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, simulate.Options{Seed: tt.seed, Rates: tt.rates}, nil)
			w.clock.Advance(time.Hour)
			got := map[contactcenter.Channel]int{}
			for _, a := range w.actions {
				if a.Kind == simulate.Arrive {
					got[a.Channel]++
				}
			}
			r := tt.rates
			if r == nil {
				r = simulate.DefaultRates()
			}
			for _, ch := range []contactcenter.Channel{contactcenter.Email, contactcenter.Chat, contactcenter.Workitem} {
				mean := r[ch] * 60
				if slack := 4*math.Sqrt(mean) + 1; math.Abs(float64(got[ch])-mean) > slack {
					t.Errorf("%s: %d arrivals in an hour, want %.0f ± %.0f", ch, got[ch], mean, slack)
				}
			}
		})
	}
}

// TestChatConversation: every chat a played agent took to the end went
// the same way: accepted, the agent and the customer take turns, the
// customer says goodbye and leaves, the agent finishes after a wrap-up.
func TestChatConversation(t *testing.T) {
	w := newWorld(t, simulate.Options{Seed: 5, Rates: rates(0, 1, 0)}, nil)
	w.clock.Advance(time.Hour)
	kinds := map[string][]string{}
	for _, a := range w.actions {
		if a.Interaction != "" {
			kinds[a.Interaction] = append(kinds[a.Interaction], string(a.Kind))
		}
	}
	want := regexp.MustCompile(`^arrive accept (answer customer-write ){2,4}customer-leave finish$`)
	finished := 0
	for id, k := range kinds {
		if k[len(k)-1] != string(simulate.Finish) {
			continue // still going when the hour ended
		}
		finished++
		if got := strings.Join(k, " "); !want.MatchString(got) {
			t.Errorf("chat %s went %q, want %s", id, got, want)
		}
	}
	if finished < 30 {
		t.Fatalf("%d chats finished in an hour at 1/m", finished)
	}
}

// TestStopStopsEverything: after Stop no timer is armed and nothing
// happens, however long the clock runs; Stop is idempotent and Start does
// not revive it.
func TestStopStopsEverything(t *testing.T) {
	w := newWorld(t, simulate.Options{Seed: 9, Rates: rates(5, 5, 5)}, nil)
	w.clock.Advance(5 * time.Minute)
	if len(w.actions) == 0 {
		t.Fatal("nothing happened in five minutes")
	}
	w.sim.Stop()
	if n := w.clock.armed(); n != 0 {
		t.Fatalf("%d timers still armed after Stop", n)
	}
	n, version := len(w.actions), w.center.Version()
	w.sim.Stop()
	w.sim.Start()
	w.clock.Advance(time.Hour)
	if len(w.actions) != n || w.center.Version() != version {
		t.Fatalf("after Stop: %d more actions, center version %d -> %d", len(w.actions)-n, version, w.center.Version())
	}
}

func TestParseRates(t *testing.T) {
	tests := []struct {
		in      string
		want    string // Rates.String(); "" for an error
		wantErr string
	}{
		{"", "email=2/m,chat=1/m,workitem=0.5/m", ""},
		{"email=2/m,chat=1/m,workitem=0.5/m", "email=2/m,chat=1/m,workitem=0.5/m", ""},
		{"chat=5", "email=2/m,chat=5/m,workitem=0.5/m", ""},
		{"chat=1/s", "email=2/m,chat=60/m,workitem=0.5/m", ""},
		{" email = 30/h , workitem=0 ", "email=0.5/m,chat=1/m,workitem=0/m", ""},
		{"chat=2/min", "email=2/m,chat=2/m,workitem=0.5/m", ""},
		{"voice=1/m", "", `unknown channel "voice"`},
		{"chat", "", "want CHANNEL=N/UNIT"},
		{"chat=fast", "", "is not a number"},
		{"chat=-1/m", "", "want 0 to 6000"},
		{"chat=NaN", "", "want 0 to 6000"},
		{"chat=Inf", "", "is not a number"},
		{"chat=101/s", "", "want 0 to 6000"},
		{"chat=1/d", "", `unit "d"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := simulate.ParseRates(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRates(%q) = %v, %v; want an error with %q", tt.in, r, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tt.want {
				t.Fatalf("ParseRates(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	center, err := contactcenter.New(contactcenter.Config{}, fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  simulate.Config
		want string
	}{
		{"no center", simulate.Config{}, "Center is required"},
		{"unknown channel", simulate.Config{Center: center, Options: simulate.Options{Rates: simulate.Rates{"voice": 1}}}, `unknown channel "voice"`},
		{"negative rate", simulate.Config{Center: center, Options: simulate.Options{Rates: rates(-1, 0, 0)}}, "want 0 to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := simulate.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error with %q", err, tt.want)
			}
		})
	}
}
