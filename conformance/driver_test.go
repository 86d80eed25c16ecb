package conformance_test

import (
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gwsmock/gwsmock/conformance"
)

// exampleDriver is the path of examples/driver/gwsmock-driver.sh.
func exampleDriver(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "examples", "driver", "gwsmock-driver.sh")
}

// driverFeature is a driver scenario and a @mock one.
var driverFeature = fstest.MapFS{"d.feature": {Data: []byte(`Feature: D
  Scenario: Created through the driver
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "agent": "alice"}
      """
    Then the response status is 201
    And the response matches:
      """
      {"id": "{{capture:it}}"}
      """

  @mock
  Scenario: Reset
    When control sends GET /control/v1/health
    Then the response status is 200
`)}}

func TestDriver(t *testing.T) {
	tests := []struct {
		name     string
		o        func(target, driver string) conformance.Options
		status   int
		wantErr  string   // in the error of Run
		wantOut  string   // in the report
		wantLog  []string // the fake's log (the driver's target, or the target)
		wantNote string   // in Log
	}{
		{
			name: "the target's own /control/v1 runs both kinds",
			o:    func(target, _ string) conformance.Options { return conformance.Options{Targets: []string{target}} },
			wantLog: []string{
				"POST /control/v1/interactions/0000000000000001/stop", "POST /control/v1/reset", "POST /control/v1/reset",
			},
		},
		{
			name: "--driver URL",
			o: func(target, driver string) conformance.Options {
				return conformance.Options{Targets: []string{target}, Driver: driver + "/"}
			},
			wantLog:  []string{"POST /control/v1/interactions/0000000000000001/stop"},
			wantNote: "left out 1 of 2 scenarios: @mock needs gwsmock's own control API (1 scenario, left out by --driver)",
		},
		{
			name: "--driver-cmd with the example driver",
			o: func(_, driver string) conformance.Options {
				return conformance.Options{Targets: []string{driver}, DriverCmd: "sh " + exampleDriver(t)}
			},
			wantLog:  []string{"POST /control/v1/interactions/0000000000000001/stop"},
			wantNote: "left out 1 of 2 scenarios: @mock needs gwsmock's own control API (1 scenario, left out by --driver-cmd)",
		},
		{
			name: "a driver command that fails",
			o: func(target, _ string) conformance.Options {
				return conformance.Options{Targets: []string{target}, DriverCmd: "echo no such driver >&2; exit 3"}
			},
			status: conformance.StatusUsage, wantErr: `--driver-cmd "echo no such driver >&2; exit 3" cannot be used: --driver-cmd "echo no such driver >&2; exit 3", for GET /control/v1/health: exit status 3; its stderr: no such driver`,
		},
		{
			name: "a driver command that answers no JSON",
			o: func(target, _ string) conformance.Options {
				return conformance.Options{Targets: []string{target}, DriverCmd: "echo OK"}
			},
			status: conformance.StatusUsage, wantErr: `its stdout is not one JSON answer {"status":N,"body":...}`,
		},
		{
			name: "both drivers",
			o: func(target, driver string) conformance.Options {
				return conformance.Options{Targets: []string{target}, Driver: driver, DriverCmd: "true"}
			},
			status: conformance.StatusUsage, wantErr: "--driver and --driver-cmd: give one driver",
		},
		{
			name: "driver only",
			o: func(target, _ string) conformance.Options {
				return conformance.Options{Targets: []string{target}, DriverOnly: true}
			},
			wantLog:  []string{"POST /control/v1/interactions/0000000000000001/stop"},
			wantNote: "left out 1 of 2 scenarios: @mock needs gwsmock's own control API (1 scenario, left out by --driver-only); this run is not the whole suite",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, driver := newDriverFake(t), newDriverFake(t)
			o := tt.o(target.URL, driver.URL)
			o.Features = driverFeature
			var log strings.Builder
			o.Log = &log
			res, out, err := run(t, o)
			if res.Status != tt.status {
				t.Errorf("status %d, want %d: %v\n%s", res.Status, tt.status, err, out)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Run: %v\nwant an error containing %s", err, tt.wantErr)
				}
				return
			}
			logged := fakeLog(o.Targets[0])
			if o.Driver != "" {
				logged = fakeLog(driver.URL)
			}
			if !slices.Equal(logged, tt.wantLog) {
				t.Errorf("the driver's requests:\n got %q\nwant %q", logged, tt.wantLog)
			}
			if !strings.Contains(log.String(), tt.wantNote) || (tt.wantNote == "") != (log.Len() == 0) {
				t.Errorf("Log = %q, want %q", log.String(), tt.wantNote)
			}
		})
	}
}

// TestOutsideTheDriverContract: a driver scenario that sends a control
// request beyond the driver contract fails, naming it.
func TestOutsideTheDriverContract(t *testing.T) {
	target := newDriverFake(t)
	fsys := fstest.MapFS{"j.feature": {Data: []byte("Feature: J\n  Scenario: S\n    When control sends POST /control/v1/reset\n")}}
	res, out, err := run(t, conformance.Options{Targets: []string{target.URL}, Features: fsys})
	if err != nil || res.Failed != 1 {
		t.Fatalf("Run: %v, %d failed\n%s", err, res.Failed, out)
	}
	if want := "POST /control/v1/reset is not in the driver contract: tag the scenario @mock"; !strings.Contains(res.Failures[0].Message, want) {
		t.Errorf("failure %q, want it to contain %q", res.Failures[0].Message, want)
	}
}
