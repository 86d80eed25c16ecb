package benchreport

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/mockserver"
)

const conformGoal = "≤ 10 s"

// conformRows runs the whole embedded conformance suite (conformance.Run)
// against in-process mocks: one, as `gwsmock conform --target` runs it,
// and four and eight, one scenario at a time on each (the runner's
// parallelism; TestConformance uses eight), all with the runner's
// defaults; then once more on one mock with a 1 ms quiet wait, which
// shows how much of the wall time is the runner watching for silence.
func conformRows(ctx context.Context, o Options) ([]Row, error) {
	var rows []Row
	for _, c := range []struct {
		targets int
		quiet   time.Duration
	}{{1, 0}, {4, 0}, {8, 0}, {1, time.Millisecond}} {
		figure := fmt.Sprintf("Conformance suite, whole, against %d in-process mock(s), runner defaults", c.targets)
		if c.quiet > 0 {
			figure = fmt.Sprintf("(diagnostic) the same, 1 mock, quiet wait %v instead of 300 ms", c.quiet)
		}
		row, err := conformRow(ctx, o, c.targets, c.quiet)
		if err != nil {
			row = errorRow(figure, conformGoal, err)
		}
		row.Figure = figure
		if c.quiet > 0 {
			row.Goal, row.Pass = "— (not the goal: \"no notification\" steps barely watch)", nil
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func conformRow(ctx context.Context, o Options, n int, quiet time.Duration) (Row, error) {
	urls := make([]string, n)
	for i := range urls {
		srv := &mockserver.Server{}
		if err := srv.Open(); err != nil {
			return Row{}, err
		}
		defer srv.Close()
		urls[i] = srv.URL()
	}
	o.logf("conformance suite against %d in-process mock(s)", n)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := conformance.Run(ctx, conformance.Options{
		Targets: urls, Formats: []string{"progress"}, Output: io.Discard, Log: io.Discard, NoColors: true,
		QuietWait: quiet,
	})
	wall := time.Since(start)
	if err != nil {
		return Row{}, fmt.Errorf("conformance.Run after %v: %w", wall.Round(time.Millisecond), err)
	}
	note := fmt.Sprintf("conformance.Run in the bench process, %d scenarios, %d failed", res.Scenarios, res.Failed)
	if res.Failed > 0 {
		var names []string
		for _, f := range res.Failures[:min(3, len(res.Failures))] {
			names = append(names, f.Scenario)
		}
		note += " (" + strings.Join(names, "; ") + ")"
	}
	return Row{
		Value: fmt.Sprintf("**%.1f s** wall", wall.Seconds()),
		Goal:  conformGoal, Pass: pass(wall <= 10*time.Second),
		Note: note,
	}, nil
}
