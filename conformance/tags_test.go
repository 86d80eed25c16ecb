package conformance

import (
	"strings"
	"testing"
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

func TestGodogFilterSelectsWhatTheExpressionSelects(t *testing.T) {
	sets := [][]string{{}, {"@a"}, {"@b"}, {"@a", "@b"}, {"@a", "@c"}, {"@b", "@c", "@control"}, {"@control"}, {"@a", "@b"}}
	for _, expr := range []string{"", "@a", "not @a", "@a and @b", "@a or @c", "not (@a or @b)", "@c and not @control", "not @x"} {
		t.Run(expr, func(t *testing.T) {
			e, err := parseTags(expr)
			if err != nil {
				t.Fatal(err)
			}
			filter := godogFilter(sets, e.match)
			for _, set := range sets {
				if got, want := godogMatch(filter, set), e.match(set); got != want {
					t.Errorf("godog filter %q selects %v: %t, the expression: %t", filter, set, got, want)
				}
			}
		})
	}
}
