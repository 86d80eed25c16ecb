package benchreport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/loadgen"
	"github.com/gwsmock/gwsmock/mockserver"
)

// restBench measures the REST throughput of the in-process mock against a
// bare net/http handler that writes the same bytes, with the same load
// loop: a fixed number of workers on keep-alive connections.
type restBench struct {
	o       Options
	mock    *mockserver.Server
	client  *http.Client
	getter  loadgen.Agent   // holds 3 interactions
	workers []loadgen.Agent // one per worker, for the cycle
}

func (b *restBench) open() error {
	snap, err := fixtures.Decode(Fixture(1+b.o.Concurrency, 100000))
	if err != nil {
		return fmt.Errorf("bench fixture: %w", err)
	}
	b.mock = &mockserver.Server{Fixture: &snap}
	if err := b.mock.Open(); err != nil {
		return err
	}
	agents := Agents(1 + b.o.Concurrency)
	b.getter, b.workers = agents[0], agents[1:]
	b.client = &http.Client{Transport: &http.Transport{
		MaxIdleConns: 4 * b.o.Concurrency, MaxIdleConnsPerHost: 4 * b.o.Concurrency, DisableCompression: true,
	}}
	for range 3 {
		id, err := b.offer(context.Background(), b.getter)
		if err != nil {
			return err
		}
		if err := b.operate(b.getter, id, "Accept"); err != nil {
			return err
		}
	}
	return nil
}

func (b *restBench) close() {
	b.client.CloseIdleConnections()
	_ = b.mock.Close()
}

// offer creates an email offered to ag and returns its id.
func (b *restBench) offer(ctx context.Context, ag loadgen.Agent) (string, error) {
	body := fmt.Sprintf(`{"channel":"email","agent":%q,"email_object":{"subject":"bench","from":"customer@example.com"}}`, ag.UserName)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.mock.URL()+"/control/v1/interactions", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("control create: HTTP %d, %v", resp.StatusCode, err)
	}
	return out.ID, nil
}

func opBody(op string) []byte { return []byte(`{"operationName":"` + op + `"}`) }

func (b *restBench) opRequest(base string, ag loadgen.Agent, id, op string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v2/me/interactions/"+id, bytes.NewReader(opBody(op)))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(ag.UserName, ag.Password)
	return req
}

func (b *restBench) operate(ag loadgen.Agent, id, op string) error {
	status, _, err := roundTrip(b.client, b.opRequest(b.mock.URL(), ag, id, op))
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s %s: HTTP %d", op, id, status)
	}
	return err
}

func (b *restBench) getRequest(base string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v2/me/interactions?fields=*", nil)
	req.SetBasicAuth(b.getter.UserName, b.getter.Password)
	return req
}

