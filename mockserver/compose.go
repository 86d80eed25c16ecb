package mockserver

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/mockserver/console"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/control"
	"github.com/gwsmock/gwsmock/mockserver/faults"
	"github.com/gwsmock/gwsmock/mockserver/httpapi"
	"github.com/gwsmock/gwsmock/mockserver/journal"
	"github.com/gwsmock/gwsmock/mockserver/push"
	"github.com/gwsmock/gwsmock/mockserver/simulate"
	"github.com/gwsmock/gwsmock/mockserver/wire"
	"github.com/gwsmock/gwsmock/spec"
)

// unlistenedURL is the base of absolute uris when Init runs without
// PublicURL: nothing listens yet, so no address is known.
const unlistenedURL = "http://127.0.0.1"

// buildLocked composes the server from its fields: the contact center and
// its state file, the journal, the REST, CometD and control APIs, fault
// injection and the middleware around them. baseURL is the scheme://host
// clients reach the server at ("": not known, see unlistenedURL); every
// adapter gets it as a plain value. On error nothing is set on s. s.mu is
// held.
func (s *Server) buildLocked(baseURL string) error {
	d := s.defaults()
	st, err := loadState(s.StateFile, s.StateInterval, d.fixture, d.logger)
	if err != nil {
		return err
	}
	sinks := &fanout{}
	// The event streams of the control API look again after every journal
	// entry (the journal's OnAdd) and every change of state (some changes
	// make no entry).
	events := control.NewEvents()
	saveChange := st.onChange()
	center, err := contactcenter.New(contactcenter.Config{
		Now: d.now, NewID: d.newID, Sink: sinks, InviteTimeout: s.InviteTimeout,
		RetainCompleted: s.RetainCompleted, OnChange: func() { saveChange(); events.Notify() },
	}, st.initial)
	if err != nil {
		return st.refused(err)
	}
	j := journal.NewSized(s.JournalSize, s.JournalBytes, d.now)
	j.OnAdd = events.Notify
	var v validators
	if !s.SkipValidation {
		if v, err = loadValidators(); err != nil {
			return err
		}
	}
	uriBase := cmp.Or(baseURL, unlistenedURL)
	auth := &httpapi.Authenticator{Center: center, Sessions: httpapi.NewSessions(0)}
	api := httpapi.New(httpapi.Config{
		Center: center, Auth: auth, Validator: v.api, BaseURL: uriBase,
		CSRF: s.CSRF, MaxBodyBytes: s.MaxBodyBytes, Observe: journalExchanges(j), Logger: d.logger,
	})
	bay := s.newBayeux(auth, d)
	injector := faults.New(bay)
	// The push bridge encodes each event once and shows it to the journal
	// before delivering it.
	bridge := &push.Bridge{Out: injector, BaseURL: uriBase, Logger: d.logger, Observe: journalNotifications(j)}
	sinks.add(bridge.Publish)
	ctl := control.New(control.Config{
		Center: center, Journal: j, Fixtures: s.Fixtures, Default: d.fixture,
		Token: s.ControlToken, BaseURL: uriBase, Version: d.version, Validator: v.control,
		Faults: injector, Events: events,
	})
	handler := middleware(d.logger, s.AllowedOrigins, injector, routes(bay, api, ctl))
	var sim *simulate.Simulator
	if s.Simulate != nil {
		sim, err = simulate.New(simulate.Config{
			Options: *s.Simulate, Center: center, Now: d.now, Logger: d.logger,
			Online: func(userID string) bool { return bay.SessionsOf(userID) > 0 },
		})
		if err != nil {
			return err
		}
		sinks.add(sim.Publish)
	}
	if err := st.start(center, d.logger); err != nil { // last: nothing fails after the saver runs
		return err
	}
	if sim != nil {
		sim.Start()
	}
	s.center, s.journal, s.bayeux, s.saver, s.events, s.sim = center, j, bay, st.saver, events, sim
	s.handler, s.baseURL = handler, baseURL
	return nil
}

// defaults are the Server's optional fields with their defaults filled in.
type defaults struct {
	now     func() time.Time
	newID   func() string
	logger  *slog.Logger
	fixture contactcenter.Snapshot // what the center starts from and /control/v1/reset returns to
	version string
}

func (s *Server) defaults() defaults {
	d := defaults{now: s.Now, newID: s.NewID, logger: s.Logger, fixture: fixtures.Default(), version: s.Version}
	if d.now == nil {
		d.now = time.Now
	}
	if d.newID == nil {
		d.newID = contactcenter.NewIDSource(d.now().UnixNano())
	}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	if s.Fixture != nil {
		d.fixture = *s.Fixture
	}
	if d.version == "" {
		d.version = "dev"
	}
	return d
}

// newBayeux is the CometD server of the notifications.
func (s *Server) newBayeux(auth *httpapi.Authenticator, d defaults) *bayeux.Server {
	return &bayeux.Server{
		// The handshake is authenticated like a REST request: Basic or the
		// session cookie. The session belongs to that user for life.
		Authenticate: func(r *http.Request, m *bayeux.Message) (string, error) {
			u, _, ok := auth.Identify(r)
			if !ok {
				return "", errors.New("403::Handshake denied: send HTTP Basic credentials of a user or the JSESSIONID cookie")
			}
			return u.ID, nil
		},
		// Later messages are bound to the session's user: Basic credentials
		// must be that user's, a cookie of another user may only poll (the
		// rule of bayeux.Server.Identify), an unknown cookie proves nothing.
		Identify: func(r *http.Request) (string, bayeux.Proof) {
			_, _, basic := r.BasicAuth()
			u, fromCookie, ok := auth.Identify(r)
			switch {
			case basic && !ok:
				return "", bayeux.ProofInvalid
			case !ok:
				return "", bayeux.ProofNone
			case fromCookie:
				return u.ID, bayeux.ProofCookie
			}
			return u.ID, bayeux.ProofCredentials
		},
		CanSubscribe:            push.CanSubscribe,
		CanPublish:              push.CanPublish,
		OriginPatterns:          originHosts(s.AllowedOrigins),
		Timeout:                 s.LongPollTimeout,
		MaxInterval:             s.CometDMaxInterval,
		MaxQueue:                s.MaxCometDQueue,
		MaxSessionsPerPrincipal: s.MaxCometDSessionsPerUser,
		Now:                     d.now,
		Logger:                  d.logger,
	}
}

// routes mounts the CometD endpoint, the Interactions API, the control
// API and the browser console on their paths; "/" leads to the console.
func routes(bay *bayeux.Server, api *httpapi.API, ctl *control.API) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(NotificationsPath, bay)
	mux.Handle(NotificationsPath+"/", bay)
	mux.Handle(wire.APIPrefix+"/", api)
	mux.Handle(control.Prefix+"/", ctl)
	mux.Handle(console.Prefix, console.Handler())
	mux.Handle("GET /{$}", http.RedirectHandler(console.Prefix, http.StatusFound))
	return mux
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
