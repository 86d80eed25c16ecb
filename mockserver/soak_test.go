package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/internal/wait"
	"github.com/gwsmock/gwsmock/mockserver"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/spec"
)

// TestSoak: many agents work at once over HTTP and CometD for a while,
// with random operations, on the in-process server (loopback only). It
// checks that no request gets a 5xx, that every agent receives exactly the
// notifications the journal says it was sent, in order, and that
// goroutines and heap go back to their baseline once the agents leave.
//
// `make soak` runs it for SOAK_DURATION (default 3m) with SOAK_AGENTS
// (default 40) agents; a plain `go test` runs a short smoke version
// (skipped with -short).
func TestSoak(t *testing.T) {
	cfg := soakConfig{duration: 2 * time.Second, agents: 6, seed: 1}
	if d := os.Getenv("SOAK_DURATION"); d != "" {
		v, err := time.ParseDuration(d)
		if err != nil {
			t.Fatalf("SOAK_DURATION: %v", err)
		}
		cfg.duration, cfg.agents = v, 40
	} else if testing.Short() {
		t.Skip("soak: set SOAK_DURATION, or run without -short for the smoke version")
	}
	for env, p := range map[string]*int{"SOAK_AGENTS": &cfg.agents, "SOAK_SEED": &cfg.seed} {
		if v := os.Getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				t.Fatalf("%s=%q: want a positive number", env, v)
			}
			*p = n
		}
	}
	runSoak(t, cfg)
}

type soakConfig struct {
	duration time.Duration
	agents   int
	seed     int
}

// soakFixture has n agents on email and chat, a queue per channel and a
// workbin shared by all.
func soakFixture(n int) contactcenter.Snapshot {
	s := contactcenter.Snapshot{
		Queues: []contactcenter.Queue{
			{ID: "00000000-0000-4000-8000-000000000001", Name: "email-inbound", Channel: contactcenter.Email},
			{ID: "00000000-0000-4000-8000-000000000002", Name: "chat-inbound", Channel: contactcenter.Chat},
		},
	}
	var members []string
	for i := range n {
		id := fmt.Sprintf("%032x", i+1)
		name := fmt.Sprintf("agent%02d", i)
		s.Users = append(s.Users, contactcenter.User{
			ID: id, UserName: name, Password: testusers.Password(name), FirstName: "Agent", LastName: strconv.Itoa(i),
			Roles:    []contactcenter.Role{contactcenter.RoleAgent},
			Channels: []contactcenter.Channel{contactcenter.Email, contactcenter.Chat},
			Queues:   []string{"email-inbound", "chat-inbound"},
			Ready:    []contactcenter.Channel{contactcenter.Email, contactcenter.Chat},
			Capacity: map[contactcenter.Channel]int{contactcenter.Email: 3, contactcenter.Chat: 3},
		})
		members = append(members, id)
	}
	s.Workbins = []contactcenter.Workbin{{ID: "00000000-0000-4000-8000-0000000000ff", Name: "team-workbin", Type: contactcenter.WorkbinShared, Members: members}}
	return s
}

// soakStats counts what happened.
type soakStats struct {
	ops, fives, transportErrs atomic.Int64
	mu                        sync.Mutex
	byStatus                  map[int]int
}

func (s *soakStats) record(status int) {
	s.ops.Add(1)
	if status >= 500 {
		s.fives.Add(1)
	}
	s.mu.Lock()
	s.byStatus[status]++
	s.mu.Unlock()
}

// soakAgent is one agent: a REST client, a CometD session, and what its
// notifications say it holds.
type soakAgent struct {
	name string
	t    *testing.T
	base string
	hc   *http.Client
	c    *bayeux.Client
	rng  *rand.Rand

	mu       sync.Mutex // guards received, view
	received [][]byte   // payloads in arrival order, compact
	view     map[string]heldInteraction
	wake     chan struct{}
}

type heldInteraction struct {
	state, channel string
	caps           []string
}

