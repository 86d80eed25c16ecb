package mockserver_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/spectest"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// fixedNow is the clock of the tests.
var fixedNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// harness is an in-process mock behind the strict spec-validating wrapper.
type harness struct {
	t   *testing.T
	srv *mockserver.Server
	ts  *httptest.Server
}

// safetyNet bounds a wait for something that must happen: reaching it is a
// failure (a hang), never a measure of speed, so it is generous enough for
// the race detector on a busy machine.
const safetyNet = 2 * time.Minute

func newHarness(t *testing.T, configure ...func(*mockserver.Server)) *harness {
	t.Helper()
	srv := &mockserver.Server{
		Now:   func() time.Time { return fixedNow },
		NewID: contactcenter.NewIDSource(1),
	}
	for _, f := range configure {
		f(srv)
	}
	ts := httptest.NewUnstartedServer(nil)
	srv.PublicURL = "http://" + ts.Listener.Addr().String()
	if err := srv.Init(); err != nil {
		t.Fatalf("Init: %v", err)
	}
	ts.Config.Handler = spectest.Handler(t, srv.Handler())
	ts.Start()
	t.Cleanup(func() {
		_ = srv.Close() // first: answers held long polls, so ts.Close does not wait for them
		ts.Close()
	})
	return &harness{t: t, srv: srv, ts: ts}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json() gjson.Result { return gjson.ParseBytes(r.body) }

// request sends a request; user "" sends no credentials, "user:pass" sends
// those, a bare name sends the fixture password.
func (h *harness) request(user, method, path, body string, header ...string) response {
	h.t.Helper()
	req := testusers.NewRequest(h.t, "", method, h.ts.URL+path, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if user != "" {
		name, pass, ok := strings.Cut(user, ":")
		if !ok {
			pass = testusers.Password(name)
		}
		req.SetBasicAuth(name, pass)
	}
	res, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// create injects an interaction through the control API and returns its id.
func (h *harness) create(body string) string {
	h.t.Helper()
	r := h.request("", "POST", "/control/v1/interactions", body)
	if r.status != http.StatusCreated {
		h.t.Fatalf("create %s = %d %s", body, r.status, r.body)
	}
	return r.json().Get("id").String()
}

// op performs an operation that must succeed and returns its referenceId.
func (h *harness) op(user, id, body string) int64 {
	h.t.Helper()
	return h.operate(user, "POST", "/api/v2/me/interactions/"+id, body)
}

// operate sends a request to an operation endpoint that must succeed and
// returns its referenceId.
func (h *harness) operate(user, method, path, body string) int64 {
	h.t.Helper()
	r := h.request(user, method, path, body)
	ref := r.json().Get("referenceId").Int()
	if r.status != http.StatusOK || string(r.body) != fmt.Sprintf(`{"status":"ok","statusCode":0,"referenceId":%d}`, ref) || ref < 1 {
		h.t.Fatalf("%s %s %s %s = %d %s", user, method, path, body, r.status, r.body)
	}
	return ref
}

// state returns the whole state document.
func (h *harness) state() string {
	h.t.Helper()
	r := h.request("", "GET", "/control/v1/state", "")
	if r.status != http.StatusOK {
		h.t.Fatalf("GET state = %d %s", r.status, r.body)
	}
	return string(r.body)
}

// seenAs returns the interaction as user sees it.
func (h *harness) seenAs(user, id string) gjson.Result {
	h.t.Helper()
	r := h.request(user, "GET", "/api/v2/interactions/"+id, "")
	if r.status != http.StatusOK {
		h.t.Fatalf("GET interaction %s as %s = %d %s", id, user, r.status, r.body)
	}
	return r.json().Get("interaction")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
