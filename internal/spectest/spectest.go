// Package spectest wraps an http.Handler for tests so that every response it
// sends is validated against the OpenAPI document of its path prefix: the
// status must be declared for the operation and the body must match. A
// response that does not fails the test, so the mock cannot drift from
// spec/openapi.yaml or spec/control.yaml without a red test.
package spectest

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/spec"
)

// Doc pairs a path prefix with the validator of the document that describes it.
type Doc struct {
	Prefix    string
	Validator *specvalidate.Validator
}

var (
	once    sync.Once
	docs    []Doc
	loadErr error
)

// Docs returns the validators of the Interactions API (/api/v2) and the
// control API (/control/v1), loaded once.
func Docs(t testing.TB) []Doc {
	t.Helper()
	once.Do(func() {
		api, err := spec.Load()
		if err != nil {
			loadErr = err
			return
		}
		ctl, err := spec.LoadControl()
		if err != nil {
			loadErr = err
			return
		}
		av, err := specvalidate.New(api)
		if err != nil {
			loadErr = err
			return
		}
		cv, err := specvalidate.New(ctl)
		if err != nil {
			loadErr = err
			return
		}
		docs = []Doc{{"/api/v2", av}, {"/control/v1", cv}}
	})
	if loadErr != nil {
		t.Fatalf("load specs: %v", loadErr)
	}
	return docs
}

// Skip lists paths whose exchanges are not REST (the CometD endpoint).
var Skip = []string{"/api/v2/notifications"}

// Handler returns h wrapped so that each response is validated. Responses to
// paths no document describes (a deliberately unknown URL) are not judged.
func Handler(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	ds := Docs(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range Skip {
			if strings.HasPrefix(r.URL.Path, p) {
				h.ServeHTTP(w, r)
				return
			}
		}
		var reqBody []byte
		if r.Body != nil {
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(r.Body)
			reqBody = buf.Bytes()
			r.Body = readCloser{bytes.NewReader(reqBody)}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(rec.Body.Bytes())
		if res.Header.Get("X-Gwsmock-Fault") != "" {
			return // an answer a fault rule made up on purpose
		}
		if err := Check(ds, r, reqBody, res.StatusCode, res.Header, rec.Body.Bytes()); err != nil {
			t.Errorf("response breaks the spec: %s %s -> %d %s\n%v", r.Method, r.URL.RequestURI(), res.StatusCode, clip(rec.Body.String()), err)
		}
	})
}

// Check validates one exchange against the document of its prefix. It
// returns nil for paths no document describes.
func Check(ds []Doc, r *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	for _, d := range ds {
		if !strings.HasPrefix(r.URL.Path, d.Prefix+"/") && r.URL.Path != d.Prefix {
			continue
		}
		// A fresh request, so validation sees the body the handler saw.
		req := r.Clone(r.Context())
		req.Body = readCloser{bytes.NewReader(reqBody)}
		err := d.Validator.Response(req, status, header, body)
		if errors.Is(err, specvalidate.ErrNoRoute) {
			return nil
		}
		if err != nil {
			return errors.New(specvalidate.Describe(err))
		}
		return nil
	}
	return nil
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "..."
	}
	return s
}
