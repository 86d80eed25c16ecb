package httpapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// TestKeptAnswers: an answer is returned only for the version it was made
// at; a newer version empties the table, an older one is not kept, and
// the table never holds more than maxKeptAnswers bytes.
func TestKeptAnswers(t *testing.T) {
	type put struct {
		user    string
		version uint64
		b       string
	}
	big := string(make([]byte, maxKeptAnswers/2+1))
	tests := []struct {
		name    string
		puts    []put
		user    string
		version uint64
		want    string // "": not kept
		users   int    // answers held after the puts
	}{
		{"kept for its version", []put{{"alice", 3, "a3"}}, "alice", 3, "a3", 1},
		{"not for another version", []put{{"alice", 3, "a3"}}, "alice", 4, "", 1},
		{"not for another user", []put{{"alice", 3, "a3"}}, "bob", 3, "", 1},
		{"one per user", []put{{"alice", 3, "a3"}, {"bob", 3, "b3"}}, "bob", 3, "b3", 2},
		{"a newer version empties the table", []put{{"alice", 3, "a3"}, {"bob", 4, "b4"}}, "alice", 3, "", 1},
		{"an older version is not kept", []put{{"alice", 4, "a4"}, {"bob", 3, "b3"}}, "bob", 3, "", 1},
		{"a user's second answer replaces the first", []put{{"alice", 3, "a3"}, {"alice", 3, "A3"}}, "alice", 3, "A3", 1},
		{"no more than maxKeptAnswers bytes", []put{{"alice", 3, big}, {"bob", 3, big}}, "bob", 3, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k keptAnswers
			for _, p := range tt.puts {
				k.put(p.user, p.version, []byte(p.b))
			}
			b, ok := k.get(tt.user, tt.version)
			if got := string(b); got != tt.want || ok != (tt.want != "") {
				t.Errorf("get(%s, %d) = %q, %v; want %q", tt.user, tt.version, got, ok, tt.want)
			}
			if len(k.byUser) != tt.users || k.size > maxKeptAnswers {
				t.Errorf("%d answers, %d bytes; want %d answers, at most %d bytes", len(k.byUser), k.size, tt.users, maxKeptAnswers)
			}
		})
	}
}

// BenchmarkMyInteractions is GET /me/interactions?fields=* through the API
// alone (no middleware, no journal, no validation), Basic auth, as an agent
// holding 3 emails: kept is the answer kept while nothing changes, fresh
// one made after a change every time.
func BenchmarkMyInteractions(b *testing.B) {
	for _, bc := range []struct {
		name   string
		change bool
	}{{"kept", false}, {"fresh", true}} {
		b.Run(bc.name, func(b *testing.B) {
			a := newTestAPI(b, 0)
			c := a.cfg.Center
			alice, _ := c.UserByName("alice")
			for range 3 {
				if _, err := c.Create(contactcenter.NewInteraction{Channel: contactcenter.Email, Agent: "alice",
					ChannelData: map[string]any{"subject": "bench", "from": "customer@example.com"}}); err != nil {
					b.Fatal(err)
				}
			}
			req := httptest.NewRequest(http.MethodGet, "/api/v2/me/interactions?fields=*", nil)
			req.SetBasicAuth("alice", testusers.Password("alice"))
			auth := req.Header.Get("Authorization")
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				if bc.change {
					b.StopTimer()
					if _, err := c.SetReady(alice.ID, contactcenter.Chat, true); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				r := *req
				r.Header = http.Header{"Authorization": {auth}}
				clear(w.h)
				w.buf.Reset()
				a.ServeHTTP(w, &r)
				if w.status != http.StatusOK {
					b.Fatalf("HTTP %d %s", w.status, w.buf.Bytes())
				}
			}
		})
	}
}

// benchWriter is a ResponseWriter that keeps the status and the body.
type benchWriter struct {
	h      http.Header
	status int
	buf    bytes.Buffer
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(code int)        { w.status = code }
func (w *benchWriter) Write(b []byte) (int, error) { return w.buf.Write(b) }
