package mockserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/bayeux"
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
