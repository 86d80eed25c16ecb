// Package mutantsuite makes the conformance suite the judge of mutation
// testing (make mutants): Run starts a mock built from the code as it is,
// mutants included, and runs the whole embedded suite against it. The
// packages gremlins mutates (contactcenter, push, httpapi) call it from a
// test behind the build tag "mutants", so that their mutants are killed or
// spared by the scenarios alone, not by their own unit tests.
package mutantsuite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/mockserver"
)

// deadline bounds the whole run: a sound mock passes the suite in seconds,
// so a mutant that makes it hang fails here rather than at go test's
// -timeout.
const deadline = 3 * time.Minute

// Run runs every scenario of the embedded suite, the @mock ones included,
// against one in-process mock serving fixtures/pooled.json, mapped by
// conformance/pooled-target.json: the pooled run, the fastest whole run
// (scenarios side by side, each on a free pool of agents). The first
// scenario that does not pass fails t and stops the run, since one
// failure is enough to kill a mutant.
func Run(t testing.TB) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	fx, err := fixtures.Decode(readFile(t, root, "fixtures", "pooled.json"))
	if err != nil {
		t.Fatalf("fixtures/pooled.json: %v", err)
	}
	m, err := conformance.ParseMapping(readFile(t, root, "conformance", "pooled-target.json"))
	if err != nil {
		t.Fatalf("conformance/pooled-target.json: %v", err)
	}
	// A shorter maxInterval, declared in the target file, keeps the
	// session sweep's scenario (@slow) to 5.5 s instead of 16; not
	// shorter, or a busy machine's slow subscribe after the handshake
	// finds its session swept (a false kill).
	srv := &mockserver.Server{Addr: "127.0.0.1:0", Fixture: &fx, CometDMaxInterval: 3 * time.Second}
	m.Modes.MaxInterval = steps.Duration(3 * time.Second)
	if err := srv.Open(); err != nil {
		t.Fatalf("open the mock: %v", err)
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	stop := &stopper{cancel: cancel}
	start := time.Now()
	res, err := conformance.Run(ctx, conformance.Options{
		Targets:  []string{srv.URL()},
		Mapping:  &m,
		Formats:  []string{"pretty"},
		Output:   stop,
		NoColors: true,
		// Twice the default: a mutant is killed by what it changes, not
		// by a busy machine's late notification.
		NotifyTimeout: 10 * time.Second,
	})
	if first := stop.firstFailure(); first != "" {
		t.Fatalf("killed after %v by the first scenario that did not pass:\n%s", time.Since(start).Round(time.Millisecond), first)
	}
	if err != nil {
		t.Fatalf("the suite could not run: %v", err)
	}
	if res.Status != conformance.StatusPassed {
		t.Fatalf("status %d: %d of %d scenarios failed", res.Status, res.Failed, res.Scenarios)
	}
	// Every scenario runs but those of the CSRF and invitation-timeout
	// modes, which need a mock started in them.
	if res.Scenarios+res.ModeLeftOut != res.Total {
		t.Fatalf("%d of %d scenarios ran, %d left out for a mode", res.Scenarios, res.Total, res.ModeLeftOut)
	}
	t.Logf("the %d scenarios passed in %v", res.Scenarios, time.Since(start).Round(time.Millisecond))
}

// moduleRoot is the nearest directory holding go.mod, from the working
// directory up: go test runs a test in its package's directory, and
// gremlins in its copy of the module.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = up
	}
}

// readFile reads the file at path under the module root, or fails t.
func readFile(t testing.TB, root string, path ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{root}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// notPassed finds, in the pretty report of one scenario, a step that did
// not pass ("  [failed]", "  [skipped]", "  [undefined]", ...) or the mark
// of a failure after the steps: a passing scenario's steps carry no mark.
var notPassed = regexp.MustCompile(`(?m)  \[[a-z ]+\]$`)

// stopper receives the pretty report, one scenario per write, and cancels
// the run at the first scenario that did not pass.
type stopper struct {
	cancel context.CancelFunc

	mu sync.Mutex // guards first
	// first is the report of the first scenario that did not pass.
	first bytes.Buffer
}

// Write implements io.Writer.
func (s *stopper) Write(p []byte) (int, error) {
	if !notPassed.Match(p) {
		return len(p), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.Len() == 0 {
		s.first.Write(p)
		s.cancel()
	}
	return len(p), nil
}

// firstFailure is the report of the first scenario that did not pass, or
// "" if every one passed.
func (s *stopper) firstFailure() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first.String()
}
