package contactcenter

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzMergePatch checks RFC 7386 on any pair of JSON objects: the inputs
// are left alone, the result is never nil, applying the patch again changes
// nothing, null deletes, every other non-object value of the patch is in
// the result as it is.
func FuzzMergePatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, target, patch []byte) {
		var tg, p map[string]any
		if json.Unmarshal(target, &tg) != nil || json.Unmarshal(patch, &p) != nil {
			return
		}
		tgBefore, _ := json.Marshal(tg)
		pBefore, _ := json.Marshal(p)
		got := MergePatch(tg, p)
		if got == nil {
			t.Fatal("nil result")
		}
		if b, _ := json.Marshal(tg); string(b) != string(tgBefore) {
			t.Fatalf("target changed: %s -> %s", tgBefore, b)
		}
		if b, _ := json.Marshal(p); string(b) != string(pBefore) {
			t.Fatalf("patch changed: %s -> %s", pBefore, b)
		}
		if again := MergePatch(got, p); !reflect.DeepEqual(again, got) {
			t.Fatalf("not idempotent:\nonce:  %v\ntwice: %v", got, again)
		}
		for k, v := range p {
			switch v := v.(type) {
			case nil:
				if _, ok := got[k]; ok {
					t.Fatalf("null did not delete %q", k)
				}
			case map[string]any:
				if _, ok := got[k].(map[string]any); !ok {
					t.Fatalf("object patch of %q gave %T", k, got[k])
				}
			default:
				if !reflect.DeepEqual(got[k], v) {
					t.Fatalf("%q = %v, want %v", k, got[k], v)
				}
			}
		}
		// The result shares nothing with its inputs: changing it leaves them.
		scribble(got)
		if b, _ := json.Marshal(tg); string(b) != string(tgBefore) {
			t.Fatal("the result shares maps with the target")
		}
		if b, _ := json.Marshal(p); string(b) != string(pBefore) {
			t.Fatal("the result shares maps with the patch")
		}
		if n := jsonSize(got, 0); n < 2 {
			t.Fatalf("jsonSize = %d", n)
		}
	})
}

func scribble(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			scribble(x)
			v[k] = "scribbled"
		}
		v["scribbled"] = true
	case []any:
		for i, x := range v {
			scribble(x)
			v[i] = "scribbled"
		}
	}
}
