package mockserver_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/mockserver"
)

func TestControlRefusals(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantText                 string
	}{
		{"create without channel", "POST", "/control/v1/interactions", `{}`, 400, "channel"},
		{"create on unknown channel", "POST", "/control/v1/interactions", `{"channel":"fax"}`, 400, "channel"},
		{"create with unknown field", "POST", "/control/v1/interactions", `{"channel":"email","colour":"red"}`, 400, "colour"},
		{"create in unknown queue", "POST", "/control/v1/interactions", `{"channel":"email","queue":"nowhere"}`, 400, "nowhere"},
		{"create in a queue of another channel", "POST", "/control/v1/interactions", `{"channel":"email","queue":"chat-inbound"}`, 400, "chat-inbound"},
		{"create for unknown agent", "POST", "/control/v1/interactions", `{"channel":"email","agent":"zed"}`, 400, "zed"},
		{"create with the wrong channel object", "POST", "/control/v1/interactions", `{"channel":"email","chat_object":{}}`, 400, "chat_object"},
		{"create from broken JSON", "POST", "/control/v1/interactions", `{"channel":`, 400, ""},
		{"route unknown interaction", "POST", "/control/v1/interactions/0000000000000000/route", `{}`, 404, ""},
		{"revoke unknown interaction", "POST", "/control/v1/interactions/0000000000000000/revoke", ``, 404, ""},
		{"ready for unknown user", "PUT", "/control/v1/users/zed/channels/email", `{"ready":false}`, 404, "zed"},
		{"ready without value", "PUT", "/control/v1/users/alice/channels/email", `{}`, 400, "ready"},
		{"ready on a channel alice lacks", "PUT", "/control/v1/users/alice/channels/workitem", `{"ready":true}`, 400, "workitem"},
		{"state that is not a state", "PUT", "/control/v1/state", `{"version":1}`, 400, "users"},
		{"state with a dangling queue", "PUT", "/control/v1/state", `{"version":1,"users":[{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","password":"x","roles":["agent"],"channels":["email"],"queues":["ghost"]}],"queues":[],"workbins":[]}`, 400, "ghost"},
		{"reset to unknown fixture", "POST", "/control/v1/reset", `{"fixture":"nope"}`, 404, "nope"},
		{"reset to a path", "POST", "/control/v1/reset", `{"fixture":"../etc/passwd"}`, 400, "path"},
		{"journal since garbage", "GET", "/control/v1/journal?since=yesterday", ``, 400, "since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.create(newEmail)
			before := h.state()
			r := h.request("", tt.method, tt.path, tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			if msg := r.json().Get("error").String(); msg == "" || !strings.Contains(msg, tt.wantText) {
				t.Errorf("error %q does not name %q", msg, tt.wantText)
			}
			if after := h.state(); after != before {
				t.Errorf("a refused control request changed the state")
			}
		})
	}
}

func TestControlFlows(t *testing.T) {
	t.Run("direct offer, revoke, route", func(t *testing.T) {
		h := newHarness(t)
		id := h.create(`{"channel":"chat","agent":"carol","chat_object":{"nickname":"Pat"}}`)
		if got := h.seenAs("carol", id).Get("state").String(); got != "Invited" {
			t.Fatalf("carol sees %q, want Invited", got)
		}
		if r := h.request("", "POST", "/control/v1/interactions/"+id+"/revoke", ""); r.status != 200 {
			t.Fatalf("revoke = %d %s", r.status, r.body)
		}
		// Revoked from carol, routed again without her: alice sorts first.
		if got := h.seenAs("alice", id).Get("state").String(); got != "Invited" {
			t.Fatalf("after revoke alice sees %q, want Invited", got)
		}
		if r := h.request("", "POST", "/control/v1/interactions/"+id+"/revoke", ""); r.status != 200 {
			t.Fatalf("second revoke = %d %s", r.status, r.body)
		}
	})
	t.Run("waits while nobody is ready, offered on Ready", func(t *testing.T) {
		h := newHarness(t)
		for _, u := range []string{"carol", "dave"} {
			if r := h.request("", "PUT", "/control/v1/users/"+u+"/channels/workitem", `{"ready":false}`); r.status != 200 {
				t.Fatalf("not ready %s = %d %s", u, r.status, r.body)
			}
		}
		id := h.create(`{"channel":"workitem","workitem_object":{"kind":"callback"}}`)
		if got := h.seenAs("admin", id).Get("state").String(); got != "Queued" {
			t.Fatalf("state = %q, want Queued", got)
		}
		if r := h.request("dave", "POST", "/api/v2/me/channels/workitem", `{"operationName":"Ready"}`); r.status != 200 {
			t.Fatalf("dave ready = %d %s", r.status, r.body)
		}
		if got := h.seenAs("dave", id).Get("state").String(); got != "Invited" {
			t.Fatalf("dave sees %q, want Invited", got)
		}
	})
	t.Run("state round trip and reset", func(t *testing.T) {
		h := newHarness(t)
		id := h.create(newEmail)
		h.op("alice", id, `{"operationName":"Accept"}`)
		saved := h.state()
		if r := h.request("", "POST", "/control/v1/reset", ""); r.status != 200 {
			t.Fatalf("reset = %d %s", r.status, r.body)
		}
		if r := h.request("alice", "GET", "/api/v2/interactions/"+id, ""); r.status != 404 {
			t.Fatalf("after reset the interaction answers %d", r.status)
		}
		if r := h.request("", "PUT", "/control/v1/state", saved); r.status != 200 {
			t.Fatalf("put state = %d %s", r.status, r.body)
		}
		if got := h.seenAs("alice", id).Get("state").String(); got != "Processing" {
			t.Fatalf("restored state = %q, want Processing", got)
		}
		if got := h.state(); got != saved {
			t.Errorf("state after PUT differs from what was PUT")
		}
	})
	t.Run("journal since and by user", func(t *testing.T) {
		h := newHarness(t)
		id := h.create(newEmail)
		last := h.request("", "GET", "/control/v1/journal", "").json().Get("last").Int()
		h.op("alice", id, `{"operationName":"Accept"}`)
		r := h.request("", "GET", "/control/v1/journal?user=alice&since="+strconv.FormatInt(last, 10), "")
		var kinds []string
		for _, e := range r.json().Get("entries").Array() {
			kinds = append(kinds, e.Get("kind").String()+":"+e.Get("data.state").String())
		}
		want := "request:,notification:Processing,response:"
		if strings.Join(kinds, ",") != want {
			t.Errorf("journal = %v, want %s", kinds, want)
		}
	})
}

