package jsonmatch

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// FuzzMatch checks that Match neither panics nor binds on a mismatch, and
// that a document without placeholders matches itself. The seed corpus is in
// testdata/fuzz/FuzzMatch.
func FuzzMatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, expected, actual string) {
		v := vars(t, "v", `{"a":[1,"x"]}`, "s", `"text"`)
		before := maps.Clone(v)
		r, err := Match([]byte(expected), []byte(actual), v)
		if err != nil {
			_ = err.Error()
			return
		}
		report, diff := r.String(), r.Diff()
		if r.OK() {
			if diff != "" {
				t.Errorf("match with a diff:\n%s", diff)
			}
		} else {
			if !slices.Equal(varsText(v), varsText(before)) {
				t.Errorf("a mismatch changed vars: %q, was %q", varsText(v), varsText(before))
			}
			if !strings.HasPrefix(report, "1 mismatch") && !strings.Contains(report, " mismatches:") {
				t.Errorf("report without mismatches:\n%s", report)
			}
		}
		if !strings.Contains(expected, "{{") {
			self, err := Match([]byte(expected), []byte(expected), Vars{})
			if err == nil && !self.OK() {
				t.Errorf("a document without placeholders does not match itself:\n%s", self)
			}
		}
	})
}
