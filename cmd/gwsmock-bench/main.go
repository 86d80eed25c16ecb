// Command gwsmock-bench is the bench driver behind `make bench`: it
// measures the performance figures of gwsmock (see package benchreport)
// against the built binary and in-process mocks, and prints them as one
// Markdown table with the machine it ran on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	_ "net/http/pprof" // with --pprof
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/gwsmock/gwsmock/cmd/gwsmock-bench/internal/benchreport"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "gwsmock-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gwsmock-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchreport.Options
	fs.StringVar(&o.Bin, "bin", "bin/gwsmock", "the built gwsmock `binary`")
	fs.IntVar(&o.Reps, "reps", 3, "notification-latency runs per transport, and 2*reps+1 REST pairs (medians are reported)")
	fs.IntVar(&o.Concurrency, "concurrency", 8, "REST load workers, one keep-alive connection each")
	fs.DurationVar(&o.RESTDuration, "rest-duration", time.Second, "length of one REST measurement (bare or mock, in pairs)")
	fs.IntVar(&o.Agents, "agents", 1000, "connected agents of the notification-latency runs")
	fs.Float64Var(&o.Rate, "rate", 500, "operations per second of the notification-latency runs")
	fs.DurationVar(&o.LatencyDuration, "latency-duration", 5*time.Second, "length of one notification-latency run")
	fs.IntVar(&o.Sessions, "sessions", 10000, "idle CometD sessions of the memory figure")
	fs.IntVar(&o.StartupRuns, "startup-runs", 15, "execs of the start-up figure")
	only := fs.String("only", "", "comma-separated figures to measure: startup, rest, wrk, latency, memory, conform (default all)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the bench process (in-process mocks included) to `file`")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this `address` while running")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *only != "" {
		o.Only = strings.Split(*only, ",")
	}
	if !*quiet {
		o.Log = stderr
	}
	if *pprofAddr != "" {
		go func() { _ = http.ListenAndServe(*pprofAddr, nil) }()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	machine := benchreport.Machine()
	start := time.Now()
	rows, err := benchreport.Run(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Machine: %s.\n\n", machine)
	benchreport.WriteTable(stdout, rows)
	fmt.Fprintf(stdout, "\nMeasured by `make bench` (go run ./cmd/gwsmock-bench --bin %s) in %v.\n", o.Bin, time.Since(start).Round(time.Second))
	return nil
}
