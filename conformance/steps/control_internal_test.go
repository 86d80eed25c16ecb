package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

func TestReadSSE(t *testing.T) {
	tests := []struct {
		name   string
		stream string
		want   []sseEvent
	}{
		{"a default event", "id: 7\ndata: {\"seq\":7}\n\n", []sseEvent{{typ: "message", id: "7", data: `{"seq":7}`}}},
		{"a named event", "event: state\ndata: {\"version\":3}\n\n", []sseEvent{{typ: "state", data: `{"version":3}`}}},
		{"retry, comments and CRLF", "retry: 1000\r\n\r\n: heartbeat\r\nevent: gap\r\ndata: {}\r\n\r\n", []sseEvent{{typ: "gap", data: "{}"}}},
		{"data lines joined", "data: a\ndata: b\n\n", []sseEvent{{typ: "message", data: "a\nb"}}},
		{"an unfinished event is not dispatched", "event: state\ndata: {}\n", nil},
		{"no space after the colon", "event:state\ndata:{}\n\n", []sseEvent{{typ: "state", data: "{}"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []sseEvent
			if err := readSSE(strings.NewReader(tt.stream), func(e sseEvent) { got = append(got, e) }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("readSSE: %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestEventStreamSteps follows a stream that sends a state event at once
// and another when told to, and checks what the steps accept and refuse.
func TestEventStreamSteps(t *testing.T) {
	next := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != eventsPath || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "retry: 1000\n\nevent: state\ndata: {\"version\":%s}\n\n", r.URL.Query().Get("since"))
		w.(http.Flusher).Flush()
		for {
			select {
			case s := <-next:
				fmt.Fprint(w, s)
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	w := NewWorld(&Config{ControlToken: "tok", NotifyTimeout: 200 * time.Millisecond})
	defer w.closeEvents() // before srv.Close, which waits for the stream
	w.target = srv.URL
	w.vars.SetString("mark", "4")

	if err := w.followEvents(ctx, "{{mark}}"); err == nil || !strings.Contains(err.Error(), "@mock") {
		t.Fatalf("a driver scenario followed the stream: %v", err)
	}
	w.mock = true
	if err := w.followEvents(ctx, "{{mark}}"); err != nil {
		t.Fatal(err)
	}
	if err := w.events.await(ctx, w, "state", `{"version": "{{capture:v0}}"}`, time.Second); err != nil {
		t.Fatal(err)
	}
	if v, err := jsonmatch.Expand("{{v0}}", w.vars); v != "4" {
		t.Errorf("v0 = %q (%v), want 4 (the since the stream was opened from)", v, err)
	}
	next <- "id: 5\ndata: {\"kind\":\"request\"}\n\nevent: state\ndata: {\"version\":5}\n\n"
	if err := w.events.await(ctx, w, "state", `{"version": 5}`, time.Second); err != nil {
		t.Fatal(err)
	}
	err := w.events.await(ctx, w, "state", `{"version": 6}`, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no state event") {
		t.Fatalf("await with nothing coming: %v", err)
	}
	next <- "event: state\ndata: {\"version\":7}\n\n"
	// The journal entry (a "message" event) passed by the state awaits
	// above is still there for a message step; one that matches nothing
	// says what waits.
	err = w.events.await(ctx, w, "message", `{"kind": "response"}`, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), `"version":7`) || !strings.Contains(err.Error(), `{"kind":"request"}`) {
		t.Fatalf("a failed await does not say what the stream sent: %v", err)
	}
	if err := w.events.await(ctx, w, "state", `{"version": 7}`, time.Second); err != nil {
		t.Fatalf("a state event was taken by a message step: %v", err)
	}
	w.closeEvents()
	if w.events != nil {
		t.Error("closeEvents left the stream open")
	}
}
