package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
)

// meFeature is a small suite against GET /api/v2/me and the control reset.
var meFeature = fstest.MapFS{
	"me.feature": {Data: []byte(`Feature: Me
  Scenario: Alice reads her user record
    When alice sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"id": "{{alice.id}}", "userName": "{{alice.userName}}", "roles": ["agent"]}}
      """

  @control
  Scenario: A reset target has nothing for alice
    When control sends GET /control/v1/health
    Then the response status is 200
`)},
}

// fakeMe is a thin fake of the target: GET /api/v2/me answers user, the
// control API answers what the spec allows.
func fakeMe(t *testing.T, status int, user map[string]any) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/me", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if _, _, ok := r.BasicAuth(); !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
			w.WriteHeader(401)
			w.Write([]byte(`{"statusCode":20,"statusMessage":"who are you"}`))
			return
		}
		w.WriteHeader(status)
		if status != 200 {
			w.Write([]byte(`{"statusCode":5,"statusMessage":"no"}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"statusCode": 0, "user": user})
	})
	mux.HandleFunc("POST /control/v1/reset", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /control/v1/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok","version":"fake"}`))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func alice() map[string]any {
	return map[string]any{
		"id": "c9e053a7a19626b5b05b478b4fdcc0ab", "userName": "alice", "firstName": "Alice", "lastName": "Archer",
		"roles": []string{"agent"},
	}
}

func run(t *testing.T, o conformance.Options) (conformance.Result, string, error) {
	t.Helper()
	var out bytes.Buffer
	o.Output, o.NoColors = &out, true
	if o.Features == nil {
		o.Features = meFeature
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := conformance.Run(ctx, o)
	return res, out.String(), err
}

// checkRun checks that a run ended with status and that its output holds
// each of want.
func checkRun(t *testing.T, res conformance.Result, out string, err error, status int, want []string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Status != status {
		t.Errorf("status %d, want %d\n%s", res.Status, status, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the output lacks %q:\n%s", w, out)
		}
	}
}

func TestRunAgainstThinFakes(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		edit       func(u map[string]any)
		wantStatus int
		want       []string // in the output
	}{
		{"a conforming target", 200, func(map[string]any) {}, conformance.StatusPassed, []string{"2 scenarios (2 passed)"}},
		{
			"a wrong status", 403, func(map[string]any) {}, conformance.StatusFailed,
			[]string{"Scenario: Alice reads her user record", "Step: the response status is 200", "expected status 200, got 403"},
		},
		{
			"a missing field", 200, func(u map[string]any) { delete(u, "firstName") }, conformance.StatusFailed,
			[]string{"breaks the spec", "user.firstName", "missing"},
		},
		{
			"a wrong value", 200, func(u map[string]any) { u["roles"] = []string{"admin"} }, conformance.StatusFailed,
			[]string{
				"Step: the response matches:",
				`user.roles[0]: expected "agent", got "admin"`,
				"--- expected\n+++ actual\n",
				`-      "agent"`, `+      "admin"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := alice()
			tt.edit(u)
			ts := fakeMe(t, tt.status, u)
			res, out, err := run(t, conformance.Options{Targets: []string{ts.URL}})
			checkRun(t, res, out, err, tt.wantStatus, tt.want)
		})
	}
}

func TestWithoutControlAndTags(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	tests := []struct {
		name      string
		o         conformance.Options
		scenarios int
	}{
		{"all", conformance.Options{}, 2},
		{"without control", conformance.Options{WithoutControl: true}, 1},
		{"only control", conformance.Options{Tags: "@control"}, 1},
		{"only control, without control", conformance.Options{Tags: "@control", WithoutControl: true}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Targets = []string{ts.URL}
			res, out, err := run(t, tt.o)
			if err != nil || res.Status != conformance.StatusPassed {
				t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
			}
			if res.Scenarios != tt.scenarios {
				t.Errorf("%d scenarios ran, want %d", res.Scenarios, tt.scenarios)
			}
		})
	}
}

func TestReportFiles(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	dir := t.TempDir()
	junit, cucumber := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")
	res, out, err := run(t, conformance.Options{
		Targets: []string{ts.URL},
		Formats: []string{"progress", "junit:" + junit, "cucumber:" + cucumber},
	})
	if err != nil || res.Status != conformance.StatusPassed {
		t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
	}
	for file, want := range map[string]string{junit: "<testsuites", cucumber: `"keyword": "Scenario"`} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %q:\n%s", file, want, b)
		}
	}
}

func TestMappingRenamesUsers(t *testing.T) {
	u := alice()
	u["userName"] = "agent.one"
	ts := fakeMe(t, 200, u)
	m, err := conformance.ParseMapping([]byte(`{"users": {"alice": {"userName": "agent.one", "password": "x"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Users["bob"].UserName != "bob" || m.Queues["email-inbound"] != "email-inbound" {
		t.Errorf("the defaults were lost: %+v", m)
	}
	var log bytes.Buffer
	res, out, err := run(t, conformance.Options{Targets: []string{ts.URL}, Mapping: &m, Log: &log})
	if err != nil || res.Status != conformance.StatusPassed {
		t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
	}
	if !strings.Contains(log.String(), "alice is agent.one, id c9e053a7a19626b5b05b478b4fdcc0ab") {
		t.Errorf("the id of alice was not learned:\n%s", log.String())
	}
}

func TestParseMappingRefusesTypos(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field":   `{"user": {}}`,
		"no userName":     `{"users": {"alice": {"password": "x"}}}`,
		"no workbin name": `{"workbins": {"team-workbin": {"id": "x"}}}`,
		"not JSON":        `{`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := conformance.ParseMapping([]byte(doc)); err == nil {
				t.Errorf("ParseMapping(%s) passed", doc)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	tests := []struct {
		name string
		o    conformance.Options
		want string
	}{
		{"no target", conformance.Options{}, "no target"},
		{"not a URL", conformance.Options{Targets: []string{"localhost:8090"}}, "http://"},
		{"too much concurrency", conformance.Options{Targets: []string{ts.URL}, Concurrency: 2}, "concurrency"},
		{"unknown format", conformance.Options{Targets: []string{ts.URL}, Formats: []string{"html"}}, "format"},
		{"unknown transport", conformance.Options{Targets: []string{ts.URL}, Transport: "pigeon"}, "transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := run(t, tt.o)
			var ue *conformance.UsageError
			if !errors.As(err, &ue) || res.Status != conformance.StatusUsage {
				t.Fatalf("Run: status %d, %v; want a usage error", res.Status, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run: %v; want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestUnreachableTarget(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	res, _, err := run(t, conformance.Options{Targets: []string{url}})
	if err == nil || res.Status != conformance.StatusFailed || !strings.Contains(err.Error(), "not reachable") {
		t.Errorf("Run: status %d, %v; want status 1 and \"not reachable\"", res.Status, err)
	}
}

func TestUndefinedStepFails(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	res, out, err := run(t, conformance.Options{
		Targets:  []string{ts.URL},
		Features: fstest.MapFS{"typo.feature": {Data: []byte("Feature: Typo\n  Scenario: A typo\n    When alice sends GETT /api/v2/me\n")}},
	})
	if err != nil || res.Status != conformance.StatusFailed || len(res.Failures) != 1 {
		t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
	}
	if msg := res.Failures[0].Message; !strings.Contains(msg, "GETT") || !strings.Contains(msg, "gwsmock steps") {
		t.Errorf("failure %q should name the step and point to gwsmock steps", msg)
	}
}

// sessionFeature drives the session surface of a fake: operation answers
// with referenceIds, a refusal in both error forms, and the cookie that
// EndContactCenterSession invalidates.
var sessionFeature = fstest.MapFS{
	"session.feature": {Data: []byte(`Feature: Session
  Scenario: Answers carry growing referenceIds, and ending the session forgets the cookie
    Given alice sends GET /api/v2/me
    And the response status is 200
    And alice's cookies are saved as session
    When alice goes NotReady everywhere
    And the variable first is "{{alice.referenceId}}"
    And alice tries to start a contact-center session on fax
    Then the request is refused with status 400, naming "fax"
    When alice ends her contact-center session
    Then the response header Set-Cookie matches "^JSESSIONID=;"
    And the variable alice.referenceId is greater than first
    When alice's cookies are set back to session
    And alice by cookie sends GET /api/v2/me
    Then the response status is 401
`)},
}

// fakeSession is a thin fake of GET and POST /api/v2/me: a session cookie,
// a per-user referenceId, and the refusal of an unknown channel. broken
// names what it gets wrong: "same-ref" repeats the referenceId,
// "two-texts" refuses with a statusMessage other than its errorDescription,
// "keeps-cookie" never forgets a session.
func fakeSession(t *testing.T, broken string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	ref, sessions := 1, map[string]bool{}
	send := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	authed := func(w http.ResponseWriter, r *http.Request) (cookie string, ok bool) {
		if _, _, basic := r.BasicAuth(); basic {
			return "", true
		}
		if c, err := r.Cookie("JSESSIONID"); err == nil && sessions[c.Value] {
			return c.Value, true
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
		send(w, 401, map[string]any{"statusCode": 20, "statusMessage": "who are you"})
		return "", false
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/me", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := authed(w, r); !ok {
			return
		}
		if _, err := r.Cookie("JSESSIONID"); err != nil {
			id := fmt.Sprintf("s%d", len(sessions)+1)
			sessions[id] = true
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: id, Path: "/"})
		}
		send(w, 200, map[string]any{"statusCode": 0, "user": alice()})
	})
	mux.HandleFunc("POST /api/v2/me", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := authed(w, r); !ok {
			return
		}
		var body struct {
			OperationName string   `json:"operationName"`
			Channels      []string `json:"channels"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		if slices.Contains(body.Channels, "fax") {
			refusal := map[string]any{"status": "error", "errorDescription": "no channel fax", "statusCode": 1, "statusMessage": "no channel fax"}
			if broken == "two-texts" {
				refusal["statusMessage"] = "something else"
			}
			send(w, 400, refusal)
			return
		}
		if body.OperationName == "EndContactCenterSession" {
			if c, err := r.Cookie("JSESSIONID"); err == nil && broken != "keeps-cookie" {
				delete(sessions, c.Value)
			}
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "", Path: "/", MaxAge: -1})
		}
		send(w, 200, map[string]any{"status": "ok", "statusCode": 0, "referenceId": ref})
		if broken != "same-ref" {
			ref++
		}
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestSessionStepsAgainstThinFakes(t *testing.T) {
	tests := []struct {
		name       string
		broken     string
		wantStatus int
		want       []string // in the output
	}{
		{"a conforming target", "", conformance.StatusPassed, []string{"1 scenarios (1 passed)"}},
		{"a repeated referenceId", "same-ref", conformance.StatusFailed, []string{"expected alice.referenceId (1) to be greater than first (1)"}},
		{
			"a refusal with two texts", "two-texts", conformance.StatusFailed,
			[]string{"Step: the request is refused with status 400", `statusMessage: expected "no channel fax", got "something else"`},
		},
		{"a session that outlives its end", "keeps-cookie", conformance.StatusFailed, []string{"expected status 401, got 200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := fakeSession(t, tt.broken)
			res, out, err := run(t, conformance.Options{Targets: []string{ts.URL}, Features: sessionFeature})
			checkRun(t, res, out, err, tt.wantStatus, tt.want)
		})
	}
}
