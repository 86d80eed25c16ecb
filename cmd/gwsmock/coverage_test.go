package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/conformance"
)

// TestCoverageExitStatus: 0 when a suite claims every promise; 1 with one
// last line naming the uncovered ones, or one line per tag that names no
// promise.
func TestCoverageExitStatus(t *testing.T) {
	c, err := conformance.BuildCoverage(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, r := range c.Rows {
		if r.NotBehaviour == "" {
			all = append(all, "@"+r.ID)
		}
	}
	feature := func(tags ...string) string {
		return writeFile(t, "claims.feature", fmt.Sprintf("%s\nFeature: Claims\n  Scenario: One\n    When alice sends GET /api/v2/me\n", strings.Join(tags, " ")))
	}
	tests := []struct {
		name     string
		args     []string
		status   int
		stdout   string // a line of stdout
		lastLine string // the end of the last line of stderr
	}{
		{"every promise claimed", []string{"--features", feature(all...)}, 0, "claims.feature: One", ""},
		{"one promise unclaimed", []string{"--features", feature(all[1:]...)}, 1, "NO SCENARIO", "coverage: 1 promise has no scenario: " + all[0][1:]},
		{"a typo", []string{"--features", feature(append(all, "@B4.111")...)}, 1, "names none", "claims.feature:1: @B4.111 looks like a promise id and names none of docs/behavior.md or docs/bayeux.md (did you mean @B4.11?)"},
		{"markdown", []string{"--format", "markdown", "--features", feature(all...)}, 0, "| promise | title | asserted by |", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := runCLI(t, append([]string{"coverage"}, tt.args...)...)
			if status != tt.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.status, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if got := lines[len(lines)-1]; !strings.HasSuffix(got, tt.lastLine) || tt.lastLine == "" && got != "" {
				t.Errorf("last line of stderr = %q, want it to end with %q", got, tt.lastLine)
			}
		})
	}
}
