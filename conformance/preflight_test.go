package conformance_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/conformance"
)

// gws is a fake target for the preflight: users (userName: password) log
// in at /api/v2/me; the control API wants token when it is set, and is
// absent when noControl.
type gws struct {
	users     map[string]string
	token     string
	noControl bool
	status    int // of every answer, when set: a broken target
}

func (g gws) start(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/me", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		name, pw, ok := r.BasicAuth()
		if want, known := g.users[name]; !ok || !known || pw != want {
			w.WriteHeader(401)
			w.Write([]byte(`{"statusCode":20,"statusMessage":"who are you"}`))
			return
		}
		u := alice()
		u["userName"] = name
		json.NewEncoder(w).Encode(map[string]any{"statusCode": 0, "user": u})
	})
	if !g.noControl {
		mux.HandleFunc("/control/v1/", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if g.token != "" && r.Header.Get("Authorization") != "Bearer "+g.token {
				w.WriteHeader(401)
				w.Write([]byte(`{"error":"missing or wrong token"}`))
				return
			}
			if r.URL.Path == "/control/v1/health" {
				w.Write([]byte(`{"status":"ok","version":"fake"}`))
				return
			}
			w.Write([]byte(`{"status":"ok"}`))
		})
	}
	var h http.Handler = mux
	if g.status != 0 {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "broken", g.status) })
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// staticFiles is a static file server, such as one serving a web page.
func staticFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html><body>hello</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(ts.Close)
	return ts.URL
}

// singlePage answers its page to every path, as a web application does.
func singlePage(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>app</title>"))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func mapping(t *testing.T, doc string) *conformance.Mapping {
	t.Helper()
	m, err := conformance.ParseMapping([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestPreflight(t *testing.T) {
	aliceOnly := map[string]string{"alice": "alice123"}
	tests := []struct {
		name       string
		target     func(t *testing.T) string
		o          conformance.Options
		wantStatus int
		want       string // a part of the error; "" for a passing run
	}{
		{
			name:   "a good target",
			target: gws{users: aliceOnly}.start, wantStatus: conformance.StatusPassed,
		},
		{
			name:   "the API's URL instead of the base URL",
			target: func(t *testing.T) string { return gws{users: aliceOnly}.start(t) + "/api/v2" }, wantStatus: conformance.StatusUsage,
			want: "--target is the server's base URL, without /api/v2: try http://127.0.0.1:",
		},
		{
			name:   "the control API's URL",
			target: func(t *testing.T) string { return gws{users: aliceOnly}.start(t) + "/control/v1/" }, wantStatus: conformance.StatusUsage,
			want: "--target is the server's base URL, without /control/v1: try http://127.0.0.1:",
		},
		{
			name: "a static file server", target: staticFiles, wantStatus: conformance.StatusUsage,
			want: "is not a GWS API: GET /api/v2/me answered 404 Not Found (text/plain)",
		},
		{
			name: "a web application", target: singlePage, wantStatus: conformance.StatusUsage,
			want: "is not a GWS API: GET /api/v2/me answered 200 OK (text/html)",
		},
		{
			name: "a broken target", target: gws{status: 500}.start, wantStatus: conformance.StatusFailed,
			want: "cannot be used: GET /api/v2/me answered 500 Internal Server Error",
		},
		{
			name:   "a wrong password in the target file",
			target: gws{users: aliceOnly}.start, wantStatus: conformance.StatusUsage,
			o:    conformance.Options{Mapping: mapping(t, `{"users": {"alice": {"userName": "alice", "password": "wrong"}}}`)},
			want: `the scenarios' user alice cannot log in to http://127.0.0.1:`,
		},
		{
			name:   "the default users on a target with its own",
			target: gws{users: map[string]string{"agent.one": "pw"}}.start, wantStatus: conformance.StatusUsage,
			want: "the target has its own users; map them with --target-file (see --print-target-file)",
		},
		{
			name:   "a wrong id in the target file",
			target: gws{users: aliceOnly}.start, wantStatus: conformance.StatusUsage,
			o:    conformance.Options{Mapping: mapping(t, `{"users": {"alice": {"userName": "alice", "password": "alice123", "id": "x"}}}`)},
			want: `users.alice.id in --target-file is x, but`,
		},
		{
			name:   "a control API that wants a token",
			target: gws{users: aliceOnly, token: "s3cret"}.start, wantStatus: conformance.StatusUsage,
			want: "wants a token (GET /control/v1/health answered 401 Unauthorized (application/json)): give it with --control-token",
		},
		{
			name:   "a wrong token",
			target: gws{users: aliceOnly, token: "s3cret"}.start, wantStatus: conformance.StatusUsage,
			o:    conformance.Options{ControlToken: "guess"},
			want: "refused --control-token",
		},
		{
			name:   "the right token",
			target: gws{users: aliceOnly, token: "s3cret"}.start, wantStatus: conformance.StatusPassed,
			o: conformance.Options{ControlToken: "s3cret"},
		},
		{
			name:   "no control API",
			target: gws{users: aliceOnly, noControl: true}.start, wantStatus: conformance.StatusUsage,
			want: "has no control API (GET /control/v1/health answered 404 Not Found (text/plain)): the @mock scenarios and the driver scenarios need it; give the driver with --driver or --driver-cmd, and leave out the @mock scenarios with --driver-only",
		},
		{
			name:   "no control API, and no scenario needs it",
			target: gws{users: aliceOnly, noControl: true}.start, wantStatus: conformance.StatusPassed,
			o: conformance.Options{WithoutControl: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Targets = []string{tt.target(t)}
			res, out, err := run(t, tt.o)
			if res.Status != tt.wantStatus {
				t.Errorf("status %d, want %d (%v)\n%s", res.Status, tt.wantStatus, err, out)
			}
			if tt.want == "" {
				if err != nil {
					t.Errorf("Run: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Run: %v\nwant one line containing %q", err, tt.want)
			}
			if out != "" {
				t.Errorf("a scenario ran although the preflight failed:\n%s", out)
			}
		})
	}
}
