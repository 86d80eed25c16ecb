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
	"github.com/gwsmock/gwsmock/mockserver/control"
	"github.com/gwsmock/gwsmock/mockserver/journal"
	"github.com/gwsmock/gwsmock/mockserver/simulate"
	"github.com/gwsmock/gwsmock/mockserver/statefile"
	"github.com/gwsmock/gwsmock/mockserver/wire"
)

// Server is the mock. The zero value serves the embedded default contact
// center on 127.0.0.1 at a free port.
//
// The exported fields configure it. Each is read once, when Init or Open
// builds the server (Addr when Open listens); changing a field afterwards
// has no effect.
type Server struct {
	// Addr is the address Open listens on, host:port. Default
	// "127.0.0.1:0": the loopback interface, a free port.
	Addr string
	// PublicURL is the scheme://host[:port] written into absolute uris (the
	// interactions' "uri", the control API's answers) and returned by URL;
	// a trailing "/" is dropped. Set it when clients reach the server
	// through another address than the listener's, and with Init, which
	// does not listen. Default: after Open, the listener's URL with Addr's
	// host as given ("localhost" stays a name; 127.0.0.1 when Addr names no
	// host or an unspecified one) and the port bound; after Init alone,
	// uris start with "http://127.0.0.1" and URL returns "".
	PublicURL string

	// Fixture is the contact center the server starts from (unless
	// StateFile holds one) and the one POST /control/v1/reset without a
	// name returns to. Default: the embedded default fixture.
	Fixture *contactcenter.Snapshot
	// Fixtures holds the named fixtures POST /control/v1/reset may name.
	// Default: the embedded ones (package fixtures).
	Fixtures fs.FS
	// StateFile, when set, keeps the state in that file: read at Init when
	// it exists (it then wins over Fixture, which stays the target of
	// /control/v1/reset), written shortly after every change and at
	// Shutdown. A file that is not a valid state document fails Init.
	// Default "": the state lives in memory only.
	StateFile string
	// StateInterval is how long changes gather before the state file is
	// written. Default statefile.DefaultInterval.
	StateInterval time.Duration
	// RetainCompleted is how many completed interactions stay readable, the
	// oldest dropped first. Default contactcenter.DefaultRetainCompleted;
	// negative: none.
	RetainCompleted int
	// InviteTimeout revokes an offer that is still open after this long.
	// Default 0: offers never time out.
	InviteTimeout time.Duration
	// Now is the clock of the contact center, the journal and the CometD
	// session sweeping; it is called concurrently. Default time.Now.
	Now func() time.Time
	// NewID makes interaction ids, 16 characters [0-9A-Za-z]; an id already
	// in use is skipped. Default: contactcenter.NewIDSource seeded from Now.
	NewID func() string

	// CSRF makes the Interactions API require the X-CSRF-TOKEN header,
	// handed out on GET answers, on every other method. Default false.
	CSRF bool
	// MaxBodyBytes bounds an Interactions API request body; a larger one
	// gets 413. Default (0 or negative) httpapi.DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// AllowedOrigins are the browser origins CORS allows, path.Match globs
	// such as "http://localhost:*" ("*": any); CometD WebSocket upgrades
	// are held to the same hosts. Default httpapi.DefaultOrigins.
	AllowedOrigins []string
	// SkipValidation turns off the validation of requests against
	// spec/openapi.yaml and spec/control.yaml. Default false: requests are
	// validated.
	SkipValidation bool

	// LongPollTimeout is how long a CometD /meta/connect is held. Default
	// bayeux.DefaultTimeout.
	LongPollTimeout time.Duration
	// CometDMaxInterval is how long a CometD session may go without a
	// connect before it is swept (docs/bayeux.md C8). Default
	// bayeux.DefaultMaxInterval.
	CometDMaxInterval time.Duration
	// MaxCometDQueue bounds the messages waiting for one CometD session.
	// Default bayeux.DefaultMaxQueue.
	MaxCometDQueue int
	// MaxCometDSessionsPerUser bounds the CometD sessions one user holds at
	// once. Default bayeux.DefaultMaxSessionsPerPrincipal; negative: no
	// bound.
	MaxCometDSessionsPerUser int

	// ControlToken, when set, must come as "Authorization: Bearer <token>"
	// on every /control/v1 request. Default "": the control API is open.
	ControlToken string
	// JournalSize bounds the entries the journal keeps, the oldest dropped
	// first. Default journal.DefaultSize.
	JournalSize int
	// JournalBytes bounds the data (bodies, payloads, paths) the journal
	// keeps. Default journal.DefaultMaxBytes.
	JournalBytes int64
	// Version is the version GET /control/v1/health reports. Default "dev".
	Version string
	// Simulate, when set, brings the contact center to life (package
	// mockserver/simulate): customers arrive at its rates, chat customers
	// write and leave, and the agents no CometD session is open for go
	// Ready, accept, answer and finish their work. Stopped by Shutdown.
	// Default nil: nothing happens that no client asked for.
	Simulate *Simulation

	// Logger receives one line per request at Info, why each refused
	// Interactions API request was not authenticated (Info), and the events
	// of the state file, the CometD server and the push bridge. Default:
	// discard.
	Logger *slog.Logger

	mu sync.Mutex
	// guards everything below
	center  *contactcenter.Center
	journal *journal.Journal
	bayeux  *bayeux.Server
	handler http.Handler
	ln      net.Listener
	srv     *http.Server
	saver   *statefile.Saver
	events  *control.Events
	sim     *simulate.Simulator
	baseURL string
	closed  bool
	serveWG sync.WaitGroup
}

