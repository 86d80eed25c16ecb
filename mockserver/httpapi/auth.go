package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// SessionCookie is the name of the session cookie GWS uses.
const SessionCookie = "JSESSIONID"

// cookiePath is the Path the session cookie is set, and cleared, with.
const cookiePath = "/"

// DefaultMaxSessions bounds the session table.
const DefaultMaxSessions = 100000

// Sessions maps JSESSIONID values to user ids. The REST API and the CometD
// handshake share one table, so a browser that logged in over REST opens its
// CometD session with the cookie alone.
type Sessions struct {
	max int

	mu sync.Mutex
	// guards byToken, order
	byToken map[string]string // token -> user id
	order   []string          // tokens, oldest first, for eviction
}

// NewSessions returns a table that keeps at most max sessions (0: DefaultMaxSessions),
// forgetting the oldest first.
func NewSessions(max int) *Sessions {
	if max <= 0 {
		max = DefaultMaxSessions
	}
	return &Sessions{max: max, byToken: map[string]string{}}
}

// New starts a session for userID and returns its token.
func (s *Sessions) New(userID string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	tok := hex.EncodeToString(b[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byToken[tok] = userID
	s.order = append(s.order, tok)
	for len(s.byToken) > s.max && len(s.order) > 0 {
		delete(s.byToken, s.order[0])
		s.order = s.order[1:]
	}
	if len(s.order) > 2*s.max { // compact tokens already forgotten
		kept := s.order[:0]
		for _, t := range s.order {
			if _, ok := s.byToken[t]; ok {
				kept = append(kept, t)
			}
		}
		s.order = kept
	}
	return tok
}

// Forget ends the session of token; an unknown token is ignored.
func (s *Sessions) Forget(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byToken, token) // s.order is compacted by New
}

// User returns the user id of token.
func (s *Sessions) User(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byToken[token]
	return id, ok
}

// Authenticator identifies the user of a request.
type Authenticator struct {
	Center   *contactcenter.Center
	Sessions *Sessions
}

// Identify returns the user a request speaks for: the Basic credentials when
// present (wrong ones fail even with a valid cookie), else the session
// cookie. fromCookie reports which.
func (a *Authenticator) Identify(r *http.Request) (u contactcenter.User, fromCookie bool, ok bool) {
	if name, pass, has := r.BasicAuth(); has {
		u, ok := a.Center.Authenticate(name, pass)
		return u, false, ok
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		if id, found := a.Sessions.User(c.Value); found {
			u, ok := a.Center.User(id)
			return u, true, ok
		}
	}
	return contactcenter.User{}, false, false
}

// csrfTokens holds one CSRF token per user, made on first need.
type csrfTokens struct {
	mu sync.Mutex
	// guards byUser
	byUser map[string]string
}

func (c *csrfTokens) token(userID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byUser == nil {
		c.byUser = map[string]string{}
	}
	t, ok := c.byUser[userID]
	if !ok {
		var b [16]byte
		_, _ = rand.Read(b[:])
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		h := hex.EncodeToString(b[:])
		t = h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		c.byUser[userID] = t
	}
	return t
}
