package benchreport

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gwsmock/gwsmock/conformance"
	"github.com/gwsmock/gwsmock/fixtures"
	"github.com/gwsmock/gwsmock/mockserver"
)

const conformGoal = "≤ 10 s"

// The pooled contact center and its target file, read from the repository
// (make bench runs at its root).
const (
	pooledFixture = "fixtures/pooled.json"
	pooledTarget  = "conformance/pooled-target.json"
)

// conformRows runs the whole embedded conformance suite (conformance.Run)
// against ONE in-process mock, with the runner's defaults (the default
// quiet wait included): first the bare figure, gwsmock's default contact
// center, as `gwsmock conform --target` runs it; then the pooled one,
// fixtures/pooled.json with conformance/pooled-target.json, where driver
// scenarios run side by side, each on a pool of agents.
func conformRows(ctx context.Context, o Options) ([]Row, error) {
	var rows []Row
	for _, c := range []struct {
		figure string
		pooled bool
	}{
		{"Conformance suite, whole, against 1 in-process mock (default contact center), runner defaults", false},
		{"Conformance suite, whole, against 1 in-process mock (" + pooledFixture + ", " + pooledTarget + "), runner defaults", true},
	} {
		row, err := conformRow(ctx, o, c.pooled)
		if err != nil {
			row = errorRow(c.figure, conformGoal, err)
		}
		row.Figure = c.figure
		rows = append(rows, row)
	}
	return rows, nil
}

func conformRow(ctx context.Context, o Options, pooled bool) (Row, error) {
	srv := &mockserver.Server{}
	var mapping *conformance.Mapping
	if pooled {
		fx, m, err := loadPooled()
		if err != nil {
			return Row{}, err
		}
		srv.Fixture, mapping = &fx, &m
	}
	if err := srv.Open(); err != nil {
		return Row{}, err
	}
	defer srv.Close()
	o.logf("conformance suite against 1 in-process mock (pooled: %t)", pooled)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := conformance.Run(ctx, conformance.Options{
		Targets: []string{srv.URL()}, Mapping: mapping,
		Formats: []string{"progress"}, Output: io.Discard, Log: io.Discard, NoColors: true,
	})
	wall := time.Since(start)
	if err != nil {
		return Row{}, fmt.Errorf("conformance.Run after %v: %w", wall.Round(time.Millisecond), err)
	}
	note := fmt.Sprintf("conformance.Run in the bench process, %d of %d scenarios, %d failed", res.Scenarios, res.Total, res.Failed)
	if pooled {
		note += fmt.Sprintf(", %d pools side by side", len(mapping.Pools))
	}
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

// loadPooled reads the pooled contact center and its target file.
func loadPooled() (mockserver.Snapshot, conformance.Mapping, error) {
	doc, err := os.ReadFile(pooledFixture)
	if err != nil {
		return mockserver.Snapshot{}, conformance.Mapping{}, fmt.Errorf("%w (run the bench at the repository's root)", err)
	}
	fx, err := fixtures.Decode(doc)
	if err != nil {
		return mockserver.Snapshot{}, conformance.Mapping{}, fmt.Errorf("%s: %w", pooledFixture, err)
	}
	b, err := os.ReadFile(pooledTarget)
	if err != nil {
		return mockserver.Snapshot{}, conformance.Mapping{}, err
	}
	m, err := conformance.ParseMapping(b)
	if err != nil {
		return mockserver.Snapshot{}, conformance.Mapping{}, fmt.Errorf("%s: %w", pooledTarget, err)
	}
	return fx, m, nil
}
