// Package benchreport is gwsmock's bench driver (make bench): it measures,
// in one run on one machine, the figures of the performance issue, each
// against its goal, and prints them as one Markdown table:
//
//   - REST throughput of the in-process mock, as a ratio to a bare net/http
//     handler writing the same bytes, measured with the same load loop
//     (a Go client, and wrk);
//   - notification latency with many connected agents, long-polling and
//     WebSocket, through package loadgen against the built binary;
//   - resident size per idle CometD session of the built binary;
//   - wall time of the whole conformance suite against in-process mocks;
//   - time from exec of the built binary to its first 200 answer.
//
// Every figure printed is measured by the run that prints it.
package benchreport

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Options tunes a run. Bin is required; zero values take the defaults.
type Options struct {
	Bin             string        // the built gwsmock binary
	Reps            int           // latency runs, and REST pairs 2*Reps+1 (3)
	Concurrency     int           // REST load workers, one keep-alive connection each (8)
	RESTDuration    time.Duration // one REST measurement, bare or mock (1 s)
	Agents          int           // connected agents of the latency runs (1000)
	Rate            float64       // operations per second of the latency runs (500)
	LatencyDuration time.Duration // one latency run, after 1 s warm-up (5 s)
	Sessions        int           // idle CometD sessions of the memory figure (10000)
	StartupRuns     int           // execs of the start-up figure (15)
	// Only, when not empty, names the figures to measure: rest, wrk,
	// latency, memory, conform, startup.
	Only    []string
	TempDir string    // for fixture files; default a fresh one
	Log     io.Writer // progress; nil: none
}

func (o *Options) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Reps, 3)
	def(&o.Concurrency, 8)
	def(&o.Agents, 1000)
	def(&o.Sessions, 10000)
	def(&o.StartupRuns, 15)
	if o.RESTDuration <= 0 {
		o.RESTDuration = time.Second
	}
	if o.LatencyDuration <= 0 {
		o.LatencyDuration = 5 * time.Second
	}
	if o.Rate <= 0 {
		o.Rate = 500
	}
}

func (o Options) logf(format string, a ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "bench: "+format+"\n", a...)
	}
}

func (o Options) wants(figure string) bool {
	if len(o.Only) == 0 {
		return true
	}
	for _, f := range o.Only {
		if f == figure {
			return true
		}
	}
	return false
}

// Row is one figure of the table.
type Row struct {
	Figure string
	Value  string
	Goal   string
	Pass   *bool // nil: no goal
	Note   string
}

func pass(ok bool) *bool { return &ok }

func errorRow(figure, goal string, err error) Row {
	return Row{Figure: figure, Value: "not measured", Goal: goal, Pass: pass(false), Note: "error: " + err.Error()}
}

// Run measures every figure Options asks for. A figure that cannot be
// measured becomes a row that says why; Run fails only when ctx ends or
// the options are unusable.
func Run(ctx context.Context, o Options) ([]Row, error) {
	o.defaults()
	if o.Bin == "" {
		return nil, fmt.Errorf("bench: no gwsmock binary")
	}
	if _, err := os.Stat(o.Bin); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if o.TempDir == "" {
		dir, err := os.MkdirTemp("", "gwsmock-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		o.TempDir = dir
	}
	var rows []Row
	add := func(figure string, f func() ([]Row, error)) {
		if !o.wants(figure) || ctx.Err() != nil {
			return
		}
		start := time.Now()
		rs, err := f()
		if err != nil {
			rs = append(rs, errorRow(figure, "", err))
		}
		o.logf("%s: done in %v", figure, time.Since(start).Round(time.Millisecond))
		rows = append(rows, rs...)
	}
	// Start-up first, on a machine not yet busy with the bench's own servers.
	add("startup", func() ([]Row, error) { return []Row{startupRow(ctx, o)}, nil })
	add("rest", func() ([]Row, error) { return restRows(ctx, o) })
	add("wrk", func() ([]Row, error) { return wrkRows(ctx, o) })
	add("latency", func() ([]Row, error) { return latencyRows(ctx, o) })
	add("memory", func() ([]Row, error) { return memoryRows(ctx, o) })
	add("conform", func() ([]Row, error) { return conformRows(ctx, o) })
	return rows, ctx.Err()
}

// WriteTable writes rows as one Markdown table.
func WriteTable(w io.Writer, rows []Row) {
	io.WriteString(w, "| figure | measured | goal | result | how |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		result := "—"
		if r.Pass != nil {
			result = "✅ pass"
			if !*r.Pass {
				result = "❌ miss"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", cell(r.Figure), cell(r.Value), cell(r.Goal), result, cell(r.Note))
	}
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// Machine describes where the bench runs, for the report.
func Machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
		f.Close()
	}
	mem := ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				var kb int64
				fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
				mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
				break
			}
		}
		f.Close()
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = fmt.Sprintf(", load average %s %s %s at start", f[0], f[1], f[2])
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = " " + strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("%s, %d logical CPUs%s; %s/%s%s; %s, GOMAXPROCS %d%s",
		cpu, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, kernel, runtime.Version(), runtime.GOMAXPROCS(0), load)
}
