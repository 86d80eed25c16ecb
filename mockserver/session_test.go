package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
)

// ownerCaps are the capabilities of an inbound email's owner without a
// conference.
const ownerCaps = `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`

// TestReferenceIDs: each user's successful operations are numbered 1, 2,
// 3... whatever endpoint they use; a refused one takes no number; the
// caller's own notifications repeat the number, other users' and the
// control API's carry none; a reset does not set the counters back
// (docs/behavior.md B4.16).
func TestReferenceIDs(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling)
	bob := h.cometd("bob", bayeux.LongPolling)

	id := h.create(newEmail)
	if m := alice.want("StatusChange", "Invited", `["Accept","Reject"]`); m.Get("referenceId").Exists() {
		t.Errorf("an offer of the control API carries a referenceId: %s", m.Raw)
	}
	steps := []struct {
		name    string
		user    string
		method  string
		path    string
		body    string
		wantRef int64 // 0: refused
		check   func(t *testing.T, ref int64)
	}{
		{"alice's first", "alice", "POST", "/api/v2/me/interactions/" + id, `{"operationName":"Accept"}`, 1, func(t *testing.T, ref int64) {
			checkRef(t, alice.want("StatusChange", "Processing", ownerCaps), ref)
		}},
		{"refused: no number", "alice", "POST", "/api/v2/me/interactions/" + id, `{"operationName":"Accept"}`, 0, nil},
		{"a PUT counts", "alice", "PUT", "/api/v2/interactions/" + id, `{"email_object":{"subject":"Re: Refund"}}`, 2, func(t *testing.T, ref int64) {
			checkRef(t, alice.want("ChannelDataUpdated", "Processing", ownerCaps), ref)
		}},
		{"bob counts for himself", "bob", "POST", "/api/v2/me/channels/chat", `{"operationName":"NotReady"}`, 1, func(t *testing.T, ref int64) {
			_, m := bob.next()
			checkRef(t, m, ref)
		}},
		{"the invitee's message has no number", "alice", "POST", "/api/v2/me/interactions/" + id, `{"operationName":"StartConference","agentId":"bob"}`, 3, func(t *testing.T, ref int64) {
			checkRef(t, alice.want("ParticipantsUpdated", "Processing", `["StopProcessing","UpdateProperties","StartConference","Reply","ReplyAll","Forward"]`), ref)
			checkRef(t, bob.want("StatusChange", "InvitedConference", `["Accept","Reject"]`), 0)
		}},
		{"POST /me counts", "alice", "POST", "/api/v2/me", `{"operationName":"Ready"}`, 4, func(t *testing.T, ref int64) {
			alice.quiet() // Ready while Ready: nothing to tell
		}},
		{"after a reset the count goes on", "alice", "POST", "/api/v2/me/channels/email", `{"operationName":"NotReady"}`, 5, func(t *testing.T, ref int64) {
			_, m := alice.next()
			checkRef(t, m, ref)
		}},
	}
	for _, s := range steps {
		if s.name == "POST /me counts" {
			// The control API's readiness flip is no user's request.
			if r := h.request("", "PUT", "/control/v1/users/alice/channels/chat", `{"ready":false}`); r.status != 200 {
				t.Fatalf("control NotReady = %d %s", r.status, r.body)
			}
			_, m := alice.next()
			checkRef(t, m, 0)
			h.request("", "PUT", "/control/v1/users/alice/channels/chat", `{"ready":true}`)
			alice.next()
		}
		if s.name == "after a reset the count goes on" {
			if r := h.request("", "POST", "/control/v1/reset", `{}`); r.status != 200 {
				t.Fatalf("reset = %d %s", r.status, r.body)
			}
		}
		if s.wantRef == 0 {
			r := h.request(s.user, s.method, s.path, s.body)
			if r.status == http.StatusOK || r.json().Get("referenceId").Exists() {
				t.Fatalf("%s: %d %s, want a refusal without referenceId", s.name, r.status, r.body)
			}
			continue
		}
		ref := h.operate(s.user, s.method, s.path, s.body)
		if ref != s.wantRef {
			t.Errorf("%s: referenceId %d, want %d", s.name, ref, s.wantRef)
		}
		if s.check != nil {
			s.check(t, ref)
		}
	}
}

// checkRef checks a notification's referenceId; want 0: none.
func checkRef(t *testing.T, m gjson.Result, want int64) {
	t.Helper()
	got := m.Get("referenceId")
	if want == 0 && got.Exists() || want != 0 && got.Int() != want {
		t.Errorf("referenceId = %s, want %d in %s", got.Raw, want, m.Raw)
	}
}

