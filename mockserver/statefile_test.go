package mockserver_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/internal/wait"
	"github.com/gwsmock/gwsmock/mockserver"
)

func withStateFile(path string) func(*mockserver.Server) {
	return func(s *mockserver.Server) { s.StateFile = path; s.StateInterval = 5 * time.Millisecond }
}

// fileState is the state document in path as GET /control/v1/state would
// show it, "" while the file does not exist or does not load.
func fileState(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	snap, err := fixtures.Decode(b)
	if err != nil {
		t.Fatalf("state file does not load: %v", err)
	}
	out, err := fixtures.Encode(snap)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestStateFileFollowsEveryChange: after each kind of change (operations,
// control requests, a PUT /state that emits no event) the file soon holds
// what GET /control/v1/state shows, without a shutdown.
func TestStateFileFollowsEveryChange(t *testing.T) {
	changes := []struct {
		name string
		do   func(h *harness)
	}{
		{"create", func(h *harness) { h.create(newEmail) }},
		{"accept", func(h *harness) { setups["owned by alice"](h) }},
		{"conference", func(h *harness) { setups["conference alice+bob"](h) }},
		{"properties", func(h *harness) {
			id := setups["owned by alice"](h)
			h.op("alice", id, `{"operationName":"UpdateProperties","properties":{"a":{"b":1}}}`)
		}},
		{"readiness", func(h *harness) {
			h.request("alice", "POST", "/api/v2/me/channels/chat", `{"operationName":"NotReady"}`)
		}},
		{"put state", func(h *harness) {
			doc := strings.Replace(h.state(), `"firstName": "Alice"`, `"firstName": "Alicia"`, 1)
			if r := h.request("", "PUT", "/control/v1/state", doc); r.status != 200 {
				t.Fatalf("PUT state = %d %s", r.status, r.body)
			}
		}},
		{"reset", func(h *harness) {
			h.create(newEmail)
			h.request("", "POST", "/control/v1/reset", `{}`)
		}},
	}
	for _, tt := range changes {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			h := newHarness(t, withStateFile(path))
			if fileState(t, path) != h.state() {
				t.Fatal("a new state file does not hold the initial state")
			}
			tt.do(h)
			want := h.state()
			wait.For(t, "the state file to follow", func() bool { return fileState(t, path) == want })
		})
	}
}

// TestStateFileSurvivesRestart: a server started on the file of a stopped
// one has every interaction as it was.
func TestStateFileSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, withStateFile(path))
	setups["conference alice+bob"](h)
	owned := ownedBy(h, "carol")
	h.op("carol", owned, `{"operationName":"UpdateProperties","properties":{"k":"v"}}`)
	h.create(`{"channel":"email","agent":"dave","email_object":{"subject":"offered"}}`)
	for _, agent := range []string{"carol", "dave"} { // nobody takes workitems: one waits
		h.request(agent, "POST", "/api/v2/me/channels/workitem", `{"operationName":"NotReady"}`)
	}
	h.create(`{"channel":"workitem","workitem_object":{"caseNumber":"C-1"}}`)
	h.op("dave", ownedBy(h, "dave"), `{"operationName":"StopProcessing"}`)
	h.op("bob", ownedBy(h, "bob"), `{"operationName":"PlaceInWorkbin","workbin":"bob-workbin"}`)
	h.request("carol", "POST", "/api/v2/me/channels/chat", `{"operationName":"NotReady"}`)
	want := h.state()
	states := map[string]bool{}
	for _, in := range gjson.Get(want, "interactions").Array() {
		states[in.Get("state").String()] = true
	}
	for _, st := range []string{"Queued", "Invited", "Processing", "InWorkbin", "Completed"} {
		if !states[st] {
			t.Fatalf("the setup made no %s interaction: %v", st, states)
		}
	}
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, withStateFile(path))
	if got := h2.state(); got != want {
		t.Fatalf("after restart the state differs\ngot:  %.2000s\nwant: %.2000s", got, want)
	}
	// And it goes on from there.
	h2.op("carol", owned, `{"operationName":"StopProcessing"}`)
	if got := h2.seenAs("admin", owned).Get("state").String(); got != "Completed" {
		t.Fatalf("state after restart and StopProcessing = %s", got)
	}
}

// TestBadStateFileIsRefused: a file that does not load fails start-up with
// a message naming the file and the problem, and is left as it was.
func TestBadStateFileIsRefused(t *testing.T) {
	valid, err := fixtures.Encode(fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, wantText string
	}{
		{"not JSON", "{", "not JSON"},
		{"empty", "", "not JSON"},
		{"schema", strings.Replace(string(valid), `"version": 1`, `"version": "one"`, 1), "version"},
		{"duplicate user", strings.Replace(string(valid), `"userName": "bob"`, `"userName": "alice"`, 1), "alice"},
		{"unknown queue", strings.Replace(string(valid), `"queues": [`, `"queues": ["no-such-queue", `, 1), "no-such-queue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			srv := &mockserver.Server{StateFile: path}
			err := srv.Init()
			if err == nil {
				srv.Close()
				t.Fatal("Init accepted the file")
			}
			for _, want := range []string{path, tt.wantText, "nothing was loaded"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Error("the refused file was changed")
			}
		})
	}
}

