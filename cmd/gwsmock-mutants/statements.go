package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"hash/fnv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The kinds of statement mutants, which gremlins does not make (it
// changes operators only).
const (
	eventDropped    = "EVENT_DROPPED"    // a statement that emits an event, delivers or records a notification, deleted
	eventsReordered = "EVENTS_REORDERED" // two such statements in a row, swapped
	branchRemoved   = "BRANCH_REMOVED"   // the body of an if, or its else, emptied
	constantChanged = "CONSTANT_CHANGED" // an integer literal plus one, true and false swapped
)

// allKinds are the kinds of statement mutants, in the order they run.
var allKinds = []string{eventDropped, eventsReordered, branchRemoved, constantChanged}

// emits matches the name of a call that emits an event or hands on a
// notification: the contact center's emit, emitEnd, emitParties... and
// the push bridge's and REST API's Publish, DeliverAs and Observe.
var emits = regexp.MustCompile(`^(emit[A-Za-z]*|Publish|DeliverAs|Observe)$`)

// stmtMutant is one statement mutant: the file's text with [start, end)
// replaced by repl.
type stmtMutant struct {
	file       string // path from the module root
	line, col  int
	kind       string
	start, end int
	repl       string
}

// findStatementMutants makes the statement mutants of one Go file.
func findStatementMutants(path string, src []byte) ([]stmtMutant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var ms []stmtMutant
	add := func(kind string, at token.Pos, start, end token.Pos, repl string) {
		p := fset.Position(at)
		ms = append(ms, stmtMutant{file: path, line: p.Line, col: p.Column, kind: kind,
			start: fset.Position(start).Offset, end: fset.Position(end).Offset, repl: repl})
	}
	text := func(n ast.Node) string {
		return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			// Constants of declarations (iota's order, array lengths) are
			// left alone: changing them rarely compiles into anything else.
			return n.Tok != token.CONST
		case *ast.BlockStmt:
			for i, s := range n.List {
				if !isEmission(s) {
					continue
				}
				add(eventDropped, s.Pos(), s.Pos(), s.End(), "")
				if i+1 < len(n.List) && isEmission(n.List[i+1]) {
					next := n.List[i+1]
					add(eventsReordered, s.Pos(), s.Pos(), next.End(), text(next)+"\n"+text(s))
				}
			}
		case *ast.IfStmt:
			if len(n.Body.List) > 0 {
				add(branchRemoved, n.Body.Lbrace, n.Body.Lbrace+1, n.Body.Rbrace, "")
			}
			if b, ok := n.Else.(*ast.BlockStmt); ok && len(b.List) > 0 {
				add(branchRemoved, b.Lbrace, b.Lbrace+1, b.Rbrace, "")
			}
		case *ast.BasicLit:
			if n.Kind == token.INT {
				if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
					add(constantChanged, n.Pos(), n.Pos(), n.End(), strconv.FormatInt(v+1, 10))
				}
			}
		case *ast.Ident:
			switch n.Name {
			case "true":
				add(constantChanged, n.Pos(), n.Pos(), n.End(), "false")
			case "false":
				add(constantChanged, n.Pos(), n.Pos(), n.End(), "true")
			}
		}
		return true
	})
	slices.SortStableFunc(ms, func(a, b stmtMutant) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return a.col - b.col
	})
	return ms, nil
}

// isEmission reports whether s emits an event or hands on a notification:
// a call named like one (see emits), or pending = append(pending, ...).
func isEmission(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			return emits.MatchString(fn.Name)
		case *ast.SelectorExpr:
			return emits.MatchString(fn.Sel.Name)
		}
	case *ast.AssignStmt:
		if s.Tok != token.ASSIGN || len(s.Lhs) != 1 || len(s.Rhs) != 1 {
			return false
		}
		sel, ok := s.Lhs[0].(*ast.SelectorExpr)
		call, isCall := s.Rhs[0].(*ast.CallExpr)
		fn, isIdent := func() (*ast.Ident, bool) {
			if !isCall {
				return nil, false
			}
			id, ok := call.Fun.(*ast.Ident)
			return id, ok
		}()
		return ok && sel.Sel.Name == "pending" && isIdent && fn.Name == "append"
	}
	return false
}

// coverProfile holds the covered blocks of a -coverprofile, by file path
// from the module root.
type coverProfile map[string][][4]int // start line, start column, end line, end column

