package contactcenter

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestQuotedSizeIsEncodingJSONs: every kind of character encoding/json
// escapes, and random strings of them, take as many bytes as it writes.
func TestQuotedSizeIsEncodingJSONs(t *testing.T) {
	parts := []string{"", "a", "\"", "\\", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "<", ">", "&",
		"é", "€", "𝄞", "\u2028", "\u2029", "\xff", "\xe2\x82", "/"}
	check := func(s string) {
		t.Helper()
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := quotedSize(s); got != len(b) {
			t.Errorf("quotedSize(%q) = %d, encoding/json writes %d bytes: %s", s, got, len(b), b)
		}
	}
	for _, p := range parts {
		check(p)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		s := ""
		for range r.IntN(8) {
			s += parts[r.IntN(len(parts))]
		}
		check(s)
	}
	// In a value, keys and []string items are counted the same way.
	v := map[string]any{"<k>": "a&b", "list": []string{"\n", "x"}, "any": []any{"\u2028"}}
	b, _ := json.Marshal(v)
	if got := jsonSize(v, 0); got != len(b) {
		t.Errorf("jsonSize(%s) = %d, want %d", b, got, len(b))
	}
}
