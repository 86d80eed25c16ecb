// Package mockserver composes the gwsmock test double: the contact center,
// the REST API (httpapi), the CometD notifications (push) and the
// test-control API (control) behind one HTTP listener. Set the fields, call
// Open, use URL, Close.
package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/jsonvalid"
	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/control"
	"github.com/gwsmock/gwsmock/mockserver/faults"
	"github.com/gwsmock/gwsmock/mockserver/httpapi"
	"github.com/gwsmock/gwsmock/mockserver/journal"
	"github.com/gwsmock/gwsmock/mockserver/push"
	"github.com/gwsmock/gwsmock/mockserver/statefile"
	"github.com/gwsmock/gwsmock/mockserver/wire"
	"github.com/gwsmock/gwsmock/spec"
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
// httptest call Init and Handler.
func (s *Server) Init() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initLocked()
}

func (s *Server) initLocked() error {
	if s.handler != nil {
		return nil
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	snap := fixtures.Default()
	if s.Fixture != nil {
		snap = *s.Fixture
	}
	newID := s.NewID
	if newID == nil {
		newID = contactcenter.NewIDSource(now().UnixNano())
	}
	s.journal = journal.NewSized(s.JournalSize, s.JournalBytes, now)
	s.baseURL = strings.TrimSuffix(s.PublicURL, "/")
	baseURL := func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.baseURL
	}
	sinks := &fanout{}
	initial, fromFile := snap, false
	var saver *statefile.Saver
	onChange := func() {}
	if s.StateFile != "" {
		fileSnap, found, err := statefile.Load(s.StateFile)
		if err != nil {
			return err
		}
		if found {
			initial, fromFile = fileSnap, true
		}
		saver = statefile.NewSaver(s.StateFile, s.StateInterval, logger)
		onChange = saver.Changed
	}
	center, err := contactcenter.New(contactcenter.Config{
		Now: now, NewID: newID, Sink: sinks, InviteTimeout: s.InviteTimeout,
		RetainCompleted: s.RetainCompleted, OnChange: onChange,
	}, initial)
	if err != nil {
		if fromFile {
			return fmt.Errorf("state file %s is refused, nothing was loaded: %w (fix the file, or move it away to start from the fixture)", s.StateFile, err)
		}
		return fmt.Errorf("load contact center: %w", err)
	}
	s.center = center
	// The push bridge encodes each event once and shows it to the journal
	// before delivering it.
	journalNotification := func(e contactcenter.Event, n wire.Notification) {
		user := e.UserName
		if user == "" {
			user = e.UserID
		}
		s.journal.Add(journal.Entry{Kind: journal.Notification, User: user, Channel: n.Channel, Data: n.Data})
	}

	var apiValidator, controlValidator *specvalidate.Validator
	if !s.SkipValidation {
		v, err := loadValidators()
		if err != nil {
			return err
		}
		apiValidator, controlValidator = v.api, v.control
	}
	sessions := httpapi.NewSessions(0)
	auth := &httpapi.Authenticator{Center: center, Sessions: sessions}
	api := httpapi.New(httpapi.Config{
		Center: center, Auth: auth, Validator: apiValidator, BaseURL: baseURL,
		CSRF: s.CSRF, MaxBodyBytes: s.MaxBodyBytes,
		Observe: func(ex httpapi.Exchange) {
			kind := journal.Response
			if ex.Status == 0 {
				kind = journal.Request
			}
			s.journal.Add(journal.Entry{Kind: kind, User: ex.User, Method: ex.Method, Path: ex.Path, Status: ex.Status, Data: jsonOrNil(ex.Body)})
		},
	})
	version := s.Version
	if version == "" {
		version = "dev"
	}
	s.bayeux = &bayeux.Server{
		// The handshake is authenticated like a REST request: Basic or the
		// session cookie. The session belongs to that user for life.
		Authenticate: func(r *http.Request, m *bayeux.Message) (string, error) {
			u, _, ok := auth.Identify(r)
			if !ok {
				return "", errors.New("403::Handshake denied: send HTTP Basic credentials of a user or the JSESSIONID cookie")
			}
			return u.ID, nil
		},
		// Only Basic credentials prove who sent a later message: the Node
		// CometD adapter shares one cookie jar between its instances.
		Identify: func(r *http.Request) (string, bool) {
			if _, _, has := r.BasicAuth(); !has {
				return "", false
			}
			u, fromCookie, ok := auth.Identify(r)
			return u.ID, ok && !fromCookie
		},
		CanSubscribe:            push.CanSubscribe,
		CanPublish:              push.CanPublish,
		OriginPatterns:          originHosts(s.AllowedOrigins),
		Timeout:                 s.LongPollTimeout,
		MaxQueue:                s.MaxCometDQueue,
		MaxSessionsPerPrincipal: s.MaxCometDSessionsPerUser,
		Now:                     now,
		Logger:                  logger,
	}
	injector := faults.New(s.bayeux)
	bridge := &push.Bridge{Out: injector, BaseURL: baseURL, Logger: logger, Observe: journalNotification}
	ctl := control.New(control.Config{
		Center: center, Journal: s.journal, Fixtures: s.Fixtures, Default: snap,
		Token: s.ControlToken, BaseURL: baseURL, Version: version, Validator: controlValidator,
		Faults: injector,
	})
	sinks.add(bridge.Publish)

	mux := http.NewServeMux()
	mux.Handle(NotificationsPath, s.bayeux)
	mux.Handle(NotificationsPath+"/", s.bayeux)
	mux.Handle(wire.APIPrefix+"/", api)
	mux.Handle(control.Prefix+"/", ctl)
	s.handler = logRequests(logger, httpapi.CORS(s.AllowedOrigins, injector.Middleware(mux)))
	if saver != nil { // last: nothing fails after the saver runs
		// A new file is written at once: a path that cannot be written
		// fails now, not at the first change.
		// A file loaded holds version 0, the center's state at New.
		var saved uint64
		if !fromFile {
			snap, v := center.VersionedSnapshot()
			if err := statefile.Write(s.StateFile, snap); err != nil {
				s.handler = nil
				return err
			}
			saved = v
		}
		saver.Start(center.VersionedSnapshot, saved)
		s.saver = saver
		logger.Info("state file", "path", s.StateFile, "loaded", fromFile)
	}
	return nil
}

