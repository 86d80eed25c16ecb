package steps

import (
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/spec"
)

func TestBasicChallenges(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"a bare challenge", []string{`Basic realm="gws"`}, []string{`Basic realm="gws"`}},
		{"a charset after the realm", []string{`Basic realm="gws", charset="UTF-8"`}, []string{`Basic realm="gws"`}},
		{"a charset before the realm", []string{`Basic charset="UTF-8", realm="gws"`}, []string{`Basic realm="gws"`}},
		{"a token realm", []string{`Basic realm=gws`}, []string{`Basic realm="gws"`}},
		{"a quoted comma and quote", []string{`Basic realm="a, \"b\"", charset=UTF-8`}, []string{`Basic realm="a, \"b\""`}},
		{"the scheme in lower case", []string{`basic realm="gws"`}, []string{`Basic realm="gws"`}},
		{"two challenges in one value", []string{`Bearer realm="x", error="invalid_token", Basic realm="gws"`}, []string{`Basic realm="gws"`, `Bearer realm="x", error="invalid_token"`}},
		{"two values", []string{`Negotiate`, `Basic realm="gws"`}, []string{`Basic realm="gws"`, `Negotiate`}},
		{"a token68", []string{`Negotiate YIIabc==, Basic realm="gws"`}, []string{`Basic realm="gws"`, `Negotiate YIIabc==`}},
		{"Basic without a realm", []string{`Basic`}, []string{`Basic`}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			basic, other := basicChallenges(tt.values)
			if got := append(basic, other...); !slices.Equal(got, tt.want) {
				t.Errorf("basicChallenges(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestSessionCookies(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"the session cookie", []string{"JSESSIONID=a; Path=/"}, []string{"JSESSIONID=a; Path=/"}},
		{"a load balancer's cookie first", []string{"AWSALB=x; Path=/", "JSESSIONID=a; Path=/"}, []string{"JSESSIONID=a; Path=/"}},
		{"a cookie whose name ends like it", []string{"XJSESSIONID=a"}, nil},
		{"no session cookie", []string{"AWSALB=x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sessionCookies(tt.values); !slices.Equal(got, tt.want) {
				t.Errorf("sessionCookies(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

// TestRelaxedLeavesTheSpecStrict checks that the runner's tolerance stays
// in its copy: the document it was given still closes its objects and asks
// for 16-character ids, as gwsmock's own tests need.
func TestRelaxedLeavesTheSpecStrict(t *testing.T) {
	api, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := relaxed(api)
	if err != nil {
		t.Fatal(err)
	}
	closed := func(doc *openapi3.T) bool {
		s := doc.Components.Schemas["Participant"].Value
		return s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	}
	id := func(doc *openapi3.T) string { return doc.Components.Schemas["InteractionId"].Value.Pattern }
	if !closed(api) || id(api) != "^[0-9A-Za-z]{16}$" {
		t.Errorf("the given document changed: Participant closed %v, id pattern %q", closed(api), id(api))
	}
	if closed(r) || id(r) != "^[0-9A-Za-z]+$" {
		t.Errorf("the relaxed copy: Participant closed %v, id pattern %q", closed(r), id(r))
	}
	if _, err := spec.CometDChannels(r); err != nil {
		t.Errorf("the relaxed copy lost its channels: %v", err)
	}
}
