package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/tidwall/gjson"

	"github.com/gwsmock/gwsmock/internal/jsondepth"
	"github.com/gwsmock/gwsmock/spec"
)

// The negative tests are generated from the specs: every operation that
// takes a JSON body, every oneOf member of that body, every property the
// schema describes. Each bad request must get the 4xx the spec declares,
// with the spec's error body naming the problem; it must change nothing
// (GET /control/v1/state before and after), and the server must go on
// answering.

// badRequest is one request that must be refused.
type badRequest struct {
	name         string
	method, path string
	contentType  string // "" means application/json
	body         []byte
	wantStatus   int
	wantText     []string // the error message names these (any case)
}

// bodyEndpoint is an operation with a JSON request body.
type bodyEndpoint struct {
	doc, method, path string // path as in the spec, under its server URL
	prefix            string // the spec's server URL
	schema            *openapi3.Schema
	maxBody           int
	required          bool // the body may not be left out
}

// member is one shape the body may take: a oneOf member, or the schema.
type member struct {
	name   string
	schema *openapi3.Schema
	base   map[string]any // a valid body of this shape
}

func loadDocs(t *testing.T) map[string]*openapi3.T {
	t.Helper()
	api, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := spec.LoadControl()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*openapi3.T{"/api/v2": api, "/control/v1": ctl}
}

// bodyEndpoints lists every operation of both specs that takes a JSON body,
// in a stable order.
func bodyEndpoints(t *testing.T) []bodyEndpoint {
	t.Helper()
	var out []bodyEndpoint
	for prefix, doc := range loadDocs(t) {
		maxBody := 1 << 20
		if prefix == "/control/v1" {
			maxBody = 16 << 20
		}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				mt := op.RequestBody.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					t.Fatalf("%s %s%s: a body without an application/json schema", method, prefix, path)
				}
				out = append(out, bodyEndpoint{doc: op.OperationID, method: method, path: path, prefix: prefix, schema: mt.Schema.Value, maxBody: maxBody, required: op.RequestBody.Value.Required})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].prefix+out[i].path+out[i].method < out[j].prefix+out[j].path+out[j].method
	})
	return out
}

// members returns the body's shapes with a valid body for each: the
// schema's example, else one made of its required properties. A oneOf of
// named schemas (the operations' union) has a shape per member; a oneOf of
// inline schemas only constrains one shape.
func members(t *testing.T, s *openapi3.Schema) []member {
	t.Helper()
	var out []member
	named := len(s.OneOf) > 0
	for _, ref := range s.OneOf {
		named = named && ref.Ref != ""
	}
	if named { // the members of a union, each a body of its own
		for _, ref := range s.OneOf {
			name := ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
			out = append(out, member{name: name, schema: ref.Value, base: example(t, ref.Value)})
		}
		return out
	}
	return []member{{name: "body", schema: s, base: example(t, s)}}
}

func example(t *testing.T, s *openapi3.Schema) map[string]any {
	t.Helper()
	if m, ok := s.Example.(map[string]any); ok {
		return clone(t, m)
	}
	m := map[string]any{}
	for _, p := range s.Required {
		ps := s.Properties[p].Value
		switch {
		case len(ps.Enum) > 0:
			m[p] = ps.Enum[0]
		case ps.Type.Is("object"):
			m[p] = example(t, ps)
		case ps.Type.Is("boolean"):
			m[p] = true
		case ps.Type.Is("integer"), ps.Type.Is("number"):
			m[p] = 1
		case ps.Type.Is("array"):
			m[p] = []any{}
		default:
			m[p] = "x"
		}
	}
	return m
}