// TestPostMe: each session operation of POST /me, its readiness messages
// on /v2/me/channels (with the answer's referenceId), and its refusals,
// which change nothing (docs/behavior.md B4.26-B4.28).
func TestPostMe(t *testing.T) {
	tests := []struct {
		name       string
		setup      string // a POST /me body sent first, "" none
		body       string
		wantStatus int
		wantText   string   // refusals: the error names it
		messages   []string // "channel state" of each readiness message
		channels   string   // GET /me/channels afterwards, as "channel:state ..."
	}{
		{"start on every channel", "", `{"operationName":"StartContactCenterSession"}`, 200, "", nil, "email:Ready chat:Ready"},
		{"start on some channels", "", `{"operationName":"StartContactCenterSession","channels":["chat"]}`, 200, "", []string{"email NotReady"}, "email:NotReady chat:Ready"},
		{"start after the end", `{"operationName":"EndContactCenterSession"}`, `{"operationName":"StartContactCenterSession","channels":["email","chat"]}`, 200, "", []string{"email Ready", "chat Ready"}, "email:Ready chat:Ready"},
		{"start with no channel", "", `{"operationName":"StartContactCenterSession","channels":[]}`, 400, "channels", nil, "email:Ready chat:Ready"},
		{"start on a channel alice does not handle", "", `{"operationName":"StartContactCenterSession","channels":["email","workitem"]}`, 400, "workitem", nil, "email:Ready chat:Ready"},
		{"start on an unknown channel", "", `{"operationName":"StartContactCenterSession","channels":["email","voice"]}`, 400, "voice", nil, "email:Ready chat:Ready"},
		{"end", "", `{"operationName":"EndContactCenterSession"}`, 200, "", []string{"email NotReady", "chat NotReady"}, "email:NotReady chat:NotReady"},
		{"NotReady everywhere", "", `{"operationName":"NotReady"}`, 200, "", []string{"email NotReady", "chat NotReady"}, "email:NotReady chat:NotReady"},
		{"Ready everywhere", `{"operationName":"NotReady"}`, `{"operationName":"Ready"}`, 200, "", []string{"email Ready", "chat Ready"}, "email:Ready chat:Ready"},
		{"Ready while Ready", "", `{"operationName":"Ready"}`, 200, "", nil, "email:Ready chat:Ready"},
		{"an unknown operation", "", `{"operationName":"GoHome"}`, 400, "GoHome", nil, "email:Ready chat:Ready"},
		{"no operation", "", `{"channels":["email"]}`, 400, "operationName", nil, "email:Ready chat:Ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.setup != "" {
				h.operate("alice", "POST", "/api/v2/me", tt.setup)
			}
			alice := h.cometd("alice", bayeux.LongPolling, "/v2/me/channels")
			before := h.state()
			r := h.request("alice", "POST", "/api/v2/me", tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				j := r.json()
				if j.Get("status").String() != "error" || j.Get("statusCode").Int() != 1 || !strings.Contains(j.Get("errorDescription").String(), tt.wantText) {
					t.Errorf("refusal = %s, want status error, statusCode 1, naming %q", r.body, tt.wantText)
				}
				if after := h.state(); after != before {
					t.Errorf("a refused request changed the state")
				}
			}
			ref := r.json().Get("referenceId").Int()
			for _, want := range tt.messages {
				ch, m := alice.next()
				if got := m.Get("channel").String() + " " + m.Get("state").String(); ch != "/v2/me/channels" || got != want {
					t.Errorf("message on %s = %s, want %s", ch, m.Raw, want)
				}
				checkRef(t, m, ref)
			}
			alice.quiet()
			var got []string
			for _, c := range h.request("alice", "GET", "/api/v2/me/channels", "").json().Get("channels").Array() {
				got = append(got, c.Get("channel").String()+":"+c.Get("userState.state").String())
			}
			if strings.Join(got, " ") != tt.channels {
				t.Errorf("channels = %v, want %s", got, tt.channels)
			}
		})
	}
}

