package jsonmatch

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// vars returns Vars holding the given name/JSON pairs.
func vars(tb testing.TB, pairs ...string) Vars {
	tb.Helper()
	if len(pairs)%2 != 0 {
		tb.Fatalf("vars: odd number of arguments %q", pairs)
	}
	v := Vars{}
	for i := 0; i < len(pairs); i += 2 {
		if !json.Valid([]byte(pairs[i+1])) {
			tb.Fatalf("vars: %s is not JSON: %s", pairs[i], pairs[i+1])
		}
		v[pairs[i]] = json.RawMessage(pairs[i+1])
	}
	return v
}

// mismatches returns the mismatches of r as strings.
func mismatches(r Result) []string {
	var out []string
	for _, m := range r.Mismatches {
		out = append(out, m.String())
	}
	return out
}

// varsText returns v as name=JSON strings, sorted.
func varsText(v Vars) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		out = append(out, k+"="+string(v[k]))
	}
	return out
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name     string
		expected string
		actual   string
		vars     []string // name, JSON, ... bound before the match
		want     []string // mismatches; none means a match
		wantVars []string // name=JSON after the match, when the case binds
	}{
		// Objects.
		{name: "object with extra actual keys", expected: `{"a":1}`, actual: `{"a":1,"b":2}`},
		{name: "empty object matches any object", expected: `{}`, actual: `{"a":1}`},
		{name: "missing key", expected: `{"a":1,"b":2}`, actual: `{"a":1}`,
			want: []string{`b: expected 2, got <absent> (missing)`}},
		{name: "nested object path", expected: `{"interaction":{"channelData":{"subject":"Hi"}}}`,
			actual: `{"interaction":{"channelData":{"subject":"Hello","from":"x"}}}`,
			want:   []string{`interaction.channelData.subject: expected "Hi", got "Hello" (different value)`}},
		{name: "object expected, array got", expected: `{"a":{"b":1}}`, actual: `{"a":[1]}`,
			want: []string{`a: expected {"b":1}, got [1] (expected an object, got an array)`}},
		{name: "key needing quotes in path", expected: `{"two words":{"x-y":1,"0":2}}`, actual: `{"two words":{"x-y":2,"0":3}}`,
			want: []string{
				`["two words"]["0"]: expected 2, got 3 (different number)`,
				`["two words"].x-y: expected 1, got 2 (different number)`,
			}},
		{name: "several mismatches in key order", expected: `{"z":1,"a":1,"m":"{{string}}"}`, actual: `{"z":2,"a":2,"m":3}`,
			want: []string{
				`a: expected 1, got 2 (different number)`,
				`m: expected "{{string}}", got 3 (expected a string, got a number)`,
				`z: expected 1, got 2 (different number)`,
			}},

		// Arrays.
		{name: "array same elements", expected: `[1,"a",{"b":true}]`, actual: `[1,"a",{"b":true,"c":0}]`},
		{name: "array longer than expected", expected: `{"capabilities":["Accept"]}`, actual: `{"capabilities":["Accept","Reject"]}`,
			want: []string{`capabilities: expected ["Accept"], got ["Accept","Reject"] (expected 1 element, got 2)`}},
		{name: "array shorter than expected", expected: `{"capabilities":["Accept","Reject"]}`, actual: `{"capabilities":["Reject"]}`,
			want: []string{`capabilities: expected ["Accept","Reject"], got ["Reject"] (expected 2 elements, got 1)`}},
		{name: "array length and elements differ", expected: `{"p":[{"role":"Owner"},"x",[1]]}`, actual: `{"p":[{"role":"Member"},"y",[2],"z"]}`,
			want: []string{
				`p: expected [{"role":"Owner"},"x",[1]], got [{"role":"Member"},"y",[2],"z"] (expected 3 elements, got 4)`,
				`p[0].role: expected "Owner", got "Member" (different value)`,
				`p[2][0]: expected 1, got 2 (different number)`,
			}},
		{name: "empty array expected", expected: `{"capabilities":[]}`, actual: `{"capabilities":["Accept"]}`,
			want: []string{`capabilities: expected [], got ["Accept"] (expected 0 elements, got 1)`}},
		{name: "array order matters", expected: `["a","b"]`, actual: `["b","a"]`,
			want: []string{
				`[0]: expected "a", got "b" (different value)`,
				`[1]: expected "b", got "a" (different value)`,
			}},
		{name: "array element path", expected: `{"interaction":{"participants":[{"role":"Owner"},{"role":"Member"}]}}`,
			actual: `{"interaction":{"participants":[{"role":"Owner"},{"role":"Invited"}]}}`,
			want:   []string{`interaction.participants[1].role: expected "Member", got "Invited" (different value)`}},
		{name: "array expected, string got", expected: `{"a":[1]}`, actual: `{"a":"1"}`,
			want: []string{`a: expected [1], got "1" (expected an array, got a string)`}},

		// Contains.
		{name: "contains in any order with extras", expected: `["{{contains}}",{"role":"Member"},{"role":"Owner"}]`,
			actual: `[{"role":"Owner","userId":"a"},{"role":"Invited"},{"role":"Member"}]`},
		{name: "contains alone matches any array", expected: `["{{contains}}"]`, actual: `[]`},
		{name: "contains with spaces in the marker", expected: `["{{ contains }}",2]`, actual: `[1,2,3]`},
		{name: "contains pairs strict before loose", expected: `["{{contains}}",{"role":"{{string}}"},{"role":"Owner"}]`,
			actual: `[{"role":"Owner"},{"role":"Member"}]`},
		{name: "contains needs distinct elements", expected: `["{{contains}}","a","a"]`, actual: `["a","b"]`,
			want: []string{`(document): expected "a", got "b" (contains: no element matches; closest is [1])`}},
		{name: "contains without a close element", expected: `{"p":["{{contains}}",{"role":"Owner"}]}`, actual: `{"p":[]}`,
			want: []string{`p: expected {"role":"Owner"}, got [] (contains: the array is empty)`}},
		{name: "contains closest element", expected: `{"p":["{{contains}}",{"role":"Owner","userId":"u1"}]}`,
			actual: `{"p":[{"role":"Member","userId":"u2"},{"role":"Member","userId":"u1"}]}`,
			want:   []string{`p: expected {"role":"Owner","userId":"u1"}, got {"role":"Member","userId":"u1"} (contains: no element matches; closest is p[1])`}},
		{name: "contains against an object", expected: `{"p":["{{contains}}",1]}`, actual: `{"p":{"a":1}}`,
			want: []string{`p: expected ["{{contains}}",1], got {"a":1} (expected an array, got an object)`}},
		{name: "contains marker as data when not first", expected: `{"a":{"{{contains}}":1}}`, actual: `{"a":{"{{contains}}":1}}`},

		// Scalars and numbers.
		{name: "1 equals 1.0", expected: `{"n":1}`, actual: `{"n":1.0}`},
		{name: "1.0 equals 1", expected: `{"n":1.0}`, actual: `{"n":1}`},
		{name: "exponent", expected: `[100, 0.5, 1.5e3]`, actual: `[1e2, 5E-1, 1500.000]`},
		{name: "minus zero", expected: `[0]`, actual: `[-0.0]`},
		{name: "large integers compare exactly", expected: `[9007199254740993]`, actual: `[9007199254740992]`,
			want: []string{`[0]: expected 9007199254740993, got 9007199254740992 (different number)`}},
		{name: "negative differs", expected: `[1]`, actual: `[-1]`,
			want: []string{`[0]: expected 1, got -1 (different number)`}},
		{name: "number vs string", expected: `{"statusCode":0}`, actual: `{"statusCode":"0"}`,
			want: []string{`statusCode: expected 0, got "0" (expected a number, got a string)`}},
		{name: "true vs false", expected: `{"ok":true}`, actual: `{"ok":false}`,
			want: []string{`ok: expected true, got false (different value)`}},
		{name: "null matches null", expected: `{"a":null}`, actual: `{"a":null}`},
		{name: "null vs value", expected: `{"a":null}`, actual: `{"a":0}`,
			want: []string{`a: expected null, got 0 (expected null, got a number)`}},
		{name: "null is not absent", expected: `{"a":null}`, actual: `{}`,
			want: []string{`a: expected null, got <absent> (missing)`}},
		{name: "top-level scalar", expected: `"ok"`, actual: `"ko"`,
			want: []string{`(document): expected "ok", got "ko" (different value)`}},
		{name: "strings compare after unescaping", expected: `{"s":"\u00e9<&>"}`, actual: `{"s":"é<&>"}`},

		// Type placeholders.
		{name: "any matches a string", expected: `{"a":"{{any}}"}`, actual: `{"a":"x"}`},
		{name: "any matches null", expected: `{"a":"{{any}}"}`, actual: `{"a":null}`},
		{name: "any matches an object", expected: `{"a":"{{any}}"}`, actual: `{"a":{"b":[1]}}`},
		{name: "any needs the key", expected: `{"a":"{{any}}"}`, actual: `{}`,
			want: []string{`a: expected "{{any}}", got <absent> (missing)`}},
		{name: "string matches", expected: `{"a":"{{string}}"}`, actual: `{"a":""}`},
		{name: "string vs number", expected: `{"a":"{{string}}"}`, actual: `{"a":1}`,
			want: []string{`a: expected "{{string}}", got 1 (expected a string, got a number)`}},
		{name: "number matches", expected: `{"a":"{{number}}"}`, actual: `{"a":-1.5e3}`},
		{name: "number vs numeric string", expected: `{"a":"{{number}}"}`, actual: `{"a":"1"}`,
			want: []string{`a: expected "{{number}}", got "1" (expected a number, got a string)`}},
		{name: "bool matches false", expected: `{"a":"{{bool}}"}`, actual: `{"a":false}`},
		{name: "bool vs null", expected: `{"a":"{{bool}}"}`, actual: `{"a":null}`,
			want: []string{`a: expected "{{bool}}", got null (expected a boolean, got null)`}},
		{name: "array matches", expected: `{"a":"{{array}}"}`, actual: `{"a":[]}`},
		{name: "array vs object", expected: `{"a":"{{array}}"}`, actual: `{"a":{}}`,
			want: []string{`a: expected "{{array}}", got {} (expected an array, got an object)`}},
		{name: "object matches", expected: `{"a":"{{object}}"}`, actual: `{"a":{"b":1}}`},
		{name: "object vs array", expected: `{"a":"{{object}}"}`, actual: `{"a":[{}]}`,
			want: []string{`a: expected "{{object}}", got [{}] (expected an object, got an array)`}},
		{name: "placeholder with spaces", expected: `{"a":"{{ number }}"}`, actual: `{"a":2}`},
		{name: "placeholders in arrays", expected: `["{{string}}","{{number}}","{{any}}"]`, actual: `["a",1,null]`},
		{name: "top-level placeholder", expected: `"{{object}}"`, actual: `{"a":1}`},

		// Absent.
		{name: "absent key is absent", expected: `{"workbin":"{{absent}}"}`, actual: `{"queue":"q"}`},
		{name: "absent key is present", expected: `{"workbin":"{{absent}}"}`, actual: `{"workbin":"w1"}`,
			want: []string{`workbin: expected <absent>, got "w1" (present, expected absent)`}},
		{name: "absent key is null", expected: `{"workbin":"{{absent}}"}`, actual: `{"workbin":null}`,
			want: []string{`workbin: expected <absent>, got null (present, expected absent)`}},

		// Regex.
		{name: "regex matches", expected: `{"id":"{{regex:^[0-9A-Za-z]{16}$}}"}`, actual: `{"id":"00009a8T8Y130123"}`},
		{name: "regex does not match", expected: `{"id":"{{regex:^[0-9A-Za-z]{16}$}}"}`, actual: `{"id":"00009a8T8Y13012"}`,
			want: []string{`id: expected "{{regex:^[0-9A-Za-z]{16}$}}", got "00009a8T8Y13012" (does not match ^[0-9A-Za-z]{16}$)`}},
		{name: "regex is unanchored", expected: `{"uri":"{{regex:/interactions/}}"}`, actual: `{"uri":"http://h/api/v2/interactions/x"}`},
		{name: "regex ending in a brace", expected: `["{{regex:^a{2}}}"]`, actual: `["aa"]`},
		{name: "regex vs number", expected: `{"id":"{{regex:^[0-9]+$}}"}`, actual: `{"id":12}`,
			want: []string{`id: expected "{{regex:^[0-9]+$}}", got 12 (expected a string matching ^[0-9]+$, got a number)`}},

		// Captures.
		{name: "capture binds a string", expected: `{"id":"{{capture:id}}"}`, actual: `{"id":"00009a8T8Y130123"}`,
			wantVars: []string{`id="00009a8T8Y130123"`}},
		{name: "capture binds an object canonically", expected: `{"p":"{{capture:props}}"}`, actual: `{"p":{"b":1, "a":[true]}}`,
			wantVars: []string{`props={"a":[true],"b":1}`}},
		{name: "capture binds a number", expected: `{"n":"{{ capture: n }}"}`, actual: `{"n":1.50}`,
			wantVars: []string{`n=1.50`}},
		{name: "capture of a bound variable, same value", expected: `{"id":"{{capture:id}}"}`, actual: `{"id":2.0}`,
			vars: []string{"id", "2"}, wantVars: []string{`id=2`}},
		{name: "capture of a bound variable, other value", expected: `{"id":"{{capture:id}}"}`, actual: `{"id":"b"}`,
			vars: []string{"id", `"a"`},
			want: []string{`id: expected "a", got "b" (differs from id, captured before)`}, wantVars: []string{`id="a"`}},
		{name: "capture twice, same value", expected: `{"id":"{{capture:id}}","again":"{{capture:id}}"}`, actual: `{"id":"x","again":"x"}`,
			wantVars: []string{`id="x"`}},
		{name: "capture twice, other value", expected: `{"a":"{{capture:id}}","b":"{{capture:id}}"}`, actual: `{"a":"x","b":"y"}`,
			want: []string{`b: expected "x", got "y" (differs from id, captured before)`}},
		{name: "failed match binds nothing", expected: `{"id":"{{capture:id}}","state":"Invited"}`, actual: `{"id":"x","state":"Processing"}`,
			want: []string{`state: expected "Invited", got "Processing" (different value)`}},
		{name: "capture of a missing key", expected: `{"id":"{{capture:id}}"}`, actual: `{}`,
			want: []string{`id: expected "{{capture:id}}", got <absent> (missing)`}},
		{name: "capture inside contains binds the partner", expected: `["{{contains}}",{"role":"Owner","userId":"{{capture:owner}}"}]`,
			actual:   `[{"role":"Member","userId":"m"},{"role":"Owner","userId":"o"}]`,
			wantVars: []string{`owner="o"`}},

		// References.
		{name: "reference to a string", expected: `{"id":"{{id}}"}`, actual: `{"id":"00009a8T8Y130123"}`,
			vars: []string{"id", `"00009a8T8Y130123"`}, wantVars: []string{`id="00009a8T8Y130123"`}},
		{name: "reference keeps the number type", expected: `{"count":"{{n}}"}`, actual: `{"count":3}`,
			vars: []string{"n", "3"}, wantVars: []string{`n=3`}},
		{name: "reference to a number is not a string", expected: `{"count":"{{n}}"}`, actual: `{"count":"3"}`,
			vars: []string{"n", "3"},
			want: []string{`count: expected 3, got "3" (expected a number, got a string (from {{n}}))`}},
		{name: "reference to a bool", expected: `{"ok":"{{b}}"}`, actual: `{"ok":false}`,
			vars: []string{"b", "true"},
			want: []string{`ok: expected true, got false (different value (from {{b}}))`}},
		{name: "reference to an object matches partially", expected: `{"properties":"{{props}}"}`, actual: `{"properties":{"a":1,"b":2}}`,
			vars: []string{"props", `{"a":1.0}`}},
		{name: "referenced value is not a placeholder", expected: `{"s":"{{v}}"}`, actual: `{"s":"x"}`,
			vars: []string{"v", `"{{any}}"`},
			want: []string{`s: expected "{{any}}", got "x" (different value (from {{v}}))`}},
		{name: "reference in text", expected: `{"path":"/interactions/{{id}}"}`, actual: `{"path":"/interactions/abc"}`,
			vars: []string{"id", `"abc"`}},
		{name: "references in text with a number", expected: `{"s":"{{a}}-{{n}}"}`, actual: `{"s":"x-1.5"}`,
			vars: []string{"a", `"x"`, "n", "1.5"}},
		{name: "reference in a key", expected: `{"properties":{"{{key}}":"v"}}`, actual: `{"properties":{"color":"v"}}`,
			vars: []string{"key", `"color"`}},
		{name: "dotted variable name", expected: `{"ownerId":"{{alice.id}}"}`, actual: `{"ownerId":"u1"}`,
			vars: []string{"alice.id", `"u1"`}},
		{name: "not a placeholder is text", expected: `{"s":"{{ not one }}"}`, actual: `{"s":"{{ not one }}"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vars(t, tt.vars...)
			r, err := Match([]byte(tt.expected), []byte(tt.actual), v)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got := mismatches(r); !slices.Equal(got, tt.want) {
				t.Errorf("mismatches:\n got %q\nwant %q\n%s", got, tt.want, r)
			}
			if got, want := r.OK(), len(tt.want) == 0; got != want {
				t.Errorf("OK() = %v, want %v", got, want)
			}
			if got := r.Diff(); (got == "") != r.OK() {
				t.Errorf("OK() = %v, but Diff() =\n%s", r.OK(), got)
			}
			wantVars := tt.wantVars
			if wantVars == nil {
				wantVars = varsText(vars(t, tt.vars...))
			}
			if got := varsText(v); !slices.Equal(got, wantVars) {
				t.Errorf("vars after = %q, want %q", got, wantVars)
			}
		})
	}
}

func TestMatchErrors(t *testing.T) {
	tests := []struct {
		name     string
		expected string
		actual   string
		vars     Vars
		is       error  // errors.Is target, if any
		want     string // the error text
	}{
		{name: "invalid expected JSON", expected: "{\n  \"state\": \"Invited\",\n}", actual: `{}`,
			want: `invalid expected JSON at line 3, column 1: invalid character '}' looking for beginning of object key string`},
		{name: "truncated expected JSON", expected: `{"a":`, actual: `{}`,
			want: `invalid expected JSON at line 1, column 6: unexpected end of JSON input`},
		{name: "empty expected", expected: ``, actual: `{}`,
			want: `invalid expected JSON at line 1, column 1: unexpected end of JSON input`},
		{name: "invalid actual JSON", expected: `{}`, actual: `{"a":1}{`,
			want: `invalid actual JSON at line 1, column 8: invalid character '{' after top-level value`},
		{name: "actual not JSON", expected: `{}`, actual: `Missing or invalid Csrf token`,
			want: `invalid actual JSON at line 1, column 1: invalid character 'M' looking for beginning of value`},
		{name: "unbound reference", expected: `{"id":"{{id}}"}`, actual: `{}`, vars: Vars{"other": json.RawMessage(`1`)},
			is: ErrUnbound, want: `expected JSON at id: unbound variable "id" (bound, closest first: other)`},
		{name: "unbound reference in text", expected: `{"a":[{"uri":"/interactions/{{id}}"}]}`, actual: `{}`,
			is: ErrUnbound, want: `expected JSON at a[0].uri: unbound variable "id" (no variables are bound)`},
		{name: "unbound reference in a key", expected: `{"p":{"{{k}}":1}}`, actual: `{}`,
			is: ErrUnbound, want: `expected JSON at p: key "{{k}}": unbound variable "k" (no variables are bound)`},
		{name: "misspelt placeholder", expected: `{"a":"{{Any}}"}`, actual: `{}`,
			is: ErrUnbound, want: `expected JSON at a: unbound variable "Any" (no variables are bound)`},
		{name: "reference to a capture of the same document", expected: `{"id":"{{capture:id}}","uri":"/i/{{id}}"}`, actual: `{}`, vars: Vars{},
			is: ErrUnbound, want: `expected JSON at uri: unbound variable "id" (no variables are bound); this document captures id, but a capture binds only once the whole match succeeds: capture it twice to require the same value twice`},
		{name: "bad regex", expected: `{"id":"{{regex:[a-z}}"}`, actual: `{}`,
			is: ErrPlaceholder, want: "expected JSON at id: invalid placeholder \"{{regex:[a-z}}\": error parsing regexp: missing closing ]: `[a-z`"},
		{name: "absent in an array", expected: `{"a":[1,"{{absent}}"]}`, actual: `{}`,
			is: ErrPlaceholder, want: `expected JSON at a[1]: invalid placeholder {{absent}}: only an object member can be absent`},
		{name: "absent at the top", expected: `"{{absent}}"`, actual: `{}`,
			is: ErrPlaceholder, want: `expected JSON at (document): invalid placeholder {{absent}}: only an object member can be absent`},
		{name: "contains not first", expected: `[1,"{{contains}}"]`, actual: `[]`,
			is: ErrPlaceholder, want: `expected JSON at [1]: invalid placeholder {{contains}}: it must be the first element of an array`},
		{name: "contains as a value", expected: `{"a":"{{contains}}"}`, actual: `{}`,
			is: ErrPlaceholder, want: `expected JSON at a: invalid placeholder {{contains}}: it must be the first element of an array`},
		{name: "capture without vars", expected: `{"id":"{{capture:id}}"}`, actual: `{}`,
			is: ErrPlaceholder, want: `expected JSON at id: invalid placeholder "{{capture:id}}": a capture needs non-nil Vars`},
		{name: "capture of a placeholder word", expected: `{"id":"{{capture:any}}"}`, actual: `{}`, vars: Vars{},
			is: ErrPlaceholder, want: `expected JSON at id: invalid placeholder "{{capture:any}}": "any" is a placeholder word, not a variable name`},
		{name: "capture of a bad name", expected: `{"id":"{{capture:1x}}"}`, actual: `{}`, vars: Vars{},
			is: ErrPlaceholder, want: `expected JSON at id: invalid placeholder "{{capture:1x}}": "1x" is not a variable name`},
		{name: "duplicate key", expected: `{"a":{"b":1,"b":2}}`, actual: `{}`,
			want: `expected JSON at a: duplicate key "b"`},
		{name: "variable holding invalid JSON", expected: `{"a":"{{v}}"}`, actual: `{}`, vars: Vars{"v": json.RawMessage(`x`)},
			want: `expected JSON at a: variable "v" holds invalid JSON "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Match([]byte(tt.expected), []byte(tt.actual), tt.vars)
			if err == nil {
				t.Fatalf("Match = %s, want error %q", r, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\n got %s\nwant %s", got, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestMatchSyntaxErrorFields(t *testing.T) {
	_, err := Match([]byte("{\n  \"é\": 1\n  \"b\": 2\n}"), []byte(`{}`), nil)
	se, ok := errors.AsType[*SyntaxError](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
	}
	got := *se
	want := SyntaxError{Doc: "expected", Offset: 14, Line: 3, Column: 3,
		Msg: "invalid character '\"' after object key:value pair"}
	if got != want {
		t.Errorf("SyntaxError = %+v, want %+v", got, want)
	}
}

// A notification that is not the awaited one must not bind the captures of
// the expectation it was tried against.
func TestMatchFailedAttemptKeepsVars(t *testing.T) {
	v := vars(t, "agent", `"u1"`)
	expected := []byte(`{"id":"{{capture:id}}","ownerId":"{{agent}}","state":"Invited"}`)
	for _, actual := range []string{
		`{"id":"first","ownerId":"u1","state":"Processing"}`,
		`{"id":"second","ownerId":"u2","state":"Invited"}`,
	} {
		r, err := Match(expected, []byte(actual), v)
		if err != nil || r.OK() {
			t.Fatalf("Match(%s) = %v, %v; want a mismatch", actual, r, err)
		}
	}
	r, err := Match(expected, []byte(`{"id":"third","ownerId":"u1","state":"Invited"}`), v)
	if err != nil || !r.OK() {
		t.Fatalf("Match = %v, %v; want a match", r, err)
	}
	if got, want := varsText(v), []string{`agent="u1"`, `id="third"`}; !slices.Equal(got, want) {
		t.Errorf("vars = %q, want %q", got, want)
	}
}

func TestMatchNilVars(t *testing.T) {
	r, err := Match([]byte(`{"a":"{{number}}"}`), []byte(`{"a":1}`), nil)
	if err != nil || !r.OK() {
		t.Fatalf("Match = %v, %v; want a match", r, err)
	}
}

func TestResultStringOnMatch(t *testing.T) {
	r, err := Match([]byte(`{}`), []byte(`{"a":1}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.String(), "match"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := r.Diff(); got != "" {
		t.Errorf("Diff() = %q, want empty", got)
	}
}

func TestMismatchString(t *testing.T) {
	tests := []struct {
		name string
		m    Mismatch
		want string
	}{
		{"root", Mismatch{Path: "", Expected: "1", Actual: "2", Reason: "different number"},
			"(document): expected 1, got 2 (different number)"},
		{"nested", Mismatch{Path: "a.b[1]", Expected: Absent, Actual: "null", Reason: "present, expected absent"},
			"a.b[1]: expected <absent>, got null (present, expected absent)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNumbersEqual(t *testing.T) {
	tests := []struct {
		x, y string
		want bool
	}{
		{"1", "1.0", true},
		{"1", "1e0", true},
		{"10", "1e1", true},
		{"0.1", "1E-1", true},
		{"0", "-0", true},
		{"0.0", "0e5", true},
		{"-2.50", "-25e-1", true},
		{"1", "-1", false},
		{"1", "10", false},
		{"123", "1230e-1", true},
		{"9007199254740993", "9007199254740992", false},
		{"1e99999999999999999999", "1e99999999999999999999", true},
		{"1e99999999999999999999", "1e99999999999999999998", false},
	}
	for _, tt := range tests {
		t.Run(tt.x+"="+tt.y, func(t *testing.T) {
			if got := numbersEqual(tt.x, tt.y); got != tt.want {
				t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.x, tt.y, got, tt.want)
			}
			if got := numbersEqual(tt.y, tt.x); got != tt.want {
				t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.y, tt.x, got, tt.want)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"sorted and indented", `{"b":1,"a":{"d":[1,2],"c":null}}`,
			"{\n  \"a\": {\n    \"c\": null,\n    \"d\": [\n      1,\n      2\n    ]\n  },\n  \"b\": 1\n}"},
		{"numbers keep their text", `[1.0, 1e2, -0]`, "[\n  1.0,\n  1e2,\n  -0\n]"},
		{"no HTML escaping", `{"s":"<a&b>\u00e9"}`, "{\n  \"s\": \"<a&b>é\"\n}"},
		{"empty containers", `{"a":[],"b":{}}`, "{\n  \"a\": [],\n  \"b\": {}\n}"},
		{"scalar", ` "x" `, `"x"`},
		{"first duplicate key wins", `{"a":1,"a":2}`, "{\n  \"a\": 1\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Canonical: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Canonical:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCanonicalInvalid(t *testing.T) {
	_, err := Canonical([]byte("[1,\n2,]"))
	if got, want := err.Error(), "invalid document JSON at line 2, column 3: invalid character ']' looking for beginning of value"; got != want {
		t.Errorf("error = %s, want %s", got, want)
	}
	if _, ok := errors.AsType[*SyntaxError](err); !ok {
		t.Errorf("error %T is not a *SyntaxError", err)
	}
}

func TestExpand(t *testing.T) {
	v := vars(t,
		"id", `"00009a8T8Y130123"`,
		"n", `42`,
		"props", `{"b":1, "a":"x"}`,
		"quote", `"say \"hi\""`,
		"alice.id", `"u1"`,
	)
	tests := []struct {
		name string
		text string
		want string
	}{
		{"no references", "/me/interactions", "/me/interactions"},
		{"string without quotes", "/interactions/{{id}}", "/interactions/00009a8T8Y130123"},
		{"number", `{"count": {{n}}}`, `{"count": 42}`},
		{"object as compact canonical JSON", `{{props}}`, `{"a":"x","b":1}`},
		{"string is unescaped", `{{quote}}`, `say "hi"`},
		{"spaces inside braces", "{{ id }}", "00009a8T8Y130123"},
		{"several", "{{id}}/{{n}}/{{id}}", "00009a8T8Y130123/42/00009a8T8Y130123"},
		{"dotted name", "user={{alice.id}}", "user=u1"},
		{"placeholders stay", `{"a":"{{any}}","b":"{{capture:x}}","c":"{{regex:^a{2}$}}","d":["{{contains}}"]}`,
			`{"a":"{{any}}","b":"{{capture:x}}","c":"{{regex:^a{2}$}}","d":["{{contains}}"]}`},
		{"not a reference", "{{ two words }} {id} {{", "{{ two words }} {id} {{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expand(tt.text, v)
			if err != nil {
				t.Fatalf("Expand: %v", err)
			}
			if got != tt.want {
				t.Errorf("Expand(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestExpandUnbound(t *testing.T) {
	tests := []struct {
		name string
		text string
		vars Vars
		want string
	}{
		{"nil vars", "/interactions/{{id}}", nil, `unbound variable "id" (no variables are bound)`},
		{"first unbound named", "{{a}} {{x}} {{y}}", Vars{"a": json.RawMessage(`1`), "b": json.RawMessage(`2`)},
			`unbound variable "x" (bound, closest first: a, b)`},
		{"a typo lists the name meant first", "{{alice.referenceID}}", Vars{
			"aardvark": json.RawMessage(`1`), "admin.id": json.RawMessage(`2`), "alice.id": json.RawMessage(`3`),
			"alice.referenceId": json.RawMessage(`4`), "bob.referenceId": json.RawMessage(`5`)},
			`unbound variable "alice.referenceID" (bound, closest first: alice.referenceId, bob.referenceId, alice.id, admin.id, aardvark)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expand(tt.text, tt.vars)
			if err == nil {
				t.Fatalf("Expand = %q, want an error", got)
			}
			if !errors.Is(err, ErrUnbound) {
				t.Errorf("errors.Is(%v, ErrUnbound) = false", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %s, want %s", err, tt.want)
			}
		})
	}
}

func TestVarsSetString(t *testing.T) {
	v := Vars{}
	v.SetString("s", `<a href="x">`)
	if got, want := string(v["s"]), `"<a href=\"x\">"`; got != want {
		t.Errorf("v[s] = %s, want %s", got, want)
	}
	got, err := Expand("{{s}}", v)
	if err != nil || got != `<a href="x">` {
		t.Errorf("Expand = %q, %v; want %q", got, err, `<a href="x">`)
	}
	r, err := Match([]byte(`{"s":"{{s}}"}`), []byte(`{"s":"<a href=\"x\">"}`), v)
	if err != nil || !r.OK() {
		t.Errorf("Match = %v, %v; want a match", r, err)
	}
}

func TestUnifiedDiffHunks(t *testing.T) {
	var a, b []string
	for i := 1; i <= 20; i++ {
		a = append(a, "line "+strings.Repeat("x", i%3)+string(rune('a'+i)))
	}
	b = slices.Clone(a)
	b[1] = "changed 2"
	b = slices.Insert(b, 15, "inserted")
	b = slices.Delete(b, 19, 20)
	got := unifiedDiff("expected", "actual", strings.Join(a, "\n"), strings.Join(b, "\n"), 3)
	want := `--- expected
+++ actual
@@ -1,5 +1,5 @@
 line xb
-line xxc
+changed 2
 line d
 line xe
 line xxf
@@ -13,8 +13,8 @@
 line xn
 line xxo
 line p
+inserted
 line xq
 line xxr
 line s
-line xt
 line xxu
`
	if got != want {
		t.Errorf("unifiedDiff:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnifiedDiffEmptySide(t *testing.T) {
	got := unifiedDiff("expected", "actual", "a\nb", "a\nb\nc", 0)
	want := "--- expected\n+++ actual\n@@ -2,0 +3 @@\n+c\n"
	if got != want {
		t.Errorf("unifiedDiff = %q, want %q", got, want)
	}
}
