package bayeux

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// failingWriter is a connection that died: every write fails.
type failingWriter struct{ *httptest.ResponseRecorder }

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

// TestConnectReplyThatFailsToWriteKeepsItsMessages is the regression test of
// a loss the Faye interop test found: a connect released with messages for a
// client whose connection had just died wrote them into the dead
// connection, ignored the error, and the messages were gone.
func TestConnectReplyThatFailsToWriteKeepsItsMessages(t *testing.T) {
	s := testServer()
	defer s.Close()
	id := openSession(t, s, "alice", "/v2/me/interactions", false)
	if n := s.Deliver("alice", "/v2/me/interactions", []byte(`{"n":1}`)); n != 1 {
		t.Fatalf("Deliver = %d", n)
	}
	// The connect is answered at once (a message is queued) into a dead
	// connection.
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "http://gws.test/cometd", strings.NewReader(connectReq(id, "4")))
	req.Header.Set("X-User", "alice")
	s.ServeHTTP(failingWriter{httptest.NewRecorder()}, req)

	// The client reconnects: the message is still there, once.
	got := deliveries(roundTrip(t, s, "alice", connectReq(id, "5")))
	if strings.Join(got, ",") != `{"n":1}` {
		t.Fatalf("after the failed write the next connect delivered %v, want [{\"n\":1}]", got)
	}
}