// Init builds the server without listening (Open builds it when Init did
// not). Tests that use httptest call Init and Handler, with PublicURL set to
// the test server's URL. A second call does nothing.
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
		baseURL := cmp.Or(s.PublicURL, listenURL(addr, ln.Addr()))
		if err := s.buildLocked(strings.TrimSuffix(baseURL, "/")); err != nil {
			_ = ln.Close()
			return err
		}
	}
	// Held CometD long polls leave net/http while they wait and come back
	// through this listener (bayeux.Listener).
	bl := bayeux.NewListener(ln)
	s.ln = bl
	// A held CometD connect sets its own deadlines (hold + 10 s), so these
	// bound everything else: a slow sender, a slow reader.
	s.srv = &http.Server{
		Handler:           s.handler,
		ConnContext:       bl.ConnContext,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	s.serveWG.Add(1)
	go func() {
		defer s.serveWG.Done()
		_ = s.srv.Serve(bl)
	}()
	return nil
}

// listenURL is the URL of a listener on addr bound at bound: addr's host as
// the user gave it, so that the URLs printed and written into uris are the
// ones the user chose (a browser keeps cookies per host name); 127.0.0.1
// for none or an unspecified address (all interfaces); the port bound,
// which differs from addr's for ":0".
func listenURL(addr string, bound net.Addr) string {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	_, port, err := net.SplitHostPort(bound.String())
	if err != nil {
		return "http://" + bound.String()
	}
	return "http://" + net.JoinHostPort(host, port)
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
	srv, bay, saver, events, sim := s.srv, s.bayeux, s.saver, s.events, s.sim
	s.mu.Unlock()
	// The simulation first: once the sessions are gone it would take
	// every agent for its own.
	if sim != nil {
		sim.Stop()
	}
	// Event streams never end by themselves: end them before waiting.
	if events != nil {
		events.Close()
	}
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

// Defaults of the Server fields that take a number, for commands that show
// them in their help: commands reach the mock only through this package.
const (
	DefaultStateInterval   = statefile.DefaultInterval
	DefaultJournalSize     = journal.DefaultSize
	DefaultJournalBytes    = journal.DefaultMaxBytes
	DefaultRetainCompleted = contactcenter.DefaultRetainCompleted
)

// Snapshot is a whole contact center as one value (a fixture, the state
// document): the type of Server.Fixture, named here so that commands
// reach the domain only through this package.
type Snapshot = contactcenter.Snapshot

// Simulation configures Server.Simulate: the arrival rates and the seed.
type Simulation = simulate.Options

// ParseSimulationRates reads per-channel arrival rates such as
// "email=2/m,chat=1/m,workitem=0.5/m" for Simulation.Rates; channels it
// does not name keep their default (DefaultSimulationRates).
func ParseSimulationRates(s string) (simulate.Rates, error) { return simulate.ParseRates(s) }

// DefaultSimulationRates are the arrival rates of a Simulation that names
// none, as ParseSimulationRates reads them.
var DefaultSimulationRates = simulate.DefaultRates().String()
