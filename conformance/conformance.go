// Package conformance runs the conformance suite of the Interactions API
// against any implementation, on godog as a library: the Gherkin scenarios
// of package features (or a directory on disk), the step library of
// conformance/steps, and a Bayeux client of its own for the CometD
// notifications. Every response is validated against spec/openapi.yaml or
// spec/control.yaml and every notification against its schema; a mismatch
// names the scenario, the step, the JSON path, expected and actual, and
// shows a unified diff of canonical JSON.
//
// # Two kinds of scenario
//
// Driver scenarios (no tag) use only the Interactions API and the driver
// contract (docs/control-api.md C1.1): they set up what they need and,
// after they end (also after a failure), the runner cleans up: it stops
// every interaction they created through the driver and restores their
// users' readiness and contact-center sessions. They never need a reset.
// Scenarios tagged @mock test gwsmock's own policy or control API (see
// docs/behavior.md B8.2): the runner resets the target
// (POST /control/v1/reset) before each of them. The tag @control is
// retired: --tags naming it is refused with a note on what replaced it.
//
// # Isolation
//
// Every scenario assumes that nobody else uses its agents while it runs:
// routing picks agents by their load, so two scenarios with the same
// agents would see each other's interactions. So a run hands out lanes: a
// lane is a target and one group of its agents, the target file's pools
// (Mapping.Pools) or, without pools, the one mapping. A driver scenario
// takes one free lane for its whole run, so scenarios run side by side on
// one target, one per pool, and on several targets (independent
// instances). A @mock scenario resets its target, so it takes a whole
// target: it waits until nothing runs there (no driver scenario starts
// there meanwhile), runs alone on the first pool, and resets the target
// again after, so that no later scenario sees what it left. When several
// scenarios run at once, the @mock ones wait for every driver scenario to
// end, so that the lanes stay busy. Concurrency defaults to the number of
// lanes.
//
// The package sees an implementation only through URLs, the specs and raw
// JSON: it never imports the mock.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/features"
	"github.com/gwsmock/gwsmock/spec"
)

// Exit statuses of a run, as godog and the gwsmock command use them.
const (
	StatusPassed = 0 // every scenario passed
	StatusFailed = 1 // a scenario failed, or the target could not be used
	StatusUsage  = 2 // the options are wrong
)

// MockTag marks the scenarios of gwsmock's own policy and control API
// beyond the driver contract.
const MockTag = "@mock"

// retiredControlTag is the tag @mock replaced; --tags naming it is refused
// with migrationNote.
const retiredControlTag = "@control"

// migrationNote says what replaced @control
// (docs/verifying-an-implementation.md, "What @mock means").
const migrationNote = "@control was retired: driver scenarios need no tag; gwsmock's own policy is @mock (use `not @mock` for what --without-control left)"

// isMock reports whether a scenario with these tags is a @mock scenario.
// A scenario still tagged @control (a feature file written before the tag
// was retired) counts as @mock, the safe reading: it may rely on a reset.
// The run says so (controlNote).
func isMock(tags []string) bool {
	return slices.Contains(tags, MockTag) || slices.Contains(tags, retiredControlTag)
}

