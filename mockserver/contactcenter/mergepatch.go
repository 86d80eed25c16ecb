package contactcenter

import "encoding/json"

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

// checkSize refuses a value that would be larger than the Config's
// MaxValueBytes once encoded. Called with c.mu held.
func (c *Center) checkSize(what string, v map[string]any) error {
	if c.maxValue <= 0 {
		return nil
	}
	if n := jsonSize(v, c.maxValue+1); n > c.maxValue {
		return Errorf(Invalid, "%s would take more than %d bytes of JSON; the limit is %d", what, c.maxValue, c.maxValue)
	}
	return nil
}

// jsonSize counts how many bytes v takes as compact JSON, strings and
// numbers as encoding/json writes them (escapes included). It stops
// counting once the total exceeds limit (limit <= 0: no limit), so that a
// huge value costs no more than the limit to judge.
func jsonSize(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if limit > 0 && n > limit {
			return
		}
		switch v := v.(type) {
		case nil:
			n += 4
		case bool:
			n += 4
			if !v {
				n++
			}
		case string:
			n += quotedSize(v)
		case float64, int, int64:
			n += encodedSize(v)
		case map[string]any:
			n += 2 + max(len(v)-1, 0)
			for k, x := range v {
				n += quotedSize(k) + 1
				walk(x)
			}
		case []any:
			n += 2 + max(len(v)-1, 0)
			for _, x := range v {
				walk(x)
			}
		case []string:
			n += 2 + max(len(v)-1, 0)
			for _, x := range v {
				n += quotedSize(x)
			}
		default:
			n += encodedSize(v)
		}
	}
	walk(v)
	return n
}

// encodedSize is the length of v as encoding/json writes it; for a number,
// the shortest decimal that reads back as v, in exponent form only below
// 1e-6 or from 1e21 on (fmt.Sprint writes 1048576.0 as 1.048576e+06, five
// bytes more). It is 0 for what encoding/json cannot write (NaN, an
// infinity), which no JSON decodes to.
func encodedSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}
