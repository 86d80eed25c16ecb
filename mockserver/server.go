// Package mockserver composes the gwsmock test double: the contact center,
// the REST API (httpapi), the CometD notifications (push) and the
// test-control API (control) behind one HTTP listener. Set the fields, call
// Open, use URL, Close.
package mockserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/journal"
	"github.com/gwsmock/gwsmock/mockserver/statefile"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// Server is the mock. The zero value serves the embedded default contact
// center on 127.0.0.1 at a free port.
type Server struct {
	Addr           string                  // listen address; "" = 127.0.0.1:0
	Fixture        *contactcenter.Snapshot // nil: the embedded default
	Fixtures       fs.FS                   // named fixtures for /control/v1/reset; nil: the embedded ones
	Now            func() time.Time        // nil: time.Now
	NewID          func() string           // interaction ids; nil: seeded from the clock
	CSRF           bool
	InviteTimeout  time.Duration
	ControlToken   string
	AllowedOrigins []string // CORS; nil: httpapi.DefaultOrigins
	PublicURL      string   // scheme://host of absolute uris; "": the listener's URL
	MaxBodyBytes   int64
	JournalSize    int
	Logger         *slog.Logger // nil: discard
	Version        string
	// SkipValidation turns off request validation against the spec.
	SkipValidation bool
	// LongPollTimeout is how long a CometD /meta/connect is held (0: 30 s).
	LongPollTimeout time.Duration
	// MaxCometDQueue bounds the messages waiting for one CometD session (0: the bayeux default).
	MaxCometDQueue int
	// MaxCometDSessionsPerUser bounds the CometD sessions one user holds at
	// once (0: bayeux.DefaultMaxSessionsPerPrincipal, negative: no bound).
	MaxCometDSessionsPerUser int
	// JournalBytes bounds the data the journal keeps (0: journal.DefaultMaxBytes);
	// JournalSize bounds its entries.
	JournalBytes int64
	// RetainCompleted is how many completed interactions stay readable
	// (0: contactcenter.DefaultRetainCompleted, negative: none).
	RetainCompleted int
	// StateFile, when set, keeps the state in that file: read at Init when
	// it exists (it then wins over Fixture, which stays the target of
	// /control/v1/reset), written shortly after every change and at
	// Shutdown. A file that is not a valid state document fails Init.
	StateFile string
	// StateInterval is how long changes gather before the state file is
	// written (0: statefile.DefaultInterval).
	StateInterval time.Duration

	mu sync.Mutex
	// guards everything below
	center  *contactcenter.Center
	journal *journal.Journal
	bayeux  *bayeux.Server
	handler http.Handler
	ln      net.Listener
	srv     *http.Server
	saver   *statefile.Saver
	baseURL string
	closed  bool
	serveWG sync.WaitGroup
}

// Init builds the handler without listening; Open calls it. Tests that use
// httptest call Init and Handler, with PublicURL set to the test server's
// URL. A second call does nothing.
func (s *Server) Init() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handler != nil {
		return nil
	}
	return s.buildLocked(strings.TrimSuffix(s.PublicURL, "/"))
}

// NotificationsPath is the Bayeux (CometD) endpoint.
const NotificationsPath = wire.APIPrefix + "/notifications"

// Handler returns the composed handler; Init or Open must have run.
func (s *Server) Handler() http.Handler {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handler
}

// Center returns the contact center, for tests that inspect it.
func (s *Server) Center() *contactcenter.Center {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.center
}

// CometDSessions counts the open CometD sessions.
func (s *Server) CometDSessions() int {
	s.mu.Lock()
	bay := s.bayeux
	s.mu.Unlock()
	if bay == nil {
		return 0
	}
	return bay.Sessions()
}

// Open listens, builds the server for the listener's URL (or PublicURL)
// unless Init did, and starts serving.
func (s *Server) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("mockserver: already open")
	}
	if s.handler != nil && s.baseURL == "" {
		return errors.New("mockserver: Open after Init needs PublicURL: the handler Init built does not know the listener's URL")
	}
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	if s.handler == nil {
		baseURL := cmp.Or(s.PublicURL, "http://"+ln.Addr().String())
		if err := s.buildLocked(strings.TrimSuffix(baseURL, "/")); err != nil {
			_ = ln.Close()
			return err
		}
	}
	s.ln = ln
	// A held CometD connect sets its own deadlines (hold + 10 s), so these
	// bound everything else: a slow sender, a slow reader.
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	s.serveWG.Add(1)
	go func() {
		defer s.serveWG.Done()
		_ = s.srv.Serve(ln)
	}()
	return nil
}

// URL returns the server's base URL (scheme://host:port): PublicURL, or
// the listener's once Open has run; "" after Init without PublicURL.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close is Shutdown without a deadline of the caller's: requests in flight
// get up to 5 s. Idempotent.
func (s *Server) Close() error {
	return s.Shutdown(context.Background())
}

// Shutdown stops accepting, waits for requests in flight until ctx ends, and
// is idempotent.
func (s *Server) Shutdown(ctx context.Context) (err error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv, bay, saver := s.srv, s.bayeux, s.saver
	s.mu.Unlock()
	// Answer held long polls and close sockets first: http.Server.Shutdown
	// waits for active requests and does not know hijacked connections.
	if bay != nil {
		_ = bay.Close()
	}
	// The state file is written last, after the requests in flight.
	if saver != nil {
		defer func() {
			if serr := saver.Close(); serr != nil && err == nil {
				err = serr
			}
		}()
	}
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	s.serveWG.Wait()
	return err
}
