package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mutatedLines is the file's text with the mutant laid over it, by line.
func mutatedLines(t testing.TB, src []byte, m Mutant) []string {
	t.Helper()
	sm, err := recreate(m, src)
	if err != nil {
		t.Fatalf("recreate %+v: %v", m, err)
	}
	return strings.Split(string(slices.Concat(src[:sm.start], []byte(sm.repl), src[sm.end:])), "\n")
}

// TestGremlinsMutants: each kind of gremlins mutant made again from its
// line and column, shown as the mutated line. The lines are those of the
// files gremlins v0.6.0 itself wrote for these mutants of
// testdata/tokens.go (its test copied the file it was built from), but
// for the two that do not compile and so were never run.
func TestGremlinsMutants(t *testing.T) {
	src, err := os.ReadFile("testdata/tokens.go")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		kind      string
		line, col int
		want      string
	}{
		{"> at its boundary", "CONDITIONALS_BOUNDARY", 7, 7, "if a >= b && ok || a < b {"},
		{"< at its boundary", "CONDITIONALS_BOUNDARY", 7, 22, "if a > b && ok || a <= b {"},
		{">= at its boundary", "CONDITIONALS_BOUNDARY", 10, 7, "if a > b || a <= b {"},
		{"<= at its boundary", "CONDITIONALS_BOUNDARY", 10, 17, "if a >= b || a < b {"},
		{"> negated", "CONDITIONALS_NEGATION", 7, 7, "if a <= b && ok || a < b {"},
		{"< negated", "CONDITIONALS_NEGATION", 7, 22, "if a > b && ok || a >= b {"},
		{"== negated", "CONDITIONALS_NEGATION", 13, 7, "if a != b || a != b {"},
		{"!= negated", "CONDITIONALS_NEGATION", 13, 17, "if a == b || a == b {"},
		{"&& inverted", "INVERT_LOGICAL", 7, 11, "if a > b || ok || a < b {"},
		{"|| inverted", "INVERT_LOGICAL", 7, 17, "if a > b && ok && a < b {"},
		{"++", "INCREMENT_DECREMENT", 8, 4, "a--"},
		{"--", "INCREMENT_DECREMENT", 11, 4, "b++"},
		{"unary minus", "INVERT_NEGATIVES", 14, 7, "a = +a"},
		{"unary minus, also arithmetic", "ARITHMETIC_BASE", 14, 7, "a = +a"},
		{"binary minus, also inverted negative", "INVERT_NEGATIVES", 16, 12, "a = a + b + a*b/(b|1)%(b|1)"},
		{"+", "ARITHMETIC_BASE", 16, 8, "a = a - b - a*b/(b|1)%(b|1)"},
		{"* made / keeps its operands", "ARITHMETIC_BASE", 16, 15, "a = a + b - a/b/(b|1)%(b|1)"},
		{"/", "ARITHMETIC_BASE", 16, 17, "a = a + b - a*b*(b|1)%(b|1)"},
		{"%", "ARITHMETIC_BASE", 16, 23, "a = a + b - a*b/(b|1)*(b|1)"},
		{"| made & keeps its operands", "INVERT_BITWISE", 17, 39, "a = (a&b | a ^ b | a&^b | a<<1 | a>>1) & ^a"},
		{"&", "INVERT_BITWISE", 17, 7, "a = a | b | a ^ b | a&^b | a<<1 | a>>1 | ^a"},
		{"^", "INVERT_BITWISE", 17, 14, "a = (a&b|a)&b | a&^b | a<<1 | a>>1 | ^a"},
		{"&^", "INVERT_BITWISE", 17, 21, "a = a&b | a ^ b | a&b | a<<1 | a>>1 | ^a"},
		{"<<", "INVERT_BITWISE", 17, 28, "a = a&b | a ^ b | a&^b | a>>1 | a>>1 | ^a"},
		{">>", "INVERT_BITWISE", 17, 35, "a = a&b | a ^ b | a&^b | a<<1 | a<<1 | ^a"},
		{"unary ^ (does not compile)", "INVERT_BITWISE", 17, 41, "a = a&b | a ^ b | a&^b | a<<1 | a>>1 | &a"},
		{"unary & (does not compile)", "INVERT_BITWISE", 36, 7, "p := |a"},
		{"+=", "INVERT_ASSIGNMENTS", 18, 4, "a -= b"},
		{"-=", "INVERT_ASSIGNMENTS", 19, 4, "a += b"},
		{"*=", "INVERT_ASSIGNMENTS", 20, 4, "a /= b"},
		{"/=", "INVERT_ASSIGNMENTS", 21, 4, "a *= b | 1"},
		{"%= left as it is, as gremlins does", "INVERT_ASSIGNMENTS", 22, 4, "a %= b | 1"},
		{"+= made =", "REMOVE_SELF_ASSIGNMENTS", 18, 4, "a = b"},
		{"&^= made =", "REMOVE_SELF_ASSIGNMENTS", 26, 4, "a = b"},
		{"&=", "INVERT_BWASSIGN", 23, 4, "a |= b"},
		{"|=", "INVERT_BWASSIGN", 24, 4, "a &= b"},
		{"^=", "INVERT_BWASSIGN", 25, 4, "a &= b"},
		{"&^=", "INVERT_BWASSIGN", 26, 4, "a &= b"},
		{"<<=", "INVERT_BWASSIGN", 27, 4, "a >>= 1"},
		{">>=", "INVERT_BWASSIGN", 28, 4, "a <<= 1"},
		{"unary minus after *", "INVERT_NEGATIVES", 29, 8, "a = a*+b + a - -b"},
		{"unary minus after binary minus", "INVERT_NEGATIVES", 29, 17, "a = a*-b + a - +b"},
		{"continue", "INVERT_LOOPCTRL", 32, 4, "break"},
		{"break", "INVERT_LOOPCTRL", 34, 3, "continue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := mutatedLines(t, src, Mutant{File: "testdata/tokens.go", Line: tt.line, Column: tt.col, Type: tt.kind})
			orig := strings.Split(string(src), "\n")
			if len(lines) != len(orig) {
				t.Fatalf("%d lines, want %d", len(lines), len(orig))
			}
			for i := range lines {
				if i != tt.line-1 && lines[i] != orig[i] {
					t.Errorf("line %d changed to %q; only line %d should", i+1, lines[i], tt.line)
				}
			}
			if got := strings.TrimSpace(lines[tt.line-1]); got != tt.want {
				t.Errorf("mutated line %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRecreateEveryGremlinsMutant: every mutant gremlins v0.6.0 lists for
// testdata/tokens.go (its --dry-run, every operator on) is made again.
func TestRecreateEveryGremlinsMutant(t *testing.T) {
	src, err := os.ReadFile("testdata/tokens.go")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := readReport("testdata=testdata/tokens.gremlins.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 74 {
		t.Fatalf("%d mutants in the gremlins report, want 74", len(ms))
	}
	for _, m := range ms {
		if _, err := recreate(m, src); err != nil {
			t.Errorf("%s %d:%d: %v", m.Type, m.Line, m.Column, err)
		}
	}
}

// TestRecreateRefusesWhatIsNotThere: a mutant whose place no longer holds
// its token (the file changed) is an error, not another mutant.
func TestRecreateRefusesWhatIsNotThere(t *testing.T) {
	src, err := os.ReadFile("testdata/tokens.go")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		m    Mutant
	}{
		{"nothing at the place", Mutant{Line: 7, Column: 8, Type: "CONDITIONALS_NEGATION"}},
		{"a token of another kind", Mutant{Line: 7, Column: 11, Type: "CONDITIONALS_NEGATION"}},
		{"== has no boundary", Mutant{Line: 13, Column: 7, Type: "CONDITIONALS_BOUNDARY"}},
		{"* of a pointer is no arithmetic", Mutant{Line: 37, Column: 9, Type: "ARITHMETIC_BASE"}},
		{"no statement mutant there", Mutant{Line: 7, Column: 2, Type: "BRANCH_REMOVED"}},
		{"unknown kind", Mutant{Line: 7, Column: 7, Type: "SWAPPED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.m.File = "testdata/tokens.go"
			if sm, err := recreate(tt.m, src); err == nil {
				t.Errorf("made %+v", sm)
			}
		})
	}
}

// statementSrc has a mutant of each statement kind.
const statementSrc = `package p

func f(c *center, ok bool) int {
	if ok {
		c.emit("a")
		c.emitEnd("b")
	}
	return 2
}
`

// TestRecreateStatementMutants: replay finds each statement mutant again
// from its kind and place, the same edit statements made.
func TestRecreateStatementMutants(t *testing.T) {
	ms, err := findStatementMutants("p/p.go", []byte(statementSrc))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 5 {
		t.Fatalf("%d statement mutants, want 5", len(ms))
	}
	for _, want := range ms {
		got, err := recreate(Mutant{File: "p/p.go", Line: want.line, Column: want.col, Type: want.kind}, []byte(statementSrc))
		if err != nil {
			t.Errorf("%s %d:%d: %v", want.kind, want.line, want.col, err)
		} else if got != want {
			t.Errorf("%s %d:%d: made %+v, want %+v", want.kind, want.line, want.col, got, want)
		}
	}
}

// replayModule writes a module with the package p at the working
// directory and a summary of its mutants, and returns the summary's path.
func replayModule(t *testing.T, test string, ms []Mutant) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	files := map[string]string{
		"go.mod":      "module example.com/m\n\ngo 1.24\n",
		"p/p.go":      statementSrc + "\ntype center struct{ events []string }\n\nfunc (c *center) emit(e string)    { c.events = append(c.events, e) }\nfunc (c *center) emitEnd(e string) { c.events = append(c.events, e+\" end\") }\n",
		"p/p_test.go": test,
	}
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeSummaryFile("summary.json", summarize(ms)); err != nil {
		t.Fatal(err)
	}
	return "summary.json"
}

// TestReplayDryRun: only the survivors --only picks are made again, each
// printed as the lines it changes; nothing runs.
func TestReplayDryRun(t *testing.T) {
	sum := replayModule(t, "package p\n", []Mutant{
		{File: "p/p.go", Line: 4, Column: 8, Type: "BRANCH_REMOVED", Status: lived},
		{File: "p/p.go", Line: 5, Column: 3, Type: "EVENTS_REORDERED", Status: lived},
		{File: "p/p.go", Line: 6, Column: 3, Type: "EVENT_DROPPED", Status: killed},
		{File: "p/p.go", Line: 8, Column: 9, Type: "CONSTANT_CHANGED", Status: lived},
	})
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"replay", "--dry-run", "--only", `:[45]:\d+ `, sum}, &out, &errOut); err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.String())
	}
	want := `p/p.go:4:8 BRANCH_REMOVED
	- if ok {
	- c.emit("a")
	- c.emitEnd("b")
	- }
	+ if ok {}
p/p.go:5:3 EVENTS_REORDERED
	- c.emit("a")
	- c.emitEnd("b")
	+ c.emitEnd("b")
	+ c.emit("a")
`
	if out.String() != want {
		t.Errorf("replay printed:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestReplayNotFound: a survivor that cannot be made again is printed and
// makes replay fail, so nobody takes the figures for complete.
func TestReplayNotFound(t *testing.T) {
	sum := replayModule(t, "package p\n", []Mutant{
		{File: "p/p.go", Line: 4, Column: 5, Type: "CONDITIONALS_NEGATION", Status: lived},
		{File: "p/gone.go", Line: 1, Column: 1, Type: "BRANCH_REMOVED", Status: lived},
	})
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"replay", "--dry-run", sum}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "2 survivors could not be made again") {
		t.Errorf("err = %v, want 2 survivors not made", err)
	}
	if got := strings.Count(out.String(), "NOT FOUND"); got != 2 {
		t.Errorf("%d NOT FOUND lines, want 2:\n%s", got, out.String())
	}
}

