package jsonmatch

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestOptionsMatch(t *testing.T) {
	loose := Options{Sets: []string{"capabilities", "participants"}, NullIsAbsent: true, FreeObjects: []string{"userData"}}
	tests := []struct {
		name     string
		opts     Options
		expected string
		actual   string
		want     []string // mismatches; none means a match
		wantDiff []string // lines the diff must hold
		wantVars []string // name=JSON after the match
	}{
		// Sets.
		{name: "a set in another order", opts: loose,
			expected: `{"capabilities":["Accept","Reject"]}`, actual: `{"capabilities":["Reject","Accept"]}`},
		{name: "a set of objects in another order", opts: loose,
			expected: `{"participants":[{"userName":"alice","role":"Owner"},{"userName":"bob","role":"Member"}]}`,
			actual:   `{"participants":[{"userName":"bob","role":"Member","extra":1},{"userName":"alice","role":"Owner"}]}`},
		{name: "a set under a nested key", opts: loose,
			expected: `{"interactions":[{"capabilities":["Accept","Reject"]}]}`, actual: `{"interactions":[{"capabilities":["Reject","Accept"]}]}`},
		{name: "an empty set", opts: loose, expected: `{"capabilities":[]}`, actual: `{"capabilities":[]}`},
		{name: "a set with an element more", opts: loose,
			expected: `{"capabilities":["Accept","Reject"]}`, actual: `{"capabilities":["Reject","Transfer","Accept"]}`,
			want:     []string{`capabilities: expected ["Accept","Reject"], got ["Reject","Transfer","Accept"] (expected 2 elements in any order, got 3)`},
			wantDiff: []string{`+    "Transfer",`}},
		{name: "a set with an element less", opts: loose,
			expected: `{"capabilities":["Accept","Reject"]}`, actual: `{"capabilities":["Reject"]}`,
			want: []string{
				`capabilities: expected ["Accept","Reject"], got ["Reject"] (expected 2 elements in any order, got 1)`,
				`capabilities: expected "Accept", got ["Reject"] (in any order: no element matches)`,
			}},
		{name: "a set with another element", opts: loose,
			expected: `{"capabilities":["Accept","Reject"]}`, actual: `{"capabilities":["Reject","Transfer"]}`,
			want:     []string{`capabilities: expected "Accept", got "Transfer" (in any order: no element matches; closest is capabilities[1])`},
			wantDiff: []string{`-    "Accept"`, `+    "Transfer"`}},
		{name: "a set keeps the actual order in the diff", opts: loose,
			expected: `{"capabilities":["Accept","Reject"],"state":"Invited"}`, actual: `{"capabilities":["Reject","Accept"],"state":"Processing"}`,
			want:     []string{`state: expected "Invited", got "Processing" (different value)`},
			wantDiff: []string{`     "Reject",`, `     "Accept"`}},
		{name: "a set needs distinct elements", opts: loose,
			expected: `{"capabilities":["Accept","Accept"]}`, actual: `{"capabilities":["Accept","Reject"]}`,
			want: []string{`capabilities: expected "Accept", got "Reject" (in any order: no element matches; closest is capabilities[1])`}},
		{name: "a set is not an array", opts: loose,
			expected: `{"capabilities":["Accept"]}`, actual: `{"capabilities":"Accept"}`,
			want: []string{`capabilities: expected ["Accept"], got "Accept" (expected an array, got a string)`}},
		{name: "a set captures from its partner", opts: loose,
			expected: `{"participants":[{"userName":"alice","userId":"{{capture:a}}"},{"userName":"bob","userId":"{{capture:b}}"}]}`,
			actual:   `{"participants":[{"userName":"bob","userId":"u2"},{"userName":"alice","userId":"u1"}]}`,
			wantVars: []string{`a="u1"`, `b="u2"`}},
		{name: "an ordered set keeps its order", opts: loose,
			expected: `{"capabilities":["{{ordered}}","Accept","Reject"]}`, actual: `{"capabilities":["Reject","Accept"]}`,
			want: []string{
				`capabilities[0]: expected "Accept", got "Reject" (different value)`,
				`capabilities[1]: expected "Reject", got "Accept" (different value)`,
			}},
		{name: "an ordered set in order", opts: loose,
			expected: `{"capabilities":["{{ordered}}","Accept","Reject"]}`, actual: `{"capabilities":["Accept","Reject"]}`},
		{name: "ordered outside a set key", opts: loose,
			expected: `{"other":["{{ordered}}",1,2]}`, actual: `{"other":[1,2]}`},
		{name: "contains under a set key", opts: loose,
			expected: `{"capabilities":["{{contains}}","Reject"]}`, actual: `{"capabilities":["Accept","Reject"]}`},
		{name: "other keys keep their order", opts: loose,
			expected: `{"roles":["a","b"]}`, actual: `{"roles":["b","a"]}`,
			want: []string{
				`roles[0]: expected "a", got "b" (different value)`,
				`roles[1]: expected "b", got "a" (different value)`,
			}},
		{name: "without options a set key keeps its order",
			expected: `{"capabilities":["Accept","Reject"]}`, actual: `{"capabilities":["Reject","Accept"]}`,
			want: []string{
				`capabilities[0]: expected "Accept", got "Reject" (different value)`,
				`capabilities[1]: expected "Reject", got "Accept" (different value)`,
			}},

		// Null for absent.
		{name: "null is absent", opts: loose, expected: `{"referenceId":"{{absent}}"}`, actual: `{"referenceId":null}`},
		{name: "null is absent in a set element", opts: loose,
			expected: `{"participants":[{"role":"Owner","x":"{{absent}}"}]}`, actual: `{"participants":[{"role":"Owner","x":null}]}`},
		{name: "a value is not absent", opts: loose, expected: `{"referenceId":"{{absent}}"}`, actual: `{"referenceId":0}`,
			want: []string{`referenceId: expected <absent>, got 0 (present, expected absent)`}},
		{name: "null is present without the option", expected: `{"referenceId":"{{absent}}"}`, actual: `{"referenceId":null}`,
			want: []string{`referenceId: expected <absent>, got null (present, expected absent)`}},
		{name: "null is still null", opts: loose, expected: `{"referenceId":null}`, actual: `{"referenceId":null}`},
		{name: "null is a value in a free object", opts: loose,
			expected: `{"userData":{"vip":"{{absent}}","order":{"note":"{{absent}}"}}}`, actual: `{"userData":{"vip":null,"order":{"note":null}}}`,
			want: []string{
				`userData.order.note: expected <absent>, got null (present, expected absent)`,
				`userData.vip: expected <absent>, got null (present, expected absent)`,
			}},
		{name: "a free object may be null for absent", opts: loose,
			expected: `{"userData":"{{absent}}","x":{"y":"{{absent}}"}}`, actual: `{"userData":null,"x":{"y":null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Vars{}
			r, err := tt.opts.Match([]byte(tt.expected), []byte(tt.actual), v)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got := mismatches(r); !slices.Equal(got, tt.want) {
				t.Errorf("mismatches:\n got %q\nwant %q\n%s", got, tt.want, r)
			}
			if got := r.Diff(); (got == "") != r.OK() {
				t.Errorf("OK() = %v, but Diff() =\n%s", r.OK(), got)
			}
			diff := r.Diff()
			for _, line := range tt.wantDiff {
				if !strings.Contains(diff+"\n", line+"\n") {
					t.Errorf("the diff lacks the line %q:\n%s", line, diff)
				}
			}
			if got := varsText(v); tt.wantVars != nil && !slices.Equal(got, tt.wantVars) {
				t.Errorf("vars after = %q, want %q", got, tt.wantVars)
			}
		})
	}
}

func TestOptionsMatchOrderedMisplaced(t *testing.T) {
	for _, doc := range []string{`{"a":"{{ordered}}"}`, `{"a":[1,"{{ordered}}"]}`} {
		_, err := Options{Sets: []string{"a"}}.Match([]byte(doc), []byte(`{"a":[1]}`), Vars{})
		if !errors.Is(err, ErrPlaceholder) || !strings.Contains(err.Error(), "{{ordered}}") {
			t.Errorf("Match(%s): %v, want ErrPlaceholder naming {{ordered}}", doc, err)
		}
	}
	if _, err := Expand("{{ordered}}", Vars{"ordered": []byte(`1`)}); err != nil {
		t.Errorf("Expand: %v", err)
	}
}
