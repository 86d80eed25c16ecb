package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/spectest"
	"github.com/gwsmock/gwsmock/internal/testusers"
	"github.com/gwsmock/gwsmock/mockserver"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
)

// fuzzTargets are the endpoints FuzzRequestBody sends bodies to; {id} is an
// interaction alice owns. Fault rules are left out: a rule would fault the
// following inputs on purpose.
var fuzzTargets = []struct{ user, method, path string }{
	{"alice", "POST", "/api/v2/me/interactions/{id}"},
	{"alice", "PUT", "/api/v2/interactions/{id}"},
	{"alice", "POST", "/api/v2/me/channels/email"},
	{"bob", "POST", "/api/v2/me/interactions/{id}"},
	{"", "POST", "/control/v1/interactions"},
	{"", "POST", "/control/v1/interactions/{id}/route"},
	{"", "PUT", "/control/v1/users/alice/channels/chat"},
	{"", "PUT", "/control/v1/state"},
	{"", "POST", "/control/v1/reset"},
}

// FuzzRequestBody sends any body to the endpoints that take one, end to
// end through the composed server: the answer is never a 5xx nor a panic,
// always matches the spec, and a refusal (4xx) changes nothing.
func FuzzRequestBody(f *testing.F) {
	srv := &mockserver.Server{Now: func() time.Time { return fixedNow }, NewID: contactcenter.NewIDSource(1), PublicURL: "http://gws.test"}
	if err := srv.Init(); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	docs := spectest.Docs(f)
	h := srv.Handler()
	do := func(t *testing.T, user, method, path, contentType string, body []byte) (int, []byte) {
		t.Helper()
		req := httptest.NewRequest(method, "http://gws.test"+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if user != "" {
			testusers.SetBasicAuth(req, user)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if err := spectest.Check(docs, req, body, res.StatusCode, res.Header, rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %s -> %d breaks the spec: %v\nbody: %.300q\nanswer: %.300s", method, path, res.StatusCode, err, body, rec.Body)
		}
		return res.StatusCode, rec.Body.Bytes()
	}
	f.Fuzz(func(t *testing.T, target uint8, contentType string, body []byte) {
		// A fresh world: the default contact center, one interaction alice owns.
		if st, b := do(t, "", "POST", "/control/v1/reset", "application/json", nil); st != 200 {
			t.Fatalf("reset = %d %s", st, b)
		}
		st, b := do(t, "", "POST", "/control/v1/interactions", "application/json", []byte(`{"channel":"email","agent":"alice","email_object":{"subject":"s"}}`))
		id := gjson.GetBytes(b, "id").String()
		if st != 201 {
			t.Fatalf("create = %d %s", st, b)
		}
		if st, b := do(t, "alice", "POST", "/api/v2/me/interactions/"+id, "application/json", []byte(`{"operationName":"Accept"}`)); st != 200 {
			t.Fatalf("accept = %d %s", st, b)
		}
		tg := fuzzTargets[int(target)%len(fuzzTargets)]
		if contentType == "" {
			contentType = "application/json"
		}
		_, before := do(t, "", "GET", "/control/v1/state", "", nil)
		status, answer := do(t, tg.user, tg.method, strings.ReplaceAll(tg.path, "{id}", id), contentType, body)
		if status >= 500 {
			t.Fatalf("%s %s -> %d %s", tg.method, tg.path, status, answer)
		}
		if status >= 400 {
			if _, after := do(t, "", "GET", "/control/v1/state", "", nil); !bytes.Equal(before, after) {
				t.Fatalf("%s %s -> %d changed the state", tg.method, tg.path, status)
			}
		}
		if st, _ := do(t, "alice", "GET", "/api/v2/me", "", nil); st != http.StatusOK {
			t.Fatalf("the server stopped answering: %d", st)
		}
	})
}
