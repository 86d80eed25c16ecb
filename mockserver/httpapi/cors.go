package httpapi

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// DefaultOrigins are the browser origins allowed when none are configured:
// any port on localhost and 127.0.0.1, where frontend dev servers run.
var DefaultOrigins = []string{"http://localhost:*", "http://127.0.0.1:*"}

// CORS answers preflight requests and adds the CORS headers for allowed
// origins, with credentials, exposing the CSRF headers. Patterns are
// path.Match globs over the Origin ("http://localhost:*"); "*" allows any.
func CORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		origins = DefaultOrigins
	}
	allowed := func(origin string) bool {
		if origin == "" {
			return false
		}
		if _, err := url.Parse(origin); err != nil {
			return false
		}
		for _, p := range origins {
			if p == "*" {
				return true
			}
			if ok, _ := path.Match(p, origin); ok {
				return true
			}
			// "http://localhost:*" also allows the bare "http://localhost".
			if strings.HasSuffix(p, ":*") && origin == strings.TrimSuffix(p, ":*") {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if !allowed(origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			} else {
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-CSRF-TOKEN")
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "X-CSRF-HEADER, X-CSRF-TOKEN")
		next.ServeHTTP(w, r)
	})
}
