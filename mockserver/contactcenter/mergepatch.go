package contactcenter

// MergePatch applies patch to target as a JSON Merge Patch (RFC 7386) and
// returns the result: a key whose patch value is nil is deleted, an object
// value is merged into the target's value of that key (a non-object there
// counts as {}), any other value replaces. It does not mutate its inputs and
// shares no maps or slices with them; the result is never nil.
//
// Values are what encoding/json decodes into any: map[string]any, []any,
// string, float64, bool, nil; other values are copied as they are.
func MergePatch(target, patch map[string]any) map[string]any {
	out := deepCopyMap(target)
	for k, v := range patch {
		switch v := v.(type) {
		case nil:
			delete(out, k)
		case map[string]any:
			t, _ := out[k].(map[string]any)
			out[k] = MergePatch(t, v)
		default:
			out[k] = deepCopy(v)
		}
	}
	return out
}

// deepCopyMap returns a deep copy of m, never nil.
func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return deepCopyMap(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	case []string:
		return append([]string(nil), v...)
	case map[string]string:
		out := make(map[string]string, len(v))
		for k, x := range v {
			out[k] = x
		}
		return out
	}
	return v
}
