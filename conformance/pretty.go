package conformance

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// pretty writes each scenario as it ends: its steps, a mark after each
// step that did not pass ([failed], [undefined] with the closest steps,
// [skipped]) and what went wrong, then a summary. Colours only underline
// the marks, which read the same without them; no Go source appears.
type pretty struct {
	out         io.Writer
	color       bool
	seed        int64
	lastFeature string
}

// progress writes a character per step as it ends (. passed, F failed,
// U undefined, - skipped, P pending, A ambiguous), then what went wrong
// and a summary.
type progress struct {
	out   io.Writer
	color bool
	seed  int64
	steps int
}

const progressWidth = 70

var marks = map[string]struct{ char, color string }{
	passed:    {".", "\x1b[32m"},
	failed:    {"F", "\x1b[31m"},
	undefined: {"U", "\x1b[33m"},
	skipped:   {"-", "\x1b[36m"},
	pending:   {"P", "\x1b[33m"},
	ambiguous: {"A", "\x1b[31m"},
}

func paint(on bool, status, s string) string {
	if !on {
		return s
	}
	return marks[status].color + s + "\x1b[0m"
}

func (p *pretty) step(*scenarioOutcome, *stepOutcome) {}

func (p *pretty) scenario(sc *scenarioOutcome) {
	var b strings.Builder
	if sc.Feature != p.lastFeature {
		fmt.Fprintf(&b, "Feature: %s\n", sc.Feature)
		p.lastFeature = sc.Feature
	}
	fmt.Fprintf(&b, "\n  %s: %s  # %s\n", sc.Keyword, sc.Name, location(sc.URI, sc.Line))
	for _, st := range sc.Steps {
		line := "    " + st.Keyword + st.Text
		if st.Status != passed {
			status := st.Status
			if status == "" {
				status = "not run"
			}
			line += "  " + paint(p.color, st.Status, "["+status+"]")
		}
		b.WriteString(line + "\n")
		if st.Doc != "" && st.Status == failed {
			fmt.Fprintf(&b, "      \"\"\"\n%s\n      \"\"\"\n", indent(st.Doc, "      "))
		}
		switch {
		case st.Err != "":
			b.WriteString(indent(withoutHeading(st.Err), "      ") + "\n")
		case st.Hint != "":
			b.WriteString(indent(st.Hint, "      ") + "\n")
		}
	}
	if sc.Err != "" {
		fmt.Fprintf(&b, "    %s\n%s\n", paint(p.color, failed, "[failed after its steps]"), indent(strings.TrimSpace(sc.Err), "      "))
	}
	io.WriteString(p.out, b.String())
}

func (p *pretty) summary(all []*scenarioOutcome, elapsed time.Duration) {
	var b strings.Builder
	b.WriteString("\n")
	if failedList := failedScenarios(all); failedList != "" {
		b.WriteString("--- Scenarios that did not pass:\n" + failedList + "\n")
	}
	b.WriteString(totals(all, elapsed, p.seed))
	io.WriteString(p.out, b.String())
}

func (p *pretty) setSeed(seed int64) { p.seed = seed }

func (p *progress) setSeed(seed int64) { p.seed = seed }

func (p *progress) step(_ *scenarioOutcome, st *stepOutcome) {
	p.steps++
	s := paint(p.color, st.Status, marks[st.Status].char)
	if p.steps%progressWidth == 0 {
		s += fmt.Sprintf(" %d\n", p.steps)
	}
	io.WriteString(p.out, s)
}

func (p *progress) scenario(*scenarioOutcome) {}

func (p *progress) summary(all []*scenarioOutcome, elapsed time.Duration) {
	var b strings.Builder
	if rest := p.steps % progressWidth; rest != 0 {
		fmt.Fprintf(&b, "%s %d\n", strings.Repeat(" ", progressWidth-rest), p.steps)
	}
	b.WriteString("\n")
	for _, sc := range all {
		if sc.Status == passed {
			continue
		}
		fmt.Fprintf(&b, "%s: %s  # %s\n", sc.Keyword, sc.Name, location(sc.URI, sc.Line))
		for _, st := range sc.Steps {
			if st.Err == "" && st.Hint == "" {
				continue
			}
			fmt.Fprintf(&b, "  %s%s  [%s]  # %s\n", st.Keyword, st.Text, st.Status, location(sc.URI, st.Line))
			b.WriteString(indent(withoutHeading(st.Err+st.Hint), "    ") + "\n")
		}
		if sc.Err != "" {
			b.WriteString(indent(strings.TrimSpace(sc.Err), "    ") + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(totals(all, elapsed, p.seed))
	io.WriteString(p.out, b.String())
}

// failedScenarios lists the scenarios that did not pass, one a line.
func failedScenarios(all []*scenarioOutcome) string {
	var b strings.Builder
	for _, sc := range all {
		if sc.Status != passed {
			fmt.Fprintf(&b, "  %s  %s: %s  [%s]\n", location(sc.URI, sc.Line), sc.Keyword, sc.Name, sc.Status)
		}
	}
	return b.String()
}

// totals is the closing summary: scenarios and steps by outcome, the time
// the run took, and the seed the scenarios were shuffled with, if they
// were.
func totals(all []*scenarioOutcome, elapsed time.Duration, seed int64) string {
	order := []string{passed, failed, undefined, pending, ambiguous, skipped}
	scenarios, steps := map[string]int{}, map[string]int{}
	nSteps := 0
	for _, sc := range all {
		scenarios[sc.Status]++
		for _, st := range sc.Steps {
			if st.Status != "" {
				steps[st.Status]++
				nSteps++
			}
		}
	}
	count := func(n int, what string, by map[string]int) string {
		if n == 0 {
			return "No " + what + "\n"
		}
		var parts []string
		for _, s := range order {
			if by[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", by[s], s))
			}
		}
		if n == 1 {
			what = strings.TrimSuffix(what, "s")
		}
		return fmt.Sprintf("%d %s (%s)\n", n, what, strings.Join(parts, ", "))
	}
	s := count(len(all), "scenarios", scenarios) + count(nSteps, "steps", steps) + elapsed.Round(time.Millisecond).String() + "\n"
	if seed != 0 {
		s += fmt.Sprintf("\nRandomized with seed: %d\n", seed)
	}
	return s
}

// withoutHeading drops the lines a step's error starts with to name its
// scenario and step (see conformance/steps), which a report shows
// around it already.
func withoutHeading(err string) string {
	err = strings.TrimSpace(err)
	for _, prefix := range []string{"Scenario: ", "Step: "} {
		if strings.HasPrefix(err, prefix) {
			_, rest, _ := strings.Cut(err, "\n")
			err = rest
		}
	}
	return strings.TrimSpace(err)
}

// location is FILE:LINE, or FILE when the line is unknown.
func location(uri string, line int64) string {
	if line == 0 {
		return uri
	}
	return fmt.Sprintf("%s:%d", uri, line)
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