// openServer listens for real, as gwsmock serve does.
func openServer(t *testing.T, configure ...func(*mockserver.Server)) *mockserver.Server {
	t.Helper()
	srv := &mockserver.Server{}
	for _, f := range configure {
		f(srv)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// TestShutdownAnswersHeldLongPolls: Shutdown answers a held CometD connect
// at once instead of waiting for its hold (here an hour, far beyond the
// test's safety net) to run out.
func TestShutdownAnswersHeldLongPolls(t *testing.T) {
	for _, transport := range []string{bayeux.LongPolling, bayeux.WebSocket} {
		t.Run(transport, func(t *testing.T) {
			srv := openServer(t, func(s *mockserver.Server) { s.LongPollTimeout = time.Hour })
			c := &bayeux.Client{URL: srv.URL() + "/api/v2/notifications", Header: testusers.Header("alice"), Transport: transport}
			ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
			defer cancel()
			if err := c.Handshake(ctx); err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Subscribe(ctx, "/v2/me/channels"); err != nil {
				t.Fatal(err)
			}
			// A message that arrives proves the connect loop runs; the
			// connect after it is held, the queue being empty.
			if r := httpDo(t, "alice", "POST", srv.URL()+"/api/v2/me/channels/email", `{"operationName":"NotReady"}`); r.status != 200 {
				t.Fatalf("NotReady = %d", r.status)
			}
			if _, err := c.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			if err := srv.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			select {
			case <-c.Done():
			case <-ctx.Done():
				t.Fatal("the client still waits on its connect after Shutdown")
			}
		})
	}
}

// TestShutdownFinishesRequestsInFlight: a request whose handler runs when
// Shutdown starts is answered, and what it changed reaches the state file.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	srv := openServer(t, withStateFile(path), func(s *mockserver.Server) { s.StateInterval = time.Hour })
	addr := strings.TrimPrefix(srv.URL(), "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := newEmail
	fmt.Fprintf(conn, "POST /control/v1/interactions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", addr, len(body))
	br := bufio.NewReader(conn)
	// net/http sends 100 Continue when the handler starts reading the body:
	// from here the request is in flight.
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("interim response = %v, %v", res, err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	wait.For(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if _, err := conn.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	res, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("status = %d", res.StatusCode)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if n := gjson.Get(fileState(t, path), "interactions.#").Int(); n != 1 {
		t.Fatalf("the state file holds %d interactions, want the one created during shutdown", n)
	}
}

// ownedBy creates an email offered to agent, who accepts it.
func ownedBy(h *harness, agent string) string {
	h.t.Helper()
	id := h.create(`{"channel":"email","agent":"` + agent + `","email_object":{"subject":"for ` + agent + `"}}`)
	h.op(agent, id, `{"operationName":"Accept"}`)
	return id
}

// httpDo sends one request to a server outside the harness.
func httpDo(t testing.TB, user, method, url, body string) response {
	t.Helper()
	req := testusers.NewRequest(t, user, method, url, body)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(res.Body).WriteTo(&b)
	return response{status: res.StatusCode, header: res.Header, body: []byte(b.String())}
}

// TestStaleStateTempFilesAreRemovedAtStart: a state write killed midway
// left its temporary file, a full copy of the state with every password,
// and start-up never removed it. Start-up removes the temporaries of its
// own state file, and nothing else; what the server writes is 0600.
func TestStaleStateTempFilesAreRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	state, err := fixtures.Encode(fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	stale := []string{".state.json.tmp-1234567", ".state.json.tmp-0"}
	kept := []string{
		".state.json.tmp-", ".state.json.tmp-12x", "state.json.tmp-123",
		".other.json.tmp-123", ".state.json.bak", "notes.txt",
	}
	for _, name := range append(stale, kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), state, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".state.json.tmp-99"), 0o700); err != nil { // not a file of ours
		t.Fatal(err)
	}
	kept = append(kept, ".state.json.tmp-99")
	newHarness(t, withStateFile(path))

	for _, name := range stale {
		if _, err := os.Lstat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("stale %s is still there (err %v)", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s, not a temporary of the state file, is gone: %v", name, err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600: it holds passwords", fi.Mode().Perm())
	}
}

// TestURLKeepsTheListenHost: the server's URL and every uri used the
// address the listener reported, so --addr localhost:8090 printed and
// wrote 127.0.0.1, and a browser page on localhost lost its cookies. The
// host stays as given, with the port bound.
func TestURLKeepsTheListenHost(t *testing.T) {
	for _, tt := range []struct{ addr, wantHost string }{
		{"localhost:0", "localhost"},
		{"127.0.0.1:0", "127.0.0.1"},
		{":0", "127.0.0.1"},
		{"", "127.0.0.1"},
	} {
		t.Run(tt.addr, func(t *testing.T) {
			srv := openServer(t, func(s *mockserver.Server) { s.Addr = tt.addr })
			host, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL(), "http://"))
			if err != nil || host != tt.wantHost || port == "0" || port == "" {
				t.Fatalf("URL = %q, want http://%s:<the port bound>", srv.URL(), tt.wantHost)
			}
			if r := httpDo(t, "", "GET", srv.URL()+"/control/v1/health", ""); r.status != 200 {
				t.Fatalf("GET %s/control/v1/health = %d", srv.URL(), r.status)
			}
			r := httpDo(t, "", "POST", srv.URL()+"/control/v1/interactions", newEmail)
			if uri := r.json().Get("uri").String(); !strings.HasPrefix(uri, srv.URL()+"/api/v2/") {
				t.Errorf("uri = %q, want it under %s", uri, srv.URL())
			}
		})
	}
}
