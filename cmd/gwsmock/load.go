package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gwsmock/gwsmock/loadgen"
)

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		target        = fs.String("target", "", "base `URL` of the implementation to load, e.g. http://127.0.0.1:8090")
		agents        = fs.String("agents", "", "comma-separated `userName:password` list of the agents (default: alice, bob, carol and dave of gwsmock's default contact center)")
		pattern       = fs.String("agent-pattern", "", "userName `pattern` with a number verb, e.g. agent%04d; with --count and --password-pattern")
		passPattern   = fs.String("password-pattern", "", "password `pattern`, e.g. pw%04d (default: the same as --agent-pattern)")
		count         = fs.Int("count", 0, "number of agents made from --agent-pattern")
		first         = fs.Int("first", 1, "number of the first agent made from --agent-pattern")
		targetFile    = fs.String("target-file", "", "conformance target `file` (see gwsmock conform --print-target-file): its users but admin are the agents")
		rate          = fs.Float64("rate", 100, "operations per second to aim at (a flow is 6 operations)")
		duration      = fs.Duration("duration", 10e9, "how long to measure")
		warmup        = fs.Duration("warmup", 1e9, "flows run before measuring, checked but not measured")
		transport     = fs.String("transport", "long-polling", "CometD transport: long-polling or websocket")
		channel       = fs.String("channel", "email", "media channel of the interactions: email, chat or workitem")
		controlToken  = fs.String("control-token", "", "bearer `token` of the target's test-control API")
		notifyTimeout = fs.Duration("notify-timeout", 5e9, "a message later than this after its operation counts as lost")
		concurrency   = fs.Int("connect-concurrency", 32, "agents logging in at once")
		quiet         = fs.Bool("quiet", false, "no progress lines on stderr")
	)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: gwsmock load --target URL [flags]

Simulates agents against an implementation of the Interactions API: they log
in, open CometD sessions and work on interactions that the test-control API
(/control/v1) offers them: accept, update properties, transfer to another
agent, who accepts and stops. Prints a Markdown table: operations/s, HTTP
latency, notification latency (from the operation's request to the message
at the agent), messages lost or out of order, errors. Exit status 1 when a
message was lost, duplicated or out of order, or an operation failed.

Agents: --agents, or --agent-pattern with --count, or --target-file.
For a gwsmock with many agents, write a fixture (fixtures/schema.json) and
start it with gwsmock serve --fixture.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	usageErr := func(format string, a ...any) error { return usageError(stderr, "load", format, a...) }
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *target == "" {
		return usageErr("--target is required (the base URL of the implementation to load)")
	}
	switch *transport {
	case "long-polling", "websocket":
	default:
		return usageErr("--transport %q: use long-polling or websocket", *transport)
	}
	switch *channel {
	case "email", "chat", "workitem":
	default:
		return usageErr("--channel %q: use email, chat or workitem", *channel)
	}
	var (
		list []loadgen.Agent
		err  error
	)
	switch {
	case *pattern != "":
		pp := *passPattern
		if pp == "" {
			pp = *pattern
		}
		list, err = loadgen.PatternAgents(*pattern, pp, *first, *count)
	case *agents != "":
		list, err = loadgen.ParseAgents(*agents)
	case *targetFile != "":
		var b []byte
		if b, err = os.ReadFile(*targetFile); err == nil {
			list, err = loadgen.AgentsFromTargetFile(b)
		}
	default:
		list = loadgen.DefaultAgents()
	}
	if err != nil {
		return usageErr("%v", err)
	}
	cfg := loadgen.Config{
		Target: *target, Agents: list, Transport: *transport, Rate: *rate,
		Duration: *duration, Warmup: *warmup, Channel: *channel, ControlToken: *controlToken,
		NotifyTimeout: *notifyTimeout, ConnectConcurrency: *concurrency,
	}
	if *warmup == 0 {
		cfg.Warmup = -1
	}
	if !*quiet {
		cfg.Log = stderr
	}
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "load: %v\n", err)
		return exitCode(1)
	}
	rep.WriteMarkdown(stdout)
	if !rep.OK() {
		return exitCode(1)
	}
	return nil
}
