package steps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

func TestParseHeaderDoc(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		want     http.Header
		wantBody string // "" for none
		wantErr  string
	}{
		{"headers only", "Origin: http://localhost:3000\nAccess-Control-Request-Method: PUT",
			http.Header{"Origin": {"http://localhost:3000"}, "Access-Control-Request-Method": {"PUT"}}, "", ""},
		{"headers and a body", "X-CSRF-TOKEN: t\n\n{\"operationName\": \"Ready\"}",
			http.Header{"X-Csrf-Token": {"t"}}, `{"operationName": "Ready"}`, ""},
		{"a header twice", "Accept: a\nAccept: b", http.Header{"Accept": {"a", "b"}}, "", ""},
		{"an empty value", "X-CSRF-TOKEN:", http.Header{"X-Csrf-Token": {""}}, "", ""},
		{"no colon", "Origin http://x", nil, "", `header line "Origin http://x": write it as Name: value`},
		{"no header", "\n\n{}", nil, "", "lists no header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body, err := parseHeaderDoc(tt.doc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseHeaderDoc: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for name, vals := range tt.want {
				if got := h.Values(name); strings.Join(got, "|") != strings.Join(vals, "|") {
					t.Errorf("%s = %q, want %q", name, got, vals)
				}
			}
			if len(h) != len(tt.want) {
				t.Errorf("headers %v, want %v", h, tt.want)
			}
			switch {
			case tt.wantBody == "" && body != nil:
				t.Errorf("body %q, want none", *body)
			case tt.wantBody != "" && (body == nil || *body != tt.wantBody):
				t.Errorf("body %v, want %q", body, tt.wantBody)
			}
		})
	}
}

func TestAdvisedMaxInterval(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		def     time.Duration
		want    float64
		wantErr string
	}{
		{"advised", `[{"channel":"/meta/handshake","advice":{"reconnect":"retry","maxInterval":15000}}]`, 0, 15000, ""},
		{"advised beats the target file", `[{"channel":"/meta/handshake","advice":{"maxInterval":500}}]`, 2 * time.Second, 500, ""},
		{"the target file's", `[{"channel":"/meta/handshake","advice":{"reconnect":"retry"}}]`, 2 * time.Second, 2000, ""},
		{"the rule's default", `[{"channel":"/meta/handshake"}]`, 0, 10000, ""},
		{"not a handshake reply", `[{"channel":"/meta/connect"}]`, 0, 0, "no /meta/handshake reply"},
		{"not a number", `[{"channel":"/meta/handshake","advice":{"maxInterval":"10s"}}]`, 0, 0, `advises maxInterval "10s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := advisedMaxInterval([]byte(tt.body), tt.def)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("advisedMaxInterval: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("advisedMaxInterval = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestHeaderPatternQuotesVariables: a {{variable}} in a header step's
// regular expression matches its value literally.
func TestHeaderPatternQuotesVariables(t *testing.T) {
	w := &World{vars: jsonmatch.Vars{}}
	w.vars.SetString("origin", "http://a.b:3000")
	got, err := w.quotedVars("^{{origin}}$")
	if err != nil || got != `^http://a\.b:3000$` {
		t.Errorf("quotedVars = %q, %v", got, err)
	}
	if _, err := w.quotedVars("{{nobody}}"); err == nil {
		t.Error("quotedVars of an unbound variable: no error")
	}
}

// TestTargetHost: target.host is the target URL's host name, without its
// port, an IPv6 address in brackets so that it stands in an Origin.
func TestTargetHost(t *testing.T) {
	tests := []struct {
		name, target, want string
	}{
		{"IPv4 and a port", "http://127.0.0.1:8090", "127.0.0.1"},
		{"a name without a port", "https://gws.example.com", "gws.example.com"},
		{"a base path", "http://localhost:8090/gws", "localhost"},
		{"IPv6", "http://[::1]:8090", "[::1]"},
		{"not a URL", "http://[::1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := targetHost(tt.target); got != tt.want {
				t.Errorf("targetHost(%q) = %q, want %q", tt.target, got, tt.want)
			}
		})
	}
}

// TestCSRFModeSendsTheToken: in CSRF mode a POST carries the token the
// header a GET answer names holds; outside it, and on a GET, nothing is
// added; a step's own headers are sent as they are.
func TestCSRFModeSendsTheToken(t *testing.T) {
	gets := 0
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets++
			rw.Header().Set("X-CSRF-HEADER", "X-Other-Token")
			rw.Header().Set("X-Other-Token", "tok-1")
			return
		}
		rw.Header().Set("X-Got", r.Header.Get("X-Other-Token"))
	}))
	defer srv.Close()
	tests := []struct {
		name   string
		csrf   bool
		method string
		extra  http.Header
		want   string // the token the POST carried
	}{
		{"CSRF mode", true, http.MethodPost, nil, "tok-1"},
		{"not in CSRF mode", false, http.MethodPost, nil, ""},
		{"the step's own headers", true, http.MethodPut, http.Header{"X-Other-Token": {"mine"}}, "mine"},
		{"a DELETE", true, http.MethodDelete, nil, "tok-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWorld(&Config{Users: map[string]User{"alice": {UserName: "alice", Password: "p"}}, Modes: Modes{CSRF: tt.csrf}})
			w.target = srv.URL
			a, err := w.actor("alice")
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				_, ans, err := w.userRequest(context.Background(), a, tt.method, "/api/v2/me", false, nil, tt.extra)
				if err != nil {
					t.Fatal(err)
				}
				if got := ans.header.Get("X-Got"); got != tt.want {
					t.Errorf("the %s carried %q, want %q", tt.method, got, tt.want)
				}
			}
		})
	}
	if gets != 2 {
		t.Errorf("%d GETs read the token, want 2: one per world that needed it", gets)
	}
}
