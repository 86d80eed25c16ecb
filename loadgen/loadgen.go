// Package loadgen simulates agents against any implementation of the GWS
// API v2 Interactions API: agents log in, open CometD sessions (long-polling
// or WebSocket), receive offers injected through the test-control API
// (/control/v1), and accept, update, transfer and stop them at a given rate.
// It measures operations per second, HTTP latency, notification latency
// (from the operation's HTTP request to the resulting message at the agent)
// and counts messages lost, out of order or duplicated.
//
// It sees the implementation only through URLs: the REST API, the Bayeux
// endpoint and the control API. It never imports mockserver, so it loads
// a vendor's implementation as well as gwsmock; gwsmock's bench driver
// uses it for its notification-latency figures.
//
// # The flow
//
// Each flow takes two free agents A and B and runs six operations:
//
//  1. control create, offered directly to A      -> A: StatusChange Invited
//  2. A Accept (once A saw the offer)             -> A: StatusChange Processing
//  3. A UpdateProperties                          -> A: PropertiesUpdated
//  4. A Transfer to B                             -> A: StatusChange Transferred, B: StatusChange Invited
//  5. B Accept (once B saw the offer)             -> B: StatusChange Processing
//  6. B StopProcessing                            -> B: StatusChange Completed
//
// Steps 2-4 and 5-6 are sent as soon as the previous answer is 200, so the
// order of their notifications is checked too. Every interaction carries a
// property "loadgen" with a token of its flow, which is how a message is
// matched to the operation that caused it (a notification may arrive before
// the HTTP answer that names the interaction's id).
//
// A message is lost when it has not arrived NotifyTimeout after its
// operation; out of order when it arrives while an earlier message of the
// same interaction for the same agent is still missing; a duplicate when
// it matches a message already received; unexpected when it belongs to a
// flow but matches nothing expected.
package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// OpsPerFlow is the number of operations (HTTP requests that change state)
// in one flow.
const OpsPerFlow = 6

// Config describes a run. Target and Agents are required.
type Config struct {
	// Target is the implementation's base URL, scheme://host[:port]; the
	// API is under /api/v2, the control API under /control/v1.
	Target string
	// Agents log in with HTTP Basic. A flow takes two of them, so at most
	// len(Agents)/2 flows run at once. At least 2.
	Agents []Agent
	// Transport is bayeux.LongPolling (default) or bayeux.WebSocket.
	Transport string
	// Rate is the operations per second to aim at (default 100). Flows
	// start at Rate/OpsPerFlow per second, whatever the answers take.
	Rate float64
	// Duration is how long flows are started and measured (default 10 s).
	Duration time.Duration
	// Warmup runs flows at the same rate before Duration; they are checked
	// but not measured (default 1 s; negative: none).
	Warmup time.Duration
	// Channel is the media channel of the interactions (default "email").
	Channel string
	// ControlToken is the control API's bearer token, if it needs one.
	ControlToken string
	// NotifyTimeout is how long a message may take before it counts as
	// lost (default 5 s).
	NotifyTimeout time.Duration
	// ConnectConcurrency bounds the agents logging in at once (default 32).
	ConnectConcurrency int
	// Log receives progress lines; nil: none.
	Log io.Writer
}

