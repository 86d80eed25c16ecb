package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"strings"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/features"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		targets, formats listFlag
		targetFile       = fs.String("target-file", "", "JSON `file` mapping the scenario users (alice, bob, carol, dave, admin), queues and workbins to the target's own (see --print-target-file)")
		printTarget      = fs.Bool("print-target-file", false, "print the default mapping (gwsmock's default contact center) as a target file template, and exit")
		tags             = fs.String("tags", "", "run the scenarios this Cucumber tag `expression` selects: @auth, \"@auth or @listing\", \"not @mock and not (@slow or @wip)\"")
		driverOnly       = fs.Bool("driver-only", false, "leave out the @mock scenarios (gwsmock's own policy and control API): for a target that has only the driver contract")
		withoutControl   = fs.Bool("without-control", false, "deprecated: the former name of --driver-only")
		driver           = fs.String("driver", "", "base `URL` of the driver (the driver contract of docs/control-api.md) when it is not the target's own /control/v1; leaves out the @mock scenarios")
		driverCmd        = fs.String("driver-cmd", "", "`command` that carries each driver action: run with sh -c, one JSON action on stdin, one JSON answer on stdout (docs/verifying-an-implementation.md); leaves out the @mock scenarios")
		dryRun           = fs.Bool("dry-run", false, "check the feature files without a target (Gherkin, every step in the vocabulary, every {{variable}} bound) and exit: 0 no problem, 1 problems, one line each")
		concurrency      = fs.Int("concurrency", 0, "scenarios run at once; at most the number of targets (default: the number of targets)")
		controlToken     = fs.String("control-token", "", "bearer `token` of the target's test-control API")
		notifyTimeout    = fs.Duration("notify-timeout", 0, "how long to wait for an expected notification (default 5s)")
		quietWait        = fs.Duration("quiet-wait", 0, "how long \"no notification\" steps watch (default 300ms)")
		transport        = fs.String("transport", "long-polling", "Bayeux transport: long-polling or websocket")
		noColor          = fs.Bool("no-color", false, "no ANSI colors (default: colors only when stdout is a terminal)")
		random           = fs.Int64("random", 0, "shuffle the scenarios of each feature with this `seed` (-1: a random one)")
	)
	var featurePaths pathsFlag
	fs.Var(&featurePaths, "features", "run the .feature files of this `path` (a file, or a directory searched recursively) instead of the embedded suite; repeat for more; +PATH adds them to the embedded suite")
	fs.Var(&targets, "target", "base `URL` of the implementation under test, e.g. http://127.0.0.1:8090; repeat (or separate with commas) to give independent instances that scenarios run on in parallel")
	fs.Var(&formats, "format", "output `format`: pretty, progress, junit:FILE (JUnit XML), html:FILE (one self-contained page), cucumber:FILE (Cucumber JSON), events (repeatable; default pretty)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: gwsmock conform --target URL [flags]

Runs the conformance suite of the Interactions API against an implementation
and reports where it differs from the contract. Before any scenario it
checks that the target answers as a GWS API, that the scenarios' users log
in and that the control API answers when scenarios need it.

Exit status: 0 every scenario passed; 1 a scenario failed, or the target is
broken; 2 a mistake in the flags, the target file or the feature files (a
URL that is not the target's base URL, a wrong password or control token).

Driver scenarios (no tag) use the Interactions API and the driver contract
(docs/control-api.md): the runner cleans up after each one. Scenarios tagged
@mock test gwsmock's own policy and control API and reset the target before
they run; --driver-only leaves them out. The driver is the target's own
/control/v1 unless --driver or --driver-cmd names another (then the @mock
scenarios are left out too). A target runs one scenario at a time.
"gwsmock steps" lists the step vocabulary for writing scenarios.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "conform", "unexpected argument %q", fs.Arg(0))
	}
	if *printTarget {
		_, err := stdout.Write(conformance.DefaultMappingJSON())
		return err
	}
	var mapping *conformance.Mapping
	if *targetFile != "" {
		b, err := os.ReadFile(*targetFile)
		if err != nil {
			return usageError(stderr, "conform", "--target-file: %v", err)
		}
		m, err := conformance.ParseMapping(b)
		if err != nil {
			return usageError(stderr, "conform", "--target-file %s: %v", *targetFile, err)
		}
		mapping = &m
	}
	suite, err := featureSuite(featurePaths)
	if err != nil {
		return usageError(stderr, "conform", "--features: %v", err)
	}
	if *dryRun {
		return dryRunConform(suite, mapping, stdout, stderr)
	}
	if len(targets) == 0 {
		return usageError(stderr, "conform", "--target is required (the base URL of the implementation to test); --dry-run checks the feature files without one")
	}
	o := conformance.Options{
		Targets: targets, Tags: *tags, DriverOnly: *driverOnly || *withoutControl, Formats: formats,
		Driver: *driver, DriverCmd: *driverCmd,
		Output: stdout, Log: stderr, Concurrency: *concurrency, Randomize: *random,
		ControlToken: *controlToken, NotifyTimeout: *notifyTimeout, QuietWait: *quietWait,
		Transport: *transport, NoColors: *noColor || !isTerminal(stdout),
		Mapping: mapping, Features: suite,
	}
	res, err := conformance.Run(ctx, o)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "conform: %s\n", line)
		}
		return exitCode(res.Status)
	}
	if res.Status != conformance.StatusPassed {
		fmt.Fprintf(stderr, "conform: %d of %s did not pass\n", res.Failed, count(res.Scenarios, "scenario"))
		return exitCode(res.Status)
	}
	return nil
}

// dryRunConform checks the feature files without a target: one line per
// problem on stdout, exit status 1 when there is one.
func dryRunConform(suite iofs.FS, mapping *conformance.Mapping, stdout, stderr io.Writer) error {
	res := conformance.Check(suite, mapping)
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, p)
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(stderr, "conform: %s in %s (%s)\n", count(len(res.Problems), "problem"), count(res.Files, "feature file"), count(res.Scenarios, "scenario"))
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "%s, %s: no problem\n", count(res.Files, "feature file"), count(res.Scenarios, "scenario"))
	return nil
}

// count says "1 scenario" or "2 scenarios".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// featureSuite gathers the feature files of --features: nil (the
// embedded suite) when there is none; a path written +PATH adds its files
// to the embedded suite.
func featureSuite(featurePaths pathsFlag) (iofs.FS, error) {
	if len(featurePaths) == 0 {
		return nil, nil
	}
	var base iofs.FS
	paths := make([]string, len(featurePaths))
	for i, p := range featurePaths {
		if rest, ok := strings.CutPrefix(p, "+"); ok {
			base, p = features.FS, rest
		}
		paths[i] = p
	}
	return conformance.FeatureFiles(base, paths...)
}

// pathsFlag collects a repeatable flag of paths, which may hold commas.
type pathsFlag []string

func (p *pathsFlag) String() string { return strings.Join(*p, " ") }

func (p *pathsFlag) Set(s string) error {
	*p = append(*p, s)
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
