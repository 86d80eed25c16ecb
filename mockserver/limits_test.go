package mockserver_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver"
)

// TestCompletedRetentionHolds: only the RetainCompleted most recent
// completed interactions stay readable; older ones answer 404 and leave
// the state.
func TestCompletedRetentionHolds(t *testing.T) {
	const retain = 3
	h := newHarness(t, func(s *mockserver.Server) { s.RetainCompleted = retain })
	var ids []string
	for range 2 * retain {
		id := ownedBy(h, "alice")
		h.op("alice", id, `{"operationName":"StopProcessing"}`)
		ids = append(ids, id)
		completed := 0
		for _, in := range gjson.Get(h.state(), "interactions").Array() {
			if in.Get("state").String() == "Completed" {
				completed++
			}
		}
		if completed > retain {
			t.Fatalf("%d completed interactions kept, over %d", completed, retain)
		}
	}
	for i, id := range ids {
		r := h.request("admin", "GET", "/api/v2/interactions/"+id, "")
		want := http.StatusOK
		if i < len(ids)-retain {
			want = http.StatusNotFound
		}
		if r.status != want {
			t.Errorf("interaction %d (%s) = %d, want %d", i, id, r.status, want)
		}
	}
}

// journalStats reads the whole journal, page by page: its entries and the
// bytes of their data and paths.
func journalStats(h *harness) (entries int, bytes int, last int64) {
	h.t.Helper()
	for next := int64(0); ; {
		j := h.request("", "GET", "/control/v1/journal?since="+strconv.FormatInt(next, 10), "").json()
		for _, e := range j.Get("entries").Array() {
			entries++
			bytes += len(e.Get("data").Raw) + len(e.Get("path").String())
		}
		next, last = j.Get("next").Int(), j.Get("last").Int()
		if next >= last {
			return entries, bytes, last
		}
	}
}

// TestJournalBoundsHold: the journal keeps at most JournalSize entries and
// JournalBytes of data, however many and however large the requests.
func TestJournalBoundsHold(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		maxBytes  int64
		valueSize int
		requests  int
	}{
		{"entries", 20, 0, 10, 40},
		{"bytes", 100000, 256 << 10, 100 << 10, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(s *mockserver.Server) { s.JournalSize, s.JournalBytes = tt.size, tt.maxBytes })
			id := ownedBy(h, "alice")
			for i := range tt.requests {
				body := `{"operationName":"UpdateProperties","properties":{"k` + string(rune('a'+i%26)) + `":"` + strings.Repeat("x", tt.valueSize) + `"}}`
				h.request("alice", "POST", "/api/v2/me/interactions/"+id, body)
				h.op("alice", id, `{"operationName":"UpdateProperties","properties":{"k`+string(rune('a'+i%26))+`":null}}`)
			}
			entries, bytes, last := journalStats(h)
			if entries > tt.size {
				t.Errorf("journal keeps %d entries, over %d", entries, tt.size)
			}
			if tt.maxBytes > 0 && int64(bytes) > tt.maxBytes {
				t.Errorf("journal keeps %d bytes, over %d", bytes, tt.maxBytes)
			}
			if last < int64(4*tt.requests) || entries == 0 {
				t.Errorf("last = %d, entries = %d: the journal stopped recording", last, entries)
			}
		})
	}
}

// TestPropertiesStayBoundedOverHTTP: merge patches that would grow an
// interaction's properties past 1 MiB are refused with 400 naming the
// limit, and change nothing.
func TestPropertiesStayBoundedOverHTTP(t *testing.T) {
	h := newHarness(t)
	id := ownedBy(h, "alice")
	half := strings.Repeat("x", 600<<10)
	h.op("alice", id, `{"operationName":"UpdateProperties","properties":{"a":"`+half+`"}}`)
	before := h.state()
	r := h.request("alice", "POST", "/api/v2/me/interactions/"+id, `{"operationName":"UpdateProperties","properties":{"b":"`+half+`"}}`)
	if r.status != http.StatusBadRequest || !strings.Contains(r.json().Get("errorDescription").String(), "1048576") {
		t.Fatalf("second half = %d %.300s", r.status, r.body)
	}
	if h.state() != before {
		t.Fatal("a refused patch changed the state")
	}
}

// cometdClient handshakes as user through hc.
func cometdClient(t *testing.T, h *harness, hc *http.Client, user string) (*bayeux.Client, error) {
	t.Helper()
	c := &bayeux.Client{URL: h.ts.URL + "/api/v2/notifications", Header: testusers.Header(user), HTTPClient: hc}
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	err := c.Handshake(ctx)
	t.Cleanup(func() { _ = c.Close() })
	return c, err
}

// TestCometDSessionsPerUserAreCapped: a user cannot hold more than
// MaxCometDSessionsPerUser sessions; the count is per user, never per
// cookie: users sharing one cookie jar (as the Node CometD adapter's
// instances do) each get their own allowance.
func TestCometDSessionsPerUserAreCapped(t *testing.T) {
	const limit = 3
	h := newHarness(t, func(s *mockserver.Server) { s.MaxCometDSessionsPerUser = limit })
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	shared := &http.Client{Jar: jar, Transport: h.ts.Client().Transport}
	// One request sets a JSESSIONID cookie in the shared jar.
	if res, err := shared.Get(h.ts.URL + "/api/v2/me"); err == nil {
		res.Body.Close()
	}
	for _, user := range []string{"alice", "bob"} {
		for i := range limit {
			if _, err := cometdClient(t, h, shared, user); err != nil {
				t.Fatalf("%s session %d refused: %v", user, i+1, err)
			}
		}
	}
	_, err = cometdClient(t, h, shared, "alice")
	if err == nil || !strings.Contains(err.Error(), "403::Too many sessions for this user") {
		t.Fatalf("alice's session %d = %v, want a 403 refusal", limit+1, err)
	}
	if got := h.srv.CometDSessions(); got != 2*limit {
		t.Fatalf("%d sessions open, want %d", got, 2*limit)
	}
	if _, err := cometdClient(t, h, shared, "carol"); err != nil {
		t.Fatalf("carol is refused because of alice: %v", err)
	}
}

// TestBasicWithCookieKeepsItsSession: a client that sends Basic
// credentials and its session cookie on every request gets one session, not
// one per request; Basic credentials of another user still get their own.
func TestBasicWithCookieKeepsItsSession(t *testing.T) {
	h := newHarness(t)
	first := h.request("alice", "GET", "/api/v2/me", "")
	cookie := ""
	for _, c := range (&http.Response{Header: first.header}).Cookies() {
		if c.Name == "JSESSIONID" {
			cookie = c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no session cookie on the first answer")
	}
	for range 3 {
		r := h.request("alice", "GET", "/api/v2/me", "", "Cookie", "JSESSIONID="+cookie)
		if r.header.Get("Set-Cookie") != "" {
			t.Fatalf("a new session for a request that carries alice's: %s", r.header.Get("Set-Cookie"))
		}
	}
	r := h.request("bob", "GET", "/api/v2/me", "", "Cookie", "JSESSIONID="+cookie)
	if r.json().Get("user.userName").String() != "bob" || !strings.Contains(r.header.Get("Set-Cookie"), "JSESSIONID=") {
		t.Fatalf("bob with alice's cookie = %s, Set-Cookie %q", r.body, r.header.Get("Set-Cookie"))
	}
}
