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
// for longer than MaxInterval, and returns how many it removed.
func (s *Server) sweep(now time.Time) int {
	limit := s.maxInterval()
	var dead []*session
	s.mu.Lock()
	for _, ss := range s.sessions {
		ss.mu.Lock()
		if ss.held == nil && now.Sub(ss.lastSeen) > limit {
			ss.gone = true
			ss.queue, ss.subs = nil, nil
			dead = append(dead, ss)
		}
		ss.mu.Unlock()
	}
	for _, ss := range dead {
		s.removeLocked(ss)
	}
	s.mu.Unlock()
	for _, ss := range dead {
		s.log().Debug("bayeux: session swept", "clientId", ss.id, "principal", ss.principal)
	}
	return len(dead)
}
