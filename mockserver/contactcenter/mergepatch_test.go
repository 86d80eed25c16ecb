package contactcenter

import (
	"encoding/json"
	"testing"
)

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	if s == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return m
}

// TestMergePatch runs the examples of RFC 7386 Appendix A that have an
// object as target and patch (a non-object target is given as null), and
// a few more.
func TestMergePatch(t *testing.T) {
	tests := []struct {
		name                string
		target, patch, want string
	}{
		{"A.1 replace a value", `{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{"A.2 add a key", `{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{"A.3 null deletes", `{"a":"b"}`, `{"a":null}`, `{}`},
		{"A.4 null deletes one key", `{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{"A.5 an array is replaced by a string", `{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{"A.6 a string is replaced by an array", `{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{"A.7 nested objects merge", `{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{"A.8 arrays are replaced whole", `{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{"A.13 null in the target stays", `{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{"A.14 a non-object target counts as {}", `null`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{"A.15 nested null on nothing", `{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
		{"a non-object value is replaced by an object", `{"a":1}`, `{"a":{"b":2}}`, `{"a":{"b":2}}`},
		{"deleting a missing key", `{"a":1}`, `{"z":null}`, `{"a":1}`},
		{"empty patch", `{"a":{"b":1}}`, `{}`, `{"a":{"b":1}}`},
		{"null patch", `{"a":1}`, `null`, `{"a":1}`},
		{"deep merge", `{"a":{"b":{"c":1,"d":2},"e":3}}`, `{"a":{"b":{"c":null,"f":4}}}`, `{"a":{"b":{"d":2,"f":4},"e":3}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target, patch := decode(t, tc.target), decode(t, tc.patch)
			got := MergePatch(target, patch)
			checkEqual(t, "result", got, decode(t, tc.want))
			if got == nil {
				t.Error("result is nil")
			}
			checkEqual(t, "target afterwards", target, decode(t, tc.target))
			checkEqual(t, "patch afterwards", patch, decode(t, tc.patch))
		})
	}
}

func TestMergePatchSharesNothing(t *testing.T) {
	target := decode(t, `{"a":{"b":[1,{"c":2}]},"x":{"y":1}}`)
	patch := decode(t, `{"p":{"q":[3]},"x":{"z":2}}`)
	got := MergePatch(target, patch)
	got["a"].(map[string]any)["b"].([]any)[1].(map[string]any)["c"] = 99.0
	got["p"].(map[string]any)["q"].([]any)[0] = 99.0
	got["x"].(map[string]any)["y"] = 99.0
	checkEqual(t, "target", target, decode(t, `{"a":{"b":[1,{"c":2}]},"x":{"y":1}}`))
	checkEqual(t, "patch", patch, decode(t, `{"p":{"q":[3]},"x":{"z":2}}`))
}
