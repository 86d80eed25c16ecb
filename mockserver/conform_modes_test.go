package mockserver_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/mockserver"
)

// TestConformanceInModes runs the scenarios that need the server started
// in a mode of its own (docs/verifying-an-implementation.md, "Server
// modes") against a mock started in that mode, with a target file that
// says so: CSRF mode (with ordinary scenarios beside, which then carry the
// token), an invitation timeout, and a short maxInterval for the session
// sweep (@slow). Each must run at least want scenarios and pass.
func TestConformanceInModes(t *testing.T) {
	tests := []struct {
		name  string
		srv   func() *mockserver.Server
		modes steps.Modes
		tags  string
		want  int
	}{
		{"CSRF", func() *mockserver.Server { return &mockserver.Server{CSRF: true} }, steps.Modes{CSRF: true}, "@modes or @accept-reject", 10},
		{"invitation timeout", func() *mockserver.Server { return &mockserver.Server{InviteTimeout: 1500 * time.Millisecond} },
			steps.Modes{InviteTimeout: steps.Duration(1500 * time.Millisecond)}, "@invite-timeout", 1},
		{"short maxInterval", func() *mockserver.Server { return &mockserver.Server{CometDMaxInterval: 300 * time.Millisecond} },
			steps.Modes{MaxInterval: steps.Duration(300 * time.Millisecond)}, "@slow", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := tt.srv()
			srv.Addr = "127.0.0.1:0"
			if err := srv.Open(); err != nil {
				t.Fatalf("open mock: %v", err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			m := conformance.DefaultMapping()
			m.Modes = tt.modes
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
	res, err := conformance.Run(ctx, conformance.Options{
		Targets: []string{mock}, Tags: "@modes", Formats: []string{"progress"}, Output: &out, Log: &log,
		NoColors: true, QuietWait: 100 * time.Millisecond,
	})
	mustPass(t, res, err, &out)
	if res.Scenarios != 3 || res.ModeLeftOut != 3 {
		t.Errorf("%d scenarios ran, %d left out for a mode; want 3 (the two CORS ones and @no-invite-timeout) and 3 (two @csrf, @invite-timeout)", res.Scenarios, res.ModeLeftOut)
	}
	for _, want := range []string{
		"@csrf needs the target in a mode the target file does not declare (2 scenarios)",
		"@invite-timeout needs the target in a mode the target file does not declare (1 scenarios)",
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