// readCoverProfile reads the blocks of a profile that ran at least once.
func readCoverProfile(r io.Reader, module string) (coverProfile, error) {
	p := coverProfile{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "mode:") || line == "" {
			continue
		}
		var file string
		var b [4]int
		var stmts, count int
		i := strings.LastIndex(line, ":")
		if i < 0 {
			return nil, fmt.Errorf("cover profile: bad line %q", line)
		}
		file = line[:i]
		if _, err := fmt.Sscanf(line[i+1:], "%d.%d,%d.%d %d %d", &b[0], &b[1], &b[2], &b[3], &stmts, &count); err != nil {
			return nil, fmt.Errorf("cover profile: bad line %q: %w", line, err)
		}
		if count > 0 {
			rel := strings.TrimPrefix(file, module+"/")
			p[rel] = append(p[rel], b)
		}
	}
	return p, sc.Err()
}

// covers reports whether a block that ran holds the position.
func (p coverProfile) covers(file string, line, col int) bool {
	for _, b := range p[file] {
		after := line > b[0] || line == b[0] && col >= b[1]
		before := line < b[2] || line == b[2] && col <= b[3]
		if after && before {
			return true
		}
	}
	return false
}

func statements(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("statements", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	out := fs.String("out", "", "write the report, in gremlins' JSON format, to this `file`")
	dry := fs.Bool("dry-run", false, "list the mutants without running them")
	tags := fs.String("tags", "mutants", "build `tags` of the test run")
	run := fs.String("run", "^TestMutantSuite$", "the `regexp` of the tests that judge")
	coverpkg := fs.String("coverpkg", "", "the packages whose coverage tells which mutants the tests reach")
	timeout := fs.Duration("timeout", 0, "the time limit of one mutant's test run (0: ten times the coverage run's)")
	kinds := fs.String("kinds", strings.Join(allKinds, ","), "the comma-separated `kinds` of mutants to make")
	workers := fs.Int("workers", 1, "mutants judged at once")
	sampleFlag := fs.String("sample", "", "judge only this share of the mutants of a kind, `KIND=F,...` (0 < F <= 1); the others are SKIPPED")
	seed := fs.Uint64("seed", 1, "the seed of --sample: the same seed picks the same mutants")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sample, err := parseSample(*sampleFlag)
	if err != nil {
		return err
	}
	if *workers < 1 {
		return fmt.Errorf("statements: --workers %d: at least 1", *workers)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("statements: name one package DIR")
	}
	dir := filepath.Clean(fs.Arg(0))
	module, err := modulePath()
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	var ms []stmtMutant
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		found, err := findStatementMutants(filepath.ToSlash(f), src)
		if err != nil {
			return err
		}
		for _, m := range found {
			if slices.Contains(strings.Split(*kinds, ","), m.kind) {
				ms = append(ms, m)
			}
		}
	}
	status := make([]string, len(ms))
	for i, m := range ms {
		status[i] = runnable
		if !sample.keeps(m, *seed) {
			status[i] = skipped
		}
	}
	if !*dry {
		tmp, err := os.MkdirTemp("", "gwsmock-mutants-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		prof := filepath.Join(tmp, "cover.out")
		cover := []string{"test", "-tags", *tags, "-count=1", "-vet=off", "-run", *run, "-coverprofile", prof}
		if *coverpkg != "" {
			cover = append(cover, "-coverpkg", *coverpkg)
		}
		start := time.Now()
		if err := goCmd(ctx, 0, append(cover, "./"+dir)...); err != nil {
			return fmt.Errorf("statements: the tests fail without a mutant: %w", err)
		}
		if *timeout == 0 {
			*timeout = 10 * time.Since(start)
		}
		pf, err := os.Open(prof)
		if err != nil {
			return err
		}
		cov, err := readCoverProfile(pf, module)
		pf.Close()
		if err != nil {
			return err
		}
		judge := func(i int, tmp string) {
			m := ms[i]
			switch {
			case status[i] == skipped:
			case !cov.covers(m.file, m.line, m.col):
				status[i] = notCovered
			default:
				status[i] = runMutant(ctx, m, tmp, *tags, *run, *timeout, "./"+dir)
			}
		}
		if err := judgeAll(ctx, len(ms), *workers, tmp, judge, func(i int) {
			fmt.Fprintf(stdout, "%12s %s at %s:%d:%d\n", status[i], ms[i].kind, ms[i].file, ms[i].line, ms[i].col)
		}); err != nil {
			return err
		}
	}
	if *dry {
		for i, m := range ms {
			fmt.Fprintf(stdout, "%12s %s at %s:%d:%d\n", status[i], m.kind, m.file, m.line, m.col)
		}
	}
	if *out == "" {
		return nil
	}
	return writeGremlinsReport(*out, dir, ms, status)
}

// runMutant builds the package with the mutant laid over its file (go
// test -overlay: the tree is never touched) and runs the tests as make
// mutants has gremlins run them (-trimpath, -vet=off): NOT VIABLE
// if it does not compile, KILLED if they fail, TIMED OUT past timeout,
// LIVED if they pass.
func runMutant(ctx context.Context, m stmtMutant, tmp, tags, run string, timeout time.Duration, pkg string) string {
	src, err := os.ReadFile(m.file)
	if err != nil {
		return notViable
	}
	mutated := slices.Concat(src[:m.start], []byte(m.repl), src[m.end:])
	abs, err := filepath.Abs(m.file)
	if err != nil {
		return notViable
	}
	mf, ov := filepath.Join(tmp, "mutant.go"), filepath.Join(tmp, "overlay.json")
	b, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: mf}})
	if os.WriteFile(mf, mutated, 0o644) != nil || os.WriteFile(ov, b, 0o644) != nil {
		return notViable
	}
	if goCmd(ctx, 0, "build", "-overlay", ov, "-trimpath", pkg) != nil {
		return notViable
	}
	err = goCmd(ctx, timeout, "test", "-overlay", ov, "-tags", tags, "-count=1", "-vet=off", "-trimpath", "-failfast", "-run", run, "-timeout", (timeout + time.Minute).String(), pkg)
	var dl *deadlineError
	switch {
	case err == nil:
		return lived
	case errors.As(err, &dl):
		return timedOut
	default:
		return killed
	}
}

