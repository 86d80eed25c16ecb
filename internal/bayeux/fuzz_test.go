package bayeux

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzDecodeMessages: any body either decodes into messages that encode
// again, or is refused with an error; never a panic.
func FuzzDecodeMessages(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, err := DecodeMessages(body)
		if err != nil {
			if msgs != nil {
				t.Fatalf("messages along with error %v", err)
			}
			return
		}
		if len(msgs) == 0 {
			t.Fatal("no messages and no error")
		}
		for _, m := range msgs {
			b, err := json.Marshal(&m)
			if err != nil {
				t.Fatalf("a decoded message does not encode: %v", err)
			}
			var again Message
			if err := json.Unmarshal(b, &again); err != nil {
				t.Fatalf("a re-encoded message does not decode: %v\n%s", err, b)
			}
			if again.Channel != m.Channel || again.ID != m.ID || again.ClientID != m.ClientID {
				t.Fatalf("round trip changed the message: %+v -> %+v", m, again)
			}
		}
	})
}

// FuzzServer sends any body, after a real handshake (the text $CID in the
// body becomes the session's clientId), to the server: it answers 200 with
// a JSON array of messages, each reply echoing an id, or 400/413; never
// 500, never a panic, never a hang (holds last a millisecond).
func FuzzServer(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		s := testServer()
		s.Timeout = time.Millisecond
		s.MaxQueue = 8
		s.MaxSessionsPerPrincipal = 4
		defer s.Close()
		hs := roundTrip(t, s, "alice", `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]}]`)
		cid := hs[0].ClientID
		body = bytes.ReplaceAll(body, []byte("$CID"), []byte(cid))
		s.Deliver("alice", "/a", json.RawMessage(`{"n":1}`))
		req := httptest.NewRequest(http.MethodPost, "http://gws.test/cometd/connect", bytes.NewReader(body))
		req.Header.Set("X-User", "alice")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			msgs, err := DecodeMessages(rec.Body.Bytes())
			if err != nil {
				t.Fatalf("200 with a body that is not Bayeux: %v\n%s", err, rec.Body)
			}
			in, _ := DecodeMessages(body)
			ids := map[string]bool{}
			for _, m := range in {
				ids[m.ID] = true
			}
			for _, m := range msgs {
				if m.IsReply() && !ids[m.ID] {
					t.Fatalf("reply id %q echoes no request id\nin:  %s\nout: %s", m.ID, body, rec.Body)
				}
				if m.IsReply() && !m.OK() && m.Err() == nil {
					t.Fatalf("failed reply without error: %+v", m)
				}
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if _, err := DecodeMessages(body); err == nil && rec.Code == http.StatusBadRequest {
				t.Fatalf("400 for a body that decodes: %s", rec.Body)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
