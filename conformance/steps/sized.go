package steps

import (
	"encoding/json"
	"fmt"
	"strings"
)

// sizedKinds is the object of "the variable ... is a JSON object of N
// bytes" before its padding: every kind of JSON value, at the top and
// nested, so that a size limit that miscounts one of them shows.
func sizedKinds(pad string) map[string]any {
	return map[string]any{
		"null":     nil,
		"true":     true,
		"false":    false,
		"integer":  -1048576.0,
		"fraction": 0.125,
		"object":   map[string]any{"a": 1.0, "b": "two", "c": []any{3.0, 4.0}, "d": map[string]any{"e": nil, "f": false}, "g": map[string]any{}},
		"array":    []any{nil, true, false, 0.0, -7.0, 2.5, "s", map[string]any{"k": 1.0}, []any{}, map[string]any{}},
		"pad":      pad,
	}
}

// minSizedObject is the size of sizedKinds without padding, the smallest
// N the step takes; maxSizedObject bounds N, four times the largest body
// a target must take (the control API's 16 MiB).
var (
	minSizedObject = len(mustCompact(sizedKinds("")))
	maxSizedObject = 64 << 20
)

// sizedObject returns sizedKinds padded so that its compact JSON takes
// exactly n bytes.
func sizedObject(n int) (json.RawMessage, error) {
	if n < minSizedObject || n > maxSizedObject {
		return nil, fmt.Errorf("a JSON object of every kind takes %d to %d bytes here, not %d", minSizedObject, maxSizedObject, n)
	}
	b := mustCompact(sizedKinds(strings.Repeat("x", n-minSizedObject)))
	if len(b) != n {
		// The padding's characters need no escaping, so this does not happen.
		return nil, fmt.Errorf("the JSON object meant to take %d bytes takes %d", n, len(b))
	}
	return b, nil
}

// mustCompact is json.Marshal of a value made of maps, slices, strings,
// numbers, booleans and nil, which cannot fail.
func mustCompact(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
