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
