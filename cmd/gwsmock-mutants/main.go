// Command gwsmock-mutants sums up the mutation testing of `make mutants`:
// it reads the JSON reports gremlins wrote, one per mutated package, and
// prints how many mutants there were, how many the conformance suite
// killed, the kill rate and every survivor with its source line; it also
// makes the statement mutants gremlins does not, and replays survivors.
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "gwsmock-mutants:", err)
		os.Exit(1)
	}
}

const usage = `usage: gwsmock-mutants report [--json FILE] [--summary FILE] [--tags T] [DIR=REPORT...]
       gwsmock-mutants statements [--dry-run] [--out FILE] [--coverpkg P] [--kinds K,...] [--tags T] [--run RE]
                                  [--timeout D] [--workers N] [--sample KIND=F,...] [--seed S] DIR
       gwsmock-mutants replay [--dry-run] [--only RE] [--json OUT] [--tags T] [--run RE] [--timeout D] [--workers N] SUMMARY

report reads the JSON REPORT gremlins wrote for the package in DIR (the
directory it was run on, relative to the module root) and prints the
figures of all of them together: mutants generated, not covered, killed,
lived, timed out, not viable, the kill rate killed/(killed+lived), and the
survivors. --json writes the mutants of every report to FILE, with their
paths from the module root: the SUMMARY. --summary reads such a FILE
(also one replay wrote) as one more report. gremlins counts a mutant
that does not compile as killed: report (run from the module root) makes
each gremlins mutant counted killed again, type-checks its package (the
files build tags T pick, not the tests) and counts those with an error
as not viable, one line each; one whose place no longer holds its
operator (NOT FOUND: the source changed) stays killed.

statements makes the mutants gremlins does not, in the package in DIR
(run from the module root): a statement that emits an event or hands on a
notification deleted (EVENT_DROPPED), two of them in a row swapped
(EVENTS_REORDERED), an if's body or else emptied (BRANCH_REMOVED), an
integer literal plus one or true and false swapped (CONSTANT_CHANGED).
It runs the tests once with coverage, then, for each mutant they reach,
go test -overlay (the tree is never modified) with the build tags T and
-run RE, N at once, and writes the outcome in gremlins' JSON format to
FILE. --sample judges only the share F of a kind's mutants, picked by a
hash of their place and the seed S (the same seed, the same mutants); the
others are SKIPPED, outside the kill rate.

replay judges again, with the tests as they are now, the survivors
(LIVED) of a SUMMARY that report --json wrote, those whose
"path:line:col KIND" matches --only RE if given (run from the module root,
on the source the run mutated). It makes each mutant again (gremlins'
token table, or the statements generator) and judges it as statements
does, after one run of its package's tests without a mutant (they must
pass; ten times its time is the limit unless --timeout D), then prints
each verdict, how many survivors are now killed and the new kill rate.
--json writes SUMMARY with the new verdicts, counts and kill rate to OUT
(OUT may be SUMMARY: the next replay then judges only what still lives;
report --summary OUT prints the whole report). --dry-run prints each
survivor's changed lines, original (-) and mutated (+), and runs nothing.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return errors.New("no command")
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "report":
		return report(args[1:], stdout, stderr)
	case "statements":
		return statements(ctx, args[1:], stdout, stderr)
	case "replay":
		return replay(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
