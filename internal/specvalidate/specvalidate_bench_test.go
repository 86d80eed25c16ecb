package specvalidate

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/spec"
)

// testValidator is a validator of spec/openapi.yaml.
func testValidator(tb testing.TB) *Validator {
	tb.Helper()
	doc, err := spec.Load()
	if err != nil {
		tb.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// BenchmarkRequestList measures the validation of
// GET /api/v2/me/interactions?fields=*: route, query parameter.
func BenchmarkRequestList(b *testing.B) {
	v := testValidator(b)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:8090/api/v2/me/interactions?fields=*", nil)
		if err := v.Request(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequestOperation measures the validation of an operation:
// route, path parameter, and a body checked against the 11-way oneOf
// discriminated by operationName.
func BenchmarkRequestOperation(b *testing.B) {
	v := testValidator(b)
	for _, tc := range []struct{ name, body string }{
		{"Accept", `{"operationName":"Accept"}`},
		{"Transfer", `{"operationName":"Transfer","targetId":"bob"}`},
		{"UpdateProperties", `{"operationName":"UpdateProperties","properties":{"step":"updated","n":1}}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8090/api/v2/me/interactions/00009a8T8Y130123", strings.NewReader(tc.body))
				req.Header.Set("Content-Type", "application/json")
				if err := v.Request(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOperationList is BenchmarkRequestList for a server that has
// routed the request already (Validator.Operation): no second routing,
// and the valid query remembered.
func BenchmarkOperationList(b *testing.B) {
	v := testValidator(b)
	op, err := v.Operation(http.MethodGet, "/me/interactions")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:8090/api/v2/me/interactions?fields=*", nil)
		if err := op.Request(req, nil); err != nil {
			b.Fatal(err)
		}
	}
}
