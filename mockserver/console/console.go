// Package console serves the browser pages of gwsmock: the tester's
// console at /console/ (the state, the journal live, the actions of the
// outside world) and the reference agent desktop at /console/desktop/.
// Both are static files embedded in the binary (web/: plain HTML, CSS and
// ES modules, no build step, nothing fetched from elsewhere) that talk to
// the server only through its public APIs, /control/v1 and /api/v2, like
// any other client; this package imports nothing of the mock.
package console

import (
	"embed"
	"io/fs"
	"net/http"
)

// Prefix is where the console is mounted.
const Prefix = "/console/"

//go:embed web
var files embed.FS

// securityPolicy keeps the pages to their own origin: scripts, styles and
// connections (fetch, the CometD WebSocket) go nowhere else. The CometD
// client runs its timers in a Worker made from a blob.
const securityPolicy = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the embedded files under Prefix.
func Handler() http.Handler {
	web, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // web is embedded above: it is there
	}
	fileServer := http.StripPrefix(Prefix, http.FileServerFS(web))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the console is read only: use GET", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", securityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		// The files change with the binary, which embeds no modification
		// time: a browser revalidates each time (cheap on loopback).
		h.Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	})
}
