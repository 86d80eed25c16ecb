package mockserver

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/faults"
	"github.com/gwsmock/gwsmock/mockserver/httpapi"
)

// middleware wraps the routes, outermost first: one log line per request,
// CORS for the allowed origins (nil: httpapi.DefaultOrigins), then the
// HTTP faults of the injector.
func middleware(l *slog.Logger, origins []string, injector *faults.Injector, routes http.Handler) http.Handler {
	return logRequests(l, httpapi.CORS(origins, injector.Middleware(routes)))
}

// originHosts turns CORS origin globs ("http://localhost:*") into the host
// patterns of WebSocket origin checks ("localhost:*"), so a page on a site
// that CORS refuses cannot open a CometD socket with a user's cookie either.
// A bare "*" allows any origin (nil).
func originHosts(origins []string) []string {
	if len(origins) == 0 {
		origins = httpapi.DefaultOrigins
	}
	var hosts []string
	for _, o := range origins {
		if o == "*" {
			return nil
		}
		_, host, found := strings.Cut(o, "://")
		if !found {
			host = o
		}
		hosts = append(hosts, host)
		if strings.HasSuffix(host, ":*") { // "localhost:*" also covers port-less "localhost"
			hosts = append(hosts, strings.TrimSuffix(host, ":*"))
		}
	}
	return hosts
}

// logRequests writes one structured line per request. When l would drop
// the line, the request goes by without a wrapper or a clock reading.
func logRequests(l *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Enabled(r.Context(), slog.LevelInfo) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		outcome := slog.Int("status", sw.status)
		if sw.hijacked {
			// A held long poll or a WebSocket: the answer is written on
			// the connection later, outside this handler.
			outcome = slog.Bool("hijacked", true)
		}
		l.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			outcome, slog.Duration("took", time.Since(start)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

// Hijack hands the connection over and remembers it did, for the log line.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.hijacked = true
	}
	return c, rw, err
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (WebSocket
// upgrades, flushes).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
