package wire

import "net/http"

// AllowedMethods lists the methods, of those the APIs use, that routes
// accepts on r's path: the Allow header with which every HTTP edge answers
// a method its path does not take (405). routes reports whether a request
// like r with another method would be routed.
func AllowedMethods(r *http.Request, routes func(*http.Request) bool) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := new(http.Request)
		*probe = *r
		probe.Method = m
		if routes(probe) {
			allow = append(allow, m)
		}
	}
	return allow
}
