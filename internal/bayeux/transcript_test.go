package bayeux

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// testServer is the server the transcripts run against: the principal is
// the X-User header, a handshake without it is denied, ids are c1, c2, ...
func testServer() *Server {
	var n atomic.Int64
	return &Server{
		Authenticate: func(r *http.Request, m *Message) (string, error) {
			if u := r.Header.Get("X-User"); u != "" {
				return u, nil
			}
			return "", errors.New("Handshake denied")
		},
		Identify: func(r *http.Request) (string, Proof) {
			if u := r.Header.Get("X-User"); u != "" {
				return u, ProofCredentials
			}
			return "", ProofNone
		},
		CanPublish: func(principal, channel string) bool {
			return IsService(channel) || strings.HasPrefix(channel, "/chat/")
		},
		CanSubscribe: func(principal, channel string) bool {
			return !strings.HasPrefix(channel, "/private/")
		},
		ClientID: func() string { return fmt.Sprintf("c%d", n.Add(1)) },
	}
}

// transcript drives a Server through httptest recorders inside a synctest
// bubble and records every exchange. Requests run in their own goroutine;
// synctest.Wait tells whether a request was answered or is held.
type transcript struct {
	t *testing.T
	s *Server
	b strings.Builder
	n int
}

func newTranscript(t *testing.T, s *Server) *transcript {
	t.Helper()
	t.Cleanup(func() { s.Close() })
	return &transcript{t: t, s: s}
}

// exchange is one request in flight.
type exchange struct {
	tr     *transcript
	n      int
	rec    *httptest.ResponseRecorder
	done   chan struct{}
	cancel context.CancelFunc
}

func (tr *transcript) note(format string, args ...any) {
	fmt.Fprintf(&tr.b, "\n# "+format+"\n", args...)
}

// start sends a POST as user ("" for none) and returns once the server has
// either answered it or is holding it.
func (tr *transcript) start(path, user, body string) *exchange {
	tr.t.Helper()
	tr.n++
	ex := &exchange{tr: tr, n: tr.n, rec: httptest.NewRecorder(), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	ex.cancel = cancel
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "http://gws.test/cometd"+path, strings.NewReader(body))
	if user != "" {
		req.Header.Set("X-User", user)
	}
	who := user
	if who == "" {
		who = "-"
	}
	fmt.Fprintf(&tr.b, "--> #%d POST /cometd%s as %s\n%s\n", ex.n, path, who, body)
	go func() {
		defer close(ex.done)
		tr.s.ServeHTTP(ex.rec, req)
	}()
	synctest.Wait()
	return ex
}

// post sends a request that must be answered at once, and returns the
// answer.
func (tr *transcript) post(path, user, body string) []Message {
	tr.t.Helper()
	ex := tr.start(path, user, body)
	if ex.held() {
		tr.t.Fatalf("#%d %s: held, want an answer at once", ex.n, body)
	}
	return ex.answer()
}

func (ex *exchange) held() bool {
	select {
	case <-ex.done:
		return false
	default:
		return true
	}
}

// mustHold records that the request is held.
func (ex *exchange) mustHold() *exchange {
	ex.tr.t.Helper()
	if !ex.held() {
		ex.tr.t.Fatalf("#%d answered at once, want it held:\n%s", ex.n, ex.rec.Body)
	}
	fmt.Fprintf(&ex.tr.b, "... #%d held\n", ex.n)
	return ex
}

// answer records the answer of a request that must have been answered.
func (ex *exchange) answer() []Message {
	ex.tr.t.Helper()
	synctest.Wait()
	if ex.held() {
		ex.tr.t.Fatalf("#%d still held", ex.n)
	}
	res := ex.rec.Result()
	body := ex.rec.Body.Bytes()
	fmt.Fprintf(&ex.tr.b, "<-- #%d %d %s\n", ex.n, res.StatusCode, res.Header.Get("Content-Type"))
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(&ex.tr.b, "%s\n", bytes.TrimSpace(body))
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		ex.tr.t.Fatalf("#%d: answer is not a JSON array: %v\n%s", ex.n, err, body)
	}
	if len(raws) == 0 {
		ex.tr.t.Fatalf("#%d: empty array", ex.n)
	}
	ex.tr.b.WriteString("[\n")
	for i, r := range raws {
		sep := ","
		if i == len(raws)-1 {
			sep = ""
		}
		fmt.Fprintf(&ex.tr.b, "  %s%s\n", r, sep)
	}
	ex.tr.b.WriteString("]\n")
	msgs, err := DecodeMessages(body)
	if err != nil {
		ex.tr.t.Fatalf("#%d: %v", ex.n, err)
	}
	return msgs
}