// TestEndContactCenterSession: the answer clears the cookie and forgets its
// session (a later request with the cookie alone gets 401, Basic still
// works), and the logged-out agent gets no new offers until it starts a
// session again (docs/behavior.md B2.4, B4.27).
func TestEndContactCenterSession(t *testing.T) {
	h := newHarness(t)
	r := h.request("bob", "GET", "/api/v2/me", "")
	var cookie string
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "JSESSIONID" {
			cookie = c.Value
		}
	}
	if cookie == "" {
		t.Fatalf("no session cookie in %v", r.header)
	}
	held := h.create(`{"channel":"email","agent":"bob"}`)

	r = h.request("", "POST", "/api/v2/me", `{"operationName":"EndContactCenterSession"}`, "Cookie", "JSESSIONID="+cookie)
	if r.status != 200 || r.json().Get("referenceId").Int() != 1 {
		t.Fatalf("EndContactCenterSession = %d %s", r.status, r.body)
	}
	if got := r.header.Values("Set-Cookie"); len(got) != 1 || got[0] != "JSESSIONID=; Path=/; Max-Age=0; HttpOnly" {
		t.Errorf("Set-Cookie = %q, want the cookie cleared", got)
	}
	if r := h.request("", "GET", "/api/v2/me", "", "Cookie", "JSESSIONID="+cookie); r.status != http.StatusUnauthorized {
		t.Errorf("the ended cookie session = %d %s, want 401", r.status, r.body)
	}
	if r := h.request("bob", "GET", "/api/v2/me/interactions", ""); r.status != 200 || r.json().Get("uris.#").Int() != 1 {
		t.Errorf("Basic after the end = %d %s, want bob's held offer", r.status, r.body)
	}

	// Basic credentials alone: the cookie this answer would set is cleared too.
	r = h.request("carol", "POST", "/api/v2/me", `{"operationName":"EndContactCenterSession"}`)
	if got := r.header.Values("Set-Cookie"); r.status != 200 || len(got) != 1 || got[0] != "JSESSIONID=; Path=/; Max-Age=0; HttpOnly" {
		t.Errorf("EndContactCenterSession with Basic = %d, Set-Cookie %q", r.status, got)
	}

	// No new offers: direct ones are refused, routing passes bob by.
	r = h.request("", "POST", "/control/v1/interactions", `{"channel":"email","agent":"bob"}`)
	if r.status != http.StatusConflict || !strings.Contains(r.json().Get("error").String(), "agent bob has no contact-center session") {
		t.Errorf("control offer to bob = %d %s, want 409", r.status, r.body)
	}
	h.op("bob", held, `{"operationName":"Accept"}`) // what he holds stays his
	h.operate("alice", "POST", "/api/v2/me", `{"operationName":"NotReady"}`)
	h.operate("dave", "POST", "/api/v2/me", `{"operationName":"NotReady"}`)
	waiting := h.create(newEmail)
	if got := h.seenAs("admin", waiting).Get("state").String(); got != "Queued" {
		t.Errorf("routing offered the email though no logged-in agent is Ready: %s", got)
	}
	alices := h.create(`{"channel":"email","agent":"alice"}`)
	h.op("alice", alices, `{"operationName":"Accept"}`)
	r = h.request("alice", "POST", "/api/v2/me/interactions/"+alices, `{"operationName":"Transfer","targetId":"bob"}`)
	if r.status != http.StatusConflict || r.json().Get("statusCode").Int() != 2 {
		t.Errorf("Transfer to bob = %d %s, want 409 statusCode 2", r.status, r.body)
	}

	// Ready logs bob in again: the waiting email is his.
	h.operate("bob", "POST", "/api/v2/me/channels/email", `{"operationName":"Ready"}`)
	if got := h.seenAs("bob", waiting).Get("state").String(); got != "Invited" {
		t.Errorf("after Ready bob sees the waiting email as %s, want Invited", got)
	}
	if !strings.Contains(h.state(), `"loggedOut": true`) {
		t.Errorf("carol's loggedOut is not in the state document")
	}
}

// TestAliasTopics: the topics without /v2 carry the same messages, on the
// name the session subscribed under; every session gets each message once;
// the journal records it once, under /v2 (docs/behavior.md B6.4).
func TestAliasTopics(t *testing.T) {
	tests := []struct {
		name   string
		subs   []string
		wantIn string // channel of the interaction message
		wantCh string // channel of the readiness message
	}{
		{"the aliases", []string{"/me/interactions", "/me/channels"}, "/me/interactions", "/me/channels"},
		{"an alias wildcard", []string{"/me/*"}, "/me/interactions", "/me/channels"},
		{"a deep alias wildcard", []string{"/me/**"}, "/me/interactions", "/me/channels"},
		{"both names", []string{"/me/interactions", "/v2/me/interactions", "/me/channels"}, "/v2/me/interactions", "/me/channels"},
		{"the global wildcard", []string{"/**"}, "/v2/me/interactions", "/v2/me/channels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			alice := h.cometd("alice", bayeux.LongPolling, tt.subs...)
			id := h.create(newEmail)
			ch, m := alice.next()
			if ch != tt.wantIn || m.Get("id").String() != id || m.Get("state").String() != "Invited" {
				t.Errorf("offer on %s: %s, want it on %s", ch, m.Raw, tt.wantIn)
			}
			h.operate("alice", "POST", "/api/v2/me/channels/chat", `{"operationName":"NotReady"}`)
			if ch, m := alice.next(); ch != tt.wantCh || m.Get("state").String() != "NotReady" {
				t.Errorf("readiness on %s: %s, want it on %s", ch, m.Raw, tt.wantCh)
			}
			alice.quiet() // once each
			j := h.request("", "GET", "/control/v1/journal?user=alice", "").json()
			var notes []string
			for _, e := range j.Get("entries").Array() {
				if e.Get("kind").String() == "notification" {
					notes = append(notes, e.Get("channel").String())
				}
			}
			if strings.Join(notes, " ") != "/v2/me/interactions /v2/me/channels" {
				t.Errorf("journal notifications = %v, want each once under /v2", notes)
			}
		})
	}
}

