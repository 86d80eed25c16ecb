package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver"
)

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmarks measure the handler rather than a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkGetMyInteractions is the request of the bench's wrk figure,
// through the whole composed handler (middleware, auth, request
// validation, journal): GET /api/v2/me/interactions?fields=* as an agent
// holding 3 emails, Basic auth, no cookie.
func BenchmarkGetMyInteractions(b *testing.B) {
	srv := &mockserver.Server{PublicURL: "http://127.0.0.1:8090"}
	if err := srv.Init(); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	for range 3 {
		req := testusers.NewRequest(b, "", "POST", "http://127.0.0.1:8090/control/v1/interactions",
			`{"channel":"email","agent":"alice","email_object":{"subject":"bench","from":"customer@example.com"}}`)
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.status != http.StatusCreated {
			b.Fatalf("control create: HTTP %d", w.status)
		}
	}
	req := testusers.NewRequest(b, "alice", "GET", "http://127.0.0.1:8090/api/v2/me/interactions?fields=*", "")
	req.RequestURI = "/api/v2/me/interactions?fields=*"
	auth := req.Header.Get("Authorization")
	b.ReportAllocs()
	for b.Loop() {
		// A fresh request per loop, as net/http makes one per request.
		r := req.Clone(req.Context())
		r.Header = http.Header{"Authorization": {auth}}
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("HTTP %d", w.status)
		}
	}
}
