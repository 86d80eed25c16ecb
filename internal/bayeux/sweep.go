package bayeux

// The sweeper, which removes sessions idle for longer than MaxInterval.

import (
	"time"
)

func (s *Server) sweeper(stop <-chan struct{}) {
	period := max(s.maxInterval()/2, 10*time.Millisecond)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.sweep(s.now())
		case <-stop:
			return
		}
	}
}

// sweep removes the sessions that have had no connect, held or answered,
// for longer than MaxInterval, and returns how many it removed. It never
// waits for a session's lock: a session busy right now is not idle, and the
// next sweep looks at it again.
func (s *Server) sweep(now time.Time) int {
	limit := s.maxInterval()
	s.mu.RLock()
	all := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.RUnlock()
	var dead []*session
	for _, ss := range all {
		if !ss.mu.TryLock() {
			continue
		}
		if !ss.gone && ss.held == nil && now.Sub(ss.lastSeen) > limit {
			ss.gone = true
			ss.queue, ss.subs = nil, nil
			dead = append(dead, ss)
		}
		ss.mu.Unlock()
	}
	s.mu.Lock()
	for _, ss := range dead {
		s.removeLocked(ss)
	}
	s.mu.Unlock()
	for _, ss := range dead {
		s.log().Debug("bayeux: session swept", "clientId", ss.id, "principal", ss.principal)
	}
	return len(dead)
}
