package mockserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/internal/wait"
)

func (h *harness) faults(rules string) {
	h.t.Helper()
	if r := h.request("", "PUT", "/control/v1/faults", rules); r.status != 200 {
		h.t.Fatalf("PUT faults %s = %d %s", rules, r.status, r.body)
	}
}

func TestFaultRulesRefused(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct{ name, body, want string }{
		{"status and drop", `{"rules":[{"action":{"status":503,"dropConnection":true}}]}`, "exclude"},
		{"hold and drop", `{"rules":[{"action":{"holdNotifications":true,"dropNotifications":true}}]}`, "exclude"},
		{"body without status", `{"rules":[{"action":{"body":{"a":1}}}]}`, "body needs status"},
		{"no action", `{"rules":[{"action":{}}]}`, "action"},
		{"bad pattern", `{"rules":[{"match":{"pathPattern":"/api/v2/["},"action":{"status":500}}]}`, "pathPattern"},
		{"no rules", `{}`, "rules"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := h.request("", "PUT", "/control/v1/faults", tt.body)
			if r.status != 400 || !strings.Contains(r.json().Get("error").String(), tt.want) {
				t.Errorf("= %d %s, want 400 naming %q", r.status, r.body, tt.want)
			}
		})
	}
}

func TestFaultStatusCountAndClear(t *testing.T) {
	h := newHarness(t)
	h.faults(`{"rules":[{"match":{"method":"GET","pathPattern":"/api/v2/me"},"action":{"status":503,"body":{"status":"error","errorDescription":"injected outage"}},"count":2}]}`)
	for i, want := range []int{503, 503, 200} {
		r := h.request("alice", "GET", "/api/v2/me", "")
		if r.status != want {
			t.Fatalf("request %d = %d %s, want %d", i, r.status, r.body, want)
		}
		if injected := r.header.Get("X-Gwsmock-Fault") != ""; injected != (want == 503) {
			t.Errorf("request %d: X-Gwsmock-Fault = %q", i, r.header.Get("X-Gwsmock-Fault"))
		}
	}
	h.faults(`{"rules":[{"action":{"status":500}}]}`)
	if r := h.request("", "GET", "/control/v1/health", ""); r.status != 200 {
		t.Fatalf("the control API was faulted: %d", r.status)
	}
	if r := h.request("", "DELETE", "/control/v1/faults", ""); r.status != 200 {
		t.Fatalf("DELETE faults = %d", r.status)
	}
	if r := h.request("alice", "GET", "/api/v2/me", ""); r.status != 200 {
		t.Fatalf("after clearing = %d", r.status)
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	pattern := func() string {
		h := newHarness(t)
		h.faults(`{"rules":[{"match":{"pathPattern":"/api/v2/me"},"action":{"status":503},"probability":0.5,"seed":42}]}`)
		var b strings.Builder
		for i := 0; i < 20; i++ {
			if h.request("alice", "GET", "/api/v2/me", "").status == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("seeded runs = %s and %s, want the same mix twice", a, b)
	}
}

func TestFaultDropConnection(t *testing.T) {
	h := newHarness(t)
	h.faults(`{"rules":[{"match":{"pathPattern":"/api/v2/me"},"action":{"dropConnection":true},"count":1}]}`)
	req, _ := http.NewRequest("GET", h.ts.URL+"/api/v2/me", nil)
	testusers.SetBasicAuth(req, "alice")
	// A fresh connection: Go's client silently retries a GET whose reused
	// connection closes, which would hide the drop.
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("got an answer %d %s, want a dropped connection", res.StatusCode, b)
	}
	if r := h.request("alice", "GET", "/api/v2/me", ""); r.status != 200 {
		t.Fatalf("after the drop = %d", r.status)
	}
}

func TestFaultHoldAndDropNotifications(t *testing.T) {
	h := newHarness(t)
	alice := h.cometd("alice", bayeux.LongPolling)
	id := h.create(newEmail)
	alice.want("StatusChange", "Invited", `["Accept","Reject"]`)

	// Drop: the Accept works, its notification never comes.
	h.faults(`{"rules":[{"match":{"operationName":"Accept"},"action":{"dropNotifications":true}}]}`)
	h.op("alice", id, `{"operationName":"Accept"}`)
	alice.quiet()

	// Hold: the update's notification waits until the rule goes, then comes.
	h.faults(`{"rules":[{"match":{"operationName":"UpdateProperties"},"action":{"holdNotifications":true}}]}`)
	h.op("alice", id, `{"operationName":"UpdateProperties","properties":{"a":1}}`)
	alice.quiet()
	if r := h.request("", "DELETE", "/control/v1/faults", ""); r.status != 200 {
		t.Fatalf("DELETE = %d", r.status)
	}
	if m := alice.want("PropertiesUpdated", "Processing", `["StopProcessing","PlaceInQueue","UpdateProperties","PlaceInWorkbin","Transfer","StartConference","Reply","ReplyAll","Forward"]`); m.Get("userData.a").Int() != 1 {
		t.Fatalf("released message = %s", m.Raw)
	}
	// Requests that fire no rule are delivered as usual.
	h.op("alice", id, `{"operationName":"StopProcessing"}`)
	alice.want("StatusChange", "Completed", `[]`)
}

// stuckWriter is a client that never reads its answer: the first Write
// blocks until the test releases it, as a full socket buffer would.
type stuckWriter struct {
	header  http.Header
	writing chan struct{} // closed when a Write blocks
	release chan struct{} // closed by the test
	once    sync.Once
}

func newStuckWriter(t *testing.T) *stuckWriter {
	w := &stuckWriter{header: http.Header{}, writing: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(func() { close(w.release) }) // before the harness closes: cleanups run last-first
	return w
}

func (w *stuckWriter) Header() http.Header { return w.header }
func (w *stuckWriter) WriteHeader(int)     {}
func (w *stuckWriter) Write(b []byte) (int, error) {
	w.once.Do(func() {
		close(w.writing)
		<-w.release
	})
	return len(b), nil
}

// within runs send and fails the test when it does not answer in time.
func within(t *testing.T, what string, send func() response) response {
	t.Helper()
	done := make(chan response, 1)
	go func() { done <- send() }()
	select {
	case r := <-done:
		return r
	case <-time.After(wait.Timeout):
		t.Fatalf("%s did not answer within %v", what, wait.Timeout)
		return response{}
	}
}

// TestFaultHoldWithSlowClientDoesNotFreezeServer: a request that fired a
// holdNotifications rule, or any request while such a rule exists, used to
// hold the injector's gate while writing its answer, so one client that
// never read froze every request, DELETE /control/v1/faults included, until
// the write timed out.
func TestFaultHoldWithSlowClientDoesNotFreezeServer(t *testing.T) {
	for _, tt := range []struct {
		name string
		slow func(h *harness) *http.Request // the request whose client never reads
	}{
		{"the held request's client", func(h *harness) *http.Request {
			req := httptest.NewRequest("GET", "/api/v2/me", nil)
			testusers.SetBasicAuth(req, "alice")
			return req
		}},
		{"another request's client", func(h *harness) *http.Request {
			return httptest.NewRequest("POST", "/control/v1/interactions", strings.NewReader(newEmail))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.faults(`{"rules":[{"match":{"method":"GET","pathPattern":"/api/v2/me"},"action":{"holdNotifications":true}}]}`)
			w := newStuckWriter(t)
			go h.srv.Handler().ServeHTTP(w, tt.slow(h))
			select {
			case <-w.writing:
			case <-time.After(wait.Timeout):
				t.Fatal("the slow request never wrote its answer")
			}
			if r := within(t, "a request that fires the hold rule", func() response { return h.request("bob", "GET", "/api/v2/me", "") }); r.status != 200 {
				t.Fatalf("GET /api/v2/me = %d %s", r.status, r.body)
			}
			if r := within(t, "DELETE /control/v1/faults", func() response { return h.request("", "DELETE", "/control/v1/faults", "") }); r.status != 200 {
				t.Fatalf("DELETE faults = %d %s", r.status, r.body)
			}
		})
	}
}
