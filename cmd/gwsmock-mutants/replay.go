package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// gremlinsTokens is gremlins v0.6.0's mutation table (Apache-2.0; the
// variable tokenMutations of its package internal/engine, which cannot be
// imported): for each kind of mutant, the token it replaces and the token
// it puts there. Its oddities are kept, since a replay must make the
// mutant the run made: INVERT_ASSIGNMENTS leaves %= as it is, and a unary
// minus is also an ARITHMETIC_BASE mutant.
var gremlinsTokens = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE": {
		token.ADD: token.SUB,
		token.MUL: token.QUO,
		token.QUO: token.MUL,
		token.REM: token.MUL,
		token.SUB: token.ADD,
	},
	"CONDITIONALS_BOUNDARY": {
		token.GEQ: token.GTR,
		token.GTR: token.GEQ,
		token.LEQ: token.LSS,
		token.LSS: token.LEQ,
	},
	"CONDITIONALS_NEGATION": {
		token.EQL: token.NEQ,
		token.GEQ: token.LSS,
		token.GTR: token.LEQ,
		token.LEQ: token.GTR,
		token.LSS: token.GEQ,
		token.NEQ: token.EQL,
	},
	"INCREMENT_DECREMENT": {
		token.DEC: token.INC,
		token.INC: token.DEC,
	},
	"INVERT_ASSIGNMENTS": {
		token.ADD_ASSIGN: token.SUB_ASSIGN,
		token.MUL_ASSIGN: token.QUO_ASSIGN,
		token.QUO_ASSIGN: token.MUL_ASSIGN,
		token.REM_ASSIGN: token.REM_ASSIGN,
		token.SUB_ASSIGN: token.ADD_ASSIGN,
	},
	"INVERT_BITWISE": {
		token.AND:     token.OR,
		token.OR:      token.AND,
		token.XOR:     token.AND,
		token.AND_NOT: token.AND,
		token.SHL:     token.SHR,
		token.SHR:     token.SHL,
	},
	"INVERT_BWASSIGN": {
		token.AND_ASSIGN:     token.OR_ASSIGN,
		token.OR_ASSIGN:      token.AND_ASSIGN,
		token.XOR_ASSIGN:     token.AND_ASSIGN,
		token.AND_NOT_ASSIGN: token.AND_ASSIGN,
		token.SHL_ASSIGN:     token.SHR_ASSIGN,
		token.SHR_ASSIGN:     token.SHL_ASSIGN,
	},
	"INVERT_LOGICAL": {
		token.LAND: token.LOR,
		token.LOR:  token.LAND,
	},
	"INVERT_LOOPCTRL": {
		token.BREAK:    token.CONTINUE,
		token.CONTINUE: token.BREAK,
	},
	"INVERT_NEGATIVES": {
		token.SUB: token.ADD,
	},
	"REMOVE_SELF_ASSIGNMENTS": {
		token.ADD_ASSIGN:     token.ASSIGN,
		token.AND_ASSIGN:     token.ASSIGN,
		token.AND_NOT_ASSIGN: token.ASSIGN,
		token.MUL_ASSIGN:     token.ASSIGN,
		token.OR_ASSIGN:      token.ASSIGN,
		token.QUO_ASSIGN:     token.ASSIGN,
		token.REM_ASSIGN:     token.ASSIGN,
		token.SHL_ASSIGN:     token.ASSIGN,
		token.SHR_ASSIGN:     token.ASSIGN,
		token.SUB_ASSIGN:     token.ASSIGN,
		token.XOR_ASSIGN:     token.ASSIGN,
	},
}

// recreate makes the mutant m of the file's text src again, as the edit
// runMutant lays over the file: a gremlins mutant from its token table, a
// statement mutant with findStatementMutants. It fails when the text holds
// no such mutant (the file changed since the run).
func recreate(m Mutant, src []byte) (stmtMutant, error) {
	if slices.Contains(allKinds, m.Type) {
		ms, err := findStatementMutants(m.File, src)
		if err != nil {
			return stmtMutant{}, err
		}
		for _, sm := range ms {
			if sm.kind == m.Type && sm.line == m.Line && sm.col == m.Column {
				return sm, nil
			}
		}
		return stmtMutant{}, fmt.Errorf("no %s mutant at %s:%d:%d", m.Type, m.File, m.Line, m.Column)
	}
	table, ok := gremlinsTokens[m.Type]
	if !ok {
		return stmtMutant{}, fmt.Errorf("unknown kind of mutant %q", m.Type)
	}
	return gremlinsMutant(m, src, table)
}

