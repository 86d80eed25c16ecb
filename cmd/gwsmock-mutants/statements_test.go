package main

import (
	"fmt"
	"strings"
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
