package mockserver

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLogRequests: an enabled logger gets one line per request with its
// status; a logger that drops Info lines gets none, and the handler the
// ResponseWriter it was given, unwrapped.
func TestLogRequests(t *testing.T) {
	for _, tt := range []struct {
		name    string
		level   slog.Level
		logged  bool
		wrapped bool
	}{
		{"info enabled", slog.LevelInfo, true, true},
		{"info dropped", slog.LevelWarn, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			l := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: tt.level}))
			rec := httptest.NewRecorder()
			var got http.ResponseWriter
			h := logRequests(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = w
				w.WriteHeader(http.StatusTeapot)
			}))
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v2/me", nil))
			if rec.Code != http.StatusTeapot {
				t.Fatalf("status %d", rec.Code)
			}
			if wrapped := got != http.ResponseWriter(rec); wrapped != tt.wrapped {
				t.Errorf("wrapped %v, want %v", wrapped, tt.wrapped)
			}
			line := log.String()
			if logged := strings.Contains(line, "status=418") && strings.Contains(line, "path=/api/v2/me"); logged != tt.logged || strings.Count(line, "\n") > 1 {
				t.Errorf("log %q, want a line: %v", line, tt.logged)
			}
		})
	}
}

// TestLogRequestsSaysHijacked: a request whose connection a handler takes
// over (a held long poll) is logged as hijacked, not with status 0.
func TestLogRequestsSaysHijacked(t *testing.T) {
	var log bytes.Buffer
	l := slog.New(slog.NewTextHandler(&log, nil))
	logged := make(chan struct{})
	inner := logRequests(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))
		_ = c.Close()
	}))
	// net/http does not wait for a hijacked connection's handler: the
	// test waits for the log line itself.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(logged)
		inner.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v2/notifications")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	<-logged
	if line := log.String(); !strings.Contains(line, "hijacked=true") || strings.Contains(line, "status=0") {
		t.Errorf("log line %q: want hijacked=true and no status=0", line)
	}
}