// deadlineError is a go command that ran past its time limit.
type deadlineError struct{ error }

// goCmd runs the go command, within timeout if it is not 0.
func goCmd(ctx context.Context, timeout time.Duration, args ...string) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &deadlineError{err}
	}
	if err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// modulePath is the module's path, from go.mod in the working directory.
func modulePath() (string, error) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		return "", fmt.Errorf("statements runs at the module root: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.TrimSpace(m), nil
		}
	}
	return "", errors.New("go.mod names no module")
}

// writeGremlinsReport writes the mutants as gremlins does, file names
// relative to dir, so that report reads both alike.
func writeGremlinsReport(path, dir string, ms []stmtMutant, status []string) error {
	var r gremlinsReport
	index := map[string]int{}
	for i, m := range ms {
		name := strings.TrimPrefix(m.file, filepath.ToSlash(dir)+"/")
		j, ok := index[name]
		if !ok {
			j = len(r.Files)
			index[name] = j
			r.Files = append(r.Files, gremlinsFile{Name: name})
		}
		r.Files[j].Mutations = append(r.Files[j].Mutations, gremlinsMutation{Type: m.kind, Status: status[i], Line: m.line, Column: m.col})
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// judgeAll calls judge for each of the n mutants, workers at a time, each
// worker with a directory of its own under tmp for its overlay, and done
// for each in the order they end (one at a time). It stops handing out
// mutants when ctx ends.
func judgeAll(ctx context.Context, n, workers int, tmp string, judge func(i int, dir string), done func(i int)) error {
	next := make(chan int)
	var mu sync.Mutex // serializes done
	var wg sync.WaitGroup
	for w := range workers {
		dir := filepath.Join(tmp, strconv.Itoa(w))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		wg.Go(func() {
			for i := range next {
				judge(i, dir)
				mu.Lock()
				done(i)
				mu.Unlock()
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// sampleShares is the share of each kind's mutants that --sample keeps;
// a kind it does not name is kept whole.
type sampleShares map[string]float64

// parseSample reads --sample: KIND=F,... with 0 < F <= 1.
func parseSample(v string) (sampleShares, error) {
	shares := sampleShares{}
	if v == "" {
		return shares, nil
	}
	for _, part := range strings.Split(v, ",") {
		kind, f, ok := strings.Cut(part, "=")
		share, err := strconv.ParseFloat(f, 64)
		if !ok || err != nil || share <= 0 || share > 1 {
			return nil, fmt.Errorf("statements: --sample %q: want KIND=F with 0 < F <= 1, as BRANCH_REMOVED=0.25", part)
		}
		if !slices.Contains(allKinds, kind) {
			return nil, fmt.Errorf("statements: --sample %q: no kind %s (the kinds: %s)", part, kind, strings.Join(allKinds, ", "))
		}
		shares[kind] = share
	}
	return shares, nil
}

// keeps says whether the sample judges m: a hash of the mutant's place,
// kind and the seed, so that a mutant is picked or not whatever the other
// mutants are, and the same seed picks it again.
func (s sampleShares) keeps(m stmtMutant, seed uint64) bool {
	share, ok := s[m.kind]
	if !ok {
		return true
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d %s:%d:%d %s", seed, m.file, m.line, m.col, m.kind)
	return float64(h.Sum64()%1_000_000) < share*1_000_000
}
