package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes the files, by path from the working directory.
func writeTree(t testing.TB, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReportMovesUnbuildableKilled: a mutant gremlins counted killed that
// does not compile is not viable in the report and its JSON; one that
// compiles, one not found again and one of another verdict keep theirs.
// The mutants are of testdata/tokens.go, in a module of their own.
func TestReportMovesUnbuildableKilled(t *testing.T) {
	src, err := os.ReadFile("testdata/tokens.go")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	writeTree(t, map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.24\n",
		"p/tokens.go": string(src),
		// The test files are not checked: this one would not compile.
		"p/tokens_test.go": "package tokens\n\nvar _ int = \"no\"\n",
	})
	tests := []struct {
		name      string
		kind      string
		line, col int
		status    string
		want      string
	}{
		{"> negated compiles", "CONDITIONALS_NEGATION", 7, 7, killed, killed},
		{"& made | compiles", "INVERT_BITWISE", 17, 7, killed, killed},
		{"unary & made | does not parse", "INVERT_BITWISE", 36, 7, killed, notViable},
		{"unary ^ made & does not type-check", "INVERT_BITWISE", 17, 41, killed, notViable},
		{"not found again", "CONDITIONALS_NEGATION", 7, 8, killed, killed},
		{"only killed ones are checked", "INVERT_BITWISE", 36, 7, timedOut, timedOut},
	}
	var report strings.Builder
	report.WriteString(`{"files":[{"file_name":"tokens.go","mutations":[`)
	for i, tt := range tests {
		if i > 0 {
			report.WriteString(",")
		}
		fmt.Fprintf(&report, `{"type":%q,"status":%q,"line":%d,"column":%d}`, tt.kind, tt.status, tt.line, tt.col)
	}
	report.WriteString(`]}]}`)
	if err := os.WriteFile("p.json", []byte(report.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"report", "--json", "sum.json", "p=p.json"}, &out, &errOut); err != nil {
		t.Fatalf("report: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{
		"  NOT VIABLE INVERT_BITWISE, counted killed: p/tokens.go:36:7: expected operand, found '|'\n",
		"  NOT VIABLE INVERT_BITWISE, counted killed: p/tokens.go:17:6: invalid operation",
		"   NOT FOUND CONDITIONALS_NEGATION at p/tokens.go:7:8: no such mutant in the source now",
		"2 mutants gremlins counted killed do not compile: not viable (1 not found again, left killed)\n",
		"killed             3\n",
		"not viable         2\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	s, err := readSummary("sum.json")
	if err != nil {
		t.Fatal(err)
	}
	// Two mutants share a place, so each is looked up with its verdict.
	got := map[string]bool{}
	for _, m := range s.Mutants {
		got[fmt.Sprintf("%s %d:%d %s", m.Type, m.Line, m.Column, m.Status)] = true
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !got[fmt.Sprintf("%s %d:%d %s", tt.kind, tt.line, tt.col, tt.want)] {
				t.Errorf("%s %d:%d is not %s in the JSON: %v", tt.kind, tt.line, tt.col, tt.want, got)
			}
		})
	}
}

// TestReportKeepsKilledItCannotCheck: where the killed mutants cannot be
// checked, they stay killed and the report says why in one line.
func TestReportKeepsKilledItCannotCheck(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no module", map[string]string{"p/p.go": "package p\n\nvar x = 1 + 1\n"},
			"the killed mutants were not checked for compiling: go list"},
		{"the package does not type-check as it is", map[string]string{
			"go.mod": "module example.com/m\n\ngo 1.24\n",
			"p/p.go": "package p\n\nvar x int = 1 + \"a\"\n",
		}, "the killed mutants of p (1) were not checked for compiling: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			tt.files["p.json"] = `{"files":[{"file_name":"p.go","mutations":[{"type":"ARITHMETIC_BASE","status":"KILLED","line":3,"column":11}]}]}`
			writeTree(t, tt.files)
			var out, errOut bytes.Buffer
			if err := run(t.Context(), []string{"report", "p=p.json"}, &out, &errOut); err != nil {
				t.Fatalf("report: %v\n%s", err, errOut.String())
			}
			for _, want := range []string{tt.want, "killed             1\n"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("the report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
