package conformance

import (
	"context"
	"sync"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

// lane is where one scenario runs: a target and one group of its agents
// (a pool of the target file, or the one mapping).
type lane struct {
	target string
	group  int           // the index of its group
	cfg    *steps.Config // the run's configuration with the group's mapping
}

// lanes hands out the lanes of a run (see Isolation): a driver scenario
// takes one free lane; a @mock scenario resets its target, so it takes a
// whole target (every lane of it) and no driver scenario starts there
// while it waits. With drivers set, the @mock scenarios also wait until
// that many driver scenarios have ended: they run at the end, so that the
// driver scenarios keep the lanes busy. At most max scenarios run at once.
type lanes struct {
	max int

	// drivers counts the driver scenarios still to end, when the @mock
	// scenarios wait for them (guarded by mu).
	drivers int

	mu sync.Mutex
	// guards the fields below
	free    [][]*lane     // by target, its free lanes
	total   []int         // by target, how many lanes it has
	waiting []int         // by target, the @mock scenarios waiting for it
	running int           // scenarios running
	changed chan struct{} // closed and replaced when a lane is released or a @mock scenario starts waiting
}

// newLanes returns the lanes of targets × groups, each group with its
// configuration, at most max in use at once.
func newLanes(targets []string, cfgs []*steps.Config, max int) *lanes {
	l := &lanes{max: max, changed: make(chan struct{})}
	for _, t := range targets {
		var free []*lane
		for i, c := range cfgs {
			free = append(free, &lane{target: t, group: i, cfg: c})
		}
		l.free = append(l.free, free)
		l.total = append(l.total, len(free))
		l.waiting = append(l.waiting, 0)
	}
	return l
}

// lease is what acquire hands out: the lanes a scenario holds.
type lease struct {
	target int
	held   []*lane
}

// lane is the lane the scenario runs on: for a @mock scenario, which
// holds a whole target, the one of the first group.
func (got lease) lane() *lane {
	best := got.held[0]
	for _, ln := range got.held {
		if ln.group < best.group {
			best = ln
		}
	}
	return best
}

// acquire waits for a lane (mock: a whole target) and takes it.
func (l *lanes) acquire(ctx context.Context, mock bool) (lease, error) {
	mine := -1 // the target a waiting @mock scenario counts itself against
	defer func() {
		if mine >= 0 {
			l.mu.Lock()
			l.waiting[mine]--
			l.mu.Unlock()
		}
	}()
	for {
		l.mu.Lock()
		if got, ok := l.take(mock); ok {
			l.mu.Unlock()
			return got, nil
		}
		if mock && mine < 0 && l.drivers == 0 {
			mine = l.freest()
			l.waiting[mine]++
			l.broadcast()
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return lease{}, ctx.Err()
		}
	}
}

// take takes what a scenario needs, if it is free. l.mu is held.
func (l *lanes) take(mock bool) (lease, bool) {
	if l.running >= l.max {
		return lease{}, false
	}
	for t := range l.free {
		switch {
		case mock && l.drivers == 0 && len(l.free[t]) == l.total[t]:
			held := l.free[t]
			l.free[t] = nil
			l.running++
			return lease{target: t, held: held}, true
		case !mock && len(l.free[t]) > 0 && l.waiting[t] == 0:
			held := l.free[t][:1]
			l.free[t] = l.free[t][1:]
			l.running++
			return lease{target: t, held: held}, true
		}
	}
	return lease{}, false
}

// freest is the target with the most free lanes: the one a waiting @mock
// scenario will likely get soonest. l.mu is held.
func (l *lanes) freest() int {
	best := 0
	for t := range l.free {
		if len(l.free[t]) > len(l.free[best]) {
			best = t
		}
	}
	return best
}

// release gives back what acquire took; mock says whether a @mock
// scenario held it.
func (l *lanes) release(got lease, mock bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !mock && l.drivers > 0 {
		l.drivers--
	}
	l.free[got.target] = append(l.free[got.target], got.held...)
	l.running--
	l.broadcast()
}

// broadcast wakes every waiter to look again. l.mu is held.
func (l *lanes) broadcast() {
	close(l.changed)
	l.changed = make(chan struct{})
}