// roundTrip sends req and reads the whole answer.
func roundTrip(c *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// sample answers one request of the mock, for the bare handler to copy.
type sample struct {
	header http.Header
	body   []byte
}

func (b *restBench) sample(req *http.Request) (sample, error) {
	resp, err := b.client.Do(req)
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return sample{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return sample{}, fmt.Errorf("%s %s: HTTP %d: %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return sample{header: h, body: body}, nil
}

// getSample answers GET /me/interactions?fields=* of the agent holding 3
// interactions.
func (b *restBench) getSample() (sample, error) {
	s, err := b.sample(b.getRequest(b.mock.URL()))
	if err != nil {
		return sample{}, err
	}
	if n := bytes.Count(s.body, []byte(`"InteractionStateMessage"`)); n != 3 {
		return sample{}, fmt.Errorf("GET /me/interactions?fields=*: %d interactions, want 3", n)
	}
	return s, nil
}

// bare serves s for every request on its own listener.
func bare(s sample) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		for k, v := range s.header {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(s.body)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// hammer runs conc workers that send requests made by mk for d and returns
// the requests answered 200 per second.
func hammer(ctx context.Context, c *http.Client, conc int, d time.Duration, mk func() *http.Request) (float64, error) {
	var n, bad atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				status, _, err := roundTrip(c, mk())
				if err != nil || status != http.StatusOK {
					bad.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("HTTP %d, %v", status, err))
					continue
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	if bad.Load() > 0 {
		return 0, fmt.Errorf("%d failed requests, first: %v", bad.Load(), firstErr.Load())
	}
	return float64(n.Load()) / el.Seconds(), nil
}

// cycle measures Accept then StopProcessing of offers made beforehand:
// each worker's agent is offered batch emails through the control API
// (not timed), then the workers accept and stop theirs (timed). Rounds
// repeat until d of timed work; it returns the timed requests per second.
func (b *restBench) cycle(ctx context.Context, d time.Duration, batch int) (float64, error) {
	var timed time.Duration
	requests := 0
	for timed < d {
		ids := make([][]string, len(b.workers))
		errc := make(chan error, len(b.workers))
		var wg sync.WaitGroup
		for i, ag := range b.workers {
			wg.Go(func() {
				for range batch {
					id, err := b.offer(ctx, ag)
					if err != nil {
						errc <- err
						return
					}
					ids[i] = append(ids[i], id)
				}
			})
		}
		wg.Wait()
		select {
		case err := <-errc:
			return 0, err
		default:
		}
		start := time.Now()
		for i, ag := range b.workers {
			wg.Go(func() {
				for _, id := range ids[i] {
					for _, op := range []string{"Accept", "StopProcessing"} {
						if err := b.operate(ag, id, op); err != nil {
							errc <- err
							return
						}
					}
				}
			})
		}
		wg.Wait()
		timed += time.Since(start)
		requests += 2 * batch * len(b.workers)
		select {
		case err := <-errc:
			return 0, err
		default:
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return float64(requests) / timed.Seconds(), nil
}

// restRows measures both REST figures.
func restRows(ctx context.Context, o Options) ([]Row, error) {
	b := &restBench{o: o}
	if err := b.open(); err != nil {
		return nil, err
	}
	defer b.close()

	getSample, err := b.getSample()
	if err != nil {
		return nil, err
	}
	id, err := b.offer(ctx, b.workers[0])
	if err != nil {
		return nil, err
	}
	acceptSample, err := b.sample(b.opRequest(b.mock.URL(), b.workers[0], id, "Accept"))
	if err != nil {
		return nil, err
	}
	if err := b.operate(b.workers[0], id, "StopProcessing"); err != nil {
		return nil, err
	}
	bareGet, stopGet, err := bare(getSample)
	if err != nil {
		return nil, err
	}
	defer stopGet()
	bareOp, stopOp, err := bare(acceptSample)
	if err != nil {
		return nil, err
	}
	defer stopOp()

	getMock := func() *http.Request { return b.getRequest(b.mock.URL()) }
	getBare := func() *http.Request { return b.getRequest(bareGet) }
	opBare := func() *http.Request {
		return b.opRequest(bareOp, b.workers[0], "0000000000000000", "Accept")
	}
	const batch = 100
	o.logf("REST: warming up")
	for _, mk := range []func() *http.Request{getBare, getMock, opBare} {
		if _, err := hammer(ctx, b.client, o.Concurrency, o.RESTDuration/4, mk); err != nil {
			return nil, err
		}
	}
	if _, err := b.cycle(ctx, o.RESTDuration/4, batch); err != nil {
		return nil, err
	}
	// Short measurements in pairs, bare and mock back to back, the order
	// flipping from pair to pair: a burst of load from elsewhere on the
	// machine hits both sides of a pair alike, and the median of the
	// per-pair ratios shrugs off the pairs it hits unevenly.
	pairs := 2*o.Reps + 1
	var gm, gb, cm, cb, gr, cr []float64
	for i := range pairs {
		o.logf("REST: pair %d of %d", i+1, pairs)
		var bg, mg, bc, mc float64
		measure := []func() error{
			func() (err error) {
				bg, err = hammer(ctx, b.client, o.Concurrency, o.RESTDuration, getBare)
				return wrap("bare GET", err)
			},
			func() (err error) {
				mg, err = hammer(ctx, b.client, o.Concurrency, o.RESTDuration, getMock)
				return wrap("mock GET", err)
			},
			func() (err error) {
				bc, err = hammer(ctx, b.client, o.Concurrency, o.RESTDuration, opBare)
				return wrap("bare POST", err)
			},
			func() (err error) { mc, err = b.cycle(ctx, o.RESTDuration, batch); return wrap("mock cycle", err) },
		}
		if i%2 == 1 {
			measure[0], measure[1], measure[2], measure[3] = measure[1], measure[0], measure[3], measure[2]
		}
		for _, m := range measure {
			if err := m(); err != nil {
				return nil, err
			}
		}
		gm, gb, cm, cb = append(gm, mg), append(gb, bg), append(cm, mc), append(cb, bc)
		gr, cr = append(gr, mg/bg), append(cr, mc/bc)
	}
	getRatio, cycleRatio := median(gr), median(cr)
	reps := fmt.Sprintf("in-process mock (default logger: none) and bare handler on loopback, same Go client loop, %d workers on keep-alive connections; median of %d pairs of %v runs, bare and mock back to back", o.Concurrency, pairs, o.RESTDuration)
	return []Row{
		{
			Figure: "REST GET /api/v2/me/interactions?fields=* (agent holding 3 interactions, Basic auth, request validation on)",
			Value:  fmt.Sprintf("%.0f req/s; bare net/http handler %.0f req/s; ratio **%.2f**", median(gm), median(gb), getRatio),
			Goal:   "ratio ≥ 0.5", Pass: pass(getRatio >= 0.5),
			Note: fmt.Sprintf("%s; ratios of the pairs %s; %d-byte answer, bare handler copies its headers and body", reps, ratios(gr), len(getSample.body)),
		},
		{
			Figure: "REST Accept + StopProcessing cycle (POST /api/v2/me/interactions/{id}, validation on)",
			Value:  fmt.Sprintf("%.0f req/s (%.0f cycles/s); bare handler %.0f req/s; ratio **%.2f**", median(cm), median(cm)/2, median(cb), cycleRatio),
			Goal:   "— (reported)",
			Note:   fmt.Sprintf("%s; offers made through /control/v1 before each timed batch of %d per worker (not timed); ratios of the pairs %s; bare handler answers the Accept's bytes", reps, batch, ratios(cr)),
		},
	}, nil
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ratios(v []float64) string {
	var b bytes.Buffer
	for i, r := range v {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.2f", r)
	}
	return b.String()
}