func (a *soakAgent) do(stats *soakStats, method, path, body string) (int, []byte) {
	req, err := http.NewRequest(method, a.base+path, strings.NewReader(body))
	if err != nil {
		a.t.Error(err)
		return 0, nil
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.name != "" {
		testusers.SetBasicAuth(req, a.name)
	}
	res, err := a.hc.Do(req)
	if err != nil {
		stats.transportErrs.Add(1)
		a.t.Errorf("%s %s %s: %v", a.name, method, path, err)
		return 0, nil
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	stats.record(res.StatusCode)
	if res.StatusCode >= 500 {
		a.t.Errorf("%s %s %s -> %d %s", a.name, method, path, res.StatusCode, b)
	}
	return res.StatusCode, b
}

// read records every message and keeps the view up to date, until the
// client's connect loop ends and its messages are drained.
func (a *soakAgent) read(parked chan<- string) {
	for {
		var m bayeux.Message
		select {
		case m = <-a.c.Messages():
		case <-a.c.Done():
			select {
			case m = <-a.c.Messages():
			default:
				return
			}
		}
		a.record(m, parked)
	}
}

func (a *soakAgent) record(m bayeux.Message, parked chan<- string) {
	{
		var buf bytes.Buffer
		if err := json.Compact(&buf, m.Data); err != nil {
			a.t.Errorf("%s: payload is not JSON: %s", a.name, m.Data)
			return
		}
		d := gjson.ParseBytes(buf.Bytes())
		a.mu.Lock()
		a.received = append(a.received, buf.Bytes())
		if d.Get("messageTypeName").String() == "InteractionStateMessage" {
			id, state := d.Get("id").String(), d.Get("state").String()
			party := state == "Invited" || state == "InvitedConference" || state == "Processing" ||
				(state == "LeftConference" && d.Get("notificationType").String() == "ParticipantsUpdated")
			if party {
				var caps []string
				for _, c := range d.Get("capabilities").Array() {
					caps = append(caps, c.String())
				}
				if state == "LeftConference" {
					state = "Processing"
				}
				a.view[id] = heldInteraction{state: state, channel: d.Get("channel").String(), caps: caps}
			} else {
				delete(a.view, id)
				if state == "InWorkbin" && d.Get("notificationType").String() == "StatusChange" {
					select {
					case parked <- id:
					default:
					}
				}
			}
		}
		a.mu.Unlock()
		select {
		case a.wake <- struct{}{}:
		default:
		}
	}
}

// next picks an action from what the agent holds: a request to make, or
// none.
func (a *soakAgent) next(agents []string) (method, path, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rng.IntN(50) == 0 {
		ch := []string{"email", "chat"}[a.rng.IntN(2)]
		op := []string{"Ready", "NotReady"}[a.rng.IntN(2)]
		if op == "NotReady" && a.rng.IntN(2) == 0 {
			op = "Ready" // mostly Ready, so that routing finds agents
		}
		return "POST", "/api/v2/me/channels/" + ch, `{"operationName":"` + op + `"}`
	}
	if len(a.view) == 0 {
		return "", "", ""
	}
	ids := make([]string, 0, len(a.view))
	for id := range a.view {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	id := ids[a.rng.IntN(len(ids))]
	held := a.view[id]
	other := agents[a.rng.IntN(len(agents))]
	op := func(body string) (string, string, string) { return "POST", "/api/v2/me/interactions/" + id, body }
	if held.state != "Processing" {
		if a.rng.IntN(5) == 0 {
			return op(`{"operationName":"Reject"}`)
		}
		return op(`{"operationName":"Accept"}`)
	}
	weighted := map[string]int{"UpdateProperties": 30, "StopProcessing": 25, "PlaceInQueue": 5, "PlaceInWorkbin": 4,
		"Transfer": 8, "StartConference": 6, "EndConference": 10, "ChannelData": 10, "GetWorkbinContent": 2}
	var choices []string
	for _, c := range append(slices.Clone(held.caps), "ChannelData", "GetWorkbinContent") {
		for range weighted[c] {
			choices = append(choices, c)
		}
	}
	if len(choices) == 0 {
		return "", "", ""
	}
	switch c := choices[a.rng.IntN(len(choices))]; c {
	case "UpdateProperties":
		k := fmt.Sprintf("k%d", a.rng.IntN(8))
		if a.rng.IntN(4) == 0 {
			return op(`{"operationName":"UpdateProperties","properties":{"` + k + `":null}}`)
		}
		return op(fmt.Sprintf(`{"operationName":"UpdateProperties","properties":{"%s":{"by":"%s","n":%d}}}`, k, a.name, a.rng.IntN(1000)))
	case "PlaceInQueue":
		return op(`{"operationName":"PlaceInQueue","queue":"` + held.channel + `-inbound"}`)
	case "PlaceInWorkbin":
		return op(`{"operationName":"PlaceInWorkbin","workbin":"team-workbin"}`)
	case "GetWorkbinContent":
		return op(`{"operationName":"GetWorkbinContent","workbin":"team-workbin"}`)
	case "Transfer":
		return op(`{"operationName":"Transfer","targetId":"` + other + `"}`)
	case "StartConference":
		return op(`{"operationName":"StartConference","agentId":"` + other + `"}`)
	case "EndConference":
		return op(`{"operationName":"EndConference"}`)
	case "ChannelData":
		if held.channel == "chat" {
			return "PUT", "/api/v2/interactions/" + id, fmt.Sprintf(`{"chat_object":{"nickname":"guest-%d"}}`, a.rng.IntN(100))
		}
		return "PUT", "/api/v2/interactions/" + id, fmt.Sprintf(`{"email_object":{"subject":"subject %d"}}`, a.rng.IntN(100))
	default:
		return op(`{"operationName":"` + c + `"}`)
	}
}

// journalNote is one notification of the journal.
type journalNote struct {
	user string
	data []byte // compact
}

// journalCollector follows GET /control/v1/journal and keeps the
// notifications, failing if the ring overran it.
type journalCollector struct {
	a     *soakAgent // a client without credentials
	stats *soakStats

	mu    sync.Mutex // guards notes, since
	notes []journalNote
	since int64
}

func (jc *journalCollector) poll(t *testing.T) int {
	jc.mu.Lock()
	since := jc.since
	jc.mu.Unlock()
	status, b := jc.a.do(jc.stats, "GET", "/control/v1/journal?since="+strconv.FormatInt(since, 10), "")
	if status != http.StatusOK {
		t.Errorf("journal = %d", status)
		return 0
	}
	entries := gjson.GetBytes(b, "entries").Array()
	if len(entries) > 0 && entries[0].Get("seq").Int() > since+1 {
		t.Errorf("the journal ring overran its reader: wanted seq %d, oldest kept %d; raise JournalSize", since+1, entries[0].Get("seq").Int())
	}
	jc.mu.Lock()
	defer jc.mu.Unlock()
	for _, e := range entries {
		if e.Get("seq").Int() <= jc.since {
			continue // another poll got it first
		}
		jc.since = e.Get("seq").Int()
		if e.Get("kind").String() != "notification" {
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(e.Get("data").Raw)); err != nil {
			t.Errorf("journal data: %v", err)
		}
		jc.notes = append(jc.notes, journalNote{user: e.Get("user").String(), data: buf.Bytes()})
	}
	return len(entries)
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func runSoak(t *testing.T, cfg soakConfig) {
	const journalSize = 1 << 15
	fixture := soakFixture(cfg.agents)
	h := newHarness(t, func(s *mockserver.Server) {
		s.Fixture = &fixture
		s.JournalSize = journalSize
		s.JournalBytes = 64 << 20
		s.Now = nil // real time: offers and dates as in production
	})
	initial := h.state()
	transport := &http.Transport{MaxIdleConnsPerHost: 4*cfg.agents + 8, IdleConnTimeout: time.Minute}
	newAgent := func(name string, i int) *soakAgent {
		jar, _ := cookiejar.New(nil)
		return &soakAgent{
			name: name, t: t, base: h.ts.URL, rng: rand.New(rand.NewPCG(uint64(cfg.seed), uint64(i))),
			hc:   &http.Client{Transport: transport, Jar: jar, Timeout: 30 * time.Second},
			view: map[string]heldInteraction{}, wake: make(chan struct{}, 1),
		}
	}
	stats := &soakStats{byStatus: map[int]int{}}
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}

	// Warm up what is built lazily (validators' caches, pools), then
	// measure the baseline.
	warm := newAgent(fixture.Users[0].UserName, 0)
	for range 3 {
		_, b := warm.do(stats, "POST", "/control/v1/interactions", `{"channel":"email","agent":"agent00","email_object":{"subject":"warm"}}`)
		id := gjson.GetBytes(b, "id").String()
		warm.do(stats, "POST", "/api/v2/me/interactions/"+id, `{"operationName":"Accept"}`)
		warm.do(stats, "POST", "/api/v2/me/interactions/"+id, `{"operationName":"UpdateProperties","properties":{"a":1}}`)
		warm.do(stats, "PUT", "/api/v2/interactions/"+id, `{"email_object":{"subject":"w"}}`)
		warm.do(stats, "POST", "/api/v2/me/interactions/"+id, `{"operationName":"StopProcessing"}`)
		warm.do(stats, "GET", "/api/v2/me/interactions?fields=*", "")
	}
	if r := warm.hcDo(t, "PUT", "/control/v1/state", initial); r != http.StatusOK {
		t.Fatalf("restore the initial state = %d", r)
	}
	transport.CloseIdleConnections()
	baseGoroutines, baseHeap := runtime.NumGoroutine(), heapAlloc()
	baseEntries, baseJournal, baseLast := journalStats(h)
	t.Logf("baseline: %d goroutines, heap %.1f MiB", baseGoroutines, float64(baseHeap)/(1<<20))

	// Agents join: a CometD session each, subscribed before anything happens.
	names := make([]string, cfg.agents)
	agents := make([]*soakAgent, cfg.agents)
	parked := make(chan string, 1024)
	var readers sync.WaitGroup
	for i := range agents {
		names[i] = fixture.Users[i].UserName
		a := newAgent(names[i], i+1)
		transportName := bayeux.LongPolling
		if i%3 == 2 {
			transportName = bayeux.WebSocket
		}
		a.c = &bayeux.Client{URL: h.ts.URL + "/api/v2/notifications", Header: testusers.Header(a.name), HTTPClient: a.hc, Transport: transportName, Buffer: 4096}
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		if err := a.c.Handshake(ctx); err != nil {
			t.Fatalf("%s handshake: %v", a.name, err)
		}
		if err := a.c.Subscribe(ctx, "/v2/me/interactions", "/v2/me/channels"); err != nil {
			t.Fatalf("%s subscribe: %v", a.name, err)
		}
		cancel()
		readers.Go(func() { a.read(parked) })
		agents[i] = a
	}

	// The journal collector, the outside world, the agents.
	jc := &journalCollector{a: newAgent("", 0), stats: stats, since: baseLast}
	stopCollector := make(chan struct{})
	collectorDone := make(chan struct{})
	go func() {
		defer close(collectorDone)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopCollector:
				return
			case <-tick.C:
				for jc.poll(t) > 0 {
				}
			}
		}
	}()
	deadline := time.Now().Add(cfg.duration)
	var workers sync.WaitGroup
	world := newAgent("", 0)
	workers.Go(func() { // keeps about two interactions per agent alive, routes parked ones back
		rng := rand.New(rand.NewPCG(uint64(cfg.seed), 0))
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		admin := "agent00" // any agent may list the active interactions
		for n := 0; time.Now().Before(deadline) && n < 10_000_000; n++ {
			select {
			case id := <-parked:
				world.do(stats, "POST", "/control/v1/interactions/"+id+"/route", `{}`)
				continue
			default:
			}
			req, _ := http.NewRequest("GET", h.ts.URL+"/api/v2/interactions", nil)
			testusers.SetBasicAuth(req, admin)
			active := 0
			if res, err := world.hc.Do(req); err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				stats.record(res.StatusCode)
				active = int(gjson.GetBytes(b, "uris.#").Int())
			}
			if active < 2*cfg.agents {
				ch := []string{"email", "chat"}[rng.IntN(2)]
				body := `{"channel":"email","email_object":{"subject":"soak","from":"c@example.com","to":"s@example.com","body":"hi"}}`
				if ch == "chat" {
					body = `{"channel":"chat","chat_object":{"nickname":"guest"}}`
				}
				world.do(stats, "POST", "/control/v1/interactions", body)
				continue
			}
			<-tick.C
		}
	})
	for _, a := range agents {
		workers.Go(func() {
			idle := time.NewTimer(time.Hour)
			defer idle.Stop()
			for n := 0; time.Now().Before(deadline) && n < 10_000_000; n++ {
				method, path, body := a.next(names)
				if method != "" {
					a.do(stats, method, path, body)
					continue
				}
				idle.Reset(50 * time.Millisecond) // nothing held: wait for a notification, briefly
				select {
				case <-a.wake:
				case <-idle.C:
				}
			}
		})
	}
	workers.Wait()

	// Quiet: every notification the journal recorded reaches its agent.
	jcount := func() map[string]int {
		for jc.poll(t) > 0 {
		}
		jc.mu.Lock()
		defer jc.mu.Unlock()
		m := map[string]int{}
		for _, n := range jc.notes {
			m[n.user]++
		}
		return m
	}
	arrived := func() (bool, string) {
		want := jcount()
		var missing []string
		for _, a := range agents {
			a.mu.Lock()
			n := len(a.received)
			a.mu.Unlock()
			if n < want[a.name] {
				missing = append(missing, fmt.Sprintf("%s %d of %d (client error: %v)", a.name, n, want[a.name], a.c.Err()))
			}
		}
		return len(missing) == 0, strings.Join(missing, "; ")
	}
	poll := time.NewTicker(10 * time.Millisecond)
	for end := time.Now().Add(safetyNet); ; <-poll.C {
		ok, missing := arrived()
		if ok {
			break
		}
		if time.Now().After(end) {
			t.Errorf("notifications missing after %v: %s", safetyNet, missing)
			break
		}
	}
	poll.Stop()
	close(stopCollector)
	<-collectorDone
	byUser := map[string][][]byte{}
	for _, n := range jc.notes {
		byUser[n.user] = append(byUser[n.user], n.data)
	}
	checked := 0
	for _, a := range agents {
		a.mu.Lock()
		got := a.received
		a.mu.Unlock()
		want := byUser[a.name]
		if len(got) != len(want) {
			t.Errorf("%s received %d notifications, the journal sent %d", a.name, len(got), len(want))
			if len(got) < len(want) {
				t.Logf("%s: first missing: %.500s", a.name, want[len(got)])
			}
		}
		for i := range min(len(got), len(want)) {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("%s: notification %d of %d differs from the journal's\ngot:  %.400s\nwant: %.400s", a.name, i, len(want), got[i], want[i])
				break
			}
		}
		for _, p := range got {
			var v any
			_ = json.Unmarshal(p, &v)
			ch := spec.ChannelInteractions
			if gjson.GetBytes(p, "messageTypeName").String() == "ChannelStateMessage" {
				ch = spec.ChannelChannels
			}
			if err := spec.ValidateNotification(doc, ch, v); err != nil {
				t.Errorf("%s: payload breaks the spec: %v\n%.300s", a.name, err, p)
				break
			}
		}
		checked += len(got)
	}

	// The agents leave.
	for _, a := range agents {
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		if err := a.c.Disconnect(ctx); err != nil {
			t.Errorf("%s disconnect: %v", a.name, err)
		}
		cancel()
		_ = a.c.Close()
	}
	readers.Wait()
	// What the test itself kept is no part of the server's memory.
	received := checked
	jc.mu.Lock()
	notes := len(jc.notes)
	jc.notes = nil
	jc.mu.Unlock()
	byUser = nil
	for _, a := range agents {
		a.mu.Lock()
		a.received, a.view = nil, nil
		a.mu.Unlock()
	}
	if r := world.hcDo(t, "PUT", "/control/v1/state", initial); r != http.StatusOK {
		t.Fatalf("restore the initial state = %d", r)
	}
	transport.CloseIdleConnections()
	wait.For(t, "the CometD sessions to end", func() bool { return h.srv.CometDSessions() == 0 })
	const goroutineSlack = 3
	var goroutines int
	wait.For(t, fmt.Sprintf("goroutines back to the baseline %d (+%d)", baseGoroutines, goroutineSlack), func() bool {
		transport.CloseIdleConnections()
		goroutines = runtime.NumGoroutine()
		return goroutines <= baseGoroutines+goroutineSlack
	})
	entries, journalBytes, last := journalStats(h)
	transport.CloseIdleConnections()
	heap := heapAlloc()
	// The journal is full now and was not at the baseline: that much growth
	// is its bounded ring, not a leak.
	allowed := uint64(max(0, 2*(journalBytes-baseJournal))+max(0, entries-baseEntries)*512) + 8<<20
	growth := int64(heap) - int64(baseHeap)
	t.Logf("soak: %d agents for %v: %d requests (%d transport errors), statuses %v; %d notifications checked against %d journal entries (last seq %d)",
		cfg.agents, cfg.duration, stats.ops.Load(), stats.transportErrs.Load(), stats.byStatus, received, notes, last)
	t.Logf("goroutines %d -> %d; heap %.1f -> %.1f MiB (growth %.1f MiB, allowed %.1f MiB of which the journal's %d entries hold %.1f MiB)",
		baseGoroutines, goroutines, float64(baseHeap)/(1<<20), float64(heap)/(1<<20), float64(growth)/(1<<20), float64(allowed)/(1<<20), entries, float64(journalBytes)/(1<<20))
	if stats.fives.Load() > 0 {
		t.Errorf("%d answers were 5xx", stats.fives.Load())
	}
	if growth > int64(allowed) {
		t.Errorf("heap grew by %.1f MiB, more than the %.1f MiB the journal explains", float64(growth)/(1<<20), float64(allowed)/(1<<20))
	}
	if checked == 0 || stats.ops.Load() < int64(cfg.agents) {
		t.Errorf("the soak did nearly nothing: %d requests, %d notifications", stats.ops.Load(), checked)
	}
}

// hcDo sends one request and returns its status.
func (a *soakAgent) hcDo(t *testing.T, method, path, body string) int {
	req, _ := http.NewRequest(method, a.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := a.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
