package jsondepth

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	nest := func(n int) string { return strings.Repeat(`{"a":[`, n) + "1" + strings.Repeat("]}", n) }
	tests := []struct {
		name    string
		in      string
		max     int
		wantErr bool
		offset  int64
	}{
		{"empty", "", 1, false, 0},
		{"scalar", `"x"`, 0, false, 0},
		{"flat object at limit", `{"a":1}`, 1, false, 0},
		{"object over limit", `{"a":{}}`, 1, true, 5},
		{"array over limit", `[[[]]]`, 2, true, 2},
		{"brackets in strings do not count", `{"a":"[[[[{{{{"}`, 1, false, 0},
		{"escaped quote keeps the string open", `{"a":"\"[[["}`, 1, false, 0},
		{"escaped backslash ends the escape", `{"a":"\\"}`, 1, false, 0},
		{"siblings do not add up", `[{},{},{},[]]`, 2, false, 0},
		{"64 levels at 64", nest(32), 64, false, 0},
		{"65 levels at 64", `[` + nest(32) + `]`, 64, true, 192},
		{"unbalanced closers are harmless", `]]]]{}`, 1, false, 0},
		{"truncated text", `{"a":[1,`, 2, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.in), tt.max)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Check(%.40q, %d) = %v, want error %v", tt.in, tt.max, err, tt.wantErr)
			}
			var de *Error
			if tt.wantErr && (!errors.As(err, &de) || de.Offset != tt.offset || de.Max != tt.max) {
				t.Fatalf("error = %#v, want offset %d", err, tt.offset)
			}
		})
	}
}

// TestCheckAgreesWithDecoding: whatever Check admits at a limit below
// encoding/json's own decodes without a depth error, and the depth it
// reports is the decoder's.
func TestCheckAgreesWithDecoding(t *testing.T) {
	for _, n := range []int{1, 10, 100, 5000} {
		in := strings.Repeat("[", n) + strings.Repeat("]", n)
		if err := Check([]byte(in), n); err != nil {
			t.Fatalf("depth %d at limit %d: %v", n, n, err)
		}
		if err := Check([]byte(in), n-1); err == nil {
			t.Fatalf("depth %d at limit %d: no error", n, n-1)
		}
		var v any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatalf("decode depth %d: %v", n, err)
		}
	}
}

func TestErrorNamesTheLimit(t *testing.T) {
	err := Check([]byte(strings.Repeat("[", 65)), Body)
	if err == nil || !strings.Contains(err.Error(), "deeper than 64 levels") {
		t.Fatalf("err = %v", err)
	}
}