func clone(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wrongValue is a value of another JSON type than the schema's.
func wrongValue(s *openapi3.Schema) (any, bool) {
	switch {
	case s.Type.Is("string"):
		return 12345, true
	case s.Type.Is("object"):
		return "not an object", true
	case s.Type.Is("array"):
		return map[string]any{"not": "an array"}, true
	case s.Type.Is("boolean"), s.Type.Is("integer"), s.Type.Is("number"):
		return "not a " + s.Type.Slice()[0], true
	}
	return nil, false // free: any type will do
}

// set returns a copy of base with path set to v (v == deleteValue deletes).
func set(t *testing.T, base map[string]any, path []string, v any) map[string]any {
	t.Helper()
	out := clone(t, base)
	m := out
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	if v == deleteValue {
		delete(m, path[len(path)-1])
	} else {
		m[path[len(path)-1]] = v
	}
	return out
}

var deleteValue = new(int)

// shapeCases derives the bad bodies of one member from its schema:
// required properties left out, properties of the wrong type, values
// outside an enum, empty strings below a minLength, unknown properties
// in a closed object; nested objects likewise.
func shapeCases(t *testing.T, m member) (out []struct {
	name string
	body map[string]any
	want string
}) {
	t.Helper()
	var walk func(s *openapi3.Schema, base map[string]any, path []string)
	walk = func(s *openapi3.Schema, value map[string]any, path []string) {
		add := func(name string, body map[string]any, want string) {
			out = append(out, struct {
				name string
				body map[string]any
				want string
			}{name, body, want})
		}
		at := func(p string) []string { return append(slices.Clone(path), p) }
		for _, p := range s.Required {
			add(fmt.Sprintf("%s missing", strings.Join(at(p), ".")), set(t, m.base, at(p), deleteValue), p)
		}
		props := make([]string, 0, len(s.Properties))
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			ps := s.Properties[p].Value
			if v, ok := wrongValue(ps); ok {
				add(fmt.Sprintf("%s wrongly typed", strings.Join(at(p), ".")), set(t, m.base, at(p), v), p)
			}
			if len(ps.Enum) > 0 && ps.Type.Is("string") {
				add(fmt.Sprintf("%s not in its enum", strings.Join(at(p), ".")), set(t, m.base, at(p), "NoSuchValue"), p)
			}
			if ps.Type.Is("string") && ps.MinLength > 0 {
				add(fmt.Sprintf("%s empty", strings.Join(at(p), ".")), set(t, m.base, at(p), ""), p)
			}
			if ps.Type.Is("object") && len(ps.Properties) > 0 {
				sub, _ := value[p].(map[string]any)
				walk(ps, sub, at(p))
			}
		}
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			add(fmt.Sprintf("%s unknown property", strings.Join(path, ".")), set(t, m.base, at("zzUnexpected"), 1), "zzUnexpected")
		}
	}
	walk(m.schema, m.base, nil)
	return out
}

// nested is a JSON object nested n levels deep.
func nested(n int) json.RawMessage {
	return json.RawMessage(strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n))
}

// badRequests generates the cases of one endpoint, resolved against the
// concrete path.
func badRequests(t *testing.T, ep bodyEndpoint, path string) []badRequest {
	t.Helper()
	var out []badRequest
	add := func(name string, body []byte, status int, want ...string) {
		out = append(out, badRequest{name: name, method: ep.method, path: path, body: body, wantStatus: status, wantText: want})
	}
	ms := members(t, ep.schema)
	depthLimit := jsondepth.Body
	if strings.HasSuffix(ep.path, "/state") {
		depthLimit = jsondepth.Document
	}
	depthText := fmt.Sprintf("deeper than %d levels", depthLimit)
	for _, m := range ms {
		for _, c := range shapeCases(t, m) {
			add(m.name+": "+c.name, marshal(t, c.body), http.StatusBadRequest, c.want)
		}
		if d := ep.schema.Discriminator; d != nil {
			add(m.name+": unknown "+d.PropertyName, marshal(t, set(t, m.base, []string{d.PropertyName}, "Explode")), http.StatusBadRequest, d.PropertyName, "Explode")
			long := strings.Repeat("X", 1_000_000) // within the body limit
			add(m.name+": 1 MB "+d.PropertyName, marshal(t, set(t, m.base, []string{d.PropertyName}, long)), http.StatusBadRequest, d.PropertyName)
		}
		// Nesting 10,000 deep in every property, free ones included, and
		// just over the limit.
		props := make([]string, 0, len(m.schema.Properties))
		for p := range m.schema.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			add(fmt.Sprintf("%s: %s nested 10000 deep", m.name, p), marshal(t, set(t, m.base, []string{p}, nested(10000))), http.StatusBadRequest, depthText)
			add(fmt.Sprintf("%s: %s nested just over the limit", m.name, p), marshal(t, set(t, m.base, []string{p}, nested(depthLimit))), http.StatusBadRequest, depthText)
		}
	}
	base := marshal(t, ms[0].base)
	add("invalid JSON: truncated", base[:len(base)/2], http.StatusBadRequest, "JSON")
	add("invalid JSON: not JSON", []byte(`operationName=Accept`), http.StatusBadRequest, "JSON")
	add("invalid JSON: trailing data", append(slices.Clone(base), []byte(`{}`)...), http.StatusBadRequest, "JSON")
	add("invalid JSON: bad escape", []byte(`{"a":"\x"}`), http.StatusBadRequest, "JSON")
	add("invalid UTF-8 in a string", []byte("{\"a\":\"\xff\xfe\"}"), http.StatusBadRequest)
	if ep.required {
		add("empty body", nil, http.StatusBadRequest, "body")
	}
	add("null", []byte(`null`), http.StatusBadRequest)
	add("an array", []byte(`[]`), http.StatusBadRequest)
	add("a string", []byte(`"Accept"`), http.StatusBadRequest)
	add("arrays nested 100000 deep", []byte(strings.Repeat("[", 100000)+strings.Repeat("]", 100000)), http.StatusBadRequest, depthText)
	add("unclosed nesting 500000 deep", []byte(strings.Repeat(`{"a":[`, 500000/6*2/2)), http.StatusBadRequest, depthText)
	pad := ep.maxBody + 1 - len(base) - len(`,"zzPad":""`)
	over := append(slices.Clone(base[:len(base)-1]), []byte(`,"zzPad":"`+strings.Repeat("p", pad)+`"}`)...)
	if len(over) != ep.maxBody+1 {
		t.Fatalf("padding: %d bytes, want %d", len(over), ep.maxBody+1)
	}
	add("body one byte over the limit", over, http.StatusRequestEntityTooLarge, fmt.Sprint(ep.maxBody))
	add("body far over the limit", append(over, make([]byte, ep.maxBody)...), http.StatusRequestEntityTooLarge, fmt.Sprint(ep.maxBody))
	if ep.prefix == "/api/v2" { // the control API takes any Content-Type (curl -d)
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/xml"} {
			out = append(out, badRequest{name: "content type " + ct, method: ep.method, path: path, contentType: ct, body: base, wantStatus: http.StatusBadRequest, wantText: []string{"Content-Type"}})
		}
	}
	return out
}

