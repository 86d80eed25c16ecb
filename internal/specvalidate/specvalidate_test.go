package specvalidate

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gwsmock/gwsmock/spec"
)

func TestDescribeNamesTheField(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, contentType, body string
		want                                  string // "" = valid
	}{
		{"valid accept", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"operationName":"Accept"}`, ""},
		{"missing queue", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"operationName":"PlaceInQueue"}`, `body.queue: property "queue" is missing`},
		{"queue not a string", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"operationName":"PlaceInQueue","queue":7}`, "body.queue: value must be a string"},
		{"unknown operation", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"operationName":"Explode"}`, `body.operationName: "Explode" is not one of Accept,`},
		{"no operation", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"queue":"q"}`, `body.operationName: is required`},
		{"operation not a string", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"operationName":1}`, `body.operationName: must be a string`},
		{"broken JSON", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "application/json", `{"operationName":`, "body is not valid JSON"},
		{"wrong content type", "POST", "/api/v2/me/interactions/00009a8T8Y130123", "text/plain", `{"operationName":"Accept"}`, "Content-Type"},
		{"bad fields", "GET", "/api/v2/me/interactions?fields=id", "", "", `query parameter "fields"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, "http://x"+tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			err := v.Request(req)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Request = %v, want valid", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Request accepted %s %s", tt.path, tt.body)
			}
			if got := Describe(err); !strings.Contains(got, tt.want) {
				t.Errorf("Describe = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
