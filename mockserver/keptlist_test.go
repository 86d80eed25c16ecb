package mockserver_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// freshList is the answer to GET /api/v2/me/interactions?fields=* for
// user, encoded from the contact center's views as they are now, with
// json.Marshal: what the API answers when it keeps nothing.
func (h *harness) freshList(user string) string {
	h.t.Helper()
	return encodeList(h, h.srv.Center().MyInteractions(h.userID(user)))
}

// encodeList encodes the fields=* answer of views with json.Marshal.
func encodeList(h *harness, views []contactcenter.View) string {
	out := []wire.Interaction{}
	for _, v := range views {
		out = append(out, wire.FromView(v, h.srv.PublicURL))
	}
	b, err := json.Marshal(struct {
		StatusCode   int                `json:"statusCode"`
		Interactions []wire.Interaction `json:"interactions"`
	}{0, out})
	if err != nil {
		panic(err) // views of the contact center always encode
	}
	return string(b)
}

// list reads user's interactions with fields=*.
func (h *harness) list(user string) string {
	h.t.Helper()
	r := h.request(user, "GET", "/api/v2/me/interactions?fields=*", "")
	if r.status != http.StatusOK {
		h.t.Fatalf("GET /me/interactions?fields=* as %s = %d %s", user, r.status, r.body)
	}
	return string(r.body)
}

// TestKeptListIsFreshList: the API keeps each user's fields=* answer while
// the contact center does not change; after every kind of change
// (operations, control-API events, userData and channel-data edits, chat
// messages, readiness, a restore) the answer is exactly the one encoded
// afresh. Each step is taken with every user's answer kept (read twice
// before it), and a step that changes a user's list must show the change.
func TestKeptListIsFreshList(t *testing.T) {
	h := newHarness(t)
	users := []string{"alice", "bob", "carol"}
	var email, chat, queued, offered string
	steps := []struct {
		name    string
		do      func()
		changes []string // whose list must differ after the step
	}{
		{"control API offers an email", func() {
			email = h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"kept","from":"customer@example.com"}}`)
		}, []string{"alice"}},
		{"Accept", func() { h.op("alice", email, `{"operationName":"Accept"}`) }, []string{"alice"}},
		{"UpdateProperties edits userData", func() {
			h.op("alice", email, `{"operationName":"UpdateProperties","properties":{"order":1042}}`)
		}, []string{"alice"}},
		{"PUT edits the email_object", func() {
			h.operate("alice", "PUT", "/api/v2/interactions/"+email, `{"email_object":{"subject":"kept, edited"}}`)
		}, []string{"alice"}},
		{"control API offers a chat", func() {
			chat = h.create(`{"channel":"chat","agent":"alice","chat_object":{"nickname":"Jane","text":"Hello."}}`)
		}, []string{"alice"}},
		{"Accept the chat", func() { h.op("alice", chat, `{"operationName":"Accept"}`) }, []string{"alice"}},
		{"agent's chat message", func() {
			h.op("alice", chat, `{"operationName":"SendMessage","text":"How can I help?"}`)
		}, []string{"alice"}},
		{"customer's chat message", func() {
			if r := h.request("", "POST", "/control/v1/interactions/"+chat+"/chat/messages", `{"text":"Order 1042."}`); r.status != http.StatusOK {
				t.Fatalf("chat message = %d %s", r.status, r.body)
			}
		}, []string{"alice"}},
		{"everyone but alice NotReady on email", func() {
			for _, u := range []string{"bob", "carol", "dave"} {
				if r := h.request("", "PUT", "/control/v1/users/"+u+"/channels/email", `{"ready":false}`); r.status != http.StatusOK {
					t.Fatalf("ready = %d %s", r.status, r.body)
				}
			}
		}, nil},
		{"alice NotReady on email", func() {
			h.operate("alice", "POST", "/api/v2/me/channels/email", `{"operationName":"NotReady"}`)
		}, nil},
		{"an email waits in the queue", func() {
			queued = h.create(`{"channel":"email","queue":"email-inbound","email_object":{"subject":"waiting"}}`)
		}, nil},
		{"alice Ready: the waiting email is offered to her", func() {
			h.operate("alice", "POST", "/api/v2/me/channels/email", `{"operationName":"Ready"}`)
		}, []string{"alice"}},
		{"bob Ready", func() {
			if r := h.request("", "PUT", "/control/v1/users/bob/channels/email", `{"ready":true}`); r.status != http.StatusOK {
				t.Fatalf("ready = %d %s", r.status, r.body)
			}
		}, nil},
		{"Transfer to bob", func() {
			h.op("alice", email, `{"operationName":"Transfer","targetId":"`+h.userID("bob")+`"}`)
		}, []string{"alice", "bob"}},
		{"Reject the waiting email", func() { h.op("alice", queued, `{"operationName":"Reject"}`) }, []string{"alice"}},
		{"control API offers another email", func() {
			offered = h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"revoked"}}`)
		}, []string{"alice"}},
		{"control API revokes it", func() {
			if r := h.request("", "POST", "/control/v1/interactions/"+offered+"/revoke", ""); r.status != http.StatusOK {
				t.Fatalf("revoke = %d %s", r.status, r.body)
			}
		}, []string{"alice"}},
		{"the customer leaves the chat", func() {
			if r := h.request("", "POST", "/control/v1/interactions/"+chat+"/chat/leave", ""); r.status != http.StatusOK {
				t.Fatalf("leave = %d %s", r.status, r.body)
			}
		}, []string{"alice"}},
		{"StopProcessing the chat", func() { h.op("alice", chat, `{"operationName":"StopProcessing"}`) }, []string{"alice"}},
		{"control API reset", func() {
			if r := h.request("", "POST", "/control/v1/reset", ""); r.status != http.StatusOK {
				t.Fatalf("reset = %d %s", r.status, r.body)
			}
		}, []string{"bob"}},
	}
	keep := func(step string) map[string]string {
		t.Helper()
		got := map[string]string{}
		for _, u := range users {
			for i := range 2 { // the first read may encode, the second is the kept answer
				body, want := h.list(u), h.freshList(u)
				if body != want {
					t.Fatalf("%s: read %d as %s:\ngot  %s\nwant %s", step, i, u, body, want)
				}
				got[u] = body
			}
		}
		return got
	}
	before := keep("start")
	for _, s := range steps {
		s.do()
		after := keep(s.name)
		for _, u := range s.changes {
			if after[u] == before[u] {
				t.Fatalf("%s: %s's list did not change: %s", s.name, u, after[u])
			}
		}
		before = after
	}
}

