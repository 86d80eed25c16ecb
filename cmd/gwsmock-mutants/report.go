package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// gremlinsReport is the part of gremlins' JSON output (its --output) that
// the summary reads.
type gremlinsReport struct {
	Files []gremlinsFile `json:"files"`
}

// gremlinsFile is one file of a gremlinsReport.
type gremlinsFile struct {
	Name      string             `json:"file_name"` // relative to the directory gremlins ran on
	Mutations []gremlinsMutation `json:"mutations"`
}

// gremlinsMutation is one mutant of a gremlinsFile.
type gremlinsMutation struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// The statuses gremlins gives a mutant.
const (
	killed     = "KILLED"
	lived      = "LIVED"
	timedOut   = "TIMED OUT"
	notViable  = "NOT VIABLE"
	notCovered = "NOT COVERED"
	runnable   = "RUNNABLE" // a dry run's covered mutant
	skipped    = "SKIPPED"
)

// Mutant is one mutant of any report, its file named from the module root.
type Mutant struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

// Summary is what --json writes: the figures and every mutant.
type Summary struct {
	Counts   map[string]int `json:"counts"`
	KillRate float64        `json:"kill_rate"` // killed/(killed+lived), in percent
	Mutants  []Mutant       `json:"mutants"`
}

func report(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	jsonOut := fs.String("json", "", "write the mutants of every report to this `file`")
	summary := fs.String("summary", "", "also read the mutants of this `file`, which report --json or replay --json wrote")
	tags := fs.String("tags", "mutants", "build `tags` of the run, which pick the files of the killed mutants' packages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 && *summary == "" {
		fs.Usage()
		return errors.New("report: no DIR=REPORT")
	}
	var all []Mutant
	if *summary != "" {
		s, err := readSummary(*summary)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		all = s.Mutants
	}
	for _, arg := range fs.Args() {
		ms, err := readReport(arg)
		if err != nil {
			return err
		}
		all = append(all, ms...)
	}
	slices.SortFunc(all, func(a, b Mutant) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	markUnbuildable(all, *tags, stdout)
	s := summarize(all)
	writeSummary(stdout, s)
	if *jsonOut != "" {
		return writeSummaryFile(*jsonOut, s)
	}
	return nil
}

// writeSummaryFile writes the summary as JSON, what readSummary reads.
func writeSummaryFile(file string, s Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(b, '\n'), 0o644)
}

// readSummary reads what report --json wrote.
func readSummary(file string) (Summary, error) {
	var s Summary
	b, err := os.ReadFile(file)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// readReport reads one DIR=REPORT argument.
func readReport(arg string) ([]Mutant, error) {
	dir, file, ok := strings.Cut(arg, "=")
	if !ok {
		return nil, fmt.Errorf("report: %q is not DIR=REPORT", arg)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var r gremlinsReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("report %s: %w", file, err)
	}
	var ms []Mutant
	for _, f := range r.Files {
		for _, m := range f.Mutations {
			ms = append(ms, Mutant{File: filepath.ToSlash(filepath.Join(dir, f.Name)), Line: m.Line, Column: m.Column, Type: m.Type, Status: m.Status})
		}
	}
	return ms, nil
}

// summarize counts the mutants by status and works out the kill rate.
func summarize(ms []Mutant) Summary {
	s := Summary{Counts: map[string]int{}, Mutants: ms}
	for _, m := range ms {
		s.Counts[m.Status]++
	}
	if judged := s.Counts[killed] + s.Counts[lived]; judged > 0 {
		s.KillRate = 100 * float64(s.Counts[killed]) / float64(judged)
	}
	return s
}

// writeSummary prints the figures, then the survivors with their source
// lines.
func writeSummary(w io.Writer, s Summary) {
	fmt.Fprintf(w, "mutants generated  %d\n", len(s.Mutants))
	for _, st := range []struct{ status, label string }{
		{notCovered, "not covered"}, {killed, "killed"}, {lived, "lived"}, {timedOut, "timed out"},
		{notViable, "not viable"}, {runnable, "runnable (dry run)"}, {skipped, "skipped (sample)"},
	} {
		if n := s.Counts[st.status]; n > 0 || st.status == killed || st.status == lived {
			fmt.Fprintf(w, "%-18s %d\n", st.label, n)
		}
	}
	fmt.Fprintf(w, "kill rate          %.1f %% (killed/(killed+lived))\n", s.KillRate)
	writeByType(w, s.Mutants)
	var survivors []Mutant
	for _, m := range s.Mutants {
		if m.Status == lived {
			survivors = append(survivors, m)
		}
	}
	if len(survivors) == 0 {
		return
	}
	fmt.Fprintf(w, "\nsurvivors (%d):\n", len(survivors))
	lines := sourceLines{}
	for _, m := range survivors {
		fmt.Fprintf(w, "  %s:%d:%d  %s  %s\n", m.File, m.Line, m.Column, m.Type, lines.get(m.File, m.Line))
	}
}

// writeByType prints, for each kind of mutant, how many the tests killed,
// spared or never reached.
func writeByType(w io.Writer, ms []Mutant) {
	byType := map[string]map[string]int{}
	var types []string
	for _, m := range ms {
		if byType[m.Type] == nil {
			byType[m.Type] = map[string]int{}
			types = append(types, m.Type)
		}
		byType[m.Type][m.Status]++
	}
	slices.Sort(types)
	fmt.Fprintf(w, "\n%-26s %7s %7s %9s %11s %10s\n", "by kind", "killed", "lived", "timed out", "not covered", "not viable")
	for _, t := range types {
		c := byType[t]
		fmt.Fprintf(w, "%-26s %7d %7d %9d %11d %10d\n", t, c[killed], c[lived], c[timedOut], c[notCovered], c[notViable])
	}
}

// sourceLines reads files once and hands out their lines, trimmed.
type sourceLines map[string][]string

func (sl sourceLines) get(file string, line int) string {
	ls, ok := sl[file]
	if !ok {
		if f, err := os.Open(file); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				ls = append(ls, sc.Text())
			}
			f.Close()
		}
		sl[file] = ls
	}
	if line < 1 || line > len(ls) {
		return ""
	}
	return strings.TrimSpace(ls[line-1])
}
