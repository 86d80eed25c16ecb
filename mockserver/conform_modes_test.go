package mockserver_test

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/features"
	"github.com/gwsmock/gwsmock/mockserver"
	"github.com/gwsmock/gwsmock/mockserver/internal/mutantsuite"
)

// TestConformanceInModes runs the scenarios that need the server started
// in a mode of its own (docs/verifying-an-implementation.md, "Server
// modes") against a mock started in that mode, with a target file that
// says so: the modes of make mutants' judge (mutantsuite.ServerModes: CSRF
// mode, with ordinary scenarios beside, which then carry the token; an
// invitation timeout), and a short maxInterval for the session sweep
// (@slow). Each must run at least want scenarios and pass.
func TestConformanceInModes(t *testing.T) {
	shortMaxInterval := mutantsuite.ServerMode{Name: "short maxInterval", Tag: "@slow", Set: func(srv *mockserver.Server, m *steps.Modes) {
		srv.CometDMaxInterval = 300 * time.Millisecond
		m.MaxInterval = steps.Duration(srv.CometDMaxInterval)
	}}
	tests := []struct {
		mode mutantsuite.ServerMode
		tags string
		want int
	}{
		{mutantsuite.CSRF, "@modes or @accept-reject", 10},
		{mutantsuite.InviteTimeout, mutantsuite.InviteTimeout.Tag, 1},
		{shortMaxInterval, shortMaxInterval.Tag, 1},
	}
	for _, tt := range tests {
		t.Run(tt.mode.Name, func(t *testing.T) {
			t.Parallel()
			srv := &mockserver.Server{Addr: "127.0.0.1:0"}
			m := conformance.DefaultMapping()
			tt.mode.Set(srv, &m.Modes)
			if err := srv.Open(); err != nil {
				t.Fatalf("open mock: %v", err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			var out, log bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 2*safetyNet)
			defer cancel()
			res, err := conformance.Run(ctx, conformance.Options{
				Targets: []string{srv.URL()}, Mapping: &m, Tags: tt.tags,
				Formats: []string{"progress"}, Output: &out, Log: &log, NoColors: true,
				QuietWait: 100 * time.Millisecond,
			})
			mustPass(t, res, err, &out)
			if res.Scenarios < tt.want {
				t.Errorf("%d scenarios ran, want at least %d\n%s", res.Scenarios, tt.want, log.String())
			}
		})
	}
}

// TestModeScenariosLeftOutWithANote: against a mock in its default mode,
// with the default target file, the scenarios of the modes it does not
// run in are left out, and the run says which and why.
func TestModeScenariosLeftOutWithANote(t *testing.T) {
	mock := openMocks(t, 1)[0]
	var out, log bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	// The @modes feature alone, so that Total counts its scenarios.
	b, err := fs.ReadFile(features.FS, "modes.feature")
	if err != nil {
		t.Fatal(err)
	}
	res, err := conformance.Run(ctx, conformance.Options{
		Features: fstest.MapFS{"modes.feature": {Data: b}},
		Targets:  []string{mock}, Tags: "@modes", Formats: []string{"progress"}, Output: &out, Log: &log,
		NoColors: true, QuietWait: 100 * time.Millisecond,
	})
	mustPass(t, res, err, &out)
	// The @modes feature also holds scenarios of the default mode (CORS,
	// @no-invite-timeout): they run; only the three of other modes wait.
	if res.ModeLeftOut != 3 || res.Scenarios+res.ModeLeftOut != res.Total || res.Scenarios < 1 {
		t.Errorf("%d scenarios ran, %d left out for a mode, of %d; want 3 left out (two @csrf, @invite-timeout) and the others run", res.Scenarios, res.ModeLeftOut, res.Total)
	}
	for _, want := range []string{
		"@csrf needs the target in a mode the target file does not declare (2 scenarios)",
		"@invite-timeout needs the target in a mode the target file does not declare (1 scenario)",
		`@csrf: "modes": {"csrf": true}`,
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the run's notes do not say %q:\n%s", want, log.String())
		}
	}
}

// mustPass fails the test unless a run ended without error and every
// scenario passed, listing the failures.
func mustPass(t *testing.T, res conformance.Result, err error, out *bytes.Buffer) {
	t.Helper()
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if res.Status != conformance.StatusPassed {
		for _, f := range res.Failures {
			t.Errorf("%s (%s):%s", f.Scenario, f.URI, f.Message)
		}
		t.Fatalf("status %d: %d of %d scenarios failed", res.Status, res.Failed, res.Scenarios)
	}
}
