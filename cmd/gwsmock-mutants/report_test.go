package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReport: the figures of a gremlins report, the survivor with its
// source line, and the JSON of every mutant, sorted by place.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll(filepath.Join("pkg", "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package a\n\nfunc f(x int) bool {\n\treturn x > 0\n}\n"
	if err := os.WriteFile(filepath.Join("pkg", "a", "a.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	gremlins := `{"files":[{"file_name":"a.go","mutations":[
		{"type":"CONDITIONALS_BOUNDARY","status":"LIVED","line":4,"column":11},
		{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":4,"column":11},
		{"type":"ARITHMETIC_BASE","status":"KILLED","line":4,"column":2},
		{"type":"INVERT_NEGATIVES","status":"KILLED","line":4,"column":3},
		{"type":"INVERT_LOGICAL","status":"TIMED OUT","line":4,"column":4},
		{"type":"INVERT_LOOPCTRL","status":"NOT COVERED","line":3,"column":1}]}]}`
	if err := os.WriteFile("a.json", []byte(gremlins), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"report", "--json", "sum.json", "pkg/a=a.json"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{
		"mutants generated  6\n",
		"not covered        1\n",
		"killed             3\n",
		"lived              1\n",
		"timed out          1\n",
		"kill rate          75.0 %",
		"CONDITIONALS_BOUNDARY            0       1         0           0          0\n",
		"survivors (1):\n  pkg/a/a.go:4:11  CONDITIONALS_BOUNDARY  return x > 0\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	b, err := os.ReadFile("sum.json")
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if got, want := len(s.Mutants), 6; got != want {
		t.Errorf("%d mutants in the JSON, want %d", got, want)
	}
	if got, want := s.Mutants[0], (Mutant{File: "pkg/a/a.go", Line: 3, Column: 1, Type: "INVERT_LOOPCTRL", Status: "NOT COVERED"}); got != want {
		t.Errorf("first mutant %+v, want %+v (sorted by place)", got, want)
	}
}

// TestReportSummary: report --summary reads the mutants of a summary (as
// replay writes it) like those of a report, and works out the figures
// afresh.
func TestReportSummary(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s := Summary{Counts: map[string]int{lived: 2}, Mutants: []Mutant{
		{File: "p/a.go", Line: 3, Column: 1, Type: "INVERT_LOOPCTRL", Status: killed},
		{File: "p/a.go", Line: 4, Column: 2, Type: "CONDITIONALS_NEGATION", Status: lived},
	}}
	if err := writeSummaryFile("sum.json", s); err != nil {
		t.Fatal(err)
	}
	gremlins := `{"files":[{"file_name":"b.go","mutations":[{"type":"INVERT_LOGICAL","status":"KILLED","line":1,"column":1}]}]}`
	if err := os.WriteFile("b.json", []byte(gremlins), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"report", "--summary", "sum.json", "q=b.json"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"mutants generated  3\n", "killed             2\n", "lived              1\n", "kill rate          66.7 %", "p/a.go:4:2  CONDITIONALS_NEGATION"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestReportRefusesBadArguments: a mistake in the arguments is an error
// that names it.
func TestReportRefusesBadArguments(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "no report", args: []string{"report"}, wantErr: "no DIR=REPORT"},
		{name: "no directory", args: []string{"report", "a.json"}, wantErr: "is not DIR=REPORT"},
		{name: "missing file", args: []string{"report", "x=" + filepath.Join(t.TempDir(), "none.json")}, wantErr: "none.json"},
		{name: "unknown command", args: []string{"count"}, wantErr: `unknown command "count"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(t.Context(), tt.args, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