// errorText returns the message of any of the specs' error bodies.
func errorText(r response) string {
	j := r.json()
	for _, k := range []string{"errorDescription", "statusMessage", "error"} {
		if v := j.Get(k); v.Exists() {
			return v.String()
		}
	}
	return ""
}

// TestBadRequestsAreRefused runs every generated bad request against a
// server that holds an interaction of each channel owned by alice.
func TestBadRequestsAreRefused(t *testing.T) {
	h := newHarness(t)
	id := ownedBy(h, "alice")
	concrete := strings.NewReplacer("{id}", id, "{channel}", "email", "{userName}", "alice")
	endpoints := bodyEndpoints(t)
	if len(endpoints) < 9 {
		t.Fatalf("found %d endpoints with a body; the walk misses some", len(endpoints))
	}
	total := 0
	for _, ep := range endpoints {
		path := ep.prefix + concrete.Replace(ep.path)
		t.Run(ep.method+" "+ep.prefix+ep.path, func(t *testing.T) {
			for _, br := range badRequests(t, ep, path) {
				total++
				t.Run(br.name, func(t *testing.T) { h.checkRefused(t, br) })
			}
		})
	}
	t.Logf("%d bad requests over %d endpoints", total, len(endpoints))
}

// checkRefused sends br as alice and checks the refusal, the state and
// that the server still answers.
func (h *harness) checkRefused(t *testing.T, br badRequest) {
	t.Helper()
	before := h.state()
	hdr := []string{"Content-Type", "application/json"}
	if br.contentType != "" {
		hdr = []string{"Content-Type", br.contentType}
	}
	user := "alice"
	if strings.HasPrefix(br.path, "/control/") {
		user = ""
	}
	r := h.request(user, br.method, br.path, string(br.body), hdr...)
	msg := errorText(r)
	if r.status != br.wantStatus {
		t.Fatalf("%s %s = %d %.300s, want %d", br.method, br.path, r.status, r.body, br.wantStatus)
	}
	if msg == "" {
		t.Fatalf("error body names no problem: %.300s", r.body)
	}
	for _, w := range br.wantText {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
			t.Errorf("error %q does not name %q", msg, w)
		}
	}
	if len(msg) > 1024 {
		t.Errorf("error message is %d bytes long: it echoes the input", len(msg))
	}
	if h.state() != before {
		t.Fatalf("a refused request changed the state")
	}
	if r := h.request("alice", "GET", "/api/v2/me", ""); r.status != http.StatusOK {
		t.Fatalf("the server stopped answering: GET /me = %d", r.status)
	}
}