// userID is the id of user.
func (h *harness) userID(user string) string {
	h.t.Helper()
	u, ok := h.srv.Center().UserByName(user)
	if !ok {
		h.t.Fatalf("no user %s", user)
	}
	return u.ID
}

// TestKeptListUnderConcurrentChanges: readers of the kept answer and a
// writer changing the list run at once (go test -race); every answer a
// reader gets is one the user's list had, and once the writer stops, the
// answer is the fresh one.
func TestKeptListUnderConcurrentChanges(t *testing.T) {
	h := newHarness(t)
	const rounds = 20
	alice := h.userID("alice")
	id := h.create(`{"channel":"email","agent":"alice","email_object":{"subject":"race"}}`)
	h.op("alice", id, `{"operationName":"Accept"}`)
	// send is a request off the test's goroutine: it reports, never stops.
	send := func(user, method, path, body string) (string, error) {
		req, err := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
		if err != nil {
			return "", err
		}
		req.SetBasicAuth(user, testusers.Password(user))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := h.ts.Client().Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s %s as %s = %d %s", method, path, user, res.StatusCode, b)
		}
		return string(b), err
	}
	var (
		mu   sync.Mutex
		seen = map[string]bool{h.freshList("alice"): true} // every state alice's list had
		errs []error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range rounds {
			if _, err := send("alice", "POST", "/api/v2/me/interactions/"+id, fmt.Sprintf(`{"operationName":"UpdateProperties","properties":{"round":%d}}`, i)); err != nil {
				fail(err)
				return
			}
			// The state this writer, the only one, left until its next change.
			views := h.srv.Center().MyInteractions(alice)
			mu.Lock()
			seen[encodeList(h, views)] = true
			mu.Unlock()
		}
	})
	got := make(chan [2]string, 4*rounds)
	for range 2 {
		wg.Go(func() {
			for range rounds {
				for _, u := range []string{"alice", "bob"} {
					body, err := send(u, "GET", "/api/v2/me/interactions?fields=*", "")
					if err != nil {
						fail(err)
						return
					}
					got <- [2]string{u, body}
				}
			}
		})
	}
	wg.Wait()
	close(got)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	bob := h.freshList("bob")
	for g := range got {
		if g[0] == "alice" && !seen[g[1]] || g[0] == "bob" && g[1] != bob {
			t.Fatalf("%s got an answer no state had:\n%s", g[0], g[1])
		}
	}
	if body, want := h.list("alice"), h.freshList("alice"); body != want {
		t.Fatalf("after the writer:\ngot  %s\nwant %s", body, want)
	}
}