// gremlinsMutant makes a gremlins mutant as gremlins does: it finds the
// operator token of an assignment, binary or unary expression, branch or
// ++/-- statement at the mutant's line and column, replaces it in the
// syntax tree by the table's token and prints the tree. Printing keeps
// the tree's shape: where the new operator binds differently, the printer
// adds parentheses (in a | b ^ c, ^ made & prints (a | b) & c, where the
// text a | b & c would mean a | (b & c)), which a plain text edit would
// not. The printer is set as gofmt sets it, so on a gofmt-ed file only the
// mutated expression changes (gremlins prints with other spacing, which
// changes no token).
func gremlinsMutant(m Mutant, src []byte, table map[token.Token]token.Token) (stmtMutant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, m.File, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return stmtMutant{}, err
	}
	var tok *token.Token
	ast.Inspect(f, func(n ast.Node) bool {
		if tok != nil {
			return false
		}
		var t *token.Token
		var p token.Pos
		switch n := n.(type) {
		case *ast.AssignStmt:
			t, p = &n.Tok, n.TokPos
		case *ast.BinaryExpr:
			t, p = &n.Op, n.OpPos
		case *ast.BranchStmt:
			t, p = &n.Tok, n.TokPos
		case *ast.IncDecStmt:
			t, p = &n.Tok, n.TokPos
		case *ast.UnaryExpr:
			t, p = &n.Op, n.OpPos
		default:
			return true
		}
		if pos := fset.Position(p); pos.Line == m.Line && pos.Column == m.Column {
			if _, ok := table[*t]; ok {
				tok = t
			}
		}
		return tok == nil
	})
	if tok == nil {
		return stmtMutant{}, fmt.Errorf("no %s mutant at %s:%d:%d", m.Type, m.File, m.Line, m.Column)
	}
	*tok = table[*tok]
	var out bytes.Buffer
	gofmt := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := gofmt.Fprint(&out, fset, f); err != nil {
		return stmtMutant{}, err
	}
	return stmtMutant{file: m.File, line: m.Line, col: m.Column, kind: m.Type,
		start: 0, end: len(src), repl: out.String()}, nil
}

