package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestFindStatementMutants: each kind where it applies, shown as the
// mutated text around the change; the constant of a declaration is left
// alone.
func TestFindStatementMutants(t *testing.T) {
	src := `package p

const size = 3

func f(c *center, ok bool) int {
	if ok {
		c.emit("a")
		c.pending = append(c.pending, 1)
	} else {
		c.log("b")
	}
	return 2
}
`
	ms, err := findStatementMutants("p/p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		mutated := src[:m.start] + m.repl + src[m.end:]
		got = append(got, fmt.Sprintf("%s %d:%d %q", m.kind, m.line, m.col, strings.Fields(mutated[m.start-1:m.start+len(m.repl)+1])))
	}
	want := []string{
		`BRANCH_REMOVED 6:8 ["{}"]`,
		`EVENT_DROPPED 7:3 []`,
		`EVENTS_REORDERED 7:3 ["c.pending" "=" "append(c.pending," "1)" "c.emit(\"a\")"]`,
		`EVENT_DROPPED 8:3 []`,
		`CONSTANT_CHANGED 8:33 ["2)"]`,
		`BRANCH_REMOVED 9:9 ["{}"]`,
		`CONSTANT_CHANGED 12:9 ["3"]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mutants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCoverProfile: a mutant counts as reached only inside a block that
// ran.
func TestCoverProfile(t *testing.T) {
	prof := `mode: set
example.com/m/p/p.go:5.20,7.3 2 1
example.com/m/p/p.go:8.2,9.10 1 0
`
	p, err := readCoverProfile(strings.NewReader(prof), "example.com/m")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		line, col int
		want      bool
	}{
		{"inside a block that ran", 6, 1, true},
		{"on its first line, after its start", 5, 20, true},
		{"on its first line, before its start", 5, 19, false},
		{"on its last line, past its end", 7, 4, false},
		{"in a block that never ran", 8, 5, false},
		{"outside every block", 20, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.covers("p/p.go", tt.line, tt.col); got != tt.want {
				t.Errorf("covers(%d:%d) = %v, want %v", tt.line, tt.col, got, tt.want)
			}
		})
	}
}

// TestSample: --sample keeps about its share of a kind, the same mutants
// for the same seed and others for another; kinds it does not name are
// kept whole; a malformed share is refused naming what is wrong.
func TestSample(t *testing.T) {
	s, err := parseSample("BRANCH_REMOVED=0.25")
	if err != nil {
		t.Fatal(err)
	}
	var kept, again, other int
	for i := range 4000 {
		m := stmtMutant{file: "p/p.go", line: i, col: 2, kind: branchRemoved}
		if s.keeps(m, 1) {
			kept++
			if s.keeps(m, 1) {
				again++
			}
			if s.keeps(m, 2) {
				other++
			}
		}
		if !s.keeps(stmtMutant{file: "p/p.go", line: i, col: 2, kind: eventDropped}, 1) {
			t.Fatalf("an EVENT_DROPPED mutant is left out of a sample of BRANCH_REMOVED")
		}
	}
	if kept < 900 || kept > 1100 {
		t.Errorf("kept %d of 4000 at 0.25", kept)
	}
	if again != kept {
		t.Errorf("the same seed kept %d of the %d again", again, kept)
	}
	if other > kept/2 {
		t.Errorf("another seed kept %d of the same %d: not an independent sample", other, kept)
	}
	for _, bad := range []string{"BRANCH_REMOVED", "BRANCH_REMOVED=0", "BRANCH_REMOVED=1.5", "BRANCH_REMOVED=x", "NO_SUCH_KIND=0.5"} {
		if _, err := parseSample(bad); err == nil || !strings.Contains(err.Error(), "--sample") {
			t.Errorf("parseSample(%q): %v, want an error naming --sample", bad, err)
		}
	}
}

// TestJudgeAll: every mutant is judged once, whatever the number of
// workers, and no more directories are used than there are workers.
func TestJudgeAll(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			tmp := t.TempDir()
			var mu sync.Mutex
			judged := map[int]int{}
			dirs := map[string]bool{}
			err := judgeAll(context.Background(), 20, workers, tmp, func(i int, dir string) {
				mu.Lock()
				defer mu.Unlock()
				judged[i]++
				dirs[dir] = true
			}, func(int) {})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				if judged[i] != 1 {
					t.Errorf("mutant %d judged %d times", i, judged[i])
				}
			}
			if len(dirs) > workers {
				t.Errorf("%d directories for %d workers", len(dirs), workers)
			}
		})
	}
}