func (c *Config) defaults() error {
	if c.Target == "" {
		return errors.New("loadgen: no target URL")
	}
	c.Target = strings.TrimSuffix(c.Target, "/")
	if len(c.Agents) < 2 {
		return fmt.Errorf("loadgen: %d agents: a flow needs two", len(c.Agents))
	}
	switch c.Transport {
	case "":
		c.Transport = bayeux.LongPolling
	case bayeux.LongPolling, bayeux.WebSocket:
	default:
		return fmt.Errorf("loadgen: transport %q: use %s or %s", c.Transport, bayeux.LongPolling, bayeux.WebSocket)
	}
	if c.Rate < 0 {
		return fmt.Errorf("loadgen: rate %v: want a positive number", c.Rate)
	}
	if c.Rate == 0 {
		c.Rate = 100
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Warmup == 0 {
		c.Warmup = time.Second
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.Channel == "" {
		c.Channel = "email"
	}
	if c.NotifyTimeout <= 0 {
		c.NotifyTimeout = 5 * time.Second
	}
	if c.ConnectConcurrency <= 0 {
		c.ConnectConcurrency = 32
	}
	return nil
}

// run is one load run in progress.
type run struct {
	cfg     Config
	prefix  string // of flow tokens, unique to the run
	rest    *http.Client
	bayeux  *http.Client // carries the CometD sessions
	agents  []*agent
	free    chan int // indexes of agents not in a flow
	track   *tracker
	flowSeq atomic.Uint64

	mu      sync.Mutex // guards the fields below
	httpLat []time.Duration
	ops     int // operations of measured flows answered 200
	flows   int // measured flows started
	errs    int
	errSamp []string
	skipped int
}

type agent struct {
	Agent
	auth   string // the Authorization header
	client *bayeux.Client
}

// Run connects the agents, runs flows for Warmup+Duration, waits for the
// flows in flight, disconnects and reports. It fails only when the run
// cannot start (a bad config, an agent that cannot log in or open its
// CometD session); what goes wrong during the run is counted in the
// report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	r := &run{
		cfg:    cfg,
		prefix: "lg-" + strings.ToLower(rand.Text()[:8]),
		rest: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: 90 * time.Second,
		}},
		free:  make(chan int, len(cfg.Agents)),
		track: newTracker(),
	}
	defer r.rest.CloseIdleConnections()
	rep := &Report{Target: cfg.Target, Transport: cfg.Transport, Agents: len(cfg.Agents), Rate: cfg.Rate, Duration: cfg.Duration}

	start := time.Now()
	err := r.connect(ctx)
	defer r.disconnect()
	if err != nil {
		return nil, err
	}
	rep.ConnectTime = time.Since(start)
	r.logf("%d agents connected over %s in %v", len(r.agents), cfg.Transport, rep.ConnectTime.Round(time.Millisecond))
	// Let every session's first connect be answered and the next one be
	// held, so the first messages do not wait for a poll to come back.
	select {
	case <-time.After(300 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	r.drive(ctx)
	r.fill(rep)
	return rep, nil
}

func (r *run) logf(format string, a ...any) {
	if r.cfg.Log != nil {
		fmt.Fprintf(r.cfg.Log, "loadgen: "+format+"\n", a...)
	}
}

// connect logs every agent in and opens its CometD session.
func (r *run) connect(ctx context.Context) error {
	n := len(r.cfg.Agents)
	// Long polls each hold a connection: the pool must not cap them.
	bayeuxHTTP := &http.Client{Transport: &http.Transport{
		MaxIdleConns: 2*n + 64, MaxIdleConnsPerHost: 2*n + 64, IdleConnTimeout: 5 * time.Minute,
	}}
	r.bayeux = bayeuxHTTP
	r.agents = make([]*agent, n)
	for i, a := range r.cfg.Agents {
		ag := &agent{Agent: a, auth: basic(a.UserName, a.Password)}
		ag.client = &bayeux.Client{
			URL:        r.cfg.Target + "/api/v2/notifications",
			HTTPClient: bayeuxHTTP,
			Header:     http.Header{"Authorization": {ag.auth}},
			Transport:  r.cfg.Transport,
			Buffer:     256,
		}
		r.agents[i] = ag
	}
	sem := make(chan struct{}, r.cfg.ConnectConcurrency)
	errc := make(chan error, n)
	var wg sync.WaitGroup
	for i, ag := range r.agents {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := r.login(ctx, ag); err != nil {
				errc <- fmt.Errorf("agent %s: %w", ag.UserName, err)
				return
			}
			go r.receive(i, ag.client)
		})
	}
	wg.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	if failed := len(errs); failed > 0 {
		if failed > 3 {
			errs = append(errs[:3], fmt.Errorf("and %d more", len(errs)-3))
		}
		return fmt.Errorf("loadgen: %d of %d agents could not connect: %w", failed, n, errors.Join(errs...))
	}
	for i := range r.agents {
		r.free <- i
	}
	return nil
}