func replay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	jsonOut := fs.String("json", "", "write the summary with the new verdicts to this `file` (it may be SUMMARY itself)")
	only := fs.String("only", "", "replay only the survivors whose \"path:line:col KIND\" matches this `regexp`")
	dry := fs.Bool("dry-run", false, "print each survivor's mutated lines without running anything")
	tags := fs.String("tags", "mutants", "build `tags` of the test run")
	run := fs.String("run", "^TestMutantSuite$", "the `regexp` of the tests that judge")
	timeout := fs.Duration("timeout", 0, "the time limit of one mutant's test run (0: ten times the run without a mutant)")
	workers := fs.Int("workers", 1, "mutants judged at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workers < 1 {
		return fmt.Errorf("replay: --workers %d: at least 1", *workers)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("replay: name one SUMMARY")
	}
	var filter *regexp.Regexp
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fmt.Errorf("replay: --only: %w", err)
		}
		filter = re
	}
	s, err := readSummary(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if _, err := modulePath(); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	var picked []int
	for i, m := range s.Mutants {
		if m.Status == lived && (filter == nil || filter.MatchString(fmt.Sprintf("%s:%d:%d %s", m.File, m.Line, m.Column, m.Type))) {
			picked = append(picked, i)
		}
	}
	// By package, so that each package's run without a mutant (its time
	// limit) comes right before its mutants.
	slices.SortStableFunc(picked, func(a, b int) int {
		return strings.Compare(path.Dir(s.Mutants[a].File), path.Dir(s.Mutants[b].File))
	})
	tmp, err := os.MkdirTemp("", "gwsmock-mutants-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	limits := map[string]time.Duration{} // by package
	verdicts := map[string]int{}
	lost := 0
	// Each survivor made again, and each package's time limit, first;
	// then the judging, workers at a time. Interrupted, replay still
	// writes the verdicts it has.
	type job struct {
		i     int // in s.Mutants
		sm    stmtMutant
		pkg   string
		limit time.Duration
	}
	var jobs []job
	for _, i := range picked {
		if ctx.Err() != nil {
			break
		}
		m := s.Mutants[i]
		src, err := os.ReadFile(m.File)
		var sm stmtMutant
		if err == nil {
			sm, err = recreate(m, src)
		}
		if err != nil {
			fmt.Fprintf(stdout, "%12s %s at %s:%d:%d: %v\n", "NOT FOUND", m.Type, m.File, m.Line, m.Column, err)
			lost++
			continue
		}
		if *dry {
			fmt.Fprintf(stdout, "%s:%d:%d %s\n", m.File, m.Line, m.Column, m.Type)
			writeChange(stdout, src, sm)
			continue
		}
		pkg := "./" + path.Dir(m.File)
		limit, ok := limits[pkg]
		if !ok {
			if limit, err = timeLimit(ctx, *timeout, *tags, *run, pkg); err != nil {
				if ctx.Err() != nil {
					break
				}
				return err
			}
			limits[pkg] = limit
		}
		jobs = append(jobs, job{i, sm, pkg, limit})
	}
	status := make([]string, len(jobs))
	judge := func(j int, dir string) {
		status[j] = runMutant(ctx, jobs[j].sm, dir, *tags, *run, jobs[j].limit, jobs[j].pkg)
	}
	err = judgeAll(ctx, len(jobs), *workers, tmp, judge, func(j int) {
		if ctx.Err() != nil {
			return // cut short: no verdict
		}
		m := s.Mutants[jobs[j].i]
		fmt.Fprintf(stdout, "%12s %s at %s:%d:%d\n", status[j], m.Type, m.File, m.Line, m.Column)
		s.Mutants[jobs[j].i].Status = status[j]
		verdicts[status[j]]++
	})
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("replay: %w", err) // no worker could start
	}
	if !*dry {
		s = summarize(s.Mutants)
		judged := verdicts[killed] + verdicts[lived] + verdicts[timedOut] + verdicts[notViable]
		fmt.Fprintf(stdout, "\nreplayed %d survivors: %d now killed, %d still lived, %d timed out, %d not viable",
			judged, verdicts[killed], verdicts[lived], verdicts[timedOut], verdicts[notViable])
		if lost > 0 {
			fmt.Fprintf(stdout, ", %d not found", lost)
		}
		if ctx.Err() != nil {
			fmt.Fprintf(stdout, ", interrupted before the other %d", len(picked)-lost-judged)
		}
		fmt.Fprintf(stdout, "\nkill rate now     %.1f %% (killed/(killed+lived), all %d mutants)\n", s.KillRate, len(s.Mutants))
		if *jsonOut != "" {
			if err := writeSummaryFile(*jsonOut, s); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if lost > 0 {
		return fmt.Errorf("replay: %d survivors could not be made again (NOT FOUND above; did the source change since the run?)", lost)
	}
	return nil
}

// timeLimit is the time limit of one mutant of pkg: the one given, or ten
// times a run of the tests without a mutant, as make mutants and
// statements take it. That run also shows that the tests pass as they
// are: if they did not, every mutant would look killed.
func timeLimit(ctx context.Context, given time.Duration, tags, run, pkg string) (time.Duration, error) {
	start := time.Now()
	if err := goCmd(ctx, 0, "test", "-tags", tags, "-count=1", "-vet=off", "-trimpath", "-failfast", "-run", run, pkg); err != nil {
		return 0, fmt.Errorf("replay: the tests of %s fail without a mutant: %w", pkg, err)
	}
	if given > 0 {
		return given, nil
	}
	return 10 * time.Since(start), nil
}

// writeChange prints the lines the mutant changes: the original ones
// with "-", the mutated ones with "+".
func writeChange(w io.Writer, src []byte, sm stmtMutant) {
	mutated := slices.Concat(src[:sm.start], []byte(sm.repl), src[sm.end:])
	a, b := strings.Split(string(src), "\n"), strings.Split(string(mutated), "\n")
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for _, l := range a[pre : len(a)-suf] {
		fmt.Fprintf(w, "\t- %s\n", strings.TrimSpace(l))
	}
	for _, l := range b[pre : len(b)-suf] {
		fmt.Fprintf(w, "\t+ %s\n", strings.TrimSpace(l))
	}
}
