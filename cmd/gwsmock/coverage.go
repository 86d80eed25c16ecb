package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gwsmock/gwsmock/conformance"
)

func runCoverage(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text (a readable table) or markdown (the tables of CONFORMANCE.md)")
	var featurePaths pathsFlag
	fs.Var(&featurePaths, "features", "read the .feature files of this `path` (a file, or a directory searched recursively) instead of the embedded suite; repeat for more; +PATH adds them to the embedded suite")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: gwsmock coverage [flags]

Prints the traceability matrix: every promise of docs/behavior.md (B§.n) and
every Bayeux rule of docs/bayeux.md (C1..C14), with the scenarios that claim
it by a tag (@B4.11, @C6 on the scenario, its examples or its feature), the
promises only @mock scenarios claim, and those that are not server behaviour
(with the Go test that checks them). Then the vocabulary of spec/openapi.yaml
(operationName values, REST operations, interaction states, notification
types, error statuses) that the scenarios mention, and what they never do.
It is generated from the embedded docs and the feature files.

Exit status: 0 every promise is covered; 1 a promise has no scenario (one
line on stderr names them), or a tag that looks like a promise id names
none; 2 a mistake in the flags or the feature files.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "coverage", "unexpected argument %q", fs.Arg(0))
	}
	write := map[string]func(conformance.Coverage, io.Writer) error{
		"text":     conformance.Coverage.WriteText,
		"markdown": conformance.Coverage.WriteMarkdown,
	}[*format]
	if write == nil {
		return usageError(stderr, "coverage", "--format %q: text or markdown", *format)
	}
	suite, err := featureSuite(featurePaths)
	if err != nil {
		return usageError(stderr, "coverage", "--features: %v", err)
	}
	c, err := conformance.BuildCoverage(nil, suite)
	if err != nil {
		return usageError(stderr, "coverage", "%v", err)
	}
	if err := write(c, stdout); err != nil {
		return err
	}
	for _, p := range c.Problems {
		fmt.Fprintf(stderr, "coverage: %s\n", p)
	}
	if ids := c.Uncovered(); len(ids) > 0 {
		verb := "promises have"
		if len(ids) == 1 {
			verb = "promise has"
		}
		fmt.Fprintf(stderr, "coverage: %d %s no scenario: %s\n", len(ids), verb, strings.Join(ids, ", "))
	}
	if len(c.Problems) > 0 || len(c.Uncovered()) > 0 {
		return exitCode(1)
	}
	return nil
}
