package control

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/journal"
)

// eventsWait bounds every wait of these tests: a safety net, never a pace.
const eventsWait = 10 * time.Second

// eventsWorld is a control API with a journal and an event stream.
type eventsWorld struct {
	center  *contactcenter.Center
	journal *journal.Journal
	events  *Events
	api     *API
}

func newEventsWorld(t testing.TB, journalSize int) *eventsWorld {
	t.Helper()
	ev := NewEvents()
	c, err := contactcenter.New(contactcenter.Config{OnChange: ev.Notify}, fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	j := journal.New(journalSize, nil)
	w := &eventsWorld{center: c, journal: j, events: ev}
	w.api = New(Config{Center: c, Journal: j, Events: ev})
	return w
}

// serve serves the API until the test ends; the streams are ended first,
// as a server's shutdown does. configure, when set, sets the server up.
func (w *eventsWorld) serve(t testing.TB, configure func(*http.Server)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(w.api)
	if configure != nil {
		configure(srv.Config)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(w.events.Close)
	return srv
}

// add records n requests in the journal and wakes the streams, as the
// composition does.
func (w *eventsWorld) add(n int, data string) {
	for range n {
		w.journal.Add(journal.Entry{Kind: journal.Request, User: "alice", Method: "GET", Path: "/api/v2/me", Data: json.RawMessage(data)})
		w.events.Notify()
	}
}

// sse is one event as a client reads it.
type sse struct {
	id, event, data string
}

// readEvents parses a text/event-stream into a channel; it is closed when
// the stream ends.
func readEvents(r io.Reader) <-chan sse {
	out := make(chan sse, 1024)
	go func() {
		defer close(out)
		br := bufio.NewReader(r)
		var e sse
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				if e.data != "" || e.event != "" {
					out <- e
				}
				e = sse{}
			case strings.HasPrefix(line, "id: "):
				e.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.data = line[6:]
			}
		}
	}()
	return out
}

// next returns the next event of kind ("" for journal entries), skipping
// the others.
func next(t testing.TB, events <-chan sse, kind string) sse {
	t.Helper()
	deadline := time.After(eventsWait)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended while waiting for a %q event", kind)
			}
			if e.event == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %q event within %v", kind, eventsWait)
		}
	}
}

// open starts a stream; the response's body is closed at cleanup.
func open(t testing.TB, srv *httptest.Server, query string, header http.Header) (*http.Response, <-chan sse) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+Prefix+"/events"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		return res, nil
	}
	return res, readEvents(res.Body)
}

// TestEventsArriveInJournalOrder: entries written by many goroutines at
// once arrive each exactly once, in sequence, with their seq as the id.
func TestEventsArriveInJournalOrder(t *testing.T) {
	w := newEventsWorld(t, 0)
	srv := w.serve(t, nil)
	res, events := open(t, srv, "", nil)
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q, want text/event-stream", ct)
	}
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() { w.add(each, `{"n":1}`) })
	}
	wg.Wait()
	for want := uint64(1); want <= writers*each; want++ {
		e := next(t, events, "")
		var got journal.Entry
		if err := json.Unmarshal([]byte(e.data), &got); err != nil {
			t.Fatalf("event data is not a journal entry: %v: %s", err, e.data)
		}
		if got.Seq != want || e.id != strconv.FormatUint(want, 10) {
			t.Fatalf("event id %s seq %d, want %d", e.id, got.Seq, want)
		}
	}
}

// TestEventsResume: a stream starts after since, or after Last-Event-ID
// (which wins: an EventSource reconnects to the URL it first opened);
// entries no longer kept are announced by a gap event.
func TestEventsResume(t *testing.T) {
	for _, tt := range []struct {
		name      string
		size      int // of the journal
		added     int
		query     string
		lastID    string
		wantGap   string
		wantFirst string
		wantCode  int
	}{
		{name: "from the start", size: 100, added: 5, wantFirst: "1"},
		{name: "since", size: 100, added: 5, query: "?since=3", wantFirst: "4"},
		{name: "Last-Event-ID wins over since", size: 100, added: 9, query: "?since=1", lastID: "5", wantFirst: "6"},
		{name: "since the future: only what comes", size: 100, added: 5, query: "?since=7", wantFirst: "8"},
		{name: "entries dropped", size: 4, added: 10, query: "?since=2", wantGap: `{"from":3,"to":6}`, wantFirst: "7"},
		{name: "since not a number", size: 4, query: "?since=x", wantCode: http.StatusBadRequest},
		{name: "Last-Event-ID not a number", size: 4, lastID: "-1", wantCode: http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newEventsWorld(t, tt.size)
			srv := w.serve(t, nil)
			w.add(tt.added, `{}`)
			h := http.Header{}
			if tt.lastID != "" {
				h.Set("Last-Event-ID", tt.lastID)
			}
			res, events := open(t, srv, tt.query, h)
			if tt.wantCode != 0 {
				if res.StatusCode != tt.wantCode {
					t.Fatalf("= %d, want %d", res.StatusCode, tt.wantCode)
				}
				return
			}
			if tt.wantGap != "" {
				if got := next(t, events, "gap"); got.data != tt.wantGap {
					t.Errorf("gap %s, want %s", got.data, tt.wantGap)
				}
			}
			if strings.HasPrefix(tt.name, "since the future") {
				w.add(3, `{}`)
			}
			if got := next(t, events, ""); got.id != tt.wantFirst {
				t.Errorf("first event %s, want %s", got.id, tt.wantFirst)
			}
		})
	}
}

