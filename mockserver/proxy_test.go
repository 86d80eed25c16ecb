package mockserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// edits change the traffic of a proxy in front of the mock: the self-tests
// make a deliberately wrong server of it (conform_test.go) or a benign one
// that differs only where the contract leaves things open
// (conform_benign_test.go).
type edits struct {
	// request may rewrite a request before it reaches the mock.
	request func(r *http.Request)
	// response may change the status and body of an answer.
	response func(r *http.Request, status int, body []byte) (int, []byte)
	// header may change the header of an answer, after response.
	header func(r *http.Request, h http.Header)
	// chunked sends every body without Content-Length.
	chunked bool
	// gzip compresses every body whose client accepts gzip.
	gzip bool
}

// acceptsGzip marks, in a proxied request's context, a client that
// accepts gzip.
type acceptsGzip struct{}

// editingProxy starts a reverse proxy to target that applies e.
func editingProxy(t *testing.T, target string, e edits) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	direct := rp.Director
	rp.Director = func(r *http.Request) {
		direct(r)
		if e.gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			// The proxy compresses; the mock answers plain.
			r.Header.Del("Accept-Encoding")
			*r = *r.WithContext(context.WithValue(r.Context(), acceptsGzip{}, true))
		}
		if e.request != nil {
			e.request(r)
		}
	}
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.StatusCode == http.StatusSwitchingProtocols {
			return nil
		}
		if e.response != nil || e.gzip {
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if e.response != nil {
				resp.StatusCode, body = e.response(resp.Request, resp.StatusCode, body)
			}
			if gz, _ := resp.Request.Context().Value(acceptsGzip{}).(bool); gz && len(body) > 0 {
				var b bytes.Buffer
				w := gzip.NewWriter(&b)
				w.Write(body)
				w.Close()
				body = b.Bytes()
				resp.Header.Set("Content-Encoding", "gzip")
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		}
		if e.chunked {
			resp.ContentLength = -1
			resp.Header.Del("Content-Length")
		}
		if e.header != nil {
			e.header(resp.Request, resp.Header)
		}
		return nil
	}
	ts := httptest.NewServer(rp)
	t.Cleanup(ts.Close)
	return ts.URL
}

// deliveries rewrites the CometD messages delivered in a Bayeux answer:
// each delivered message's data is replaced by what edit returns (none,
// itself, or several).
func deliveries(r *http.Request, body []byte, edit func(data map[string]any) []map[string]any) []byte {
	if !strings.HasPrefix(r.URL.Path, "/api/v2/notifications") {
		return body
	}
	var msgs []map[string]any
	if json.Unmarshal(body, &msgs) != nil {
		return body
	}
	var out []map[string]any
	for _, m := range msgs {
		data, ok := m["data"].(map[string]any)
		if _, reply := m["successful"]; reply || !ok {
			out = append(out, m)
			continue
		}
		for _, d := range edit(data) {
			c := maps.Clone(m)
			c["data"] = d
			out = append(out, c)
		}
	}
	b, _ := json.Marshal(out)
	return b
}