// TestReplayJudges runs the judge for real on a tiny module (a few go
// commands; left out by -short): a survivor the tests now catch is
// killed, one they still miss lives, and --json writes the new verdicts
// and kill rate.
func TestReplayJudges(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a module of its own")
	}
	test := `package p

import "testing"

func TestMutantSuite(t *testing.T) {
	c := &center{}
	f(c, true)
	if len(c.events) != 2 || c.events[0] != "a" {
		t.Fatalf("events %q", c.events)
	}
}
`
	sum := replayModule(t, test, []Mutant{
		{File: "p/p.go", Line: 4, Column: 8, Type: "BRANCH_REMOVED", Status: lived},
		{File: "p/p.go", Line: 8, Column: 9, Type: "CONSTANT_CHANGED", Status: lived},
		{File: "p/p.go", Line: 5, Column: 3, Type: "EVENT_DROPPED", Status: killed},
	})
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"replay", "--json", "after.json", sum}, &out, &errOut); err != nil {
		t.Fatalf("replay: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{
		"      KILLED BRANCH_REMOVED at p/p.go:4:8\n",
		"       LIVED CONSTANT_CHANGED at p/p.go:8:9\n",
		"replayed 2 survivors: 1 now killed, 1 still lived, 0 timed out, 0 not viable\n",
		"kill rate now     66.7 %",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("replay printed no %q:\n%s", want, out.String())
		}
	}
	b, err := os.ReadFile("after.json")
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Counts[killed], 2; got != want {
		t.Errorf("%d killed in the JSON, want %d", got, want)
	}
	if got, want := s.Mutants[0].Status, killed; got != want {
		t.Errorf("BRANCH_REMOVED is %s in the JSON, want %s", got, want)
	}
}
