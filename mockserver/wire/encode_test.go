package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// tricky strings: what encoding/json escapes, and what it replaces.
var tricky = []string{
	"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\r\x00\x01\x1f\x7f",
	"é ü 中文 😀", "line\u2028para\u2029", "bad \xff\xfe utf8 \xe2\x80", "\b\f", "/slash/",
}

func randString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return tricky[r.IntN(len(tricky))]
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return string(b)
}

func randValue(r *rand.Rand, depth int) any {
	n := 7
	if depth > 3 {
		n = 4
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return randString(r)
	case 2:
		return r.IntN(2) == 0
	case 3:
		floats := []float64{0, -0.0, 1, -1.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, r.NormFloat64() * 1e6}
		return floats[r.IntN(len(floats))]
	case 4, 5:
		return randObject(r, depth+1)
	default:
		a := make([]any, r.IntN(4))
		for i := range a {
			a[i] = randValue(r, depth+1)
		}
		if r.IntN(8) == 0 {
			return []any(nil)
		}
		return a
	}
}

func randObject(r *rand.Rand, depth int) map[string]any {
	switch r.IntN(8) {
	case 0:
		return nil
	case 1:
		return map[string]any{}
	}
	m := map[string]any{}
	for range r.IntN(5) + 1 {
		m[randString(r)] = randValue(r, depth)
	}
	return m
}

func randInteraction(r *rand.Rand) Interaction {
	w := Interaction{
		MessageTypeName: "InteractionStateMessage", ID: randString(r), Channel: randString(r),
		InteractionType: randString(r), InteractionSubType: randString(r), State: randString(r),
		UserData: randObject(r, 0), ReceivedDate: randString(r), URI: randString(r), Path: randString(r),
	}
	if r.IntN(2) == 0 {
		w.NotificationType = randString(r)
	}
	if r.IntN(2) == 0 {
		w.ReferenceID = r.Int64N(1<<40) - 1<<20 // negative ones too: the encoding must not care
	}
	if r.IntN(5) > 0 {
		w.Capabilities = []string{}
		for range r.IntN(4) {
			w.Capabilities = append(w.Capabilities, randString(r))
		}
	}
	if r.IntN(5) > 0 {
		w.Participants = []Participant{}
		for range r.IntN(3) {
			w.Participants = append(w.Participants, Participant{randString(r), randString(r), randString(r)})
		}
	}
	for _, s := range []*string{&w.CurrentQueue, &w.Workbin, &w.OwnerID, &w.ParentID, &w.LeftAgentID} {
		if r.IntN(2) == 0 {
			*s = randString(r)
		}
	}
	for _, m := range []*map[string]any{&w.EmailObject, &w.ChatObject, &w.WorkitemObject} {
		if r.IntN(2) == 0 {
			*m = randObject(r, 0)
		}
	}
	return w
}

// TestAppendJSONIsJSONMarshal: the fast encoder writes exactly what
// json.Marshal writes, for random interactions full of what encoding/json
// escapes, replaces or formats in its own way.
func TestAppendJSONIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		w := randInteraction(r)
		want, err := json.Marshal(w)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		prefix := []byte("prefix")
		got, ok := w.AppendJSON(prefix)
		if !ok {
			t.Fatalf("case %d: AppendJSON refused %+v", i, w)
		}
		if !bytes.Equal(got[len(prefix):], want) || string(got[:len(prefix)]) != "prefix" {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestAppendJSONLeavesTheRestToJSONMarshal: values the fast path does not
// encode make it step aside, dst untouched.
func TestAppendJSONLeavesTheRestToJSONMarshal(t *testing.T) {
	deep := map[string]any{}
	m := deep
	for range 100 {
		next := map[string]any{}
		m["a"] = next
		m = next
	}
	for name, props := range map[string]map[string]any{
		"int":    {"n": 1},
		"NaN":    {"n": math.NaN()},
		"nested": {"a": []any{map[string]any{"n": int64(2)}}},
		"deep":   deep,
	} {
		w := Interaction{UserData: props}
		got, ok := w.AppendJSON([]byte("x"))
		if ok || string(got) != "x" {
			t.Errorf("%s: AppendJSON = %q, %v; want it to refuse and leave dst", name, got, ok)
		}
	}
}
