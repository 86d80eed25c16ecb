package specvalidate

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestOperationJudgesAsRequest checks that a prepared operation accepts and
// refuses what Validator.Request does, with the same words, the first time
// and when it has remembered the request.
func TestOperationJudgesAsRequest(t *testing.T) {
	v := testValidator(t)
	tests := []struct {
		name, method, template, url, body string
		params                            map[string]string
		wantMemo                          bool
	}{
		{"list, fields=*", "GET", "/me/interactions", "/api/v2/me/interactions?fields=*", "", nil, true},
		{"list, no query", "GET", "/me/interactions", "/api/v2/me/interactions", "", nil, true},
		{"list, fields unknown", "GET", "/me/interactions", "/api/v2/me/interactions?fields=x", "", nil, true},
		{"one, by id", "GET", "/interactions/{id}", "/api/v2/interactions/00009a8T8Y130123", "", map[string]string{"id": "00009a8T8Y130123"}, true},
		{"operation with a body", "POST", "/me/interactions/{id}", "/api/v2/me/interactions/00009a8T8Y130123", `{"operationName":"Accept"}`, map[string]string{"id": "00009a8T8Y130123"}, false},
		{"operation with a bad body", "POST", "/me/interactions/{id}", "/api/v2/me/interactions/00009a8T8Y130123", `{"operationName":"Explode"}`, map[string]string{"id": "00009a8T8Y130123"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := v.Operation(tt.method, tt.template)
			if err != nil {
				t.Fatalf("Operation: %v", err)
			}
			if op.memo != tt.wantMemo {
				t.Errorf("memo = %v, want %v", op.memo, tt.wantMemo)
			}
			req := func() *http.Request {
				r, _ := http.NewRequest(tt.method, "http://127.0.0.1:8090"+tt.url, strings.NewReader(tt.body))
				if tt.body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				return r
			}
			want := describe(v.Request(req()))
			for i := range 2 { // the second time from memory when valid
				if got := describe(op.Request(req(), tt.params)); got != want {
					t.Errorf("call %d: Operation.Request = %q, Validator.Request = %q", i+1, got, want)
				}
			}
		})
	}
}

func describe(err error) string {
	if err == nil {
		return ""
	}
	return Describe(err)
}

func TestOperationUnknown(t *testing.T) {
	v := testValidator(t)
	if _, err := v.Operation(http.MethodDelete, "/me/interactions"); !errors.Is(err, ErrNoRoute) {
		t.Errorf("Operation(DELETE /me/interactions) = %v, want ErrNoRoute", err)
	}
}

func TestMemoForgetsWhenFull(t *testing.T) {
	v := testValidator(t)
	op, err := v.Operation(http.MethodGet, "/interactions/{id}")
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxMemo + 1 {
		id := strings.Repeat("0", 12) + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		r, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:8090/api/v2/interactions/"+id, nil)
		if err := op.Request(r, map[string]string{"id": id}); err != nil {
			t.Fatalf("id %s: %v", id, err)
		}
	}
	if n := len(op.valid); n > maxMemo {
		t.Errorf("remembers %d requests, bound %d", n, maxMemo)
	}
}