// abort cancels the request, as a client that gives up on a poll.
func (ex *exchange) abort() {
	ex.cancel()
	synctest.Wait()
	fmt.Fprintf(&ex.tr.b, "... #%d aborted by the client\n", ex.n)
}

func (tr *transcript) deliver(principal, channel, data string) int {
	n := tr.s.Deliver(principal, channel, json.RawMessage(data))
	fmt.Fprintf(&tr.b, "=== Deliver(%s, %s, %s) queued for %d session(s)\n", principal, channel, data, n)
	synctest.Wait()
	return n
}

// wait lets d pass on the bubble's fake clock.
func (tr *transcript) wait(d time.Duration) {
	time.Sleep(d) // fake time: advances the bubble's clock, waits for nothing real
	synctest.Wait()
	fmt.Fprintf(&tr.b, "=== %s later\n", d)
}

// check compares the transcript with testdata/name.golden, or rewrites it
// with -update.
func (tr *transcript) check(name string) {
	tr.t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got := strings.TrimLeft(tr.b.String(), "\n")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tr.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tr.t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tr.t.Errorf("transcript differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Request bodies.

func handshakeReq(id string) string {
	return `[{"channel":"/meta/handshake","id":"` + id + `","version":"1.0","supportedConnectionTypes":["long-polling"]}]`
}

func connectReq(client, id string) string {
	return `[{"channel":"/meta/connect","clientId":"` + client + `","id":"` + id + `","connectionType":"long-polling"}]`
}

func ackConnectReq(client, id string, ack int) string {
	return fmt.Sprintf(`[{"channel":"/meta/connect","clientId":"%s","id":"%s","connectionType":"long-polling","ext":{"ack":%d}}]`, client, id, ack)
}

func subscribeReq(client, id, sub string) string {
	return `[{"channel":"/meta/subscribe","clientId":"` + client + `","id":"` + id + `","subscription":` + sub + `}]`
}

// session opens a session for user, subscribed to sub, past its first
// connect: the next connect holds.
func (tr *transcript) session(user, sub string) string {
	tr.t.Helper()
	r := tr.post("/handshake", user, handshakeReq("1"))
	id := r[0].ClientID
	tr.post("/", user, subscribeReq(id, "2", sub))
	tr.post("/connect", user, connectReq(id, "3"))
	return id
}

func wantReply(t testing.TB, msgs []Message, channel, errText string) {
	t.Helper()
	for _, m := range msgs {
		if m.Channel == channel && m.IsReply() {
			if m.Error != errText || m.OK() != (errText == "") {
				t.Errorf("%s reply: successful %v error %q, want error %q", channel, m.OK(), m.Error, errText)
			}
			return
		}
	}
	t.Errorf("no %s reply in %+v", channel, msgs)
}

func wantData(t testing.TB, msgs []Message, want ...string) {
	t.Helper()
	var got []string
	for _, m := range msgs {
		if !m.IsReply() {
			got = append(got, string(m.Data))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

// TestTranscripts runs each script and compares its transcript with
// testdata/<name>.golden. The connect_* scripts are the release rules of
// docs/bayeux.md rule 6, one rule each.
func TestTranscripts(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, tr *transcript)
	}{
		{"handshake", func(t *testing.T, tr *transcript) {
			tr.note("an array with one handshake")
			r := tr.post("/handshake", "alice", handshakeReq("1"))
			wantReply(t, r, MetaHandshake, "")
			tr.note("a single object, as some clients send; a numeric id; the ack extension asked")
			r = tr.post("/handshake", "alice", `{"channel":"/meta/handshake","id":7,"version":"1.0","supportedConnectionTypes":["websocket","long-polling"],"ext":{"ack":true}}`)
			wantReply(t, r, MetaHandshake, "")
			tr.note("no credentials: refused, no session created")
			r = tr.post("/handshake", "", handshakeReq("1"))
			wantReply(t, r, MetaHandshake, "403::Handshake denied")
			tr.note("no connection type in common")
			r = tr.post("/handshake", "alice", `[{"channel":"/meta/handshake","id":"2","version":"1.0","supportedConnectionTypes":["callback-polling"]}]`)
			wantReply(t, r, MetaHandshake, "301::Unsupported connection types")
			if got := tr.s.Sessions(); got != 2 {
				t.Errorf("Sessions() = %d, want 2", got)
			}
		}},
		{"connect_first_answered_at_once", func(t *testing.T, tr *transcript) {
			r := tr.post("/handshake", "alice", handshakeReq("1"))
			id := r[0].ClientID
			tr.note("the first connect after the handshake is answered at once")
			r = tr.post("/connect", "alice", connectReq(id, "2"))
			wantReply(t, r, MetaConnect, "")
		}},
		{"connect_held_until_timeout", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			tr.note("a later connect is held up to the timeout, then answered empty")
			ex := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			tr.wait(29 * time.Second)
			ex.mustHold()
			tr.wait(time.Second)
			wantData(t, ex.answer())
		}},
		{"connect_released_by_message", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			ex := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			tr.note("a message for the session releases the held connect")
			tr.deliver("alice", "/a", `{"n":1}`)
			wantData(t, ex.answer(), `{"n":1}`)
		}},
		{"connect_released_by_disconnect", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			ex := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			tr.note("/meta/disconnect releases the held connect")
			r := tr.post("/disconnect", "alice", `[{"channel":"/meta/disconnect","clientId":"`+id+`","id":"5"}]`)
			wantReply(t, r, MetaDisconnect, "")
			wantReply(t, ex.answer(), MetaConnect, "")
		}},
		{"connect_superseded_by_newer", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			older := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			tr.note("a newer connect answers the older one, empty and successful; only one is held")
			newer := tr.start("/connect", "alice", connectReq(id, "5")).mustHold()
			wantReply(t, older.answer(), MetaConnect, "")
			newest := tr.start("/connect", "alice", connectReq(id, "6")).mustHold()
			wantData(t, newer.answer())
			tr.deliver("alice", "/a", `{"n":1}`)
			wantData(t, newest.answer(), `{"n":1}`)
		}},
		{"connect_resent_with_same_id", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			older := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			tr.note("Faye resends an unanswered connect with the same id: the first copy is answered empty, the second held")
			newer := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			wantData(t, older.answer())
			tr.deliver("alice", "/a", `{"n":1}`)
			wantData(t, newer.answer(), `{"n":1}`)
		}},
		{"connect_advice_timeout_zero", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			tr.note("advice.timeout 0 asks for an answer at once")
			r := tr.post("/connect", "alice", `[{"channel":"/meta/connect","clientId":"`+id+`","id":"4","connectionType":"long-polling","advice":{"timeout":0}}]`)
			wantReply(t, r, MetaConnect, "")
		}},
		{"connect_batched_with_other_messages", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			tr.note("a connect batched with other messages is answered at once")
			r := tr.post("/", "alice", `[{"channel":"/meta/connect","clientId":"`+id+`","id":"4","connectionType":"long-polling"},{"channel":"/meta/subscribe","clientId":"`+id+`","id":"5","subscription":"/b"}]`)
			wantReply(t, r, MetaConnect, "")
			wantReply(t, r, MetaSubscribe, "")
		}},
		{"connect_messages_queued", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			tr.note("messages queued while no connect is held: the next connect takes them at once, in order")
			tr.deliver("alice", "/a", `{"n":1}`)
			tr.deliver("alice", "/a", `{"n":2}`)
			r := tr.post("/connect", "alice", connectReq(id, "4"))
			wantData(t, r, `{"n":1}`, `{"n":2}`)
		}},
		{"connect_aborted_keeps_messages", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			ex := tr.start("/connect", "alice", connectReq(id, "4")).mustHold()
			tr.note("the client gives up on its poll; a message that comes later waits for the next connect")
			ex.abort()
			tr.deliver("alice", "/a", `{"n":1}`)
			r := tr.post("/connect", "alice", connectReq(id, "5"))
			wantData(t, r, `{"n":1}`)
		}},
		{"subscribe", func(t *testing.T, tr *transcript) {
			r := tr.post("/handshake", "alice", handshakeReq("1"))
			id := r[0].ClientID
			tr.post("/connect", "alice", connectReq(id, "2"))
			tr.note("one channel as a string, several as an array, wildcards")
			wantReply(t, tr.post("/", "alice", subscribeReq(id, "3", `"/a"`)), MetaSubscribe, "")
			wantReply(t, tr.post("/", "alice", subscribeReq(id, "4", `["/b/*","/b/**"]`)), MetaSubscribe, "")
			tr.note("the same subscription again is harmless")
			wantReply(t, tr.post("/", "alice", subscribeReq(id, "5", `"/a"`)), MetaSubscribe, "")
			tr.note("refused by the application, a meta channel, a wildcard in the middle")
			wantReply(t, tr.post("/", "alice", subscribeReq(id, "6", `"/private/x"`)), MetaSubscribe, "403::Subscription denied")
			wantReply(t, tr.post("/", "alice", subscribeReq(id, "7", `"/meta/connect"`)), MetaSubscribe, "403::Subscription denied")
			wantReply(t, tr.post("/", "alice", subscribeReq(id, "8", `"/a/*/b"`)), MetaSubscribe, "400::Invalid channel")
			tr.note("a message matched by several subscriptions (/b/* and /b/**) is delivered once")
			ex := tr.start("/connect", "alice", connectReq(id, "9")).mustHold()
			tr.deliver("alice", "/b/x", `{"n":1}`)
			wantData(t, ex.answer(), `{"n":1}`)
			tr.note("/b/** matches deeper channels, /b/* does not; nothing else matches /c")
			tr.deliver("alice", "/b/x/y", `{"n":2}`)
			if n := tr.deliver("alice", "/c", `{"n":3}`); n != 0 {
				t.Errorf("Deliver(/c) queued for %d sessions, want 0", n)
			}
			r = tr.post("/connect", "alice", connectReq(id, "10"))
			wantData(t, r, `{"n":2}`)
		}},
		{"unsubscribe", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `["/a","/b"]`)
			tr.note("unsubscribe one channel; messages on it no longer come")
			r := tr.post("/", "alice", `[{"channel":"/meta/unsubscribe","clientId":"`+id+`","id":"4","subscription":"/a"}]`)
			wantReply(t, r, MetaUnsubscribe, "")
			if n := tr.deliver("alice", "/a", `{"n":1}`); n != 0 {
				t.Errorf("Deliver after unsubscribe queued for %d sessions, want 0", n)
			}
			tr.deliver("alice", "/b", `{"n":2}`)
			wantData(t, tr.post("/connect", "alice", connectReq(id, "5")), `{"n":2}`)
		}},
		{"publish", func(t *testing.T, tr *transcript) {
			var got []string
			tr.s.OnPublish = func(principal string, m *Message) { got = append(got, principal+" "+m.Channel+" "+string(m.Data)) }
			id := tr.session("alice", `"/chat/room"`)
			tr.note("a channel the client may not publish to")
			r := tr.post("/", "alice", `[{"channel":"/v2/me/interactions","clientId":"`+id+`","id":"4","data":{"x":1}}]`)
			wantReply(t, r, "/v2/me/interactions", "403::Publish denied")
			tr.note("a service channel: acknowledged, handed to OnPublish, never broadcast")
			r = tr.post("/", "alice", `[{"channel":"/service/echo","clientId":"`+id+`","id":"5","data":{"x":2}}]`)
			wantReply(t, r, "/service/echo", "")
			tr.note("the same publish resent with the same id is acknowledged and not published again")
			r = tr.post("/", "alice", `[{"channel":"/service/echo","clientId":"`+id+`","id":"5","data":{"x":2}}]`)
			wantReply(t, r, "/service/echo", "")
			tr.note("an allowed broadcast channel reaches its subscribers")
			r = tr.post("/", "alice", `[{"channel":"/chat/room","clientId":"`+id+`","id":"6","data":{"x":3}}]`)
			wantReply(t, r, "/chat/room", "")
			wantData(t, tr.post("/connect", "alice", connectReq(id, "7")), `{"x":3}`)
			want := []string{`alice /service/echo {"x":2}`, `alice /chat/room {"x":3}`}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("OnPublish got %q, want %q", got, want)
			}
		}},
		{"disconnect", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			r := tr.post("/disconnect", "alice", `[{"channel":"/meta/disconnect","clientId":"`+id+`","id":"4"}]`)
			wantReply(t, r, MetaDisconnect, "")
			tr.note("the session is gone")
			wantReply(t, tr.post("/connect", "alice", connectReq(id, "5")), MetaConnect, "402::session_unknown")
		}},
		{"unknown_client", func(t *testing.T, tr *transcript) {
			tr.note("every message of an unknown clientId is refused with advice to handshake")
			wantReply(t, tr.post("/connect", "alice", connectReq("nope", "1")), MetaConnect, "402::session_unknown")
			wantReply(t, tr.post("/", "alice", subscribeReq("nope", "2", `"/a"`)), MetaSubscribe, "402::session_unknown")
			wantReply(t, tr.post("/", "alice", `[{"channel":"/service/x","clientId":"nope","id":"3","data":{}}]`), "/service/x", "402::session_unknown")
		}},
		{"hijack_refused", func(t *testing.T, tr *transcript) {
			id := tr.session("alice", `"/a"`)
			tr.note("bob presents alice's clientId: refused as unknown")
			wantReply(t, tr.post("/", "bob", subscribeReq(id, "1", `"/**"`)), MetaSubscribe, "402::session_unknown")
			wantReply(t, tr.post("/connect", "bob", connectReq(id, "2")), MetaConnect, "402::session_unknown")
			tr.note("a request without credentials (a shared cookie jar) is judged by its clientId alone: held as usual")
			ex := tr.start("/connect", "", connectReq(id, "3")).mustHold()
			tr.deliver("alice", "/a", `{"n":1}`)
			wantData(t, ex.answer(), `{"n":1}`)
		}},
		{"ack_resend", func(t *testing.T, tr *transcript) {
			tr.note("handshake with the ack extension")
			r := tr.post("/handshake", "alice", `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"],"ext":{"ack":true}}]`)
			id := r[0].ClientID
			tr.post("/", "alice", subscribeReq(id, "2", `"/a"`))
			tr.post("/connect", "alice", ackConnectReq(id, "3", 0))
			ex := tr.start("/connect", "alice", ackConnectReq(id, "4", 0)).mustHold()
			tr.deliver("alice", "/a", `{"n":1}`)
			wantData(t, ex.answer(), `{"n":1}`)
			tr.note("that reply was lost with a broken poll: the client acknowledges batch 0 again, the server sends n:1 again")
			r = tr.post("/connect", "alice", ackConnectReq(id, "5", 0))
			wantData(t, r, `{"n":1}`)
			tr.note("acknowledging batch 2 forgets n:1; n:2 comes alone")
			tr.deliver("alice", "/a", `{"n":2}`)
			r = tr.post("/connect", "alice", ackConnectReq(id, "6", 2))
			wantData(t, r, `{"n":2}`)
			tr.note("everything acknowledged: the next connect is held")
			tr.start("/connect", "alice", ackConnectReq(id, "7", 3)).mustHold()
		}},
		{"queue_overflow_drops_session", func(t *testing.T, tr *transcript) {
			tr.s.MaxQueue = 2
			id := tr.session("alice", `"/a"`)
			tr.note("a client that stops polling: the third message overflows its queue of 2")
			tr.deliver("alice", "/a", `{"n":1}`)
			tr.deliver("alice", "/a", `{"n":2}`)
			tr.deliver("alice", "/a", `{"n":3}`)
			if got := tr.s.Sessions(); got != 0 {
				t.Errorf("Sessions() = %d, want 0", got)
			}
			wantReply(t, tr.post("/connect", "alice", connectReq(id, "4")), MetaConnect, "402::session_unknown")
		}},
		{"bad_requests", func(t *testing.T, tr *transcript) {
			tr.note("a body that is not JSON, an empty array, a message without channel, an unknown meta channel")
			tr.post("/", "alice", `channel=/meta/handshake`)
			tr.post("/", "alice", `[]`)
			r := tr.post("/handshake", "alice", handshakeReq("1"))
			id := r[0].ClientID
			wantReply(t, tr.post("/", "alice", `[{"id":"2","clientId":"`+id+`"}]`), "", "400::Invalid channel")
			wantReply(t, tr.post("/", "alice", `[{"channel":"/meta/nope","id":"3","clientId":"`+id+`"}]`), "/meta/nope", "400::Unknown meta channel")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tr := newTranscript(t, testServer())
				tt.run(t, tr)
				tr.s.Close()
				synctest.Wait()
				tr.check(tt.name)
			})
		})
	}
}
