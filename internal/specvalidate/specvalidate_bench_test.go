package specvalidate

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/spec"
)

func benchValidator(b *testing.B) *Validator {
	b.Helper()
	doc, err := spec.Load()
	if err != nil {
		b.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkRequestList measures the validation of
// GET /api/v2/me/interactions?fields=*: route, query parameter.
func BenchmarkRequestList(b *testing.B) {
	v := benchValidator(b)
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
	v := benchValidator(b)
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
