package bayeux

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestMessagesAreBoundToTheSessionPrincipal checks the rule of
// Server.Identify for each kind of proof and message: credentials of
// another principal, or credentials that do not authenticate, never use a
// session; a cookie of another principal may only poll; a refusal looks
// like an unknown clientId and leaves the session alone.
func TestMessagesAreBoundToTheSessionPrincipal(t *testing.T) {
	type proof struct {
		name  string
		setup func(*http.Request)
	}
	var (
		none  = proof{"no credentials", func(*http.Request) {}}
		basic = func(u string) proof {
			return proof{"credentials of " + u, func(r *http.Request) { r.Header.Set("X-User", u) }}
		}
		cookie = func(u string) proof {
			return proof{"cookie of " + u, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "user", Value: u}) }}
		}
		wrongPass = proof{"credentials that do not authenticate", func(r *http.Request) { r.Header.Set("X-User", "alice"); r.Header.Set("X-Bad", "1") }}
	)
	messages := map[string]string{
		MetaConnect:     `{"channel":"/meta/connect","clientId":"%s","id":"m","connectionType":"long-polling","advice":{"timeout":0}}`,
		MetaSubscribe:   `{"channel":"/meta/subscribe","clientId":"%s","id":"m","subscription":"/b"}`,
		MetaUnsubscribe: `{"channel":"/meta/unsubscribe","clientId":"%s","id":"m","subscription":"/a"}`,
		MetaDisconnect:  `{"channel":"/meta/disconnect","clientId":"%s","id":"m"}`,
		"/chat/room":    `{"channel":"/chat/room","clientId":"%s","id":"m","data":"hi"}`,
	}
	tests := []struct {
		proof   proof
		allowed []string // the channels of the messages it may send; nil: none
	}{
		{none, []string{MetaConnect, MetaSubscribe, MetaUnsubscribe, MetaDisconnect, "/chat/room"}},
		{basic("alice"), []string{MetaConnect, MetaSubscribe, MetaUnsubscribe, MetaDisconnect, "/chat/room"}},
		{cookie("alice"), []string{MetaConnect, MetaSubscribe, MetaUnsubscribe, MetaDisconnect, "/chat/room"}},
		{basic("bob"), nil},
		{wrongPass, nil},
		{cookie("bob"), []string{MetaConnect}},
	}
	for _, tt := range tests {
		for channel, body := range messages {
			t.Run(tt.proof.name+" "+channel, func(t *testing.T) {
				s := testServer()
				s.Identify = func(r *http.Request) (string, Proof) {
					if r.Header.Get("X-Bad") != "" {
						return "", ProofInvalid
					}
					if u := r.Header.Get("X-User"); u != "" {
						return u, ProofCredentials
					}
					if c, err := r.Cookie("user"); err == nil {
						return c.Value, ProofCookie
					}
					return "", ProofNone
				}
				defer s.Close()
				id := openSession(t, s, "alice", "/a", false)

				req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "http://gws.test/cometd", strings.NewReader("["+strings.Replace(body, "%s", id, 1)+"]"))
				tt.proof.setup(req)
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				var reply *Message
				for _, m := range decodeAnswer(t, rec) {
					if m.IsReply() {
						reply = &m
					}
				}
				if reply == nil {
					t.Fatal("no reply")
				}
				allowed := slices.Contains(tt.allowed, channel)
				if allowed != reply.OK() {
					t.Fatalf("reply %+v; want successful %v", reply, allowed)
				}
				if allowed {
					return
				}
				if reply.Error != errSessionUnknown || reply.ClientID != "" {
					t.Errorf("refusal %+v does not look like an unknown clientId", reply)
				}
				if s.Sessions() != 1 {
					t.Fatal("the refused message ended alice's session")
				}
				s.Deliver("alice", "/a", json.RawMessage(`"still subscribed"`))
				if got := deliveries(roundTrip(t, s, "alice", connectReq(id, "c"))); len(got) != 1 {
					t.Errorf("alice's session after the refusal got %v", got)
				}
			})
		}
	}
}
