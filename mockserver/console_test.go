package mockserver_test

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/mockserver"
)

// TestConsoleIsServed: / leads to the console; its pages and the CometD
// client they load come from the binary, with a policy that keeps them to
// the server's own origin.
func TestConsoleIsServed(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		method, path string
		wantStatus   int
		wantType     string // prefix of Content-Type
		wantBody     string
	}{
		{"GET", "/console/", http.StatusOK, "text/html", "gwsmock console"},
		{"GET", "/console/console.js", http.StatusOK, "text/javascript", "/control/v1"},
		{"GET", "/console/desktop/", http.StatusOK, "text/html", "Agent desktop"},
		{"GET", "/console/desktop/desktop.js", http.StatusOK, "text/javascript", "StartContactCenterSession"},
		{"GET", "/console/cometd/cometd.js", http.StatusOK, "text/javascript", "Apache License"},
		{"GET", "/console/cometd/LICENSE", http.StatusOK, "text/plain", "Apache License"},
		{"HEAD", "/console/", http.StatusOK, "text/html", ""},
		{"POST", "/console/", http.StatusMethodNotAllowed, "text/plain", "GET"},
		{"GET", "/console/nothing.js", http.StatusNotFound, "text/plain", ""},
		{"GET", "/nothing", http.StatusNotFound, "text/plain", ""},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := h.request("", tt.method, tt.path, "")
			if r.status != tt.wantStatus {
				t.Fatalf("= %d, want %d: %.200s", r.status, tt.wantStatus, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %s...", ct, tt.wantType)
			}
			if !strings.Contains(string(r.body), tt.wantBody) {
				t.Errorf("body lacks %q: %.200s", tt.wantBody, r.body)
			}
			if r.status == http.StatusOK && !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q keeps nothing to the origin", r.header.Get("Content-Security-Policy"))
			}
		})
	}
	t.Run("GET / redirects", func(t *testing.T) {
		c := *h.ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := c.Get(h.ts.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/console/" {
			t.Errorf("= %d Location %q, want 302 /console/", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// TestEventStreamsEndAtShutdown: an open GET /control/v1/events tells of
// an interaction that arrived, and Close ends it rather than waiting the
// drain deadline out.
func TestEventStreamsEndAtShutdown(t *testing.T) {
	srv := &mockserver.Server{}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	res, err := http.Get(srv.URL() + "/control/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	waitLine := func(want string) {
		t.Helper()
		deadline := time.After(safetyNet)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("the stream ended before %q", want)
				}
				if strings.Contains(l, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q on the stream", want)
			}
		}
	}
	waitLine(`data: {"version":0}`)
	r, err := http.Post(srv.URL()+"/control/v1/interactions", "application/json", strings.NewReader(`{"channel":"email","agent":"alice"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	waitLine(`"notificationType":"StatusChange"`)
	waitLine(`data: {"version":1}`)

	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	// Shutdown gives requests in flight 5 s: a stream it had to wait for
	// would take all of them.
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("Close took %v: it waited for the event stream", took)
	}
	for range lines {
	}
}
