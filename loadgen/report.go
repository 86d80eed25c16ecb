package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Summary describes a set of latencies.
type Summary struct {
	Count         int
	P50, P99, Max time.Duration
}

// summarize computes nearest-rank percentiles; it sorts d.
func summarize(d []time.Duration) Summary {
	if len(d) == 0 {
		return Summary{}
	}
	slices.Sort(d)
	return Summary{Count: len(d), P50: Percentile(d, 50), P99: Percentile(d, 99), Max: d[len(d)-1]}
}

// Percentile returns the p-th percentile (nearest rank) of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Report is the outcome of a run.
type Report struct {
	Target      string
	Transport   string
	Agents      int
	Rate        float64       // operations per second asked for
	Duration    time.Duration // measured
	ConnectTime time.Duration // to log every agent in and open its session

	Flows      int     // measured flows started
	Operations int     // operations of measured flows answered with success
	OpsPerSec  float64 // Operations / Duration
	HTTP       Summary // every request of the measured flows, control included
	Notify     Summary // operation's request to the message at the agent, measured flows

	Messages          int // messages of the run's flows received, warm-up included
	Lost              int // not received within NotifyTimeout (warm-up included)
	Late              int // received after being counted lost
	OutOfOrder        int // received while an earlier one was missing
	Duplicates        int
	Unexpected        int // of a flow, but not expected
	Errors            int // failed operations (transport errors and unexpected statuses)
	Skipped           int // flows not started: no two free agents
	ErrorSamples      []string
	UnexpectedSamples []string
}

// OK reports whether nothing went wrong: no error, no message lost, out
// of order or duplicated.
func (r *Report) OK() bool {
	return r.Errors == 0 && r.Lost == 0 && r.OutOfOrder == 0 && r.Duplicates == 0
}

// TableHeader is the header of the Markdown table WriteRow writes rows of.
const TableHeader = "| transport | agents | ops/s (asked) | HTTP p50 | HTTP p99 | notification p50 | notification p99 | notification max | messages | lost | out of order | errors |\n" +
	"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"

// WriteRow writes the report as one row of the table TableHeader starts.
func (r *Report) WriteRow(w io.Writer) {
	fmt.Fprintf(w, "| %s | %d | %.0f (%.0f) | %s | %s | %s | %s | %s | %d | %d | %d | %d |\n",
		r.Transport, r.Agents, r.OpsPerSec, r.Rate,
		Ms(r.HTTP.P50), Ms(r.HTTP.P99), Ms(r.Notify.P50), Ms(r.Notify.P99), Ms(r.Notify.Max),
		r.Messages, r.Lost, r.OutOfOrder+r.Duplicates, r.Errors)
}

// WriteMarkdown writes the report as a table and notes on what went wrong.
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "Load on %s: %d agents over %s for %v, %d flows of %d operations (%d agents connected in %v).\n\n",
		r.Target, r.Agents, r.Transport, r.Duration, r.Flows, OpsPerFlow, r.Agents, r.ConnectTime.Round(time.Millisecond))
	io.WriteString(w, TableHeader)
	r.WriteRow(w)
	var notes []string
	if r.Duplicates > 0 {
		notes = append(notes, fmt.Sprintf("%d duplicated messages (counted under out of order)", r.Duplicates))
	}
	if r.Late > 0 {
		notes = append(notes, fmt.Sprintf("%d of the lost messages arrived later than the notify timeout", r.Late))
	}
	if r.Unexpected > 0 {
		notes = append(notes, fmt.Sprintf("%d unexpected messages, e.g. %s", r.Unexpected, strings.Join(r.UnexpectedSamples, "; ")))
	}
	if r.Skipped > 0 {
		notes = append(notes, fmt.Sprintf("%d flows not started for want of two free agents: add agents or lower the rate", r.Skipped))
	}
	for _, e := range r.ErrorSamples {
		notes = append(notes, "error: "+e)
	}
	if len(notes) > 0 {
		io.WriteString(w, "\n")
		for _, n := range notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

// Ms formats a duration in milliseconds with two decimals.
func Ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