// controlNote names the feature files that still carry the retired tag
// @control, with the migration note; "" when none does.
func controlNote(files []featureFile) string {
	var names []string
	for _, f := range files {
		for _, p := range f.pickles {
			if slices.Contains(pickleTags(p), retiredControlTag) {
				names = append(names, f.uri)
				break
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: their scenarios run as @mock (reset before, no driver); %s", strings.Join(names, ", "), migrationNote)
}

// Options configure a run. Targets is required.
type Options struct {
	// Targets are the base URLs (scheme://host[:port]) of the
	// implementation under test: one, or several independent instances to
	// run scenarios in parallel (see Isolation).
	Targets []string
	// Mapping maps scenario users, queues and workbins to the target's;
	// nil means DefaultMapping.
	Mapping *Mapping
	// Features holds the .feature files (searched recursively); nil means
	// the embedded suite, features.FS.
	Features fs.FS
	// Tags selects scenarios with a Cucumber tag expression: "@auth",
	// "@auth or @listing", "@mock and not (@slow or @wip)". godog's
	// older form ("@auth,@listing" for or, "@mock && ~@slow" for and,
	// not) is rewritten into it. An expression naming the retired tag
	// @control is refused.
	Tags string
	// DriverOnly leaves out the @mock scenarios, for a target without
	// gwsmock's own control API: only the driver contract is used.
	DriverOnly bool
	// Driver is the base URL of the driver (the driver contract,
	// docs/control-api.md C1.1) when it is not the target's own
	// /control/v1: its paths /control/v1/... are appended to it. DriverCmd
	// is a command that carries each action instead (its protocol:
	// docs/verifying-an-implementation.md).
	// Either leaves out the @mock scenarios, which need gwsmock's own
	// control API.
	Driver, DriverCmd string
	// WithoutControl is the former name of DriverOnly.
	//
	// Deprecated: use DriverOnly.
	WithoutControl bool
	// Formats are the reports to write: pretty, progress, junit, html,
	// cucumber, events (see Formats); "name:FILE" writes that format to a
	// file. Default: pretty.
	Formats []string
	// Output receives the formats that name no file; nil means os.Stdout.
	Output io.Writer
	// Log receives the runner's own notes (a user id it could not
	// learn); nil discards them. A green run writes none.
	Log io.Writer
	// NoColors turns off ANSI colors in the output.
	NoColors bool
	// Concurrency is how many scenarios run at once; default and maximum:
	// len(Targets).
	Concurrency int
	// Randomize shuffles the scenarios of each feature with this seed
	// (-1: a random seed); 0 keeps their order.
	Randomize int64
	// ControlToken is the bearer token of the test-control API, if the
	// target requires one.
	ControlToken string
	// NotifyTimeout bounds the wait for an expected notification (default
	// 5s); QuietWait is how long "no notification" steps watch (default
	// 300ms).
	NotifyTimeout, QuietWait time.Duration
	// Transport is the Bayeux transport: "long-polling" (default) or
	// "websocket".
	Transport string
	// API and Control are the specs to judge by; nil means the embedded
	// spec/openapi.yaml and spec/control.yaml.
	API, Control *openapi3.T

	tags           tagExpr // Tags and DriverOnly, parsed by validate
	defaultMapping bool    // Mapping was nil: the default users
}

// Result is the outcome of a run.
type Result struct {
	// Status is StatusPassed, StatusFailed or StatusUsage.
	Status int
	// Scenarios counts the scenarios run; Failed those that failed; Total
	// the scenarios of the feature files, those left out included.
	Scenarios, Failed, Total int
	// ModeLeftOut counts the scenarios left out because they need the
	// target in a mode the target file does not declare (Mapping.Modes).
	ModeLeftOut int
	// Failures describes each failed scenario, in the order they ended.
	Failures []Failure
}

// Failure is one failed scenario.
type Failure struct {
	Scenario string // its name
	URI      string // its feature file
	Message  string // what went wrong, as the report shows it
}

// UsageError is an error in the Options.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usage(format string, a ...any) error {
	return &UsageError{fmt.Sprintf(format, a...)}
}

// Formats are the names of the output formats, sorted.
func Formats() []string {
	out := slices.Collect(maps.Keys(ownFormats))
	out = append(out, godogFormats...)
	sort.Strings(out)
	return out
}

// Run runs the suite. The error is a *UsageError for wrong options, a
// *FeatureError for a feature file that is not Gherkin (both Status
// StatusUsage), or says why the target could not be used (StatusFailed);
// failed scenarios are not errors, they are in the Result.
func Run(ctx context.Context, o Options) (Result, error) {
	o, err := o.validate()
	if err != nil {
		return Result{Status: StatusUsage}, err
	}
	files, err := loadFeatures(o.Features)
	if err != nil {
		return Result{Status: StatusUsage}, err
	}
	filter, n, err := o.tags.selectScenarios(files)
	if err != nil {
		return Result{Status: StatusUsage, Total: scenarioCount(files)}, err
	}
	note := o.tags.leftOut(files, n)
	if note := controlNote(files); note != "" {
		fmt.Fprintln(o.Log, note)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	cfgs, err := prepare(ctx, o, tr, needsOf(files, o.tags.match, o.Mapping.Users))
	var ue *UsageError
	switch {
	case errors.As(err, &ue):
		return Result{Status: StatusUsage}, err
	case err != nil:
		return Result{Status: StatusFailed}, err
	}
	res, err := runSuite(ctx, o, cfgs, files, filter)
	res.Total = scenarioCount(files)
	res.ModeLeftOut = o.tags.modeLeftOut(files)
	if note != "" && res.Scenarios > 0 {
		// Only a run that ran scenarios can be mistaken for the whole suite.
		fmt.Fprintln(o.Log, note)
	}
	return res, err
}

// validate checks o and returns it with the defaults filled in: Targets
// without a trailing slash, Concurrency, Formats, Features, Mapping (a copy
// of its own, which learning ids may change), Output and Log, and the
// parsed Tags and DriverOnly. Its error is a *UsageError.
func (o Options) validate() (Options, error) {
	if len(o.Targets) == 0 {
		return o, usage("no target: give the base URL of the implementation to test")
	}
	targets := make([]string, len(o.Targets))
	for i, t := range o.Targets {
		t = strings.TrimSuffix(t, "/")
		if !strings.HasPrefix(t, "http://") && !strings.HasPrefix(t, "https://") {
			return o, usage("target %q: want an http:// or https:// base URL", t)
		}
		if err := checkBaseURL(t); err != nil {
			return o, err
		}
		targets[i] = t
	}
	o.Targets = targets
	groups := 1
	if o.Mapping != nil && len(o.Mapping.Pools) > 0 {
		groups = len(o.Mapping.Pools)
	}
	lanes := len(targets) * groups
	if o.Concurrency == 0 {
		o.Concurrency = lanes
	}
	if o.Concurrency < 1 || o.Concurrency > lanes {
		return o, usage("concurrency %d: scenarios on one target run one at a time on each pool of agents (see Isolation), so it must be between 1 and the number of targets times the number of pools (%d)", o.Concurrency, lanes)
	}
	if len(o.Formats) == 0 {
		o.Formats = []string{"pretty"}
	}
	known := Formats()
	for _, f := range o.Formats {
		name, _, _ := strings.Cut(f, ":")
		if !slices.Contains(known, name) {
			return o, usage("format %q: use one of %s, optionally as NAME:FILE", f, strings.Join(known, ", "))
		}
	}
	switch o.Transport {
	case "", "long-polling", "websocket":
	default:
		return o, usage("transport %q: use long-polling or websocket", o.Transport)
	}
	if o.Features == nil {
		o.Features = features.FS
	}
	tags, err := parseTags(o.Tags)
	if err != nil {
		return o, usage("--tags: %v", err)
	}
	if slices.Contains(tags.tags, retiredControlTag) {
		return o, usage("--tags %q: %s", o.Tags, migrationNote)
	}
	switch {
	case o.Driver != "" && o.DriverCmd != "":
		return o, usage("--driver and --driver-cmd: give one driver")
	case o.Driver != "":
		o.Driver = strings.TrimSuffix(o.Driver, "/")
		if u, err := url.Parse(o.Driver); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return o, usage("--driver %q: want the driver's http:// or https:// base URL (its paths /control/v1/... are appended)", o.Driver)
		}
		tags.withoutMock = "--driver"
	case o.DriverCmd != "":
		tags.withoutMock = "--driver-cmd"
	}
	if o.DriverOnly || o.WithoutControl {
		tags.withoutMock = "--driver-only"
	}
	mapping := DefaultMapping()
	o.defaultMapping = o.Mapping == nil
	if o.Mapping != nil {
		mapping = o.Mapping.clone()
	}
	o.Mapping = &mapping
	tags.offModes = offModes(mapping.Modes)
	o.tags = tags
	if o.Output == nil {
		o.Output = os.Stdout
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o, nil
}

// prepare loads the specs and checks, before any scenario, that every
// target can give the selected scenarios what they need (see preflight),
// learning the user ids the mapping leaves out: the step configuration of
// a run over tr, one for each group of agents (see Mapping.Pools).
func prepare(ctx context.Context, o Options, tr *http.Transport, n needs) ([]*steps.Config, error) {
	api, control := o.API, o.Control
	var err error
	if api == nil {
		if api, err = spec.Load(); err != nil {
			return nil, err
		}
	}
	if control == nil {
		if control, err = spec.LoadControl(); err != nil {
			return nil, err
		}
	}
	contract, err := steps.NewContract(api, control)
	if err != nil {
		return nil, err
	}
	driver := newDriver(o, tr)
	var cfgs []*steps.Config
	for _, g := range o.Mapping.groups() {
		og := o
		og.Mapping = &g
		if err := preflight(ctx, &http.Client{Transport: tr}, og, n, driver); err != nil {
			return nil, err
		}
		cfgs = append(cfgs, &steps.Config{
			Driver: driver,
			Users:  g.Users, Queues: g.Queues, Workbins: g.Workbins,
			Contract: contract, ControlToken: o.ControlToken,
			NotifyTimeout: o.NotifyTimeout, QuietWait: o.QuietWait, Transport: o.Transport,
			HTTP: tr, Modes: o.Mapping.Modes,
		})
	}
	return cfgs, nil
}

// countKinds counts the @mock and the driver scenarios of files that
// match selects.
func countKinds(files []featureFile, match func([]string) bool) (mocks, drivers int) {
	for _, f := range files {
		for _, p := range f.pickles {
			switch tags := pickleTags(p); {
			case !match(tags):
			case isMock(tags):
				mocks++
			default:
				drivers++
			}
		}
	}
	return mocks, drivers
}

// runSuite runs the scenarios of o on godog, each on a lane (a target and
// a group of its agents, with the group's configuration among cfgs) it
// leases for its duration; filter is godog's tag filter for the scenarios o.Tags
// selects among files.
func runSuite(ctx context.Context, o Options, cfgs []*steps.Config, files []featureFile, filter string) (Result, error) {
	out, err := openOutputs(o)
	if err != nil {
		return Result{Status: StatusUsage}, err
	}
	defer out.close()
	lanes := newLanes(o.Targets, cfgs, o.Concurrency)
	godogConcurrency := o.Concurrency
	if o.Concurrency > 1 {
		// The @mock scenarios wait for the driver scenarios (see lanes),
		// each in a godog slot of its own, so that the waiting ones never
		// hold every slot.
		mocks, drivers := countKinds(files, o.tags.match)
		lanes.drivers = drivers
		godogConcurrency += mocks
	}
	rec := newRecorder(files, out.writers)
	words := userWords(o.Mapping.Users)
	suite := godog.TestSuite{
		Name: "gwsmock conformance",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			w := steps.NewWorld(cfgs[0])
			steps.Register(sc, w)
			var (
				got  lease
				held bool
				mock bool
			)
			begin := func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
				mock = isMock(pickleTags(s))
				var err error
				if got, err = lanes.acquire(ctx, mock); err != nil {
					return ctx, err
				}
				held = true
				ln := got.lane()
				sc := steps.Scenario{Name: s.Name, URI: s.Uri, Mock: mock, Users: namedUsers(s, words), Config: ln.cfg}
				if err := w.Begin(ctx, ln.target, sc); err != nil {
					return ctx, err
				}
				if mock {
					return ctx, w.Reset(ctx)
				}
				return ctx, nil
			}
			end := func(_ *godog.Scenario, stepErr error) error {
				endErr := w.End(stepErr != nil)
				if held && mock {
					// A @mock scenario leaves the target as it was: the
					// driver scenarios after it never see its leftovers.
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					if err := w.Reset(ctx); err != nil && endErr == nil {
						endErr = err
					}
					cancel()
				}
				if held {
					lanes.release(got, mock)
					held = false
				}
				return endErr
			}
			rec.hooks(sc, begin, end)
		},
		Options: &godog.Options{
			Format:         out.godogFormat,
			Output:         out.godogOutput,
			NoColors:       o.NoColors,
			Tags:           filter,
			Concurrency:    godogConcurrency,
			Randomize:      out.seed,
			Paths:          []string{"."},
			FS:             o.Features,
			Strict:         true,
			DefaultContext: ctx,
		},
	}
	status := suite.Run()
	res := Result{Status: status}
	for _, sc := range rec.close() {
		res.Scenarios++
		if sc.Status == passed {
			continue
		}
		res.Failed++
		msg := sc.failureMessage
		if msg == "" {
			msg = "the scenario is " + sc.Status
		}
		res.Failures = append(res.Failures, Failure{Scenario: sc.Name, URI: sc.URI, Message: msg})
	}
	switch {
	case status == StatusUsage:
		return res, &UsageError{"godog refused the options or the features (see its message above)"}
	case res.Scenarios == 0:
		res.Status = StatusFailed
		return res, errors.New("no scenario ran")
	case res.Failed > 0:
		res.Status = StatusFailed
	}
	return res, nil
}
