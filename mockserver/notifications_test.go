package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/spec"
)

// agentSession is one user's CometD session on the in-process mock.
type agentSession struct {
	t    *testing.T
	user string
	c    *bayeux.Client
}

func (h *harness) cometd(user, transport string, channels ...string) *agentSession {
	h.t.Helper()
	c := &bayeux.Client{URL: h.ts.URL + "/api/v2/notifications", Header: testusers.Header(user), Transport: transport, HTTPClient: h.ts.Client()}
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	if err := c.Handshake(ctx); err != nil {
		h.t.Fatalf("%s handshake: %v", user, err)
	}
	if len(channels) == 0 {
		channels = []string{"/v2/me/interactions", "/v2/me/channels"}
	}
	if err := c.Subscribe(ctx, channels...); err != nil {
		h.t.Fatalf("%s subscribe: %v", user, err)
	}
	h.t.Cleanup(func() { _ = c.Close() })
	return &agentSession{t: h.t, user: user, c: c}
}

var loadSpec = sync.OnceValues(spec.Load)

// next returns the next message, validated against the spec's schema of
// its channel.
func (a *agentSession) next() (string, gjson.Result) {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	m, err := a.c.Receive(ctx)
	if err != nil {
		a.t.Fatalf("%s: no notification: %v", a.user, err)
	}
	doc, err := loadSpec()
	if err != nil {
		a.t.Fatal(err)
	}
	var data any
	if err := json.Unmarshal(m.Data, &data); err != nil {
		a.t.Fatalf("%s: payload is not JSON: %s", a.user, m.Data)
	}
	if err := spec.ValidateNotification(doc, m.Channel, data); err != nil {
		a.t.Errorf("%s: payload on %s breaks the spec: %v\n%s", a.user, m.Channel, err, m.Data)
	}
	return m.Channel, gjson.ParseBytes(m.Data)
}

// want checks the next message's notificationType, state and capabilities.
func (a *agentSession) want(notification, state, capabilities string) gjson.Result {
	a.t.Helper()
	_, m := a.next()
	got := m.Get("notificationType").String() + " " + m.Get("state").String() + " " + m.Get("capabilities").Raw
	if want := notification + " " + state + " " + capabilities; got != want {
		a.t.Fatalf("%s got %s, want %s\n%s", a.user, got, want, m.Raw)
	}
	return m
}

// quiet asserts nothing arrives for a short while.
func (a *agentSession) quiet() {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if m, err := a.c.Receive(ctx); err == nil {
		a.t.Fatalf("%s got an unexpected notification on %s: %s", a.user, m.Channel, m.Data)
	}
}

func TestNotificationsFollowTheInteraction(t *testing.T) {
	for _, transport := range []string{bayeux.LongPolling, bayeux.WebSocket} {
		t.Run(transport, func(t *testing.T) {
			h := newHarness(t)
			alice := h.cometd("alice", transport)
			bob := h.cometd("bob", transport, "/**") // the widest wildcard still sees only bob's own
			carol := h.cometd("carol", transport)

			id := h.create(newEmail)
			m := alice.want("StatusChange", "Invited", `["Accept","Reject"]`)
			if m.Get("id").String() != id || m.Get("email_object.subject").String() != "Refund" {
				t.Fatalf("invite = %s", m.Raw)
			}
			h.op("alice", id, `{"operationName":"Accept"}`)
			alice.want("StatusChange", "Processing", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`)
			h.op("alice", id, `{"operationName":"UpdateProperties","properties":{"note":"vip"}}`)
			if m := alice.want("PropertiesUpdated", "Processing", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`); m.Get("userData.note").String() != "vip" {
				t.Fatalf("userData = %s", m.Raw)
			}
			h.op("alice", id, `{"operationName":"Transfer","targetId":"bob"}`)
			alice.want("StatusChange", "Transferred", `[]`)
			bob.want("StatusChange", "Invited", `["Accept","Reject"]`)
			h.op("bob", id, `{"operationName":"Accept"}`)
			bob.want("StatusChange", "Processing", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`)
			h.op("bob", id, `{"operationName":"StartConference","agentId":"carol"}`)
			carol.want("StatusChange", "InvitedConference", `["Accept","Reject"]`)
			bob.want("ParticipantsUpdated", "Processing", `["StopProcessing","UpdateProperties","StartConference","Reply","ReplyAll","Forward"]`)
			h.op("carol", id, `{"operationName":"Accept"}`)
			carol.want("StatusChange", "Processing", `["UpdateProperties","EndConference"]`)
			bob.want("ParticipantsUpdated", "Processing", `["StopProcessing","UpdateProperties","StartConference","EndConference","Reply","ReplyAll","Forward"]`)
			h.op("carol", id, `{"operationName":"LeaveConference"}`)
			carol.want("StatusChange", "LeftConference", `[]`)
			if m := bob.want("ParticipantsUpdated", "LeftConference", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`); m.Get("leftAgentId").String() == "" {
				t.Fatalf("no leftAgentId: %s", m.Raw)
			}
			h.op("bob", id, `{"operationName":"StopProcessing"}`)
			bob.want("StatusChange", "Completed", `[]`)

			// Readiness goes to /v2/me/channels, to the user only.
			if r := h.request("carol", "POST", "/api/v2/me/channels/chat", `{"operationName":"NotReady"}`); r.status != 200 {
				t.Fatalf("NotReady = %d %s", r.status, r.body)
			}
			ch, m2 := carol.next()
			if ch != "/v2/me/channels" || m2.Get("channel").String() != "chat" || m2.Get("state").String() != "NotReady" {
				t.Fatalf("channel message = %s %s", ch, m2.Raw)
			}
			alice.quiet()
			bob.quiet()
		})
	}
}

func TestHandshakeNeedsCredentials(t *testing.T) {
	h := newHarness(t)
	for _, auth := range []string{"", "alice:wrong", "zed:zed123"} {
		hdr := http.Header{}
		if auth != "" {
			name, pass, _ := strings.Cut(auth, ":")
			req, _ := http.NewRequest("GET", "/", nil)
			req.SetBasicAuth(name, pass)
			hdr = req.Header
		}
		c := &bayeux.Client{URL: h.ts.URL + "/api/v2/notifications", Header: hdr}
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		err := c.Handshake(ctx)
		cancel()
		_ = c.Close()
		if err == nil || !strings.Contains(err.Error(), "403") {
			t.Errorf("handshake with %q = %v, want a 403 refusal", auth, err)
		}
	}
	if n := h.srv.CometDSessions(); n != 0 {
		t.Errorf("refused handshakes left %d sessions", n)
	}
}

func TestClientsMayNotPublish(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling)
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	err := alice.c.Publish(ctx, "/v2/me/interactions", json.RawMessage(`{"messageTypeName":"InteractionStateMessage"}`))
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("publish = %v, want 403::Publish denied", err)
	}
	if err := alice.c.Subscribe(ctx, "/meta/connect"); err == nil {
		t.Errorf("subscribing to /meta/connect was allowed")
	}
}

func TestWebSocketOriginFollowsCORS(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"", true}, // not a browser
		{"http://localhost:5173", true},
		{"https://evil.example", false},
	} {
		req, _ := http.NewRequest("GET", h.ts.URL+"/api/v2/notifications", nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		testusers.SetBasicAuth(req, "alice")
		if tt.origin != "" {
			req.Header.Set("Origin", tt.origin)
		}
		res, err := h.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.StatusCode == http.StatusSwitchingProtocols; got != tt.ok {
			t.Errorf("upgrade from origin %q = %d, want ok=%v", tt.origin, res.StatusCode, tt.ok)
		}
	}
}
