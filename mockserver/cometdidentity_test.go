package mockserver_test

import (
	"net/http"
	"testing"
)

// Every Bayeux message after the handshake is bound to the user of its
// session wherever the request carries credentials: Basic credentials must
// be that user's, and a session cookie of another user may only poll (the
// Node CometD adapter shares one cookie jar between the users of a
// process). Refusals look like an unknown clientId.

// loginCookie logs user in over REST and returns the JSESSIONID it gets.
func (h *harness) loginCookie(user string) string {
	h.t.Helper()
	r := h.request(user, "GET", "/api/v2/me", "")
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "JSESSIONID" {
			return "JSESSIONID=" + c.Value
		}
	}
	h.t.Fatalf("no JSESSIONID cookie for %s on %v", user, r.header)
	return ""
}

func connectBody(clientID string) string {
	return `[{"channel":"/meta/connect","clientId":"` + clientID + `","id":"2","connectionType":"long-polling","advice":{"timeout":0}}]`
}

func disconnectBody(clientID string) string {
	return `[{"channel":"/meta/disconnect","clientId":"` + clientID + `","id":"9"}]`
}

// wantRefused checks that an answer refuses the message as if the clientId
// were unknown.
func wantRefused(t *testing.T, h *harness, user, body string, header ...string) {
	t.Helper()
	m := h.bayeuxPost(user, body, header...)
	if len(m) != 1 || m[0].Get("successful").Bool() || m[0].Get("error").String() != "402::session_unknown" {
		t.Fatalf("answer = %v, want 402::session_unknown", m)
	}
}

// wantAlive checks that alice's session still works for alice.
func wantAlive(t *testing.T, h *harness, clientID string) {
	t.Helper()
	if n := h.srv.CometDSessions(); n != 1 {
		t.Fatalf("%d CometD sessions, want alice's", n)
	}
	m := h.bayeuxPost("alice", connectBody(clientID))
	if len(m) != 1 || !m[0].Get("successful").Bool() {
		t.Fatalf("alice's connect = %v", m)
	}
}

// TestCookieOfAnotherUserCannotDisconnectSession: bob's session cookie,
// without Basic credentials, once ended alice's session.
func TestCookieOfAnotherUserCannotDisconnectSession(t *testing.T) {
	h := newHarness(t)
	aliceID := h.bayeuxPost("alice", handshakeBody)[0].Get("clientId").String()
	bob := h.loginCookie("bob")
	for _, body := range []string{
		disconnectBody(aliceID),
		`[{"channel":"/meta/subscribe","clientId":"` + aliceID + `","id":"3","subscription":"/v2/me/interactions"}]`,
		`[{"channel":"/meta/unsubscribe","clientId":"` + aliceID + `","id":"4","subscription":"/v2/me/interactions"}]`,
	} {
		wantRefused(t, h, "", body, "Cookie", bob)
	}
	wantAlive(t, h, aliceID)
}

// TestWrongPasswordCannotUseSession: alice's name with a wrong password,
// or with no password at all, once passed with alice's clientId.
func TestWrongPasswordCannotUseSession(t *testing.T) {
	h := newHarness(t)
	aliceID := h.bayeuxPost("alice", handshakeBody)[0].Get("clientId").String()
	for _, user := range []string{"alice:wrong", "alice:", "zed:zed123"} {
		wantRefused(t, h, user, connectBody(aliceID))
		wantRefused(t, h, user, disconnectBody(aliceID))
	}
	// A wrong password is refused even along with alice's own cookie.
	wantRefused(t, h, "alice:wrong", disconnectBody(aliceID), "Cookie", h.loginCookie("alice"))
	wantAlive(t, h, aliceID)
}

// TestBasicOfAnotherUserCannotUseSession: bob's Basic credentials with
// alice's clientId are refused, even along with alice's cookie.
func TestBasicOfAnotherUserCannotUseSession(t *testing.T) {
	h := newHarness(t)
	aliceID := h.bayeuxPost("alice", handshakeBody)[0].Get("clientId").String()
	wantRefused(t, h, "bob", connectBody(aliceID))
	wantRefused(t, h, "bob", disconnectBody(aliceID), "Cookie", h.loginCookie("alice"))
	wantAlive(t, h, aliceID)
}

// TestSharedCookieJarKeepsPolling: users of one process share a cookie jar,
// so alice's session may poll with bob's cookie, and alice's own cookie
// still ends her session.
func TestSharedCookieJarKeepsPolling(t *testing.T) {
	h := newHarness(t)
	alice := h.loginCookie("alice")
	aliceID := h.bayeuxPost("", handshakeBody, "Cookie", alice)[0].Get("clientId").String()
	bob := h.loginCookie("bob") // the jar now holds bob's cookie
	for range 2 {
		m := h.bayeuxPost("", connectBody(aliceID), "Cookie", bob)
		if len(m) != 1 || !m[0].Get("successful").Bool() {
			t.Fatalf("alice's poll with the shared jar's cookie = %v", m)
		}
	}
	if m := h.bayeuxPost("", disconnectBody(aliceID), "Cookie", alice); !m[0].Get("successful").Bool() {
		t.Fatalf("alice's disconnect with her cookie = %v", m)
	}
}
