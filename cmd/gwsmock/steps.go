package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

func runSteps(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("steps", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: gwsmock steps

Prints the step vocabulary of the conformance suite: every generic step
with what it does and an example, then every domain step with an example and
the generic steps it means. It is generated from the registered steps.
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "steps", "unexpected argument %q", fs.Arg(0))
	}
	return steps.WriteCatalog(stdout)
}