// login checks the credentials with GET /api/v2/me, then handshakes and
// subscribes to the agent's interaction notifications.
func (r *run) login(ctx context.Context, ag *agent) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	status, body, err := r.do(ctx, http.MethodGet, r.cfg.Target+"/api/v2/me", ag.auth, nil)
	if err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("log in: GET /api/v2/me answered %d: %s", status, clip(body))
	}
	if err := ag.client.Handshake(ctx); err != nil {
		return err
	}
	return ag.client.Subscribe(ctx, "/v2/me/interactions")
}

// receive hands every message of one agent to the tracker, stamped with
// its arrival time.
func (r *run) receive(i int, c *bayeux.Client) {
	for {
		m, err := c.Receive(context.Background())
		if err != nil {
			return
		}
		r.track.message(i, m, time.Now())
	}
}

// disconnect ends every session, a few at a time.
func (r *run) disconnect() {
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for _, ag := range r.agents {
		if ag == nil {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = ag.client.Disconnect(ctx)
		})
	}
	wg.Wait()
	// Connections dialed but never used would keep a server's graceful
	// shutdown waiting.
	if r.bayeux != nil {
		r.bayeux.CloseIdleConnections()
	}
}

// drive starts flows at the configured rate for Warmup+Duration and waits
// for them to end.
func (r *run) drive(ctx context.Context) {
	interval := time.Duration(float64(time.Second) * OpsPerFlow / r.cfg.Rate)
	start := time.Now()
	measureFrom := start.Add(r.cfg.Warmup)
	end := measureFrom.Add(r.cfg.Duration)
	if r.cfg.Warmup > 0 {
		r.logf("warming up for %v", r.cfg.Warmup)
	}
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if !at.Before(end) {
			break
		}
		if d := time.Until(at); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		if ctx.Err() != nil {
			break
		}
		measured := !at.Before(measureFrom)
		a, b, ok := r.pair()
		if !ok {
			if measured {
				r.mu.Lock()
				r.skipped++
				r.mu.Unlock()
			}
			continue
		}
		if measured {
			r.mu.Lock()
			r.flows++
			r.mu.Unlock()
		}
		wg.Go(func() {
			defer func() { r.free <- a; r.free <- b }()
			r.flow(ctx, a, b, measured)
		})
	}
	r.logf("waiting for the flows in flight")
	wg.Wait()
	// Catch late duplicates.
	time.Sleep(200 * time.Millisecond)
}

// pair takes two free agents.
func (r *run) pair() (a, b int, ok bool) {
	select {
	case a = <-r.free:
	default:
		return 0, 0, false
	}
	select {
	case b = <-r.free:
		return a, b, true
	default:
		r.free <- a
		return 0, 0, false
	}
}

