package httpapi

import (
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
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
//
// The table is bounded and forgets the session used least recently, so a
// session in use survives any number of logins. A request with Basic
// credentials and no session cookie of its user gets its user's most
// recent such session again (ForBasic) rather than a new one: a load
// generator sending 100,000 cookie-less requests holds one session, not
// the whole table. A session carries nothing but its user, so clients of
// one user sharing it cannot tell.
type Sessions struct {
	max int

	mu sync.Mutex
	// guards byToken, lru, basic
	byToken map[string]*list.Element // token -> element of lru, holding a *session
	lru     *list.List               // sessions, most recently used first
	basic   map[string]string        // user id -> the token ForBasic last handed out
}

type session struct {
	token, userID string
	// setCookie is the Set-Cookie header that hands the session out, made
	// once: answers share it, so nothing may change it.
	setCookie []string
}

// NewSessions returns a table that keeps at most max sessions (0:
// DefaultMaxSessions), forgetting the least recently used first.
func NewSessions(max int) *Sessions {
	if max <= 0 {
		max = DefaultMaxSessions
	}
	return &Sessions{max: max, byToken: map[string]*list.Element{}, lru: list.New(), basic: map[string]string{}}
}

// ForBasic returns the session of userID that ForBasic handed out last,
// marking it used, or starts one when that one is forgotten.
func (s *Sessions) ForBasic(userID string) string {
	tok, _ := s.forBasic(userID)
	return tok
}

// forBasic is ForBasic, with the session's Set-Cookie header (shared:
// never change it).
func (s *Sessions) forBasic(userID string) (token string, setCookie []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, ok := s.basic[userID]; ok {
		if e, ok := s.byToken[tok]; ok {
			s.lru.MoveToFront(e)
			return tok, e.Value.(*session).setCookie
		}
	}
	ses := s.newLocked(userID)
	s.basic[userID] = ses.token
	return ses.token, ses.setCookie
}

func (s *Sessions) newLocked(userID string) *session {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	tok := hex.EncodeToString(b[:])
	c := &http.Cookie{Name: SessionCookie, Value: tok, Path: cookiePath, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	ses := &session{token: tok, userID: userID, setCookie: []string{c.String()}}
	s.byToken[tok] = s.lru.PushFront(ses)
	for s.lru.Len() > s.max {
		s.removeLocked(s.lru.Back())
	}
	return ses
}

// Forget ends the session of token; an unknown token is ignored.
func (s *Sessions) Forget(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byToken[token]; ok {
		s.removeLocked(e)
	}
}

// removeLocked forgets the session of e.
func (s *Sessions) removeLocked(e *list.Element) {
	old := s.lru.Remove(e).(*session)
	delete(s.byToken, old.token)
	if s.basic[old.userID] == old.token {
		delete(s.basic, old.userID)
	}
}

// User returns the user id of token and marks the session used.
func (s *Sessions) User(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byToken[token]
	if !ok {
		return "", false
	}
	s.lru.MoveToFront(e)
	return e.Value.(*session).userID, true
}

// Authenticator identifies the user of a request.
type Authenticator struct {
	Center   *contactcenter.Center
	Sessions *Sessions

	verified verifiedCredentials
}

// Identify returns the user a request speaks for: the Basic credentials when
// present (wrong ones fail even with a valid cookie), else the session
// cookie. fromCookie reports which. The user's slices are shared with
// other answers of Identify: read them, never change them.
func (a *Authenticator) Identify(r *http.Request) (u contactcenter.User, fromCookie bool, ok bool) {
	header := r.Header.Get("Authorization")
	if header != "" {
		if u, ok := a.verified.get(header, a.Center.Version()); ok {
			return u, false, true
		}
	}
	if name, pass, has := r.BasicAuth(); has {
		// The version first: the user may change after it, never before
		// (a kept user is never newer than the version it is kept for).
		version := a.Center.Version()
		u, ok := a.Center.Authenticate(name, pass)
		if ok {
			a.verified.put(header, version, u)
		}
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

// maxVerified bounds the Authorization headers an Authenticator keeps;
// it forgets them all when full.
const maxVerified = 1024

// verifiedCredentials keeps the Authorization headers Identify accepted,
// each with its user as the contact center had it at one Version: users,
// passwords and what a User holds (readiness too) change only with the
// version, so while Center.Version still returns that number the same
// header names the same user with the right password, and Identify
// answers it without decoding it or comparing the password again. A
// newer version empties the table. Only headers that passed the check
// are kept, so a wrong password always reaches the constant-time compare.
type verifiedCredentials struct {
	mu sync.Mutex
	// guards version, byHeader
	version  uint64
	byHeader map[string]contactcenter.User
}

// get returns the user of header verified at version.
func (v *verifiedCredentials) get(header string, version uint64) (contactcenter.User, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.version != version {
		return contactcenter.User{}, false
	}
	u, ok := v.byHeader[header]
	return u, ok
}

// put keeps u, the user header was verified as at version, unless the
// table holds a newer version.
func (v *verifiedCredentials) put(header string, version uint64, u contactcenter.User) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case version < v.version:
		return
	case version > v.version || v.byHeader == nil || len(v.byHeader) >= maxVerified:
		v.version, v.byHeader = version, map[string]contactcenter.User{}
	}
	v.byHeader[header] = u
}

// Refusal says why Identify refuses r, for the log: the client is not told
// which (it would learn which user names exist).
func (a *Authenticator) Refusal(r *http.Request) string {
	if name, _, has := r.BasicAuth(); has {
		if _, ok := a.Center.UserByName(name); !ok {
			return fmt.Sprintf("unknown user %q", name)
		}
		return fmt.Sprintf("wrong password for user %q", name)
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		if _, found := a.Sessions.User(c.Value); !found {
			return "session cookie unknown or forgotten"
		}
		return "the user of the session cookie no longer exists"
	}
	return "no credentials"
}

// crossHostHint explains a refused request of a browser page served from
// another host name than the API's, which sent no credentials: browsers
// keep cookies per host name and send SameSite=Lax ones to the same site
// only, so the session cookie its login got never comes back. "" when r is
// not such a request.
func crossHostHint(r *http.Request) string {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return ""
	}
	if _, _, has := r.BasicAuth(); has {
		return ""
	}
	if _, err := r.Cookie(SessionCookie); err == nil {
		return ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" || strings.EqualFold(u.Hostname(), hostname(r.Host)) {
		return ""
	}
	return fmt.Sprintf("no session cookie: the page at %s calls %s; browsers keep cookies per host name — use the same host name for both", origin, r.Host)
}

// hostname is host without its port.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.Trim(host, "[]")
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
