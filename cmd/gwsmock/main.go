// Command gwsmock is the Genesys Web Services Interactions API test double
// and conformance suite. Subcommands: serve, conform, steps, coverage, load,
// version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(status(err, os.Stderr))
}

// status is the exit status for Run's error. An exitCode has been
// explained already; any other error is printed on stderr.
func status(err error, stderr io.Writer) int {
	var ec exitCode
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ec):
		return int(ec)
	}
	fmt.Fprintln(stderr, "gwsmock:", err)
	return 1
}

// exitCode is an error that asks for a particular exit status, once the
// command has said why on stderr.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `gwsmock: a test double and conformance suite for the GWS API v2 Interactions API.

Usage:
  gwsmock serve [flags]     run the mock server (see gwsmock serve --help)
  gwsmock conform --target URL
                            run the conformance suite against an implementation
  gwsmock steps             print the step vocabulary of the scenarios
  gwsmock coverage          print which scenarios assert each promise of the contract
  gwsmock load --target URL simulate agents against an implementation and measure it
  gwsmock version           print the version (also: gwsmock --version, -v)

Run "gwsmock <command> --help" for a command's flags.
`

// Run runs one subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "conform":
		return runConform(ctx, args[1:], stdout, stderr)
	case "steps":
		return runSteps(ctx, args[1:], stdout, stderr)
	case "coverage":
		return runCoverage(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version", "-v":
		fmt.Fprintln(stdout, "gwsmock", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError(stderr, "gwsmock", "unknown command %q; \"gwsmock help\" lists the commands", args[0])
}

// parseFlags parses a subcommand's flags. --help prints the subcommand's
// usage and answers flag.ErrHelp (exit 0); any other flag error is one
// line on the flag set's output that points to --help, and exit status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	}
	return usageError(out, fs.Name(), "%v; \"gwsmock %s --help\" lists the flags", err, fs.Name())
}

// usageError says on stderr, in one line naming the subcommand, what is
// wrong with how it was called, and asks for exit status 2.
func usageError(stderr io.Writer, command, format string, a ...any) error {
	fmt.Fprintf(stderr, command+": "+format+"\n", a...)
	return exitCode(2)
}
