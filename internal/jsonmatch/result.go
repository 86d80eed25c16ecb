package jsonmatch

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Absent stands for a missing value in [Mismatch.Expected] and
// [Mismatch.Actual].
const Absent = "<absent>"

// Mismatch is one difference between the expected and the actual document.
type Mismatch struct {
	// Path locates the value, like interaction.participants[1].role or
	// properties["two words"]; "" is the whole document.
	Path string
	// Expected is what the expected document asked for there, as compact
	// canonical JSON (placeholders show as written), or Absent.
	Expected string
	// Actual is the actual value there, as compact canonical JSON, or Absent.
	Actual string
	// Reason says what is wrong, like "missing" or "expected a number, got
	// a string".
	Reason string
}

// String returns "path: expected X, got Y (reason)".
func (m Mismatch) String() string {
	return fmt.Sprintf("%s: expected %s, got %s (%s)", showPath(m.Path), m.Expected, m.Actual, m.Reason)
}

// Result is the outcome of [Match].
type Result struct {
	// Mismatches lists the differences, parents before children, object
	// keys in sorted order; it is empty when the documents match.
	Mismatches []Mismatch

	// expected and actual are the views for the diff, as canonical JSON.
	expected, actual string
}

// OK reports whether the documents match.
func (r Result) OK() bool { return len(r.Mismatches) == 0 }

// Diff returns a unified diff, headed "--- expected" and "+++ actual", of
// the canonical JSON (sorted keys, two-space indent) of the expected document
// with matched placeholders replaced by the actual values, and of the actual
// document pruned to the keys the expected one mentions. It returns "" when
// the views are the same.
func (r Result) Diff() string {
	return unifiedDiff("expected", "actual", r.expected, r.actual, 3)
}

// String returns a report for people: "match", or each mismatch on its own
// line followed by the diff.
func (r Result) String() string {
	if r.OK() {
		return "match"
	}
	var b strings.Builder
	if len(r.Mismatches) == 1 {
		b.WriteString("1 mismatch:\n")
	} else {
		fmt.Fprintf(&b, "%d mismatches:\n", len(r.Mismatches))
	}
	for _, m := range r.Mismatches {
		b.WriteString("  ")
		b.WriteString(m.String())
		b.WriteByte('\n')
	}
	if d := r.Diff(); d != "" {
		b.WriteByte('\n')
		b.WriteString(d)
	}
	return b.String()
}

// unifiedDiff returns the line diff of a and b in unified format with
// context lines around each change, or "" when they are equal.
func unifiedDiff(nameA, nameB, a, b string, context int) string {
	if a == b {
		return ""
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // the same diff on every machine
	ca, cb, lineArray := dmp.DiffLinesToChars(a+"\n", b+"\n")
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lineArray)

	type line struct {
		op   diffmatchpatch.Operation
		text string
	}
	var lines []line
	for _, d := range diffs {
		for t := range strings.Lines(d.Text) {
			lines = append(lines, line{d.Type, strings.TrimSuffix(t, "\n")})
		}
	}
	// before[i] is how many lines of a and of b come before lines[i].
	beforeA, beforeB := make([]int, len(lines)+1), make([]int, len(lines)+1)
	for i, l := range lines {
		beforeA[i+1], beforeB[i+1] = beforeA[i], beforeB[i]
		if l.op != diffmatchpatch.DiffInsert {
			beforeA[i+1]++
		}
		if l.op != diffmatchpatch.DiffDelete {
			beforeB[i+1]++
		}
	}

	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
	for i := 0; i < len(lines); {
		if lines[i].op == diffmatchpatch.DiffEqual {
			i++
			continue
		}
		// A hunk runs from context lines before this change to context
		// lines after the last change that has at most 2*context equal
		// lines before it.
		start, last := max(i-context, 0), i
		for j := i; j < len(lines) && j-last-1 <= 2*context; j++ {
			if lines[j].op != diffmatchpatch.DiffEqual {
				last = j
			}
		}
		end := min(last+context+1, len(lines))
		fmt.Fprintf(&out, "@@ -%s +%s @@\n",
			hunkRange(beforeA[start], beforeA[end]-beforeA[start]),
			hunkRange(beforeB[start], beforeB[end]-beforeB[start]))
		for _, l := range lines[start:end] {
			switch l.op {
			case diffmatchpatch.DiffDelete:
				out.WriteByte('-')
			case diffmatchpatch.DiffInsert:
				out.WriteByte('+')
			default:
				out.WriteByte(' ')
			}
			out.WriteString(l.text)
			out.WriteByte('\n')
		}
		i = end
	}
	return out.String()
}

// hunkRange formats the range of a hunk that starts after line before and
// has n lines, as diff -u does: "3", "3,4", or "2,0" for no lines after 2.
func hunkRange(before, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", before)
	case 1:
		return fmt.Sprint(before + 1)
	}
	return fmt.Sprintf("%d,%d", before+1, n)
}
