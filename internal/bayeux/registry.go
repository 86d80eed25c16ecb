package bayeux

// The session registry: sessions by clientId and by principal, and
// which request may use a session.

import "slices"

// Outcomes of add.
type addResult uint8

const (
	added addResult = iota
	duplicateID
	closing
	tooMany
)

// add registers a new session and starts the sweeper if it does not run.
func (s *Server) add(ss *session) addResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return closing
	}
	if _, dup := s.sessions[ss.id]; dup {
		return duplicateID
	}
	list := s.byPrincipal[ss.principal]
	if limit := s.maxSessions(); limit > 0 && ss.principal != "" && len(list) >= limit {
		return tooMany
	}
	s.sessions[ss.id] = ss
	ss.pidx = len(list)
	s.byPrincipal[ss.principal] = append(list, ss)
	if s.stopSweep == nil {
		s.stopSweep = make(chan struct{})
		stop := s.stopSweep
		s.wg.Go(func() { s.sweeper(stop) })
	}
	return added
}

// remove unregisters ss if it is still registered. Called with s.mu held.
func (s *Server) removeLocked(ss *session) {
	if s.sessions[ss.id] != ss {
		return
	}
	delete(s.sessions, ss.id)
	list := s.byPrincipal[ss.principal]
	last := len(list) - 1
	list[ss.pidx] = list[last]
	list[ss.pidx].pidx = ss.pidx
	list[last] = nil
	if last == 0 {
		delete(s.byPrincipal, ss.principal)
	} else {
		s.byPrincipal[ss.principal] = list[:last]
	}
}

func (s *Server) drop(list []*session) {
	if len(list) == 0 {
		return
	}
	s.mu.Lock()
	for _, ss := range list {
		s.removeLocked(ss)
	}
	s.mu.Unlock()
	for _, ss := range list {
		s.log().Info("bayeux: session dropped: queue full", "clientId", ss.id, "principal", ss.principal)
	}
}

// sessionsOf returns a copy of principal's session list, so that callers
// lock each session without holding the server's lock: a session whose
// lock is held for long (a big subscribe) must not stop the server, and
// with it every other session, behind a waiting writer of s.mu.
func (s *Server) sessionsOf(principal string) []*session {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.byPrincipal[principal])
}

// identity caches Server.Identify for a request or a socket.
type identity struct {
	done      bool
	principal string
	proof     Proof
}

// owns reports whether the request may send a message on channel for ss,
// by the rule of Server.Identify.
func (s *Server) owns(rq *request, ss *session, channel string) bool {
	if s.Identify == nil {
		return true
	}
	id := rq.ident
	if !id.done {
		id.principal, id.proof = s.Identify(rq.r)
		id.done = true
	}
	switch id.proof {
	case ProofNone:
		return true
	case ProofCredentials:
		return id.principal == ss.principal
	case ProofCookie:
		return id.principal == ss.principal || channel == MetaConnect
	}
	return false // ProofInvalid, or a value Identify should not answer
}

// lookup finds the session of a message's clientId, when the request may
// use it for that message.
func (s *Server) lookup(rq *request, m *Message) *session {
	s.mu.RLock()
	ss := s.sessions[m.ClientID]
	s.mu.RUnlock()
	if ss == nil {
		return nil
	}
	if !s.owns(rq, ss, m.Channel) {
		s.log().Info("bayeux: clientId presented without its principal's credentials", "clientId", m.ClientID, "principal", ss.principal, "channel", m.Channel)
		return nil
	}
	return ss
}
