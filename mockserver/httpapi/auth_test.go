package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// newTestAPI is the API over the default fixture with a session table of
// maxSessions.
func newTestAPI(t testing.TB, maxSessions int) *API {
	t.Helper()
	center, err := contactcenter.New(contactcenter.Config{}, fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Center: center, Auth: &Authenticator{Center: center, Sessions: NewSessions(maxSessions)}})
}

// serve sends one request to a and returns the answer.
func serve(a *API, method, path string, prepare func(*http.Request)) *http.Response {
	req := httptest.NewRequest(method, path, nil)
	prepare(req)
	w := httptest.NewRecorder()
	a.ServeHTTP(w, req)
	return w.Result()
}

func sessionCookie(res *http.Response) string {
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie {
			return c.Value
		}
	}
	return ""
}

// TestCookieSurvivesAnotherUsersBasicFlood: every cookie-less Basic request
// minted a session and the table forgot the oldest first, so a load
// generator sending more requests than the table holds logged out a user
// who was actively using her cookie.
func TestCookieSurvivesAnotherUsersBasicFlood(t *testing.T) {
	const maxSessions = 4
	a := newTestAPI(t, maxSessions)
	alice := sessionCookie(serve(a, "GET", "/api/v2/me", func(r *http.Request) { testusers.SetBasicAuth(r, "alice") }))
	if alice == "" {
		t.Fatal("alice's Basic login set no session cookie")
	}
	withAlicesCookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: SessionCookie, Value: alice}) }
	bobs := map[string]bool{}
	for i := range 10 * maxSessions {
		res := serve(a, "GET", "/api/v2/me", func(r *http.Request) { testusers.SetBasicAuth(r, "bob") })
		if res.StatusCode != http.StatusOK {
			t.Fatalf("bob's request %d = %d", i, res.StatusCode)
		}
		bobs[sessionCookie(res)] = true
		if i%maxSessions == 0 {
			if res := serve(a, "GET", "/api/v2/me", withAlicesCookie); res.StatusCode != http.StatusOK {
				t.Fatalf("after %d of bob's requests, alice's cookie = %d", i+1, res.StatusCode)
			}
		}
	}
	if res := serve(a, "GET", "/api/v2/me", withAlicesCookie); res.StatusCode != http.StatusOK {
		t.Fatalf("after bob's requests, alice's cookie = %d", res.StatusCode)
	}
	if len(bobs) != 1 {
		t.Errorf("bob's %d cookie-less requests got %d sessions, want his one session again", 10*maxSessions, len(bobs))
	}
}

// TestSessionsForgetLeastRecentlyUsed: the table forgets the session used
// least recently, not the oldest.
func TestSessionsForgetLeastRecentlyUsed(t *testing.T) {
	s := NewSessions(2)
	a, b := s.ForBasic("a"), s.ForBasic("b")
	if _, ok := s.User(a); !ok { // a is now the more recently used
		t.Fatal("a is forgotten already")
	}
	c := s.ForBasic("c")
	for _, tt := range []struct {
		name, token string
		kept        bool
	}{
		{"used", a, true},
		{"least recently used", b, false},
		{"new", c, true},
	} {
		if _, ok := s.User(tt.token); ok != tt.kept {
			t.Errorf("%s session kept = %v, want %v", tt.name, ok, tt.kept)
		}
	}
}

