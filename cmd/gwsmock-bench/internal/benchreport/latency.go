package benchreport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gwsmock/gwsmock/internal/bayeux"
	"github.com/gwsmock/gwsmock/loadgen"
)

// latencyRows runs gwsmock load (package loadgen) against the built
// binary serving o.Agents agents, once per transport, o.Reps times each.
func latencyRows(ctx context.Context, o Options) ([]Row, error) {
	path := filepath.Join(o.TempDir, fmt.Sprintf("bench-%d.json", o.Agents))
	if err := os.WriteFile(path, Fixture(o.Agents, 0), 0o644); err != nil {
		return nil, err
	}
	var rows []Row
	for _, transport := range []string{bayeux.LongPolling, bayeux.WebSocket} {
		row, err := latencyRow(ctx, o, path, transport)
		if err != nil {
			row = errorRow(latencyFigure(o, transport), latencyGoal, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

const latencyGoal = "p50 ≤ 2 ms, p99 ≤ 20 ms, 0 lost"

func latencyFigure(o Options, transport string) string {
	return fmt.Sprintf("Notification latency, %d connected agents, %s", o.Agents, transport)
}

func latencyRow(ctx context.Context, o Options, fixture, transport string) (Row, error) {
	p, err := startServe(ctx, o.Bin, "--fixture", fixture)
	if err != nil {
		return Row{}, err
	}
	defer p.stop()
	var reps []*loadgen.Report
	for i := range o.Reps {
		o.logf("notification latency, %s: run %d of %d", transport, i+1, o.Reps)
		rep, err := loadgen.Run(ctx, loadgen.Config{
			Target: p.URL, Agents: Agents(o.Agents), Transport: transport,
			Rate: o.Rate, Duration: o.LatencyDuration, Warmup: time.Second, ConnectConcurrency: 64,
		})
		if err != nil {
			return Row{}, err
		}
		if o.Log != nil {
			rep.WriteMarkdown(o.Log)
		}
		reps = append(reps, rep)
	}
	var p50, p99, ops []float64
	var maxLat time.Duration
	var msgs, lost, disorder, errs, samples int
	var problems []string
	for _, r := range reps {
		p50 = append(p50, float64(r.Notify.P50))
		p99 = append(p99, float64(r.Notify.P99))
		ops = append(ops, r.OpsPerSec)
		maxLat = max(maxLat, r.Notify.Max)
		msgs += r.Messages
		samples += r.Notify.Count
		lost += r.Lost
		disorder += r.OutOfOrder + r.Duplicates
		errs += r.Errors
		problems = append(problems, r.ErrorSamples...)
	}
	mp50, mp99 := time.Duration(median(p50)), time.Duration(median(p99))
	ok := mp50 <= 2*time.Millisecond && mp99 <= 20*time.Millisecond && lost == 0 && disorder == 0 && errs == 0
	note := fmt.Sprintf("gwsmock load against the built binary (`serve --fixture`, %d agents); %.0f ops/s asked, %.0f achieved; %d runs of %v after 1 s warm-up, medians of p50/p99 over runs %s / %s; %d messages checked, %d timed",
		o.Agents, o.Rate, median(ops), o.Reps, o.LatencyDuration, durs(p50), durs(p99), msgs, samples)
	if len(problems) > 0 {
		note += "; errors: " + strings.Join(problems[:min(3, len(problems))], "; ")
	}
	return Row{
		Figure: latencyFigure(o, transport),
		Value: fmt.Sprintf("p50 **%s**, p99 **%s**, max %s; lost %d, out of order %d, errors %d",
			loadgen.Ms(mp50), loadgen.Ms(mp99), loadgen.Ms(maxLat), lost, disorder, errs),
		Goal: latencyGoal, Pass: pass(ok), Note: note,
	}, nil
}

func durs(v []float64) string {
	s := make([]string, len(v))
	for i, d := range v {
		s[i] = strings.TrimSuffix(loadgen.Ms(time.Duration(d)), " ms")
	}
	return strings.Join(s, ", ") + " ms"
}