func TestControlToken(t *testing.T) {
	h := newHarness(t, func(s *mockserver.Server) { s.ControlToken = "s3cret" })
	if r := h.request("", "GET", "/control/v1/health", ""); r.status != 401 || r.json().Get("error").String() == "" {
		t.Fatalf("without token = %d %s", r.status, r.body)
	}
	if r := h.request("", "GET", "/control/v1/health", "", "Authorization", "Bearer wrong"); r.status != 401 {
		t.Fatalf("wrong token = %d", r.status)
	}
	if r := h.request("", "GET", "/control/v1/health", "", "Authorization", "Bearer s3cret"); r.status != 200 {
		t.Fatalf("right token = %d %s", r.status, r.body)
	}
}

// TestJournalAnswerIsPaged: GET /control/v1/journal answered the whole
// journal at once, however full. It answers at most limit entries (1000 by
// default) and says with next where the following page starts; the pages
// together are the journal, each entry once.
func TestJournalAnswerIsPaged(t *testing.T) {
	h := newHarness(t)
	for range 520 { // a request and a response each: more than one page
		h.request("alice", "GET", "/api/v2/me", "")
	}
	var seqs []int64
	pages := 0
	for next := int64(0); ; pages++ {
		j := h.request("", "GET", "/control/v1/journal?since="+strconv.FormatInt(next, 10), "").json()
		entries := j.Get("entries").Array()
		if len(entries) > 1000 {
			t.Fatalf("page %d has %d entries, over the default limit 1000", pages, len(entries))
		}
		for _, e := range entries {
			seqs = append(seqs, e.Get("seq").Int())
		}
		if len(entries) == 1000 && j.Get("next").Int() != entries[999].Get("seq").Int() {
			t.Fatalf("a full page's next = %d, want its last seq %d", j.Get("next").Int(), entries[999].Get("seq").Int())
		}
		next = j.Get("next").Int()
		if next >= j.Get("last").Int() {
			break
		}
	}
	if pages < 1 {
		t.Errorf("the journal came in one page of %d entries", len(seqs))
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("entry %d has seq %d: pages skip or repeat entries", i, s)
		}
	}
	if r := h.request("", "GET", "/control/v1/journal?user=alice&limit=7", ""); len(r.json().Get("entries").Array()) != 7 {
		t.Errorf("limit=7 answered %d entries", len(r.json().Get("entries").Array()))
	}
	for _, limit := range []string{"0", "1001", "some"} {
		if r := h.request("", "GET", "/control/v1/journal?limit="+limit, ""); r.status != 400 || !strings.Contains(r.json().Get("error").String(), "limit") {
			t.Errorf("limit=%s = %d %s, want 400 naming limit", limit, r.status, r.body)
		}
	}
}

// TestControlTokenNeedsBearerSchemeAnyCase: the token was accepted without
// the Bearer scheme, and "bearer" in lower case was refused. The scheme is
// required and, as every HTTP auth scheme (RFC 7235), case-insensitive.
func TestControlTokenNeedsBearerSchemeAnyCase(t *testing.T) {
	h := newHarness(t, func(s *mockserver.Server) { s.ControlToken = "s3cret" })
	for _, tt := range []struct {
		name, authorization string
		want                int
	}{
		{"Bearer", "Bearer s3cret", 200},
		{"lower case", "bearer s3cret", 200},
		{"upper case", "BEARER s3cret", 200},
		{"several spaces", "Bearer   s3cret", 200},
		{"no scheme", "s3cret", 401},
		{"another scheme", "Basic s3cret", 401},
		{"scheme glued to the token", "Bearers3cret", 401},
		{"scheme alone", "Bearer", 401},
		{"wrong token", "Bearer s3cre", 401},
		{"token with more", "Bearer s3cret x", 401},
		{"nothing", "", 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := h.request("", "GET", "/control/v1/health", "", "Authorization", tt.authorization); r.status != tt.want {
				t.Errorf("Authorization %q = %d %s, want %d", tt.authorization, r.status, r.body, tt.want)
			}
		})
	}
}