// TestAliasPolicy: the aliases may be subscribed to, never published to;
// other names without /v2 stay refused.
func TestAliasPolicy(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling, "/me/interactions")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, ch := range []string{"/me/channels", "/me/*", "/me/**"} {
		if err := alice.c.Subscribe(ctx, ch); err != nil {
			t.Errorf("subscribe %s: %v", ch, err)
		}
	}
	if err := alice.c.Subscribe(ctx, "/me/interaction"); err == nil {
		t.Errorf("subscribing to the typo /me/interaction was allowed")
	}
	for _, ch := range []string{"/me/interactions", "/me/channels"} {
		if err := alice.c.Publish(ctx, ch, json.RawMessage(`{}`)); err == nil || !strings.Contains(err.Error(), "403") {
			t.Errorf("publish to %s = %v, want 403", ch, err)
		}
	}
}

// TestRejectTellsCompleted: whoever rejects an offer, Invited or
// InvitedConference, is told Completed with no capabilities
// (docs/behavior.md B4.5).
func TestRejectTellsCompleted(t *testing.T) {
	for _, tc := range []struct{ name, setup, who, offered string }{
		{"an offer", "invited to alice", "alice", "Invited"},
		{"a conference invitation", "invited to bob's conference", "bob", "InvitedConference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			s := h.cometd(tc.who, bayeux.LongPolling)
			id := conferenceSetups[tc.setup](h)
			if m := s.want("StatusChange", tc.offered, `["Accept","Reject"]`); m.Get("id").String() != id {
				t.Fatalf("offer = %s", m.Raw)
			}
			ref := h.op(tc.who, id, `{"operationName":"Reject"}`)
			checkRef(t, s.want("StatusChange", "Completed", `[]`), ref)
		})
	}
}

// conferenceSetups extend setups with a conference invitation.
var conferenceSetups = map[string]func(h *harness) string{
	"invited to alice": setups["invited to alice"],
	"invited to bob's conference": func(h *harness) string {
		id := setups["owned by alice"](h)
		h.op("alice", id, `{"operationName":"StartConference","agentId":"bob"}`)
		return id
	},
}

// TestGetWorkbinContent: one WorkbinContent message per interaction in the
// workbin, in the workbin's order, InWorkbin, no capabilities, the
// workbin's id and the request's referenceId; an empty workbin sends
// nothing (docs/behavior.md B4.10).
func TestGetWorkbinContent(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling, "/v2/me/interactions")
	var ids []string
	for range 2 {
		id := setups["owned by alice"](h)
		h.op("alice", id, `{"operationName":"PlaceInWorkbin","workbin":"alice-workbin"}`)
		ids = append(ids, id)
	}
	for range 3 * len(ids) { // Invited, Processing, InWorkbin each
		alice.next()
	}
	slices.Sort(ids) // the same receivedDate (a fixed clock): by id
	workbin := gjson.Get(h.state(), `workbins.#(name=="alice-workbin").id`).String()
	ref := h.op("alice", ids[0], `{"operationName":"GetWorkbinContent","workbin":"alice-workbin"}`)
	for _, id := range ids {
		m := alice.want("WorkbinContent", "InWorkbin", `[]`)
		if m.Get("id").String() != id || m.Get("workbin").String() != workbin || m.Get("email_object.interactionId").String() != id {
			t.Errorf("message = %s, want %s in workbin %s", m.Raw, id, workbin)
		}
		checkRef(t, m, ref)
	}
	h.op("alice", ids[0], `{"operationName":"GetWorkbinContent","workbin":"team-workbin"}`)
	alice.quiet()
}
