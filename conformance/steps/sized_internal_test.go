package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
)

// TestSizedObjectTakesExactlyNBytes: the object "the variable ... is a JSON
// object of N bytes" binds takes N bytes as compact JSON, whether encoded
// again or expanded as {{variable}}, and holds every kind of JSON value.
func TestSizedObjectTakesExactlyNBytes(t *testing.T) {
	for _, n := range []int{minSizedObject, minSizedObject + 1, 300, 1048575, 1048576, 1048577} {
		b, err := sizedObject(n)
		if err != nil {
			t.Fatalf("sizedObject(%d): %v", n, err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("sizedObject(%d) is not JSON: %v", n, err)
		}
		if got := len(mustCompact(v)); got != n {
			t.Errorf("sizedObject(%d) takes %d bytes once decoded and encoded again", n, got)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil || compact.Len() != n {
			t.Errorf("sizedObject(%d) compacted takes %d bytes (%v)", n, compact.Len(), err)
		}
		w := &World{vars: jsonmatch.Vars{}}
		if err := w.call(context.Background(), Call{Text: "the variable big is a JSON object of " + strconv.Itoa(n) + " bytes"}); err != nil {
			t.Fatal(err)
		}
		s, err := jsonmatch.Expand("{{big}}", w.vars)
		if err != nil || len(s) != n {
			t.Errorf("{{big}} of %d bytes expands to %d bytes (%v)", n, len(s), err)
		}
		kinds := map[string]bool{}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case nil:
				kinds["null"] = true
			case bool:
				kinds[map[bool]string{true: "true", false: "false"}[v]] = true
			case float64:
				if v == float64(int64(v)) {
					kinds["integer"] = true
				} else {
					kinds["fraction"] = true
				}
				if v < 0 {
					kinds["negative"] = true
				}
			case string:
				kinds["string"] = true
			case map[string]any:
				kinds[map[bool]string{true: "empty object", false: "object"}[len(v) == 0]] = true
				for _, x := range v {
					walk(x)
				}
			case []any:
				kinds[map[bool]string{true: "empty array", false: "array"}[len(v) == 0]] = true
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
		for _, k := range []string{"null", "true", "false", "integer", "fraction", "negative", "string", "object", "empty object", "array", "empty array"} {
			if !kinds[k] {
				t.Errorf("sizedObject(%d) holds no %s", n, k)
			}
		}
		if _, ok := v.(map[string]any)["z"]; ok {
			t.Errorf("sizedObject(%d) has a member z, which the step promises it has not", n)
		}
	}
}

// TestSizedObjectRefusesASizeOutOfRange: too few bytes to hold every kind,
// or more than the step makes, is an error that says the range.
func TestSizedObjectRefusesASizeOutOfRange(t *testing.T) {
	for _, n := range []int{0, 2, minSizedObject - 1, maxSizedObject + 1} {
		_, err := sizedObject(n)
		if err == nil || !strings.Contains(err.Error(), "takes "+strconv.Itoa(minSizedObject)+" to ") {
			t.Errorf("sizedObject(%d) = %v, want an error naming the range", n, err)
		}
	}
	w := &World{vars: jsonmatch.Vars{}}
	if err := w.call(context.Background(), Call{Text: "the variable big is a JSON object of 12 bytes"}); err == nil || !strings.Contains(err.Error(), "not 12") {
		t.Errorf("the step with 12 bytes: %v, want an error naming 12", err)
	}
	if _, ok := w.vars["big"]; ok {
		t.Error("the refused step bound the variable")
	}
}
