package specvalidate

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gwsmock/gwsmock/spec"
)

// TestDescribeFollowsTheClosestOneOfBranch: for a oneOf without
// discriminator (the PUT /interactions/{id} body) the message names the
// problem in the branch the body was meant for, not in the first branch.
func TestDescribeFollowsTheClosestOneOfBranch(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, want string
	}{
		{"nothing", `{}`, "body: must have one of email_object, chat_object, workitem_object"},
		{"wrong type in the chat object", `{"chat_object":{"nickname":7}}`, "body.chat_object.nickname: value must be a string"},
		{"unknown field in the chat object", `{"chat_object":{"color":"red"}}`, `body.chat_object: property "color" is unsupported`},
		{"unknown field next to the chat object", `{"chat_object":{"nickname":"x"},"color":"red"}`, `property "color" is unsupported`},
		{"workitem object not an object", `{"workitem_object":[]}`, "body.workitem_object: value must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("PUT", "http://x/api/v2/interactions/00009a8T8Y130123", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			err := v.Request(req)
			if err == nil {
				t.Fatal("valid")
			}
			if got := Describe(err); !strings.Contains(got, tt.want) {
				t.Fatalf("Describe = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDescribeSkipsBranchesOfAnotherMessageType: a message that names its
// type is judged by that type's branch, even when another branch's failure
// looks closer (it only misses one field, or only its type differs).
func TestDescribeSkipsBranchesOfAnotherMessageType(t *testing.T) {
	one := func(v string) *openapi3.SchemaRef {
		return openapi3.NewStringSchema().WithEnum(v).NewRef()
	}
	a := openapi3.NewObjectSchema().WithProperty("type", one("A").Value).WithProperty("x", openapi3.NewStringSchema()).WithProperty("z", openapi3.NewStringSchema())
	a.Required = []string{"type", "x", "z"}
	b := openapi3.NewObjectSchema().WithProperty("type", one("B").Value).WithProperty("y", openapi3.NewStringSchema())
	b.Required = []string{"type", "y"}
	schema := openapi3.NewOneOfSchema(a, b)
	tests := []struct {
		name, value, want string
	}{
		{"type A misses x", `{"type":"A","y":"1","z":"2"}`, `"x"`},
		{"type B misses y", `{"type":"B","x":"1","z":"2"}`, `"y"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
				t.Fatal(err)
			}
			err := schema.VisitJSON(v, openapi3.MultiErrors())
			if err == nil {
				t.Fatal("valid")
			}
			if got := Describe(err); !strings.Contains(got, tt.want) {
				t.Fatalf("Describe = %q, want it to name %s", got, tt.want)
			}
		})
	}
}