type validators struct{ api, control *specvalidate.Validator }

// loadValidators loads and checks both specs once per process: the
// documents are only read after loading, and loading validates every
// example, which is worth doing once, not per server.
var loadValidators = sync.OnceValues(func() (validators, error) {
	doc, err := spec.Load()
	if err != nil {
		return validators{}, fmt.Errorf("load spec: %w", err)
	}
	api, err := specvalidate.New(doc)
	if err != nil {
		return validators{}, err
	}
	cdoc, err := spec.LoadControl()
	if err != nil {
		return validators{}, fmt.Errorf("load control spec: %w", err)
	}
	ctl, err := specvalidate.New(cdoc)
	if err != nil {
		return validators{}, err
	}
	return validators{api, ctl}, nil
})

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

// NotificationsPath is the Bayeux (CometD) endpoint.
const NotificationsPath = wire.APIPrefix + "/notifications"

// fanout hands events to several sinks, in order.
type fanout struct {
	sinks []func([]contactcenter.Event)
}

func (f *fanout) add(fn func([]contactcenter.Event)) { f.sinks = append(f.sinks, fn) }

// Publish implements contactcenter.Sink.
func (f *fanout) Publish(events []contactcenter.Event) {
	for _, fn := range f.sinks {
		fn(events)
	}
}

// jsonOrNil is what the journal records of a body (control.yaml
// JournalEntry.data): the JSON itself, the text as a JSON string when it is
// not valid JSON, nothing when it is empty. Recording invalid JSON as it is
// would make GET /control/v1/journal fail to encode.
func jsonOrNil(b []byte) []byte {
	t := bytes.TrimSpace(b) // not a string: no copy of every body
	if len(t) == 0 {
		return nil
	}
	if (t[0] == '{' || t[0] == '[') && jsonvalid.Valid(t) { // json.Valid, 4x faster: every body passes here
		return b
	}
	s, err := json.Marshal(string(b))
	if err != nil {
		return nil
	}
	return s
}

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

// Open builds the server and starts listening and serving.
func (s *Server) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("mockserver: already open")
	}
	if err := s.initLocked(); err != nil {
		return err
	}
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	s.ln = ln
	s.baseURL = s.PublicURL
	if s.baseURL == "" {
		s.baseURL = "http://" + ln.Addr().String()
	}
	s.baseURL = strings.TrimSuffix(s.baseURL, "/")
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

// URL returns the server's base URL (scheme://host:port).
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

// logRequests writes one structured line per request.
func logRequests(l *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		l.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
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
