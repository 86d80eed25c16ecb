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
	"github.com/gwsmock/gwsmock/conformance/steps"
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

  @mock
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

// wantUsageError fails t unless a run ended with a *UsageError that
// contains want.
func wantUsageError(t *testing.T, res conformance.Result, err error, want string) {
	t.Helper()
	var ue *conformance.UsageError
	if !errors.As(err, &ue) || res.Status != conformance.StatusUsage || !strings.Contains(err.Error(), want) {
		t.Fatalf("Run: status %d, %v; want a usage error containing %q", res.Status, err, want)
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
			"a missing field", 200, func(u map[string]any) { delete(u, "firstName") }, conformance.StatusFailed,
			[]string{"breaks the spec", "user.firstName", "missing"},
		},
		{
			"a wrong value", 200, func(u map[string]any) { u["roles"] = []string{"admin"} }, conformance.StatusFailed,
			[]string{
				"And the response matches:  [failed]",
				`user.roles: expected "agent", got "admin"`,
				"--- expected\n", "+++ actual\n",
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
		{"driver only", conformance.Options{DriverOnly: true}, 1},
		{"without control, the deprecated name of driver only", conformance.Options{WithoutControl: true}, 1},
		{"only mock", conformance.Options{Tags: "@mock"}, 1},
		{"not mock", conformance.Options{Tags: "not @mock"}, 1},
		{"godog's negation", conformance.Options{Tags: "~@mock"}, 1},
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

// taggedFeature has scenarios with several tags, each asking anonymously
// for /api/v2/me (fakeMe answers 401).
var taggedFeature = fstest.MapFS{
	"tagged.feature": {Data: []byte(`@feature
Feature: Tagged
  @a
  Scenario: A
    When anonymous sends GET /api/v2/me
    Then the response status is 401

  @a @b
  Scenario: AB
    When anonymous sends GET /api/v2/me
    Then the response status is 401

  @b @slow
  Scenario: B slow
    When anonymous sends GET /api/v2/me
    Then the response status is 401

  Scenario Outline: Outline <n>
    When anonymous sends GET /api/v2/me
    Then the response status is 401

    @c
    Examples:
      | n |
      | 1 |

    Examples:
      | n |
      | 2 |
`)},
}

func TestTagExpressions(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	tests := []struct {
		tags      string
		scenarios []string // the names that ran
		wantErr   string   // a part of the usage error, when nothing may run
	}{
		{tags: "", scenarios: []string{"A", "AB", "B slow", "Outline 1", "Outline 2"}},
		{tags: "@a", scenarios: []string{"A", "AB"}},
		{tags: "not @a", scenarios: []string{"B slow", "Outline 1", "Outline 2"}},
		{tags: "@a and @b", scenarios: []string{"AB"}},
		{tags: "@a or @c", scenarios: []string{"A", "AB", "Outline 1"}},
		{tags: "@feature and not (@slow or @a)", scenarios: []string{"Outline 1", "Outline 2"}},
		{tags: "@a,@c", scenarios: []string{"A", "AB", "Outline 1"}},
		{tags: "@b && ~@slow", scenarios: []string{"AB"}},
		{tags: "@a and @slow", wantErr: `--tags "@a and @slow" selects none of the 5 scenarios`},
		{tags: "@sloow", wantErr: "no scenario has the tag @sloow (did you mean @slow?)"},
		{tags: "@a &&", wantErr: "--tags"},
		{tags: "(@a", wantErr: "Unmatched ("},
	}
	for _, tt := range tests {
		t.Run(tt.tags, func(t *testing.T) {
			res, out, err := run(t, conformance.Options{Targets: []string{ts.URL}, Features: taggedFeature, Tags: tt.tags})
			if tt.wantErr != "" {
				wantUsageError(t, res, err, tt.wantErr)
				return
			}
			if err != nil || res.Status != conformance.StatusPassed {
				t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
			}
			if res.Scenarios != len(tt.scenarios) {
				t.Errorf("%d scenarios ran, want %d\n%s", res.Scenarios, len(tt.scenarios), out)
			}
			for _, name := range tt.scenarios {
				if !strings.Contains(out, "Scenario: "+name+" ") && !strings.Contains(out, "Scenario Outline: "+name[:len(name)-2]) {
					t.Errorf("scenario %q did not run:\n%s", name, out)
				}
			}
		})
	}
}

func TestNothingToRun(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	tests := []struct {
		name     string
		features fstest.MapFS
		o        conformance.Options
		want     string
	}{
		{"an empty directory", fstest.MapFS{}, conformance.Options{}, "no .feature file"},
		{"no scenario", fstest.MapFS{"x.feature": {Data: []byte("Feature: Empty\n")}}, conformance.Options{}, "no scenario"},
		{"only mock, driver only", meFeature, conformance.Options{Tags: "@mock", DriverOnly: true}, "selects only scenarios tagged @mock, which --driver-only leaves out"},
		{"the retired @control", meFeature, conformance.Options{Tags: "@control"}, "@control was retired: driver scenarios need no tag; gwsmock's own policy is @mock (use `not @mock` for what --without-control left)"},
		{"the retired @control, negated", meFeature, conformance.Options{Tags: "not @control"}, "@control was retired"},
		{"the retired @control, godog's form", meFeature, conformance.Options{Tags: "@auth,~@control"}, "@control was retired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Targets, tt.o.Features = []string{ts.URL}, tt.features
			res, _, err := run(t, tt.o)
			wantUsageError(t, res, err, tt.want)
		})
	}
}

func TestReportFileThatCannotBeCreated(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	for _, format := range []string{"junit", "cucumber"} {
		res, _, err := run(t, conformance.Options{Targets: []string{ts.URL}, Formats: []string{format + ":/nonexistent/dir/report"}})
		wantUsageError(t, res, err, "--format "+format+":/nonexistent/dir/report: no such file or directory")
	}
}

func TestReportFiles(t *testing.T) {
	ts := fakeMe(t, 200, alice())
	dir := t.TempDir()
	junit, cucumber, html := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json"), filepath.Join(dir, "report.html")
	res, out, err := run(t, conformance.Options{
		Targets: []string{ts.URL},
		Formats: []string{"progress", "junit:" + junit, "cucumber:" + cucumber, "html:" + html},
	})
	if err != nil || res.Status != conformance.StatusPassed {
		t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
	}
	for file, want := range map[string]string{
		junit:    `<testcase classname="Me" name="Alice reads her user record" file="me.feature" line="2"`,
		cucumber: `"keyword": "Scenario"`,
		html:     `<span class="badge">passed</span> Scenario: Alice reads her user record`,
	} {
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
	// The scenario matched user.id against {{alice.id}}, which the mapping
	// left out: the run learned it, and said nothing on a green run.
	if log.Len() > 0 {
		t.Errorf("a green run wrote to the log:\n%s", log.String())
	}
}

func TestParseMappingRefusesTypos(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unknown field", `{"user": {}}`, `line 1, column 2: unknown field "user"`},
		{"unknown nested field", "{\n  \"users\": {\n    \"alice\": {\"userName\": \"a\", \"pasword\": \"x\"}}}", `line 3, column 32: unknown field "pasword"`},
		{"misspelt user", `{"users": {"alcie": {"userName": "a"}}}`, "users.alcie: the scenarios have no user alcie (did you mean alice?); theirs are admin, alice, bob, carol, dave"},
		{"unknown queue", `{"queues": {"voice-inbound": "Voice"}}`, "queues.voice-inbound: the scenarios have no queue voice-inbound; theirs are chat-inbound, email-inbound, workitem-inbound"},
		{"misspelt workbin", `{"workbins": {"team-wrokbin": {"name": "x"}}}`, "workbins.team-wrokbin: the scenarios have no workbin team-wrokbin (did you mean team-workbin?)"},
		{"no userName", `{"users": {"alice": {"password": "x"}}}`, "users.alice: userName is required"},
		{"no workbin name", `{"workbins": {"team-workbin": {"id": "x"}}}`, "workbins.team-workbin: name is required"},
		{"a syntax error", "{\n  \"users\": {\n    \"alice\": {\"userName\": \"a\" \"password\": \"x\"}}}", "line 3, column 32: invalid character"},
		{"a wrong type", `{"queues": {"email-inbound": 3}}`, "line 1, column 31: queues is a JSON number, want a string"},
		{"cut short", `{"users": {`, "the JSON ends too early"},
		{"empty", ``, "empty, want a JSON object"},
		{"two documents", `{} {}`, "line 1, column 4: more after the JSON document"},
		{"a mode's misspelt field", `{"modes": {"csfr": true}}`, `unknown field "csfr"`},
		{"a duration that is not one", `{"modes": {"inviteTimeout": "2 seconds"}}`, `want a duration such as "2s", got "2 seconds"`},
		{"modes in a pool", `{"pools": [{"modes": {"csrf": true}}]}`, "pools[0]: modes are the target's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := conformance.ParseMapping([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseMapping(%s) = %v, want an error containing %q", tt.doc, err, tt.want)
			}
		})
	}
}

