// Package mutantsuite makes the conformance suite the judge of mutation
// testing (make mutants): Run starts mocks built from the code as it is,
// mutants included, and runs the whole embedded suite against them. The
// packages gremlins mutates (contactcenter, push, httpapi) call it from a
// test behind the build tag "mutants", so that their mutants are killed or
// spared by the scenarios alone, not by their own unit tests. It also
// holds ServerModes, the modes of the mock some scenarios need, which the
// mock's own TestConformanceInModes runs in too.
package mutantsuite

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/features"
	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/mockserver"
	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/spec"
)

// deadline bounds the whole run: a sound mock passes the suite in seconds,
// so a mutant that makes it hang fails here rather than at go test's
// -timeout.
const deadline = 3 * time.Minute

// A ServerMode is a mode the mock starts in that the scenarios tagged with
// its Tag need (docs/verifying-an-implementation.md, "Server modes";
// features/modes.feature): a run in the default modes leaves them out.
type ServerMode struct {
	// Name names the mode in test names and messages.
	Name string
	// Tag marks the scenarios that need the mode.
	Tag string
	// Set starts srv in the mode and declares it in the target file's
	// modes m, as a target file for a server started so would.
	Set func(srv *mockserver.Server, m *steps.Modes)
}

// The server modes: CSRF mode (B2.5) and an invitation timeout (B5.6).
var (
	CSRF = ServerMode{"CSRF", "@csrf", func(srv *mockserver.Server, m *steps.Modes) {
		srv.CSRF = true
		m.CSRF = true
	}}
	InviteTimeout = ServerMode{"invitation timeout", "@invite-timeout", func(srv *mockserver.Server, m *steps.Modes) {
		srv.InviteTimeout = 1500 * time.Millisecond
		m.InviteTimeout = steps.Duration(srv.InviteTimeout)
	}}
)

// ServerModes are the modes whose scenarios a run in the default modes
// leaves out.
var ServerModes = []ServerMode{CSRF, InviteTimeout}

// Run runs every scenario of the embedded suite, the @mock ones included,
// against in-process mocks serving fixtures/pooled.json, mapped by
// conformance/pooled-target.json: the pooled run, the fastest whole run
// (scenarios side by side, each on a free pool of agents). First one mock
// in the default modes runs every scenario but those of ServerModes; then,
// one mode after the other, a fresh mock started in the mode runs the
// scenarios tagged with its Tag. The first scenario that does not pass
// fails t and stops the run, since one failure is enough to kill a
// mutant; so does the end of the deadline (one for all the runs), and
// runs that together did not run every scenario of the suite once.
func Run(t testing.TB) {
	t.Helper()
	fx, m := Pooled(t)
	// Loaded once, not by each run: loading checks every example of the
	// specs.
	api, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	control, err := spec.LoadControl()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	j := judge{t: t, ctx: ctx, fx: fx, m: m, api: api, control: control, start: start}
	res := j.run(ServerMode{Name: "default modes"})
	ran := res.Scenarios
	for _, mode := range ServerModes {
		ran += j.run(mode).Scenarios
	}
	// Every scenario runs once: those of the modes in their mode's run,
	// the others in the default modes.
	if ran != res.Total {
		t.Fatalf("%d of %d scenarios ran (%d in the default modes, %d left out there for a mode)", ran, res.Total, res.Scenarios, res.ModeLeftOut)
	}
	t.Logf("the %d scenarios passed in %v", ran, time.Since(start).Round(time.Millisecond))
}

// Pooled reads the pooled run's contact center, fixtures/pooled.json,
// and its target file, conformance/pooled-target.json, or fails t.
func Pooled(t testing.TB) (contactcenter.Snapshot, conformance.Mapping) {
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
	return fx, m
}

// judge runs the suite, or part of it, against one fresh mock at a time.
type judge struct {
	t   testing.TB
	ctx context.Context // ends at the deadline of the whole run
	fx  contactcenter.Snapshot
	m   conformance.Mapping
	// api and control are the specs of every run.
	api, control *openapi3.T
	start        time.Time
}

// run starts a mock in mode (the default modes when mode.Set is nil), runs
// the scenarios tagged mode.Tag (all when "") against it and fails j.t at
// the first that does not pass.
func (j judge) run(mode ServerMode) conformance.Result {
	t := j.t
	t.Helper()
	fx, m := j.fx, j.m
	var files fs.FS
	if mode.Tag != "" {
		// Only the files that name the tag: the runner's godog filter
		// that picks a few scenarios out of every file costs seconds.
		var err error
		if files, err = filesNaming(features.FS, mode.Tag); err != nil {
			t.Fatal(err)
		}
	}
	// A shorter maxInterval, declared in the target file, keeps the
	// session sweep's scenario (@slow) to 5.5 s instead of 16; not
	// shorter, or a busy machine's slow subscribe after the handshake
	// finds its session swept (a false kill).
	srv := &mockserver.Server{Addr: "127.0.0.1:0", Fixture: &fx, CometDMaxInterval: 3 * time.Second}
	m.Modes.MaxInterval = steps.Duration(3 * time.Second)
	if mode.Set != nil {
		mode.Set(srv, &m.Modes)
	}
	if err := srv.Open(); err != nil {
		t.Fatalf("open the mock (%s): %v", mode.Name, err)
	}
	defer srv.Close()

	ctx, cancel := context.WithCancel(j.ctx)
	defer cancel()
	stop := &stopper{cancel: cancel}
	began := time.Now()
	res, err := conformance.Run(ctx, conformance.Options{
		Targets:  []string{srv.URL()},
		Mapping:  &m,
		API:      j.api,
		Control:  j.control,
		Features: files,
		Tags:     mode.Tag,
		Formats:  []string{"pretty"},
		Output:   stop,
		NoColors: true,
		// Twice the default: a mutant is killed by what it changes, not
		// by a busy machine's late notification.
		NotifyTimeout: 10 * time.Second,
	})
	if first := stop.firstFailure(); first != "" {
		t.Fatalf("killed after %v (%s) by the first scenario that did not pass:\n%s", time.Since(j.start).Round(time.Millisecond), mode.Name, first)
	}
	if err != nil {
		t.Fatalf("the suite could not run (%s): %v", mode.Name, err)
	}
	if res.Status != conformance.StatusPassed {
		t.Fatalf("status %d (%s): %d of %d scenarios failed", res.Status, mode.Name, res.Failed, res.Scenarios)
	}
	t.Logf("%s: every scenario passed (%d) in %v", mode.Name, res.Scenarios, time.Since(began).Round(time.Millisecond))
	return res
}

// filesNaming returns the .feature files of fsys whose text names tag,
// at the root of a file system of their own.
func filesNaming(fsys fs.FS, tag string) (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(tag)) {
			out[path] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	return out, err
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