// TestBadParametersAreRefused: every query and path parameter with an
// enum, given a value outside it, answers 400 naming the parameter.
func TestBadParametersAreRefused(t *testing.T) {
	h := newHarness(t)
	id := ownedBy(h, "alice")
	doc := loadDocs(t)["/api/v2"]
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			params := append(slices.Clone(item.Parameters), op.Parameters...)
			for _, pr := range params {
				p := pr.Value
				s := p.Schema.Value
				if len(s.Enum) == 0 {
					continue
				}
				concrete := strings.NewReplacer("{id}", id, "{channel}", "email").Replace(path)
				body := ""
				if op.RequestBody != nil {
					body = `{"operationName":"Ready"}`
				}
				switch p.In {
				case "query":
					concrete += "?" + p.Name + "=NoSuchValue"
				case "path":
					concrete = strings.NewReplacer("{"+p.Name+"}", "NoSuchValue", "{id}", id).Replace(path)
				default:
					continue
				}
				n++
				t.Run(method+" "+path+" "+p.Name, func(t *testing.T) {
					h.checkRefused(t, badRequest{method: method, path: "/api/v2" + concrete, body: []byte(body), wantStatus: http.StatusBadRequest, wantText: []string{p.Name}})
				})
			}
		}
	}
	if n == 0 {
		t.Fatal("no parameter with an enum found")
	}
}

// TestBadBayeuxRequestsAreRefused: the CometD endpoint answers what is not
// Bayeux JSON with 400, a body over its limit with 413, and goes on.
func TestBadBayeuxRequestsAreRefused(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, body string
		want       int
		wantText   string
	}{
		{"not JSON", `channel=/meta/handshake`, 400, "JSON"},
		{"empty array", `[]`, 400, "empty"},
		{"nested 10000 deep", `[{"channel":"/meta/handshake","ext":` + string(nested(10000)) + `}]`, 400, "deeper than 128"},
		{"unclosed nesting", strings.Repeat("[", 200000), 400, "deeper than 128"},
		{"over 1 MiB", `[{"channel":"/meta/handshake","ext":{"x":"` + strings.Repeat("x", 1<<20) + `"}}]`, 413, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.request("alice", "POST", "/api/v2/notifications", tt.body)
			if r.status != tt.want || !strings.Contains(string(r.body), tt.wantText) {
				t.Fatalf("= %d %.200s, want %d naming %q", r.status, r.body, tt.want, tt.wantText)
			}
			if n := h.srv.CometDSessions(); n != 0 {
				t.Fatalf("a refused request opened %d sessions", n)
			}
		})
	}
	// Still a working Bayeux server.
	r := h.request("alice", "POST", "/api/v2/notifications", `[{"channel":"/meta/handshake","id":"1","version":"1.0","supportedConnectionTypes":["long-polling"]}]`)
	if r.status != 200 || !gjson.GetBytes(r.body, "0.successful").Bool() {
		t.Fatalf("handshake after the bad requests = %d %s", r.status, r.body)
	}
}

// TestWrongMethodAnswers405: a method a path does not take answered 404
// "no such resource" (DELETE /api/v2/me, DELETE /control/v1/state, GET
// /api/v2/me/interactions/{id}), which says the path is wrong. Every path of
// both specs answers each method it does not declare with 405, an Allow
// header naming the ones it does, and the API's error body.
func TestWrongMethodAnswers405(t *testing.T) {
	h := newHarness(t)
	message := map[string]string{"/api/v2": "statusMessage", "/control/v1": "error"} // the member of the error body that says what went wrong
	for prefix, doc := range loadDocs(t) {
		for tmpl, item := range doc.Paths.Map() {
			var declared []string
			for m := range item.Operations() {
				declared = append(declared, strings.ToUpper(m))
			}
			sort.Strings(declared)
			path := prefix + pathParam.ReplaceAllString(tmpl, "x")
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				if slices.Contains(declared, m) {
					continue
				}
				t.Run(m+" "+prefix+tmpl, func(t *testing.T) {
					r := h.request("", m, path, "")
					allow := strings.Split(r.header.Get("Allow"), ", ")
					sort.Strings(allow)
					if r.status != http.StatusMethodNotAllowed || !slices.Equal(allow, declared) {
						t.Errorf("= %d Allow %q, want 405 Allow %v", r.status, r.header.Get("Allow"), declared)
					}
					if prefix == "/api/v2" && r.json().Get("statusCode").Int() != 1 {
						t.Errorf("body %s, want statusCode 1", r.body)
					}
					if !strings.Contains(r.json().Get(message[prefix]).String(), m) {
						t.Errorf("body %s, want %s naming the method", r.body, message[prefix])
					}
				})
			}
		}
	}
	for _, path := range []string{"/api/v2/nothing", "/control/v1/nothing"} {
		if r := h.request("", "GET", path, ""); r.status != http.StatusNotFound || r.header.Get("Allow") != "" {
			t.Errorf("GET %s = %d Allow %q, want 404 without Allow", path, r.status, r.header.Get("Allow"))
		}
	}
}

// pathParam is a {parameter} of a path template.
var pathParam = regexp.MustCompile(`\{[^}]+\}`)
