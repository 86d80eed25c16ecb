package benchreport

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"time"
)

const startupGoal = 100 * time.Millisecond

// startupRow execs the built binary o.StartupRuns times and measures the
// time from exec to the first 200 of GET /control/v1/health, polled every
// 250 µs on fresh connections.
func startupRow(ctx context.Context, o Options) Row {
	figure := "Start-up: exec of the built binary to the first 200 answer"
	goal := fmt.Sprintf("≤ %d ms", startupGoal.Milliseconds())
	var runs []float64
	for range o.StartupRuns {
		d, err := startupOnce(ctx, o.Bin)
		if err != nil {
			return errorRow(figure, goal, err)
		}
		runs = append(runs, float64(d))
	}
	m := time.Duration(median(runs))
	slices.Sort(runs)
	return Row{
		Figure: figure,
		Value:  fmt.Sprintf("**%.1f ms** median (min %.1f, max %.1f)", ms(m), ms(time.Duration(runs[0])), ms(time.Duration(runs[len(runs)-1]))),
		Goal:   goal, Pass: pass(m <= startupGoal),
		Note: fmt.Sprintf("`gwsmock serve` on the embedded default fixture, request validation on (both specs loaded and validated, examples included); median of %d execs", o.StartupRuns),
	}
}

func startupOnce(ctx context.Context, bin string) (time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--log-level", "warn")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	p := &process{cmd: cmd}
	defer p.stop()
	at, err := waitHealthy(ctx, "http://"+addr, 30*time.Second)
	if err != nil {
		return 0, err
	}
	return at.Sub(start), nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
