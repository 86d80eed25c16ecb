package loadgen

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// tracker matches the messages agents receive with the ones the flows
// expect.
type tracker struct {
	mu         sync.Mutex // guards the fields below and every flowTrack and expectation
	flows      map[string]*flowTrack
	lat        []time.Duration // notification latencies of measured flows
	received   int             // messages of this run's flows
	lost       int
	late       int // lost, then arrived
	outOfOrder int
	duplicates int
	unexpected int
	samples    []string // of unexpected messages
}

func newTracker() *tracker { return &tracker{flows: make(map[string]*flowTrack)} }

type flowTrack struct {
	t        *tracker
	measured bool
	exps     []*expectation // in the order the operations were sent
}

type expState uint8

const (
	pending expState = iota
	received
	lostState
	cancelled // its operation failed
)

// expectation is one message an agent should receive.
type expectation struct {
	agent        int
	ntype, state string
	t0           time.Time // when the operation's request started
	st           expState
	done         chan struct{} // closed when received
}

// open starts tracking a flow.
func (t *tracker) open(token string, measured bool) *flowTrack {
	f := &flowTrack{t: t, measured: measured}
	t.mu.Lock()
	t.flows[token] = f
	t.mu.Unlock()
	return f
}

// expect records that agent should get a message of that notificationType
// and state, caused by an operation sent at t0.
func (f *flowTrack) expect(agent int, ntype, state string, t0 time.Time) *expectation {
	e := &expectation{agent: agent, ntype: ntype, state: state, t0: t0, done: make(chan struct{})}
	f.t.mu.Lock()
	f.exps = append(f.exps, e)
	f.t.mu.Unlock()
	return e
}

// cancel forgets an expectation whose operation failed.
func (f *flowTrack) cancel(e *expectation) {
	f.t.mu.Lock()
	if e.st == pending {
		e.st = cancelled
	}
	f.t.mu.Unlock()
}

// await waits for e up to timeout and reports whether it came; when it
// does not, it is counted lost.
func (t *tracker) await(e *expectation, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-e.done:
		return true
	case <-timer.C:
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch e.st {
	case received:
		return true
	case pending:
		e.st = lostState
		t.lost++
	}
	return false
}

// message takes one message that agent received at time at.
func (t *tracker) message(agent int, m bayeux.Message, at time.Time) {
	var d struct {
		MessageTypeName  string `json:"messageTypeName"`
		NotificationType string `json:"notificationType"`
		State            string `json:"state"`
		ID               string `json:"id"`
		UserData         struct {
			Loadgen any `json:"loadgen"`
		} `json:"userData"`
	}
	if json.Unmarshal(m.Data, &d) != nil {
		return
	}
	token, _ := d.UserData.Loadgen.(string)
	if token == "" {
		return // not an interaction of this run
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.flows[token]
	if f == nil {
		return // another run's
	}
	t.received++
	seen := false
	for i, e := range f.exps {
		if e.agent != agent || e.ntype != d.NotificationType || e.state != d.State {
			continue
		}
		switch e.st {
		case received:
			seen = true
			continue
		case cancelled:
			continue
		case lostState:
			t.late++
			return
		}
		for _, before := range f.exps[:i] {
			if before.agent == agent && before.st == pending {
				t.outOfOrder++
				break
			}
		}
		e.st = received
		close(e.done)
		if f.measured {
			t.lat = append(t.lat, at.Sub(e.t0))
		}
		return
	}
	if seen {
		t.duplicates++
		return
	}
	t.unexpected++
	if len(t.samples) < 5 {
		t.samples = append(t.samples, fmt.Sprintf("agent #%d got %s %s/%s on %s", agent, d.ID, d.NotificationType, d.State, m.Channel))
	}
}

func (t *tracker) fill(rep *Report) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rep.Notify = summarize(t.lat)
	rep.Messages = t.received
	rep.Lost = t.lost
	rep.Late = t.late
	rep.OutOfOrder = t.outOfOrder
	rep.Duplicates = t.duplicates
	rep.Unexpected = t.unexpected
	rep.UnexpectedSamples = append([]string(nil), t.samples...)
}
