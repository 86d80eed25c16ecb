package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/mockserver"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr          = fs.String("addr", "127.0.0.1:8090", "listen address")
		fixture       = fs.String("fixture", "", "state document (JSON) to start from; default: the embedded default contact center")
		csrf          = fs.Bool("csrf", false, "require the X-CSRF-TOKEN header on POST/PUT/DELETE, handed out on every GET")
		inviteTimeout = fs.Duration("invite-timeout", 0, "revoke an offer not answered within this time and route again (0: never)")
		controlToken  = fs.String("control-token", "", "require Authorization: Bearer <token> on /control/v1")
		origins       = fs.String("origins", "", "comma-separated CORS origins, globs allowed (default: http://localhost:* and http://127.0.0.1:*)")
		publicURL     = fs.String("public-url", "", "scheme://host:port used in absolute uris (default: the listen address)")
		logLevel      = fs.String("log-level", "info", "log level: debug, info, warn, error")
		logFormat     = fs.String("log-format", "text", "log format: text or json")
		stateFile     = fs.String("state-file", "", "keep the state in this JSON file: read at start when it exists (it wins over --fixture), written atomically shortly after every change and at shutdown")
		stateInterval = fs.Duration("state-interval", mockserver.DefaultStateInterval, "how long changes gather before --state-file is written")
		maxInterval   = fs.Duration("max-interval", bayeux.DefaultMaxInterval, "how long a CometD session may go without a connect before it is swept (docs/bayeux.md C8)")
		maxSessions   = fs.Int("max-sessions-per-user", bayeux.DefaultMaxSessionsPerPrincipal, "CometD sessions one user may hold at once; more handshakes are refused (negative: no limit)")
		journalSize   = fs.Int("journal-size", mockserver.DefaultJournalSize, "entries the journal (/control/v1/journal) keeps")
		journalBytes  = fs.Int64("journal-bytes", mockserver.DefaultJournalBytes, "bytes of bodies and payloads the journal keeps")
		retain        = fs.Int("retain-completed", mockserver.DefaultRetainCompleted, "completed interactions that stay readable (0: none)")
		simulate      = fs.Bool("simulate", false, "bring the contact center to life: customers arrive (emails, chats, workitems), chat customers write and leave, and every agent no CometD session is open for goes Ready, accepts offers, answers chats and finishes after a while; each action is logged at info")
		simulateRate  = fs.String("simulate-rate", mockserver.DefaultSimulationRates, "customers arriving per channel, comma-separated CHANNEL=N/UNIT with UNIT s, m or h; channels not named keep their default, 0 turns one off; implies --simulate")
		simulateSeed  = fs.Int64("simulate-seed", 0, "seed of the simulation: the same seed plays the same arrivals, texts and delays (0: from the clock, logged at start); implies --simulate")
	)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: gwsmock serve [flags]\n\nRuns the mock Interactions API (/api/v2), its CometD notifications and the\ntest-control API (/control/v1) on one listener.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "serve", "unexpected argument %q", fs.Arg(0))
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError(stderr, "serve", "--log-level %q: use debug, info, warn or error", *logLevel)
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	case "json":
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	default:
		return usageError(stderr, "serve", "--log-format %q: use text or json", *logFormat)
	}
	logger := slog.New(handler)

	if *journalSize <= 0 || *journalBytes <= 0 {
		return usageError(stderr, "serve", "--journal-size and --journal-bytes must be positive")
	}
	if *retain <= 0 {
		*retain = -1 // the flag's 0 means none; the field's 0 means the default
	}
	if *maxSessions == 0 {
		return usageError(stderr, "serve", "--max-sessions-per-user 0 would refuse every CometD handshake; use a positive number, or a negative one for no limit")
	}
	srv := &mockserver.Server{
		Addr: *addr, CSRF: *csrf, InviteTimeout: *inviteTimeout, ControlToken: *controlToken,
		PublicURL: *publicURL, Logger: logger, Version: version,
		StateFile: *stateFile, StateInterval: *stateInterval, MaxCometDSessionsPerUser: *maxSessions, CometDMaxInterval: *maxInterval,
		JournalSize: *journalSize, JournalBytes: *journalBytes, RetainCompleted: *retain,
	}
	if *origins != "" {
		for _, o := range strings.Split(*origins, ",") {
			srv.AllowedOrigins = append(srv.AllowedOrigins, strings.TrimSpace(o))
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *simulate || set["simulate-rate"] || set["simulate-seed"] {
		rates, err := mockserver.ParseSimulationRates(*simulateRate)
		if err != nil {
			return usageError(stderr, "serve", "--simulate-rate: %v", err)
		}
		srv.Simulate = &mockserver.Simulation{Rates: rates, Seed: *simulateSeed}
	}
	if *fixture != "" {
		b, err := os.ReadFile(*fixture)
		if err != nil {
			return usageError(stderr, "serve", "--fixture: %v", err)
		}
		snap, err := fixtures.Decode(b)
		if err != nil {
			return usageError(stderr, "serve", "--fixture %s: %v", *fixture, err)
		}
		srv.Fixture = &snap
	}
	if err := srv.Open(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("gwsmock serving", "url", srv.URL(), "api", srv.URL()+"/api/v2", "control", srv.URL()+"/control/v1", "version", version)
	fmt.Fprintf(stdout, "gwsmock %s listening on %s\n", version, srv.URL())
	<-ctx.Done()
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