// TestUnauthorizedSaysWhy: a browser page on one host name calling the API
// on another (localhost and 127.0.0.1) logged in, then got 401 with no hint,
// and the log did not say why any 401 happened. The client now learns of
// the host names when that is the likely cause, and nothing else; the log
// says why each 401 happened.
func TestUnauthorizedSaysWhy(t *testing.T) {
	const generic = "authentication required: send HTTP Basic credentials of a user or the JSESSIONID cookie"
	const hint = "no session cookie: the page at http://localhost:5173 calls 127.0.0.1:8090; browsers keep cookies per host name — use the same host name for both"
	for _, tt := range []struct {
		name        string
		prepare     func(*http.Request)
		wantMessage string
		wantLog     string
	}{
		{"no credentials", func(r *http.Request) {}, generic, "no credentials"},
		{"unknown user", func(r *http.Request) { r.SetBasicAuth("mallory", "x") }, generic, "unknown user"},
		{"wrong password", func(r *http.Request) { r.SetBasicAuth("alice", "x") }, generic, "wrong password"},
		{"forgotten cookie", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: SessionCookie, Value: "gone"}) }, generic, "session cookie"},
		{"page on another host name", func(r *http.Request) { r.Header.Set("Origin", "http://localhost:5173") }, hint, "no credentials"},
		{"page on another port of the same host name", func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:5173") }, generic, "no credentials"},
		{"page on another host name with a cookie", func(r *http.Request) {
			r.Header.Set("Origin", "http://localhost:5173")
			r.AddCookie(&http.Cookie{Name: SessionCookie, Value: "gone"})
		}, generic, "session cookie"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			a := newTestAPI(t, 0)
			a.cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
			res := serve(a, "GET", "/api/v2/me", func(r *http.Request) {
				r.Host = "127.0.0.1:8090"
				tt.prepare(r)
			})
			var body statusBody
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusUnauthorized || body.StatusMessage != tt.wantMessage {
				t.Errorf("= %d %q, want 401 %q", res.StatusCode, body.StatusMessage, tt.wantMessage)
			}
			if !strings.Contains(log.String(), "level=INFO") || !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log %q, want an info line saying %q", log.String(), tt.wantLog)
			}
		})
	}
}

// TestIdentifyKeepsOnlyWhatStillHolds: Identify keeps the credentials it
// verified, and after each step answers exactly as a first check would:
// a wrong password is refused after the right one was kept, a restore
// that changes the password refuses the old one, a change of the user
// (readiness) shows in the user returned, and the table stays bounded.
func TestIdentifyKeepsOnlyWhatStillHolds(t *testing.T) {
	center, err := contactcenter.New(contactcenter.Config{}, fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	auth := &Authenticator{Center: center, Sessions: NewSessions(0)}
	identify := func(user, pass string) (contactcenter.User, bool) {
		t.Helper()
		r := httptest.NewRequest("GET", "/api/v2/me", nil)
		r.SetBasicAuth(user, pass)
		u, fromCookie, ok := auth.Identify(r)
		if fromCookie {
			t.Fatal("Basic credentials identified as a cookie")
		}
		return u, ok
	}
	alice := testusers.Password("alice")
	steps := []struct {
		name string
		do   func()
		user string
		pass string
		ok   bool
	}{
		{"right password", func() {}, "alice", alice, true},
		{"right password again (kept)", func() {}, "alice", alice, true},
		{"wrong password after the right one", func() {}, "alice", "x", false},
		{"another user's password", func() {}, "bob", alice, false},
		{"the right one once more", func() {}, "alice", alice, true},
		{"old password after a restore changed it", func() {
			snap := center.Snapshot()
			for i := range snap.Users {
				if snap.Users[i].UserName == "alice" {
					snap.Users[i].Password = "changed"
				}
			}
			if err := center.Restore(snap); err != nil {
				t.Fatal(err)
			}
		}, "alice", alice, false},
		{"new password after the restore", func() {}, "alice", "changed", true},
	}
	for _, s := range steps {
		s.do()
		u, ok := identify(s.user, s.pass)
		want, wantOK := center.Authenticate(s.user, s.pass)
		if ok != s.ok || ok != wantOK || !reflect.DeepEqual(u, want) {
			t.Fatalf("%s: Identify = %+v, %v; want %+v, %v", s.name, u, ok, want, s.ok)
		}
	}

	// A change of the user shows at once.
	if _, err := center.SetReady(userID(t, center, "alice"), contactcenter.Email, false); err != nil {
		t.Fatal(err)
	}
	u, _ := identify("alice", "changed")
	want, _ := center.Authenticate("alice", "changed")
	if !reflect.DeepEqual(u, want) {
		t.Fatalf("after NotReady: Identify = %+v; want %+v", u, want)
	}

	// Bounded: never more than maxVerified headers.
	v := center.Version()
	for i := range 2 * maxVerified {
		auth.verified.put(fmt.Sprintf("Basic %d", i), v, u)
		if n := len(auth.verified.byHeader); n > maxVerified {
			t.Fatalf("%d headers kept, want at most %d", n, maxVerified)
		}
	}
}

func userID(t *testing.T, c *contactcenter.Center, name string) string {
	t.Helper()
	u, ok := c.UserByName(name)
	if !ok {
		t.Fatalf("no user %s", name)
	}
	return u.ID
}