// flow runs the six operations of one interaction.
func (r *run) flow(ctx context.Context, a, b int, measured bool) {
	token := fmt.Sprintf("%s-%d", r.prefix, r.flowSeq.Add(1))
	f := r.track.open(token, measured)
	A, B := r.agents[a], r.agents[b]
	var waits []*expectation
	// finish waits for everything still expected, then stops.
	finish := func() {
		for _, e := range waits {
			r.track.await(e, r.cfg.NotifyTimeout)
		}
	}

	// 1. A customer's email arrives, offered to A.
	t0 := time.Now()
	offerA := f.expect(a, "StatusChange", "Invited", t0)
	body := fmt.Sprintf(`{"channel":%q,"agent":%q,"userData":{"loadgen":%q},%s}`, r.cfg.Channel, A.UserName, token, channelObject(r.cfg.Channel, token))
	status, resp, err := r.timed(ctx, measured, http.MethodPost, r.cfg.Target+"/control/v1/interactions", r.controlAuth(), []byte(body), t0)
	if !r.ok("control create", status, resp, err, http.StatusCreated) {
		f.cancel(offerA)
		return
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &created); err != nil || created.ID == "" {
		r.fail(fmt.Sprintf("control create: no id in %s", clip(resp)))
		r.track.await(offerA, r.cfg.NotifyTimeout)
		return
	}
	opURL := r.cfg.Target + "/api/v2/me/interactions/" + created.ID
	if !r.track.await(offerA, r.cfg.NotifyTimeout) {
		return // lost; A cannot know it was offered
	}

	// op sends one operation by ag and expects its messages.
	op := func(name string, ag *agent, body string, want ...want) bool {
		t0 := time.Now()
		var es []*expectation
		for _, w := range want {
			es = append(es, f.expect(w.agent, w.ntype, w.state, t0))
		}
		status, resp, err := r.timed(ctx, measured, http.MethodPost, opURL, ag.auth, []byte(body), t0)
		if !r.ok(name, status, resp, err, http.StatusOK) {
			for _, e := range es {
				f.cancel(e)
			}
			return false
		}
		waits = append(waits, es...)
		return true
	}

	// 2-4. A works on it and hands it to B.
	if !op("Accept", A, `{"operationName":"Accept"}`, want{a, "StatusChange", "Processing"}) ||
		!op("UpdateProperties", A, `{"operationName":"UpdateProperties","properties":{"step":"updated"}}`, want{a, "PropertiesUpdated", "Processing"}) ||
		!op("Transfer", A, fmt.Sprintf(`{"operationName":"Transfer","targetId":%q}`, B.UserName), want{a, "StatusChange", "Transferred"}, want{b, "StatusChange", "Invited"}) {
		finish()
		return
	}
	offerB := waits[len(waits)-1]
	if !r.track.await(offerB, r.cfg.NotifyTimeout) {
		finish()
		return
	}
	// 5-6. B accepts and completes it.
	_ = op("Accept", B, `{"operationName":"Accept"}`, want{b, "StatusChange", "Processing"}) &&
		op("StopProcessing", B, `{"operationName":"StopProcessing"}`, want{b, "StatusChange", "Completed"})
	finish()
}

type want struct {
	agent        int
	ntype, state string
}

// channelObject is the channel data of a new interaction.
func channelObject(channel, token string) string {
	switch channel {
	case "email":
		return fmt.Sprintf(`"email_object":{"subject":"loadgen %s","from":"customer@example.com"}`, token)
	case "chat":
		return `"chat_object":{"nickname":"loadgen"}`
	default:
		return fmt.Sprintf(`%q:{"loadgen":%q}`, channel+"_object", token)
	}
}

func (r *run) controlAuth() string {
	if r.cfg.ControlToken == "" {
		return ""
	}
	return "Bearer " + r.cfg.ControlToken
}

// timed sends a request whose clock started at t0 and records its latency
// when the flow is measured and the answer came.
func (r *run) timed(ctx context.Context, measured bool, method, url, auth string, body []byte, t0 time.Time) (int, []byte, error) {
	status, resp, err := r.do(ctx, method, url, auth, body)
	if err == nil && measured {
		d := time.Since(t0)
		r.mu.Lock()
		r.httpLat = append(r.httpLat, d)
		if status/100 == 2 {
			r.ops++
		}
		r.mu.Unlock()
	}
	return status, resp, err
}

func (r *run) do(ctx context.Context, method, url, auth string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := r.rest.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, b, err
}

// ok counts a failed operation as an error.
func (r *run) ok(what string, status int, body []byte, err error, wantStatus int) bool {
	switch {
	case err != nil:
		r.fail(fmt.Sprintf("%s: %v", what, err))
	case status != wantStatus:
		r.fail(fmt.Sprintf("%s: HTTP %d: %s", what, status, clip(body)))
	default:
		return true
	}
	return false
}

func (r *run) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs++
	if len(r.errSamp) < 5 {
		r.errSamp = append(r.errSamp, msg)
	}
}

func (r *run) fill(rep *Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep.Flows = r.flows
	rep.Operations = r.ops
	rep.OpsPerSec = float64(r.ops) / r.cfg.Duration.Seconds()
	rep.HTTP = summarize(r.httpLat)
	rep.Errors = r.errs
	rep.ErrorSamples = r.errSamp
	rep.Skipped = r.skipped
	r.track.fill(rep)
}

func basic(user, pass string) string {
	req := http.Request{Header: http.Header{}}
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