// TestEventsTellStateChanges: a change that makes no journal entry (an
// email waiting in a queue nobody serves) still reaches the stream, as a
// state event with the new version.
func TestEventsTellStateChanges(t *testing.T) {
	w := newEventsWorld(t, 0)
	srv := w.serve(t, nil)
	_, events := open(t, srv, "", nil)
	if got, want := next(t, events, "state").data, fmt.Sprintf(`{"version":%d}`, w.center.Version()); got != want {
		t.Fatalf("first state event %s, want %s", got, want)
	}
	if _, err := w.center.Create(contactcenter.NewInteraction{Channel: contactcenter.Email}); err != nil {
		t.Fatal(err)
	}
	if got, want := next(t, events, "state").data, fmt.Sprintf(`{"version":%d}`, w.center.Version()); got != want {
		t.Fatalf("state event %s, want %s", got, want)
	}
}

// TestSlowEventClientsAreDropped: a client that does not keep up is
// disconnected, and the journal's writers never wait for it.
func TestSlowEventClientsAreDropped(t *testing.T) {
	t.Run("a client that stops reading", func(t *testing.T) {
		w := newEventsWorld(t, 0)
		w.events.writeTimeout = 100 * time.Millisecond
		srv := w.serve(t, nil)
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// A request, then never a byte read: the socket buffers fill up.
		fmt.Fprintf(conn, "GET %s/events HTTP/1.1\r\nHost: x\r\n\r\n", Prefix)
		waitFor(t, func() bool { return w.events.Streams() == 1 }, "the stream to open")
		big := `"` + strings.Repeat("x", 64<<10) + `"`
		deadline := time.Now().Add(eventsWait)
		for w.events.Streams() > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("a client that reads nothing is still connected after %v", eventsWait)
			}
			start := time.Now()
			w.add(1, big)
			if took := time.Since(start); took > time.Second {
				t.Fatalf("adding an entry took %v: the journal waits on a client", took)
			}
		}
	})
	t.Run("a client the journal moved past", func(t *testing.T) {
		w := newEventsWorld(t, 4)
		bw := &blockingWriter{header: http.Header{}, flushed: make(chan struct{}, 16), blocked: make(chan struct{}), release: make(chan struct{})}
		w.add(1, `{}`)
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.api.ServeHTTP(bw, httptest.NewRequest("GET", Prefix+"/events", nil))
		}()
		<-bw.flushed // entry 1 and the state are out: the stream waits
		bw.block.Store(true)
		w.add(1, `{}`) // entry 2: its write blocks
		select {
		case <-bw.blocked:
		case <-time.After(eventsWait):
			t.Fatal("the stream did not write entry 2")
		}
		w.add(10, `{}`) // the journal keeps 4: entries 3..8 go before they are sent
		close(bw.release)
		select {
		case <-done:
		case <-time.After(eventsWait):
			t.Fatal("the stream goes on after the journal dropped what it had not sent")
		}
		if strings.Contains(bw.written(), `"seq":3`) {
			t.Errorf("entries after the gap were sent:\n%s", bw.written())
		}
	})
}

// TestEventsEndWhenClosed: Close ends every open stream and refuses new
// ones, so a server's shutdown does not wait on them.
func TestEventsEndWhenClosed(t *testing.T) {
	w := newEventsWorld(t, 0)
	srv := w.serve(t, nil)
	_, events := open(t, srv, "", nil)
	next(t, events, "state")
	w.events.Close()
	w.events.Close() // idempotent
	deadline := time.After(eventsWait)
	for open := true; open; {
		select {
		case _, open = <-events:
		case <-deadline:
			t.Fatal("the stream is still open after Close")
		}
	}
	if res, _ := open(t, srv, "", nil); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a stream opened after Close = %d, want 503", res.StatusCode)
	}
	waitFor(t, func() bool { return w.events.Streams() == 0 }, "the stream to unsubscribe")
}

// TestEventsOutliveServerTimeouts: a stream that has been open longer than
// the server's read and write timeouts still delivers.
func TestEventsOutliveServerTimeouts(t *testing.T) {
	w := newEventsWorld(t, 0)
	const timeout = 100 * time.Millisecond
	srv := w.serve(t, func(s *http.Server) { s.ReadTimeout, s.WriteTimeout = timeout, timeout })
	_, events := open(t, srv, "", nil)
	next(t, events, "state")
	<-time.After(3 * timeout) // what is tested is a timeout: let it pass
	w.add(1, `{}`)
	if got := next(t, events, ""); got.id != "1" {
		t.Errorf("event %s, want 1", got.id)
	}
}

// TestEventsWithoutEvents: a control API built without Events says so.
func TestEventsWithoutEvents(t *testing.T) {
	rec := httptest.NewRecorder()
	New(Config{Journal: journal.New(0, nil)}).ServeHTTP(rec, httptest.NewRequest("GET", Prefix+"/events", nil))
	if res := rec.Result(); res.StatusCode != http.StatusNotImplemented {
		t.Errorf("= %d, want 501", res.StatusCode)
	}
}

func waitFor(t testing.TB, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(eventsWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// blockingWriter is a ResponseWriter whose writes block, once block is
// set, until release is closed.
type blockingWriter struct {
	header  http.Header
	flushed chan struct{}
	blocked chan struct{} // closed at the first blocked write
	release chan struct{}
	block   atomic.Bool
	once    sync.Once

	mu sync.Mutex
	// guards buf
	buf strings.Builder
}

func (w *blockingWriter) Header() http.Header { return w.header }
func (w *blockingWriter) WriteHeader(int)     {}
func (w *blockingWriter) Write(p []byte) (int, error) {
	if w.block.Load() {
		w.once.Do(func() { close(w.blocked) })
		<-w.release
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}
func (w *blockingWriter) Flush() {
	select {
	case w.flushed <- struct{}{}:
	default:
	}
}
func (w *blockingWriter) written() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
