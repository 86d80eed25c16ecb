package bayeux

// The HTTP entry point: long-polling POSTs are decoded, processed, held
// and answered here; WebSocket upgrades go on to websocket.go.

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// holdSlack is added to a held connect's hold for its connection's read
// and write deadlines.
const holdSlack = 10 * time.Second

// ServeHTTP answers long-polling POSTs and WebSocket upgrades.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	if r.Method == http.MethodGet && headerHas(r.Header, "Connection", "upgrade") && headerHas(r.Header, "Upgrade", "websocket") {
		s.serveWebSocket(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, GET")
		http.Error(w, "Bayeux endpoint: POST messages or open a WebSocket", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	msgs, err := DecodeMessages(body)
	if err != nil {
		http.Error(w, "not Bayeux JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	rq := &request{r: r, batched: len(msgs) > 1, ident: &identity{}}
	out, p, ss := s.process(rq, msgs)
	if p != nil {
		if s.hijack(w, r, ss, p) {
			return // answered on the connection when released (hijack.go)
		}
		// The hold may outlast the http.Server's ReadTimeout (whose
		// background read would cancel the request's context) and
		// WriteTimeout: give this response its own deadlines. Not
		// supported (a test recorder): the server has none either.
		rc := http.NewResponseController(w)
		deadline := time.Now().Add(s.timeout() + holdSlack)
		_ = rc.SetReadDeadline(deadline)
		_ = rc.SetWriteDeadline(deadline)
		select {
		case <-p.done:
			// Both may be ready at once, and select picks at random: a
			// poll released for a client that is already gone must give
			// its messages back, not write them to a dead connection.
			if r.Context().Err() != nil {
				s.abandon(ss, p)
				return
			}
			out = append(out, s.connectReply(p)...)
		case <-r.Context().Done():
			s.abandon(ss, p)
			return
		}
	}
	setReplyHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(joinArray(out))
	if err == nil {
		err = http.NewResponseController(w).Flush()
	}
	if err != nil {
		// The reply did not leave: its messages go back to the queue
		// (without ack; with ack the unacknowledged batch is resent).
		for _, a := range rq.answered {
			s.abandon(a.ss, a.p)
		}
		if p != nil {
			s.abandon(ss, p)
		}
	}
}

func headerHas(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// joinArray writes messages as one JSON array.
func joinArray(msgs []json.RawMessage) []byte {
	n := 2
	for _, m := range msgs {
		n += len(m) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, m...)
	}
	return append(b, ']')
}