// TestParseMappingReadsModes: the target file's modes say how the target
// runs, beside pools too.
func TestParseMappingReadsModes(t *testing.T) {
	m, err := conformance.ParseMapping([]byte(`{"modes": {"csrf": true, "inviteTimeout": "1500ms", "maxInterval": "2s", "origin": "https://agent.example.com", "noWebSocket": true}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := steps.Modes{CSRF: true, InviteTimeout: steps.Duration(1500 * time.Millisecond), MaxInterval: steps.Duration(2 * time.Second),
		Origin: "https://agent.example.com", NoWebSocket: true}
	if m.Modes != want {
		t.Errorf("Modes = %+v, want %+v", m.Modes, want)
	}
	if d := conformance.DefaultMapping(); d.Modes != (steps.Modes{}) {
		t.Errorf("the default target file declares modes %+v, want none: gwsmock's defaults", d.Modes)
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
		{"unknown format", conformance.Options{Targets: []string{ts.URL}, Formats: []string{"pdf"}}, "format"},
		{"unknown transport", conformance.Options{Targets: []string{ts.URL}, Transport: "pigeon"}, "transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := run(t, tt.o)
			wantUsageError(t, res, err, tt.want)
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
	typo := fstest.MapFS{"typo.feature": {Data: []byte(`Feature: Typo
  Scenario: A typo
    When anonymous sends GETT /api/v2/me
    Then the response status is 401
`)}}
	for _, format := range []string{"pretty", "progress"} {
		t.Run(format, func(t *testing.T) {
			res, out, err := run(t, conformance.Options{Targets: []string{ts.URL}, Features: typo, Formats: []string{format}})
			if err != nil || res.Status != conformance.StatusFailed || len(res.Failures) != 1 {
				t.Fatalf("Run: status %d, %v\n%s", res.Status, err, out)
			}
			msg := res.Failures[0].Message
			for _, want := range []string{`undefined step "anonymous sends GETT /api/v2/me"`, `did you mean "ACTOR sends METHOD PATH"`, "gwsmock steps"} {
				if !strings.Contains(msg, want) {
					t.Errorf("failure %q lacks %q", msg, want)
				}
			}
			wants := map[string][]string{
				"pretty":   {"When anonymous sends GETT /api/v2/me  [undefined]", `did you mean "ACTOR sends METHOD PATH"`, "Then the response status is 401  [skipped]", "1 scenario (1 undefined)"},
				"progress": {"U-", "[undefined]  # typo.feature:3", `did you mean "ACTOR sends METHOD PATH"`},
			}[format]
			for _, want := range wants {
				if !strings.Contains(out, want) {
					t.Errorf("the output lacks %q:\n%s", want, out)
				}
			}
			for _, banned := range []string{"\x1b[", ".go:", "func ", "godog.ErrPending", "snippets"} {
				if strings.Contains(out, banned) {
					t.Errorf("the output has %q:\n%s", banned, out)
				}
			}
		})
	}
}

func TestTwoTargetsRunScenariosInParallel(t *testing.T) {
	a, b := fakeMe(t, 200, alice()), fakeMe(t, 200, alice())
	for _, format := range []string{"pretty", "progress"} {
		t.Run(format, func(t *testing.T) {
			res, out, err := run(t, conformance.Options{Targets: []string{a.URL, b.URL}, Features: taggedFeature, Formats: []string{format}})
			if err != nil || res.Status != conformance.StatusPassed || res.Scenarios != 5 {
				t.Fatalf("Run: status %d, %d scenarios, %v\n%s", res.Status, res.Scenarios, err, out)
			}
			if !strings.Contains(out, "5 scenarios (5 passed)") {
				t.Errorf("the output lacks the summary:\n%s", out)
			}
		})
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
		{"a conforming target", "", conformance.StatusPassed, []string{"1 scenario (1 passed)"}},
		{"a repeated referenceId", "same-ref", conformance.StatusFailed, []string{"expected alice.referenceId (1) to be greater than first (1)"}},
		{
			"a refusal with two texts", "two-texts", conformance.StatusFailed,
			[]string{`Then the request is refused with status 400, naming "fax"  [failed]`, `statusMessage: expected "no channel fax", got "something else"`},
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
