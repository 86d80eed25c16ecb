package httpapi

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/internal/testusers"
)

// TestLiteralRoutesAreTheRouters: ServeHTTP's table of paths without
// variables answers every request exactly as the router alone would:
// the routes it holds, the other methods on them (405), near misses
// (trailing slash, unclean paths, case) and the routes with variables.
func TestLiteralRoutesAreTheRouters(t *testing.T) {
	a := newTestAPI(t, 0)
	paths := []string{
		"/api/v2/me", "/api/v2/me/channels", "/api/v2/me/interactions", "/api/v2/interactions",
		"/api/v2/me/interactions?fields=*", "/api/v2/interactions?fields=*", "/api/v2/me?subresources=*",
		"/api/v2/me/", "/api/v2/me/interactions/", "/api/v2//me/interactions", "/api/v2/me/./interactions",
		"/api/v2/me/channels/../interactions", "/api/v2/ME/interactions", "/api/v2/me/interactions%2F",
		"/api/v2/me/channels/email", "/api/v2/interactions/0000000000000000", "/api/v2/nowhere", "/api/v2",
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, "get", http.MethodOptions}
	if len(a.literal) != 4 {
		t.Fatalf("%d literal paths, want the 4 of routes without variables", len(a.literal))
	}
	for _, path := range paths {
		for _, method := range methods {
			for _, user := range []string{"alice", "admin", ""} {
				serve := func(h func(http.ResponseWriter, *http.Request)) *httptest.ResponseRecorder {
					body := ""
					if method == http.MethodPost || method == http.MethodPut {
						body = `{"operationName":"Nope"}` // refused, so that both answers are alike
					}
					req := httptest.NewRequest(http.MethodGet, path, strings.NewReader(body))
					req.Method = method
					if user != "" {
						req.SetBasicAuth(user, testusers.Password(user))
					}
					w := httptest.NewRecorder()
					h(w, req)
					return w
				}
				router := serve(a.router.ServeHTTP)
				got := serve(a.ServeHTTP)
				if got.Code != router.Code || got.Body.String() != router.Body.String() || !reflect.DeepEqual(got.Header(), router.Header()) {
					t.Errorf("%s %s as %q: ServeHTTP %d %v %s; router %d %v %s", method, path, user,
						got.Code, got.Header(), got.Body, router.Code, router.Header(), router.Body)
				}
			}
		}
	}
}
