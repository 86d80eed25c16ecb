package conformance_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gwsmock/gwsmock/conformance"
)

// driverFake is a fake target with readiness, contact-center sessions and
// the driver contract, which records the requests the runner sends on its
// own behalf (cleanup, reset).
type driverFake struct {
	mu sync.Mutex
	// guards the fields below
	ready    map[string]bool // alice's readiness by channel; at first Ready on email only
	loggedIn bool
	nextID   int
	log      []string // "POST /control/v1/interactions/X/stop", ...
}

func newDriverFake(t *testing.T) *httptest.Server {
	t.Helper()
	f := &driverFake{ready: map[string]bool{"email": true, "chat": false}, loggedIn: true}
	json200 := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	record := func(r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.log = append(f.log, r.Method+" "+r.URL.Path)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/me", func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
			json200(w, 401, map[string]any{"statusCode": 20, "statusMessage": "who are you"})
			return
		}
		json200(w, 200, map[string]any{"statusCode": 0, "user": alice()})
	})
	mux.HandleFunc("POST /api/v2/me", func(w http.ResponseWriter, r *http.Request) {
		var op struct{ OperationName string }
		json.NewDecoder(r.Body).Decode(&op)
		record(r)
		f.mu.Lock()
		switch op.OperationName {
		case "EndContactCenterSession":
			f.loggedIn = false
			for ch := range f.ready {
				f.ready[ch] = false
			}
		case "StartContactCenterSession":
			f.loggedIn = true
			for ch := range f.ready {
				f.ready[ch] = true
			}
		}
		f.mu.Unlock()
		json200(w, 200, map[string]any{"status": "ok", "statusCode": 0, "referenceId": 1})
	})
	mux.HandleFunc("GET /api/v2/me/channels", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		var chans []map[string]any
		for _, ch := range []string{"email", "chat"} {
			state := "NotReady"
			if f.ready[ch] {
				state = "Ready"
			}
			chans = append(chans, map[string]any{"channel": ch, "userState": map[string]any{"state": state, "displayName": state}})
		}
		f.mu.Unlock()
		json200(w, 200, map[string]any{"statusCode": 0, "channels": chans})
	})
	mux.HandleFunc("POST /control/v1/interactions", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.nextID++
		id := fmt.Sprintf("00000000000000%02d", f.nextID)
		f.mu.Unlock()
		json200(w, 201, map[string]any{"id": id, "uri": "http://x/api/v2/interactions/" + id})
	})
	mux.HandleFunc("POST /control/v1/interactions/{id}/stop", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		json200(w, 200, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("PUT /control/v1/users/{user}/channels/{channel}", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Ready bool }
		json.NewDecoder(r.Body).Decode(&body)
		record(r)
		f.mu.Lock()
		f.ready[r.PathValue("channel")] = body.Ready
		if body.Ready {
			f.loggedIn = true
		}
		f.mu.Unlock()
		json200(w, 200, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("POST /control/v1/reset", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		json200(w, 200, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /control/v1/health", func(w http.ResponseWriter, r *http.Request) {
		json200(w, 200, map[string]any{"status": "ok", "version": "fake"})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the fake's log: %q", f.log)
		}
	})
	fakes.Store(ts.URL, f)
	return ts
}

var fakes sync.Map // base URL -> *driverFake

func fakeLog(url string) []string {
	v, _ := fakes.Load(url)
	f := v.(*driverFake)
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// TestCleanupAfterDriverScenarios checks what the runner does after a
// driver scenario on a target it cannot reset (docs/control-api.md C1.4):
// it stops what the scenario created and did not stop, and puts back the
// users' readiness and contact-center sessions; a @mock scenario is reset
// before and after instead.
func TestCleanupAfterDriverScenarios(t *testing.T) {
	const create = `    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "agent": "alice"}
      """
    And the response field id is saved as it
`
	tests := []struct {
		name     string
		scenario string
		want     []string // the fake's log, the scenario's own requests included
	}{
		{
			name:     "an interaction created and left open is stopped",
			scenario: "  Scenario: S\n" + create,
			want:     []string{"POST /control/v1/interactions/0000000000000001/stop"},
		},
		{
			name:     "an interaction the scenario stopped is not stopped again",
			scenario: "  Scenario: S\n" + create + "    And control sends POST /control/v1/interactions/{{it}}/stop\n",
			want:     []string{"POST /control/v1/interactions/0000000000000001/stop"},
		},
		{
			name:     "the scenario fails: still cleaned up",
			scenario: "  Scenario: S\n" + create + "    Then the response status is 500\n",
			want:     []string{"POST /control/v1/interactions/0000000000000001/stop"},
		},
		{
			name: "readiness is put back",
			scenario: `  Scenario: S
    When control sends PUT /control/v1/users/alice/channels/chat with:
      """
      {"ready": true}
      """
`,
			want: []string{"PUT /control/v1/users/alice/channels/chat", "PUT /control/v1/users/alice/channels/chat"},
		},
		{
			// StartContactCenterSession makes alice Ready on every
			// channel; she was NotReady on chat.
			name: "a session the user ended is started again, then readiness put back",
			scenario: `  Scenario: S
    When alice sends POST /api/v2/me with:
      """
      {"operationName": "EndContactCenterSession"}
      """
`,
			want: []string{"POST /api/v2/me", "POST /api/v2/me", "PUT /control/v1/users/alice/channels/chat"},
		},
		{
			name:     "a @mock scenario is reset before and after, not cleaned up",
			scenario: "  @mock\n  Scenario: S\n" + create,
			want:     []string{"POST /control/v1/reset", "POST /control/v1/reset"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newDriverFake(t)
			fsys := fstest.MapFS{"s.feature": {Data: []byte("Feature: F\n" + tt.scenario)}}
			res, out, err := run(t, conformance.Options{Targets: []string{ts.URL}, Features: fsys})
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, out)
			}
			if strings.Contains(tt.name, "fails") != (res.Failed == 1) {
				t.Errorf("%d failed\n%s", res.Failed, out)
			}
			if got := fakeLog(ts.URL); !slices.Equal(got, tt.want) {
				t.Errorf("requests:\n got %q\nwant %q\n%s", got, tt.want, out)
			}
		})
	}
}
