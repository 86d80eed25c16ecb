package conformance

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/features"
)

func TestParseTags(t *testing.T) {
	tests := []struct {
		expr    string
		wantErr string // a part of the error; "" for none
		match   []string
		noMatch []string // tag sets, space-separated
	}{
		{expr: "", match: []string{"", "@a"}},
		{expr: "@a", match: []string{"@a", "@a @b"}, noMatch: []string{"", "@b"}},
		{expr: "not @a", match: []string{"", "@b"}, noMatch: []string{"@a", "@a @b"}},
		{expr: "@a and @b", match: []string{"@a @b"}, noMatch: []string{"@a", "@b"}},
		{expr: "@a or @b", match: []string{"@a", "@b"}, noMatch: []string{"", "@c"}},
		{expr: "@a and not (@b or @c)", match: []string{"@a", "@a @d"}, noMatch: []string{"@a @b", "@a @c", "@b"}},
		{expr: "@a,@b", match: []string{"@a", "@b"}, noMatch: []string{"@c"}},
		{expr: "~@a", match: []string{"@b"}, noMatch: []string{"@a"}},
		{expr: "@a,@b && ~@c", match: []string{"@a", "@b @d"}, noMatch: []string{"@a @c", "@d"}},
		{expr: "@a &&", wantErr: "write it as Cucumber does"},
		{expr: "@a ,", wantErr: "write it as Cucumber does"},
		{expr: "@a and", wantErr: "Expected operand"},
		{expr: "not", wantErr: "Expected operand"},
		{expr: "@a @b", wantErr: "Expected operator"},
		{expr: "(@a or @b", wantErr: "Unmatched ("},
		{expr: "@a)", wantErr: "Unmatched )"},
		{expr: "auth", wantErr: `"auth" is not a tag`},
		{expr: "@a AND @b", wantErr: `"AND" is not a tag`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := parseTags(tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseTags(%q) = %v, want an error containing %q", tt.expr, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTags(%q): %v", tt.expr, err)
			}
			for _, set := range tt.match {
				if !e.match(strings.Fields(set)) {
					t.Errorf("%q does not select [%s]", tt.expr, set)
				}
			}
			for _, set := range tt.noMatch {
				if e.match(strings.Fields(set)) {
					t.Errorf("%q selects [%s]", tt.expr, set)
				}
			}
		})
	}
}

// godogMatch is godog v0.15's tag filter (internal/tags): a conjunction
// ("&&") of disjunctions (",") of tags, "~" negating one.
func godogMatch(filter string, tags []string) bool {
	if filter == "" {
		return true
	}
	has := func(tag string) bool {
		for _, t := range tags {
			if strings.ReplaceAll(t, "@", "") == tag {
				return true
			}
		}
		return false
	}
	for _, clause := range strings.Split(filter, "&&") {
		ok := false
		for _, tag := range strings.Split(clause, ",") {
			tag = strings.ReplaceAll(strings.TrimSpace(tag), "@", "")
			if neg, found := strings.CutPrefix(tag, "~"); found {
				ok = ok || !has(neg)
			} else {
				ok = ok || has(tag)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestGodogFilterSelectsWhatTheExpressionSelects: on a few tag sets, and
// on those of the embedded suite, the filter godog gets selects exactly
// the scenarios the expression selects.
func TestGodogFilterSelectsWhatTheExpressionSelects(t *testing.T) {
	files, err := loadFeatures(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	var suite [][]string
	for _, f := range files {
		for _, p := range f.pickles {
			suite = append(suite, pickleTags(p))
		}
	}
	tests := []struct {
		name  string
		sets  [][]string
		exprs []string
	}{
		{"a few sets", [][]string{{}, {"@a"}, {"@b"}, {"@a", "@b"}, {"@a", "@c"}, {"@b", "@c", "@control"}, {"@control"}, {"@a", "@b"}},
			[]string{"", "@a", "not @a", "@a and @b", "@a or @c", "not (@a or @b)", "@c and not @control", "not @x"}},
		{"the suite", suite, []string{"@auth", "@csrf or @auth", "not @mock", "@chat and not @slow", "@B4.11", "not (@mock or @slow)"}},
	}
	for _, tt := range tests {
		for _, expr := range tt.exprs {
			t.Run(tt.name+"/"+expr, func(t *testing.T) {
				e, err := parseTags(expr)
				if err != nil {
					t.Fatal(err)
				}
				filter := godogFilter(tt.sets, e.match)
				for _, set := range tt.sets {
					if got, want := godogMatch(filter, set), e.match(set); got != want {
						t.Errorf("godog filter %q selects %v: %t, the expression: %t", filter, set, got, want)
					}
				}
			})
		}
	}
}

// TestModeTags: a scenario tagged with a mode the target file does not
// declare is left out, and the note of the run says which mode and what
// the target file says when the target runs in it.
func TestModeTags(t *testing.T) {
	tests := []struct {
		name    string
		modes   steps.Modes
		match   []string // tag sets, space-separated
		noMatch []string
	}{
		{"default modes", steps.Modes{}, []string{"", "@no-invite-timeout", "@websocket"}, []string{"@csrf", "@invite-timeout", "@a @csrf"}},
		{"CSRF", steps.Modes{CSRF: true}, []string{"@csrf", "@csrf @no-invite-timeout"}, []string{"@invite-timeout"}},
		{"an invitation timeout", steps.Modes{InviteTimeout: steps.Duration(time.Second)}, []string{"@invite-timeout", ""}, []string{"@no-invite-timeout", "@csrf"}},
		{"no WebSocket", steps.Modes{NoWebSocket: true}, []string{""}, []string{"@websocket"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tagExpr{offModes: offModes(tt.modes)}
			for _, set := range tt.match {
				if !e.match(strings.Fields(set)) {
					t.Errorf("[%s] is left out", set)
				}
			}
			for _, set := range tt.noMatch {
				if e.match(strings.Fields(set)) {
					t.Errorf("[%s] runs", set)
				}
			}
		})
	}
}

func TestModeNotes(t *testing.T) {
	suite := fstest.MapFS{"m.feature": {Data: []byte(`Feature: M
  Scenario: Plain
    When alice sends GET /api/v2/me

  @csrf
  Scenario: CSRF
    When alice sends GET /api/v2/me

  @mock @invite-timeout
  Scenario: Timeout
    When alice sends GET /api/v2/me
`)}}
	files, err := loadFeatures(suite)
	if err != nil {
		t.Fatal(err)
	}
	e := tagExpr{offModes: offModes(steps.Modes{}), withoutMock: "--driver-only"}
	_, n, err := e.selectScenarios(files)
	if err != nil || n != 1 {
		t.Fatalf("selectScenarios = %d, %v; want 1 scenario", n, err)
	}
	note := e.leftOut(files, n)
	for _, want := range []string{
		"left out 2 of 3 scenarios",
		"@mock needs gwsmock's own control API (1 scenario, left out by --driver-only)",
		"@csrf needs the target in a mode the target file does not declare (1 scenario)",
		`@csrf: "modes": {"csrf": true}`,
	} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q does not say %q", note, want)
		}
	}
	only, err := parseTags("@csrf")
	if err != nil {
		t.Fatal(err)
	}
	only.offModes = offModes(steps.Modes{})
	if _, _, err := only.selectScenarios(files); err == nil || !strings.Contains(err.Error(), "selects only scenarios that need the target in a mode it does not run in") {
		t.Errorf("--tags @csrf without the mode: %v; want it to say the mode is missing", err)
	}
}
