package spec_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/spec"
)

// docs loads both documents once per test.
func docs(t testing.TB) (api, control *openapi3.T) {
	t.Helper()
	api, err := spec.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	control, err = spec.LoadControl()
	if err != nil {
		t.Fatalf("LoadControl: %v", err)
	}
	return api, control
}

// driverDoc loads the driver contract.
func driverDoc(t testing.TB) *openapi3.T {
	t.Helper()
	d, err := spec.LoadDriver()
	if err != nil {
		t.Fatalf("LoadDriver: %v", err)
	}
	return d
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name       string
		load       func() (*openapi3.T, error)
		wantServer string
		wantPaths  int
	}{
		{name: "interactions API", load: spec.Load, wantServer: "/api/v2", wantPaths: 7},
		{name: "control API", load: spec.LoadControl, wantServer: "/control/v1", wantPaths: 14},
		{name: "driver contract", load: spec.LoadDriver, wantServer: "/control/v1", wantPaths: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := tt.load()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := doc.OpenAPI, "3.0.3"; got != want {
				t.Errorf("openapi = %q, want %q", got, want)
			}
			if len(doc.Servers) != 1 || doc.Servers[0].URL != tt.wantServer {
				t.Errorf("servers = %+v, want one relative server %s", doc.Servers, tt.wantServer)
			}
			if got := doc.Paths.Len(); got != tt.wantPaths {
				t.Errorf("%d paths, want %d", got, tt.wantPaths)
			}
			// Load returns a fresh document each time: callers may modify it.
			again, err := tt.load()
			if err != nil {
				t.Fatal(err)
			}
			if again == doc {
				t.Error("Load returned the same *openapi3.T twice")
			}
		})
	}
}

func TestEmbeddedFS(t *testing.T) {
	for name, want := range map[string][]byte{"openapi.yaml": spec.OpenAPIYAML, "control.yaml": spec.ControlYAML, "driver.yaml": spec.DriverYAML} {
		got, err := spec.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || len(got) == 0 {
			t.Errorf("FS %s differs from its []byte variable or is empty", name)
		}
	}
}

// example is one example found in a document, with the schema it must match.
type example struct {
	where  string
	schema *openapi3.SchemaRef
	value  any
}

// walker collects every example of a document and notes the places that
// should have one and have none.
type walker struct {
	examples []example
	missing  []string
	seen     map[any]bool
}

func collectExamples(doc *openapi3.T) *walker {
	w := &walker{seen: make(map[any]bool)}
	c := doc.Components
	for _, name := range sortedKeys(c.Schemas) {
		s := c.Schemas[name]
		if s.Value.Example == nil {
			w.missing = append(w.missing, "components.schemas."+name)
		}
		w.schema("components.schemas."+name, s)
	}
	for _, name := range sortedKeys(c.Parameters) {
		w.parameter("components.parameters."+name, c.Parameters[name].Value)
	}
	for _, name := range sortedKeys(c.Headers) {
		w.parameter("components.headers."+name, &c.Headers[name].Value.Parameter)
	}
	for _, name := range sortedKeys(c.RequestBodies) {
		w.content("components.requestBodies."+name, c.RequestBodies[name].Value.Content)
	}
	for _, name := range sortedKeys(c.Responses) {
		w.response("components.responses."+name, c.Responses[name].Value)
	}
	paths := doc.Paths.Map()
	for _, p := range sortedKeys(paths) {
		item := paths[p]
		for i, prm := range item.Parameters {
			w.parameter(fmt.Sprintf("%s.parameters[%d]", p, i), prm.Value)
		}
		ops := item.Operations()
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			where := method + " " + p
			for i, prm := range op.Parameters {
				w.parameter(fmt.Sprintf("%s.parameters[%d]", where, i), prm.Value)
			}
			if op.RequestBody != nil {
				w.content(where+".requestBody", op.RequestBody.Value.Content)
			}
			resps := op.Responses.Map()
			for _, code := range sortedKeys(resps) {
				w.response(where+".responses."+code, resps[code].Value)
			}
		}
	}
	return w
}

func (w *walker) once(p any) bool {
	if w.seen[p] {
		return false
	}
	w.seen[p] = true
	return true
}

func (w *walker) schema(where string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || !w.once(ref.Value) {
		return
	}
	s := ref.Value
	if s.Example != nil {
		w.examples = append(w.examples, example{where + ".example", ref, s.Example})
	}
	for _, name := range sortedKeys(s.Properties) {
		w.schema(where+".properties."+name, s.Properties[name])
	}
	w.schema(where+".items", s.Items)
	w.schema(where+".not", s.Not)
	w.schema(where+".additionalProperties", s.AdditionalProperties.Schema)
	for kind, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		for i, sub := range list {
			w.schema(fmt.Sprintf("%s.%s[%d]", where, kind, i), sub)
		}
	}
}

func (w *walker) parameter(where string, p *openapi3.Parameter) {
	if p == nil || !w.once(p) {
		return
	}
	w.schema(where+".schema", p.Schema)
	if p.Example == nil && len(p.Examples) == 0 {
		w.missing = append(w.missing, where)
	}
	if p.Example != nil {
		w.examples = append(w.examples, example{where + ".example", p.Schema, p.Example})
	}
	for _, name := range sortedKeys(p.Examples) {
		w.examples = append(w.examples, example{where + ".examples." + name, p.Schema, p.Examples[name].Value.Value})
	}
}

func (w *walker) content(where string, content openapi3.Content) {
	for _, mime := range sortedKeys(content) {
		mt := content[mime]
		if !w.once(mt) {
			continue
		}
		at := where + ".content[" + mime + "]"
		w.schema(at+".schema", mt.Schema)
		if mt.Example == nil && len(mt.Examples) == 0 {
			w.missing = append(w.missing, at)
		}
		if mt.Example != nil {
			w.examples = append(w.examples, example{at + ".example", mt.Schema, mt.Example})
		}
		for _, name := range sortedKeys(mt.Examples) {
			w.examples = append(w.examples, example{at + ".examples." + name, mt.Schema, mt.Examples[name].Value.Value})
		}
	}
}

func (w *walker) response(where string, r *openapi3.Response) {
	if r == nil || !w.once(r) {
		return
	}
	for _, name := range sortedKeys(r.Headers) {
		w.parameter(where+".headers."+name, &r.Headers[name].Value.Parameter)
	}
	w.content(where, r.Content)
}

// failures validates every collected example and returns the failures.
func (w *walker) failures() []string {
	var out []string
	for _, ex := range w.examples {
		if ex.schema == nil || ex.schema.Value == nil {
			out = append(out, ex.where+": no schema")
			continue
		}
		if err := ex.schema.Value.VisitJSON(ex.value, openapi3.MultiErrors()); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", ex.where, err))
		}
	}
	return out
}

func TestEveryExampleValidates(t *testing.T) {
	api, control := docs(t)
	tests := []struct {
		name string
		doc  *openapi3.T
		min  int // a floor that proves the walker reaches the examples
	}{
		{name: "openapi.yaml", doc: api, min: 100},
		{name: "control.yaml", doc: control, min: 40},
		{name: "driver.yaml", doc: driverDoc(t), min: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := collectExamples(tt.doc)
			t.Logf("%d examples", len(w.examples))
			if len(w.examples) < tt.min {
				t.Errorf("found %d examples, want at least %d", len(w.examples), tt.min)
			}
			for _, f := range w.failures() {
				t.Error(f)
			}
			for _, m := range w.missing {
				t.Errorf("%s: no example", m)
			}
		})
	}
}

// TestBrokenExampleIsRejected proves that both Load's validation and the
// walker above fail on a wrong example.
func TestBrokenExampleIsRejected(t *testing.T) {
	tests := []struct {
		name     string
		src      []byte
		old, new string
	}{
		{
			name: "schema example: Interaction path",
			src:  spec.OpenAPIYAML,
			old:  "        path: /interactions/00009a8T8Y130123\n\n    # ----",
			new:  "        path: /nowhere\n\n    # ----",
		},
		{
			name: "media type example: GET /me role",
			src:  spec.OpenAPIYAML,
			old:  "                      roles: [agent]\n                all:",
			new:  "                      roles: [boss]\n                all:",
		},
		{
			name: "media type example: operation answer without referenceId",
			src:  spec.OpenAPIYAML,
			old:  "            statusCode: 0\n            referenceId: 7\n",
			new:  "            statusCode: 0\n",
		},
		{
			name: "schema example: notification with properties",
			src:  spec.OpenAPIYAML,
			old:  "        userData:\n          field1: value1",
			new:  "        properties:\n          field1: value1",
		},
		{
			name: "control: state interaction with properties",
			src:  spec.ControlYAML,
			old:  "                    userData: {}\n                    channelData:",
			new:  "                    properties: {}\n                    channelData:",
		},
		{
			name: "request example: unknown operationName",
			src:  spec.OpenAPIYAML,
			old:  "                value: {operationName: Reject}",
			new:  "                value: {operationName: Dance}",
		},
		{
			name: "request example: SendMessage without text",
			src:  spec.OpenAPIYAML,
			old:  "                value: {operationName: SendMessage, text: 'Sorry to hear that, let me check.'}",
			new:  "                value: {operationName: SendMessage}",
		},
		{
			name: "request example: Forward without to",
			src:  spec.OpenAPIYAML,
			old:  "                value: {operationName: Forward, to: returns@example.com}",
			new:  "                value: {operationName: Forward}",
		},
		{
			name: "schema example: message log event without index",
			src:  spec.OpenAPIYAML,
			old:  "          - index: 5\n            from: {nickname: Bob",
			new:  "          - from: {nickname: Bob",
		},
		{
			name: "control: chat create with the old transcript",
			src:  spec.ControlYAML,
			old:  "                    nickname: Jane\n                    text: Hello, my parcel never arrived.",
			new:  "                    nickname: Jane\n                    transcript: []",
		},
		{
			name: "control: health status",
			src:  spec.ControlYAML,
			old:  "              example:\n                status: ok\n                version: v0.1.0",
			new:  "              example:\n                status: fine\n                version: v0.1.0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := bytes.Count(tt.src, []byte(tt.old)); n != 1 {
				t.Fatalf("marker found %d times, want once: %q", n, tt.old)
			}
			broken := bytes.Replace(tt.src, []byte(tt.old), []byte(tt.new), 1)
			if _, err := spec.Parse(tt.name, broken); err == nil {
				t.Error("Parse accepted a document with a wrong example")
			}
			doc, err := openapi3.NewLoader().LoadFromData(broken)
			if err != nil {
				t.Fatalf("load without validation: %v", err)
			}
			if f := collectExamples(doc).failures(); len(f) == 0 {
				t.Error("the example walker found no failure")
			}
		})
	}
}

func mustJSON(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

// exampleWith returns a deep copy of component schema name's example,
// changed by edit.
func exampleWith(t testing.TB, doc *openapi3.T, name string, edit func(m map[string]any)) any {
	t.Helper()
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("no schema %s", name)
	}
	b, err := json.Marshal(s.Value.Example)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	return m
}

// chatEvent is a valid transcript event (a Text message) for table tests
// to alter.
const chatEvent = `{"index":2,"from":{"nickname":"Jane","type":"Client","participantId":"00A1B2C3D4E5F601"},` +
	`"timestamp":"2026-11-23 10:05:12.000+0000","visibility":"All","type":"Text","text":"Hello"}`

// outboxEmail is a valid entry of GET /control/v1/outbox.
const outboxEmail = `{"id":"00009a8T8Y130124","parentId":"00009a8T8Y130123","from":"support@example.com",` +
	`"to":"jane.doe@example.com","subject":"Re: x","body":"> x","sentDate":"2026-11-23T10:12:00Z",` +
	`"agentId":"c9e053a7a19626b5b05b478b4fdcc0ab"}`

// withJSON decodes the JSON object s and changes it with edit.
func withJSON(t testing.TB, s string, edit func(m map[string]any)) any {
	t.Helper()
	m := mustJSON(t, s).(map[string]any)
	edit(m)
	return m
}

func TestSchemasAcceptAndReject(t *testing.T) {
	api, control := docs(t)
	type tc struct {
		name    string
		doc     *openapi3.T
		schema  string
		value   any
		wantErr bool
	}
	j := func(s string) any { return mustJSON(t, s) }
	ix := func(edit func(map[string]any)) any { return exampleWith(t, api, "Interaction", edit) }
	tests := []tc{
		{"interaction example", api, "Interaction", ix(nil), false},
		{"interaction short id", api, "Interaction", ix(func(m map[string]any) { m["id"] = "0009a8T8Y13012" }), true},
		{"interaction id with dash", api, "Interaction", ix(func(m map[string]any) { m["id"] = "00009a8T8Y13012-" }), true},
		{"interaction with notificationType", api, "Interaction", ix(func(m map[string]any) { m["notificationType"] = "StatusChange" }), true},
		{"interaction with referenceId", api, "Interaction", ix(func(m map[string]any) { m["referenceId"] = 1 }), true},
		{"interaction with properties instead of userData", api, "Interaction", ix(func(m map[string]any) { m["properties"] = m["userData"]; delete(m, "userData") }), true},
		{"interaction without userData", api, "Interaction", ix(func(m map[string]any) { delete(m, "userData") }), true},
		{"interaction userData not an object", api, "Interaction", ix(func(m map[string]any) { m["userData"] = "x" }), true},
		{"interaction email without interactionId", api, "Interaction", ix(func(m map[string]any) { delete(m["email_object"].(map[string]any), "interactionId") }), true},
		{"interaction email bad interactionId", api, "Interaction", ix(func(m map[string]any) { m["email_object"].(map[string]any)["interactionId"] = "x" }), true},
		{"interaction unknown field", api, "Interaction", ix(func(m map[string]any) { m["priority"] = 1 }), true},
		{"interaction without capabilities", api, "Interaction", ix(func(m map[string]any) { delete(m, "capabilities") }), true},
		{"interaction without receivedDate", api, "Interaction", ix(func(m map[string]any) { delete(m, "receivedDate") }), true},
		{"interaction empty capabilities", api, "Interaction", ix(func(m map[string]any) { m["capabilities"] = []any{} }), false},
		{"interaction capability LeaveConference", api, "Interaction", ix(func(m map[string]any) { m["capabilities"] = []any{"LeaveConference"} }), true},
		{"interaction duplicate capability", api, "Interaction", ix(func(m map[string]any) { m["capabilities"] = []any{"Accept", "Accept"} }), true},
		{"interaction unknown state", api, "Interaction", ix(func(m map[string]any) { m["state"] = "Ringing" }), true},
		{"interaction uppercase ownerId", api, "Interaction", ix(func(m map[string]any) { m["ownerId"] = "C9E053A7A19626B5B05B478B4FDCC0AB" }), true},
		{"interaction RFC 3339 receivedDate", api, "Interaction", ix(func(m map[string]any) { m["receivedDate"] = "2026-11-23T10:00:00Z" }), true},
		{"interaction relative uri", api, "Interaction", ix(func(m map[string]any) { m["uri"] = "/api/v2/interactions/00009a8T8Y130123" }), true},
		{"interaction party role Boss", api, "Interaction", ix(func(m map[string]any) {
			m["participants"] = j(`[{"userId":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","role":"Boss"}]`)
		}), true},
		{"interaction email cc string", api, "Interaction", ix(func(m map[string]any) {
			m["email_object"] = j(`{"interactionId":"00009a8T8Y130123","cc":"x@example.com"}`)
		}), false},
		{"interaction email cc and to lists", api, "Interaction", ix(func(m map[string]any) {
			m["email_object"] = j(`{"interactionId":"00009a8T8Y130123","to":["a@example.com","b@example.com"],"cc":[]}`)
		}), false},
		{"interaction email cc number", api, "Interaction", ix(func(m map[string]any) {
			m["email_object"] = j(`{"interactionId":"00009a8T8Y130123","cc":7}`)
		}), true},
		{"interaction email to list of numbers", api, "Interaction", ix(func(m map[string]any) {
			m["email_object"] = j(`{"interactionId":"00009a8T8Y130123","to":[1]}`)
		}), true},
		{"interaction outbound reply composing", api, "Interaction", ix(func(m map[string]any) {
			m["interactionType"], m["interactionSubType"], m["state"] = "Outbound", "OutboundReply", "Composing"
			m["parentId"] = "00009a8T8Y130122"
			m["capabilities"] = []any{"UpdateProperties", "CancelReply", "Send"}
		}), false},
		{"interaction outbound canceled", api, "Interaction", ix(func(m map[string]any) { m["state"] = "Canceled"; m["capabilities"] = []any{} }), false},
		{"interaction bad parentId", api, "Interaction", ix(func(m map[string]any) { m["parentId"] = "x" }), true},
		{"interaction chat capabilities", api, "Interaction", ix(func(m map[string]any) {
			m["capabilities"] = []any{"StopProcessing", "SendMessage", "SendNotification", "RequestChatHistory"}
		}), false},
		{"interaction capability Cancel", api, "Interaction", ix(func(m map[string]any) { m["capabilities"] = []any{"Cancel"} }), true},
		{"interaction capability SendStartTypingNotification", api, "Interaction", ix(func(m map[string]any) { m["capabilities"] = []any{"SendStartTypingNotification"} }), true},
		{"email object without interactionId", api, "EmailObject", j(`{"subject":"x"}`), true},
		{"email object minimal", api, "EmailObject", j(`{"interactionId":"00009a8T8Y130123"}`), false},
		{"interaction workitem free", api, "Interaction", ix(func(m map[string]any) {
			delete(m, "email_object")
			m["channel"] = "workitem"
			m["workitem_object"] = j(`{"a":{"b":[1,null]}}`)
		}), false},
		{"chat transcript old message", api, "ChatObject", j(`{"transcript":[{"from":"Jane","text":"Hi","time":"2026-11-23 10:05:12.000+0000"}]}`), true},
		{"chat transcript events", api, "ChatObject", j(`{"nickname":"Jane","transcript":[` + chatEvent + `]}`), false},
		{"chat transcript empty", api, "ChatObject", j(`{"nickname":"Jane","transcript":[]}`), false},
		{"chat event", api, "ChatEvent", j(chatEvent), false},
		{"chat event typing", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["type"] = "TypingStarted"; delete(m, "text") }), false},
		{"chat event joined", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["type"] = "ParticipantJoined"; delete(m, "text") }), false},
		{"chat event left", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["type"] = "ParticipantLeft"; delete(m, "text") }), false},
		{"chat event without index", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { delete(m, "index") }), true},
		{"chat event index 0", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["index"] = 0 }), true},
		{"chat event without from", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { delete(m, "from") }), true},
		{"chat event without timestamp", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { delete(m, "timestamp") }), true},
		{"chat event RFC 3339 timestamp", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["timestamp"] = "2026-11-23T10:05:12Z" }), true},
		{"chat event visibility Agents", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["visibility"] = "Agents" }), true},
		{"chat event type Notice", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["type"] = "Notice" }), true},
		{"chat event Text without text", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { delete(m, "text") }), true},
		{"chat event Text empty", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["text"] = "" }), true},
		{"chat event typing with text", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["type"] = "TypingStopped" }), true},
		{"chat event from Customer", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["from"].(map[string]any)["type"] = "Customer" }), true},
		{"chat event from System", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["from"].(map[string]any)["type"] = "System" }), false},
		{"chat event lowercase participantId", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["from"].(map[string]any)["participantId"] = "00a1b2c3d4e5f601" }), true},
		{"chat event short participantId", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["from"].(map[string]any)["participantId"] = "00A1B2C3D4E5F6" }), true},
		{"chat event from without nickname", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { delete(m["from"].(map[string]any), "nickname") }), true},
		{"chat event extra", api, "ChatEvent", withJSON(t, chatEvent, func(m map[string]any) { m["timestampSeconds"] = 1 }), true},

		{"message log", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", nil), false},
		{"message log without referenceId", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { delete(m, "referenceId") }), false},
		{"message log empty", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { m["messages"] = []any{} }), false},
		{"message log event without index", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) {
			delete(m["messages"].([]any)[0].(map[string]any), "index")
		}), true},
		{"message log without messages", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { delete(m, "messages") }), true},
		{"message log without messageType", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { delete(m, "messageType") }), true},
		{"message log without messageTypeName", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { delete(m, "messageTypeName") }), true},
		{"message log as InteractionStateMessage", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { m["messageTypeName"] = "InteractionStateMessage" }), true},
		{"message log other notificationType", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { m["notificationType"] = "StatusChange" }), true},
		{"message log referenceId 0", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { m["referenceId"] = 0 }), true},
		{"message log chatUri", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { m["chatUri"] = m["uri"]; delete(m, "uri") }), true},
		{"message log relative uri", api, "MessageLogNotification", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) { m["uri"] = "/api/v2/interactions/00009a8T8Y130123" }), true},
		{"me/interactions message log", api, "MeInteractionsMessage", exampleWith(t, api, "MessageLogNotification", nil), false},
		{"me/interactions message log without index", api, "MeInteractionsMessage", exampleWith(t, api, "MessageLogNotification", func(m map[string]any) {
			delete(m["messages"].([]any)[0].(map[string]any), "index")
		}), true},

		{"list of uris", api, "InteractionListResponse", j(`{"statusCode":0,"uris":[]}`), false},
		{"list of objects", api, "InteractionListResponse", j(`{"statusCode":0,"interactions":[]}`), false},
		{"list with both", api, "InteractionListResponse", j(`{"statusCode":0,"uris":[],"interactions":[]}`), true},
		{"list with neither", api, "InteractionListResponse", j(`{"statusCode":0}`), true},
		{"list statusCode 1", api, "InteractionListResponse", j(`{"statusCode":1,"uris":[]}`), true},
		{"list bad uri", api, "InteractionListResponse", j(`{"statusCode":0,"uris":["http://h/api/v2/interactions/x"]}`), true},

		{"ok", api, "OperationOk", j(`{"status":"ok","statusCode":0,"referenceId":1}`), false},
		{"ok without referenceId", api, "OperationOk", j(`{"status":"ok","statusCode":0}`), true},
		{"ok seed form only", api, "OperationOk", j(`{"status":"ok"}`), true},
		{"ok without statusCode", api, "OperationOk", j(`{"status":"ok","referenceId":1}`), true},
		{"ok referenceId 0", api, "OperationOk", j(`{"status":"ok","statusCode":0,"referenceId":0}`), true},
		{"ok referenceId string", api, "OperationOk", j(`{"status":"ok","statusCode":0,"referenceId":"1"}`), true},
		{"ok referenceId fraction", api, "OperationOk", j(`{"status":"ok","statusCode":0,"referenceId":1.5}`), true},
		{"ok statusCode 1", api, "OperationOk", j(`{"status":"ok","statusCode":1,"referenceId":1}`), true},
		{"ok with extra", api, "OperationOk", j(`{"status":"ok","statusCode":0,"referenceId":1,"detail":1}`), true},
		{"ok empty", api, "OperationOk", j(`{}`), true},
		{"ok says error", api, "OperationOk", j(`{"status":"error","statusCode":0,"referenceId":1}`), true},
		{"error", api, "OperationError", j(`{"status":"error","errorDescription":"x","statusCode":2,"statusMessage":"x"}`), false},
		{"error seed form only", api, "OperationError", j(`{"status":"error","errorDescription":"x"}`), true},
		{"error without statusMessage", api, "OperationError", j(`{"status":"error","errorDescription":"x","statusCode":2}`), true},
		{"error statusCode 0", api, "OperationError", j(`{"status":"error","errorDescription":"x","statusCode":0,"statusMessage":"x"}`), true},
		{"error statusCode 20", api, "OperationError", j(`{"status":"error","errorDescription":"x","statusCode":20,"statusMessage":"x"}`), true},
		{"error without description", api, "OperationError", j(`{"status":"error","statusCode":2,"statusMessage":"x"}`), true},
		{"error empty description", api, "OperationError", j(`{"status":"error","errorDescription":"","statusCode":2,"statusMessage":"x"}`), true},
		{"status error 20", api, "StatusError", j(`{"statusCode":20,"statusMessage":"x"}`), false},
		{"status error 7", api, "StatusError", j(`{"statusCode":7,"statusMessage":"x"}`), true},
		{"status error 0", api, "StatusError", j(`{"statusCode":0,"statusMessage":"x"}`), true},
		{"csrf refusal", api, "CsrfRefusal", "Missing or invalid Csrf token", false},
		{"csrf other text", api, "CsrfRefusal", "Forbidden", true},

		{"op unknown", api, "InteractionOperation", j(`{"operationName":"Dance"}`), true},
		{"op without name", api, "InteractionOperation", j(`{}`), true},
		{"op name not a string", api, "InteractionOperation", j(`{"operationName":1}`), true},
		{"op accept with extra field", api, "InteractionOperation", j(`{"operationName":"Accept","reason":"busy"}`), false},
		{"op PlaceInQueue without queue", api, "InteractionOperation", j(`{"operationName":"PlaceInQueue"}`), true},
		{"op PlaceInQueue empty queue", api, "InteractionOperation", j(`{"operationName":"PlaceInQueue","queue":""}`), true},
		{"op PlaceInQueue numeric queue", api, "InteractionOperation", j(`{"operationName":"PlaceInQueue","queue":5}`), true},
		{"op UpdateProperties string", api, "InteractionOperation", j(`{"operationName":"UpdateProperties","properties":"x"}`), true},
		{"op UpdateProperties nulls", api, "InteractionOperation", j(`{"operationName":"UpdateProperties","properties":{"a":null,"b":{"c":null}}}`), false},
		{"op Transfer without target", api, "InteractionOperation", j(`{"operationName":"Transfer"}`), true},
		{"op EndConference bare", api, "InteractionOperation", j(`{"operationName":"EndConference"}`), false},
		{"op LeaveConference agent", api, "InteractionOperation", j(`{"operationName":"LeaveConference","agentId":"carol"}`), false},
		{"op LeaveConference empty agent", api, "InteractionOperation", j(`{"operationName":"LeaveConference","agentId":""}`), true},
		{"op Accept nickname", api, "InteractionOperation", j(`{"operationName":"Accept","nickname":"Bob B."}`), false},
		{"op Accept empty nickname", api, "InteractionOperation", j(`{"operationName":"Accept","nickname":""}`), true},
		{"op Accept nickname of 65", api, "InteractionOperation", j(`{"operationName":"Accept","nickname":"` + strings.Repeat("n", 65) + `"}`), true},
		{"op Accept nickname of 64", api, "InteractionOperation", j(`{"operationName":"Accept","nickname":"` + strings.Repeat("n", 64) + `"}`), false},
		{"op SendMessage", api, "InteractionOperation", j(`{"operationName":"SendMessage","text":"hi"}`), false},
		{"op SendMessage without text", api, "InteractionOperation", j(`{"operationName":"SendMessage"}`), true},
		{"op SendMessage empty text", api, "InteractionOperation", j(`{"operationName":"SendMessage","text":""}`), true},
		{"op SendMessage text of 4096", api, "InteractionOperation", j(`{"operationName":"SendMessage","text":"` + strings.Repeat("x", 4096) + `"}`), false},
		{"op SendMessage text of 4097", api, "InteractionOperation", j(`{"operationName":"SendMessage","text":"` + strings.Repeat("x", 4097) + `"}`), true},
		{"op SendMessage numeric text", api, "InteractionOperation", j(`{"operationName":"SendMessage","text":7}`), true},
		{"op SendNotification", api, "InteractionOperation", j(`{"operationName":"SendNotification","notification":"TypingStarted"}`), false},
		{"op SendNotification misspelled", api, "InteractionOperation", j(`{"operationName":"SendNotification","notifcation":"TypingStopped"}`), false},
		{"op SendNotification both names", api, "InteractionOperation", j(`{"operationName":"SendNotification","notification":"TypingStarted","notifcation":"TypingStarted"}`), true},
		{"op SendNotification neither name", api, "InteractionOperation", j(`{"operationName":"SendNotification"}`), true},
		{"op SendNotification unknown value", api, "InteractionOperation", j(`{"operationName":"SendNotification","notification":"Typing"}`), true},
		{"op SendNotification misspelled unknown value", api, "InteractionOperation", j(`{"operationName":"SendNotification","notifcation":"Text"}`), true},
		{"op SendStartTypingNotification", api, "InteractionOperation", j(`{"operationName":"SendStartTypingNotification"}`), false},
		{"op SendStopTypingNotification", api, "InteractionOperation", j(`{"operationName":"SendStopTypingNotification"}`), false},
		{"op RequestChatHistory", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory"}`), false},
		{"op RequestChatHistory fromIndex", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory","fromIndex":3}`), false},
		{"op RequestChatHistory eventId", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory","eventId":3}`), false},
		{"op RequestChatHistory fromIndex 0", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory","fromIndex":0}`), true},
		{"op RequestChatHistory fromIndex string", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory","fromIndex":"3"}`), true},
		{"op RequestChatHistory fromIndex fraction", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory","fromIndex":1.5}`), true},
		{"op RequestChatHistory eventId 0", api, "InteractionOperation", j(`{"operationName":"RequestChatHistory","eventId":0}`), true},
		{"op Reply", api, "InteractionOperation", j(`{"operationName":"Reply"}`), false},
		{"op ReplyAll", api, "InteractionOperation", j(`{"operationName":"ReplyAll"}`), false},
		{"op Forward", api, "InteractionOperation", j(`{"operationName":"Forward","to":"a@example.com"}`), false},
		{"op Forward to a list", api, "InteractionOperation", j(`{"operationName":"Forward","to":["a@example.com","b@example.com"]}`), false},
		{"op Forward without to", api, "InteractionOperation", j(`{"operationName":"Forward"}`), true},
		{"op Forward empty to", api, "InteractionOperation", j(`{"operationName":"Forward","to":""}`), true},
		{"op Forward empty list", api, "InteractionOperation", j(`{"operationName":"Forward","to":[]}`), true},
		{"op Forward list with an empty address", api, "InteractionOperation", j(`{"operationName":"Forward","to":["a@example.com",""]}`), true},
		{"op Forward numeric to", api, "InteractionOperation", j(`{"operationName":"Forward","to":5}`), true},
		{"op Send", api, "InteractionOperation", j(`{"operationName":"Send"}`), false},
		{"op CancelReply", api, "InteractionOperation", j(`{"operationName":"CancelReply"}`), false},
		{"op Cancel", api, "InteractionOperation", j(`{"operationName":"Cancel"}`), false},

		{"put email subject", api, "ChannelDataUpdate", j(`{"email_object":{"subject":"x"}}`), false},
		{"put email delete body", api, "ChannelDataUpdate", j(`{"email_object":{"body":null}}`), false},
		{"put email from", api, "ChannelDataUpdate", j(`{"email_object":{"from":"x@example.com"}}`), true},
		{"put email interactionId", api, "ChannelDataUpdate", j(`{"email_object":{"interactionId":"00009a8T8Y130123"}}`), true},
		{"put email empty", api, "ChannelDataUpdate", j(`{"email_object":{}}`), true},
		{"put two objects", api, "ChannelDataUpdate", j(`{"email_object":{"subject":"x"},"chat_object":{"nickname":"y"}}`), true},
		{"put nothing", api, "ChannelDataUpdate", j(`{}`), true},
		{"put chat transcript", api, "ChannelDataUpdate", j(`{"chat_object":{"transcript":[]}}`), true},
		{"put workitem", api, "ChannelDataUpdate", j(`{"workitem_object":{"any":{"thing":1}}}`), false},
		{"put email to list", api, "ChannelDataUpdate", j(`{"email_object":{"to":["a@example.com","b@example.com"]}}`), false},
		{"put email to string", api, "ChannelDataUpdate", j(`{"email_object":{"to":"a@example.com"}}`), false},
		{"put email delete cc", api, "ChannelDataUpdate", j(`{"email_object":{"cc":null}}`), false},
		{"put email cc list", api, "ChannelDataUpdate", j(`{"email_object":{"cc":["c@example.com"]}}`), false},
		{"put email to number", api, "ChannelDataUpdate", j(`{"email_object":{"to":5}}`), true},
		{"put email parentId", api, "ChannelDataUpdate", j(`{"email_object":{"parentId":"00009a8T8Y130123"}}`), true},

		{"channel op Ready", api, "ChannelOperation", j(`{"operationName":"Ready"}`), false},
		{"channel op Busy", api, "ChannelOperation", j(`{"operationName":"Busy"}`), true},
		{"channel state Busy", api, "ChannelStateMessage", j(`{"messageTypeName":"ChannelStateMessage","channel":"email","state":"Busy"}`), true},
		{"channel state with referenceId", api, "ChannelStateMessage", j(`{"messageTypeName":"ChannelStateMessage","channel":"email","state":"Ready","referenceId":3}`), false},
		{"channel state referenceId 0", api, "ChannelStateMessage", j(`{"messageTypeName":"ChannelStateMessage","channel":"email","state":"Ready","referenceId":0}`), true},
		{"channels answer", api, "ChannelsResponse", j(`{"statusCode":0,"channels":[{"channel":"chat","userState":{"state":"NotReady","displayName":"NotReady"}}]}`), false},
		{"channels answer voice", api, "ChannelsResponse", j(`{"statusCode":0,"channels":[{"channel":"voice","userState":{"state":"Ready","displayName":"Ready"}}]}`), true},
		{"channels answer old readiness shape", api, "ChannelsResponse", j(`{"statusCode":0,"channels":[{"channel":"email","state":"Ready"}]}`), true},
		{"channel object without displayName", api, "ChannelObject", j(`{"channel":"email","userState":{"state":"Ready"}}`), true},
		{"channel object state Busy", api, "ChannelObject", j(`{"channel":"email","userState":{"state":"Busy","displayName":"Busy"}}`), true},
		{"channel object extra", api, "ChannelObject", j(`{"channel":"email","userState":{"state":"Ready","displayName":"Ready"},"x":1}`), true},
		{"me", api, "MeResponse", j(`{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"]}}`), false},
		{"me with password", api, "MeResponse", j(`{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"],"password":"x"}}`), true},
		{"me with channel names", api, "MeResponse", j(`{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"],"channels":["email"]}}`), true},
		{"me with subresources", api, "MeResponse", j(`{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"],"channels":[{"channel":"email","userState":{"state":"Ready","displayName":"Ready"}}],"devices":[]}}`), false},
		{"me with a device", api, "MeResponse", j(`{"statusCode":0,"user":{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","firstName":"A","lastName":"B","roles":["agent"],"devices":[{"id":"d1"}]}}`), true},

		{"session start", api, "SessionOperation", j(`{"operationName":"StartContactCenterSession"}`), false},
		{"session start on channels", api, "SessionOperation", j(`{"operationName":"StartContactCenterSession","channels":["email","chat"]}`), false},
		{"session start on no channel", api, "SessionOperation", j(`{"operationName":"StartContactCenterSession","channels":[]}`), true},
		{"session start on voice", api, "SessionOperation", j(`{"operationName":"StartContactCenterSession","channels":["voice"]}`), true},
		{"session start channels string", api, "SessionOperation", j(`{"operationName":"StartContactCenterSession","channels":"email"}`), true},
		{"session end", api, "SessionOperation", j(`{"operationName":"EndContactCenterSession"}`), false},
		{"session ready", api, "SessionOperation", j(`{"operationName":"Ready"}`), false},
		{"session not ready", api, "SessionOperation", j(`{"operationName":"NotReady"}`), false},
		{"session unknown", api, "SessionOperation", j(`{"operationName":"Logout"}`), true},
		{"session without name", api, "SessionOperation", j(`{}`), true},

		{"left conference without leftAgentId", api, "LeftConferenceNotification",
			exampleWith(t, api, "LeftConferenceNotification", func(m map[string]any) { delete(m, "leftAgentId") }), true},
		{"left conference as StatusChange", api, "LeftConferenceNotification",
			exampleWith(t, api, "LeftConferenceNotification", func(m map[string]any) { m["notificationType"] = "StatusChange" }), true},
		{"status change with other type", api, "StatusChangeNotification",
			exampleWith(t, api, "StatusChangeNotification", func(m map[string]any) { m["notificationType"] = "PropertiesUpdated" }), true},
		{"status change with the seed name StateChange", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { m["notificationType"] = "StateChange" }), true},
		{"notification with properties instead of userData", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { m["properties"] = m["userData"]; delete(m, "userData") }), true},
		{"notification with properties besides userData", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { m["properties"] = map[string]any{} }), true},
		{"notification with referenceId", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { m["referenceId"] = 12 }), false},
		{"notification referenceId 0", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { m["referenceId"] = 0 }), true},
		{"notification email without interactionId", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { delete(m["email_object"].(map[string]any), "interactionId") }), true},
		{"workbin content without referenceId", api, "WorkbinContentNotification",
			exampleWith(t, api, "WorkbinContentNotification", func(m map[string]any) { delete(m, "referenceId") }), true},
		{"workbin content without workbin", api, "WorkbinContentNotification",
			exampleWith(t, api, "WorkbinContentNotification", func(m map[string]any) { delete(m, "workbin") }), true},
		{"workbin content with capabilities", api, "WorkbinContentNotification",
			exampleWith(t, api, "WorkbinContentNotification", func(m map[string]any) { m["capabilities"] = []any{"Accept"} }), true},
		{"workbin content Processing", api, "WorkbinContentNotification",
			exampleWith(t, api, "WorkbinContentNotification", func(m map[string]any) { m["state"] = "Processing" }), true},
		{"me/interactions workbin content Processing", api, "MeInteractionsMessage",
			exampleWith(t, api, "WorkbinContentNotification", func(m map[string]any) { m["state"] = "Processing" }), true},
		{"me/interactions status change", api, "MeInteractionsMessage", exampleWith(t, api, "StatusChangeNotification", nil), false},
		{"me/interactions left conference", api, "MeInteractionsMessage", exampleWith(t, api, "LeftConferenceNotification", nil), false},
		{"notification without type", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { delete(m, "notificationType") }), true},
		{"notification type unknown", api, "InteractionNotification",
			exampleWith(t, api, "InteractionNotification", func(m map[string]any) { m["notificationType"] = "Moved" }), true},
		{"me/interactions unknown message", api, "MeInteractionsMessage", j(`{"messageTypeName":"Foo"}`), true},
		{"me/interactions old workbin content message", api, "MeInteractionsMessage", j(`{"messageTypeName":"WorkbinContent","workbin":"w","interactions":[]}`), true},

		{"control ok", control, "Ok", j(`{"status":"ok"}`), false},
		{"control ok extra", control, "Ok", j(`{"status":"ok","id":"x"}`), true},
		{"control error empty", control, "Error", j(`{}`), true},
		{"control created", control, "CreatedInteraction", j(`{"id":"00009a8T8Y130123","uri":"http://h:1/api/v2/interactions/00009a8T8Y130123"}`), false},
		{"control new voice", control, "NewInteraction", j(`{"channel":"voice"}`), true},
		{"control new with id", control, "NewInteraction", j(`{"channel":"email","id":"00009a8T8Y130123"}`), true},
		{"control new minimal", control, "NewInteraction", j(`{"channel":"chat"}`), false},
		{"control new with userData", control, "NewInteraction", j(`{"channel":"chat","userData":{"a":1}}`), false},
		{"control new with properties", control, "NewInteraction", j(`{"channel":"chat","properties":{"a":1}}`), true},
		{"control new email with interactionId", control, "NewInteraction", j(`{"channel":"email","email_object":{"interactionId":"00009a8T8Y130123"}}`), true},
		{"control new email to and cc lists", control, "NewInteraction", j(`{"channel":"email","email_object":{"to":["a@example.com"],"cc":["c@example.com"]}}`), false},
		{"control new email to string", control, "NewInteraction", j(`{"channel":"email","email_object":{"to":"a@example.com","cc":"c@example.com"}}`), false},
		{"control new chat", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"nickname":"Jane"}}`), false},
		{"control new chat with text", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"nickname":"Jane","text":"Hello"}}`), false},
		{"control new chat with old transcript", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"nickname":"Jane","transcript":[{"from":"Jane","text":"Hello"}]}}`), true},
		{"control new chat without nickname", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"text":"Hello"}}`), true},
		{"control new chat empty nickname", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"nickname":""}}`), true},
		{"control new chat empty text", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"nickname":"Jane","text":""}}`), true},
		{"control new chat text of 4097", control, "NewInteraction", j(`{"channel":"chat","chat_object":{"nickname":"Jane","text":"` + strings.Repeat("x", 4097) + `"}}`), true},
		{"control chat message", control, "ChatMessageRequest", j(`{"text":"hi"}`), false},
		{"control chat message typed Text", control, "ChatMessageRequest", j(`{"type":"Text","text":"hi"}`), false},
		{"control chat message typed Message", control, "ChatMessageRequest", j(`{"type":"Message","text":"hi"}`), false},
		{"control chat typing started", control, "ChatMessageRequest", j(`{"type":"TypingStarted"}`), false},
		{"control chat typing stopped", control, "ChatMessageRequest", j(`{"type":"TypingStopped"}`), false},
		// A message without text is the server's 400 (the description says
		// so), not the schema's: a oneOf of the two forms cannot be both
		// exclusive for Redocly and helpful in its error messages.
		{"control chat message empty", control, "ChatMessageRequest", j(`{}`), false},
		{"control chat typing with text", control, "ChatMessageRequest", j(`{"type":"TypingStarted","text":"hi"}`), false},
		{"control chat message typing numeric text", control, "ChatMessageRequest", j(`{"type":"TypingStarted","text":5}`), true},
		{"control chat message type number", control, "ChatMessageRequest", j(`{"type":1,"text":"hi"}`), true},
		{"control chat message empty text", control, "ChatMessageRequest", j(`{"text":""}`), true},
		{"control chat message unknown type", control, "ChatMessageRequest", j(`{"type":"Notice","text":"hi"}`), true},
		{"control chat message extra", control, "ChatMessageRequest", j(`{"text":"hi","from":"Jane"}`), true},
		{"control chat event added", control, "ChatEventAdded", j(`{"index":3}`), false},
		{"control chat event added index 0", control, "ChatEventAdded", j(`{"index":0}`), true},
		{"control chat event added status", control, "ChatEventAdded", j(`{"status":"ok"}`), true},
		{"control outbox empty", control, "Outbox", j(`{"emails":[]}`), false},
		{"control outbox", control, "Outbox", j(`{"emails":[` + outboxEmail + `]}`), false},
		{"control outbox email without parentId", control, "OutboxEmail", withJSON(t, outboxEmail, func(m map[string]any) { delete(m, "parentId") }), true},
		{"control outbox email without to", control, "OutboxEmail", withJSON(t, outboxEmail, func(m map[string]any) { delete(m, "to") }), true},
		{"control outbox email without agentId", control, "OutboxEmail", withJSON(t, outboxEmail, func(m map[string]any) { delete(m, "agentId") }), true},
		{"control outbox email to list and cc", control, "OutboxEmail", withJSON(t, outboxEmail, func(m map[string]any) { m["to"] = []any{"a@example.com"}; m["cc"] = []any{"c@example.com"} }), false},
		{"control outbox email extra", control, "OutboxEmail", withJSON(t, outboxEmail, func(m map[string]any) { m["state"] = "Completed" }), true},
		{"control faults answer", control, "FaultRules", j(`{"rules":[]}`), false},
		{"state interaction with userData", control, "StateInteraction", j(`{"id":"00009a8T8Y130123","channel":"email","state":"Queued","userData":{}}`), false},
		{"state interaction with properties", control, "StateInteraction", j(`{"id":"00009a8T8Y130123","channel":"email","state":"Queued","properties":{}}`), true},
		{"state user logged out", control, "StateUser", j(`{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","password":"p","roles":["agent"],"loggedOut":true}`), false},
		{"state user loggedOut string", control, "StateUser", j(`{"id":"c9e053a7a19626b5b05b478b4fdcc0ab","userName":"alice","password":"p","roles":["agent"],"loggedOut":"yes"}`), true},
		{"control readiness string", control, "Readiness", j(`{"ready":"yes"}`), true},
		{"control reset empty", control, "ResetRequest", j(`{}`), false},
		{"state version 2", control, "StateDocument", j(`{"version":2,"users":[],"queues":[],"workbins":[]}`), true},
		{"state without workbins", control, "StateDocument", j(`{"version":1,"users":[],"queues":[]}`), true},
		{"state minimal", control, "StateDocument", j(`{"version":1,"users":[],"queues":[],"workbins":[]}`), false},
		{"state interaction seen state", control, "StateInteraction", j(`{"id":"00009a8T8Y130123","channel":"email","state":"Rejected"}`), true},
		{"journal data null", control, "JournalEntry", j(`{"seq":1,"time":"2026-11-23T10:00:00Z","kind":"request","data":null}`), false},
		{"journal data string", control, "JournalEntry", j(`{"seq":1,"time":"2026-11-23T10:00:00Z","kind":"request","data":"Missing or invalid Csrf token"}`), false},
		{"journal kind other", control, "JournalEntry", j(`{"seq":1,"time":"2026-11-23T10:00:00Z","kind":"other"}`), true},
		{"journal seq 0", control, "JournalEntry", j(`{"seq":0,"time":"2026-11-23T10:00:00Z","kind":"request"}`), true},
		{"fault action empty", control, "FaultAction", j(`{}`), true},
		{"fault negative delay", control, "FaultAction", j(`{"delayMs":-1}`), true},
		{"fault rule without action", control, "FaultRule", j(`{"match":{"method":"GET"}}`), true},
		{"fault probability 1.5", control, "FaultRule", j(`{"action":{"delayMs":1},"probability":1.5}`), true},
		{"fault lowercase method", control, "FaultRule", j(`{"match":{"method":"get"},"action":{"delayMs":1}}`), true},
		{"fault status null body", control, "FaultRule", j(`{"action":{"status":500,"body":null}}`), false},
		{"health", control, "Health", j(`{"status":"ok","version":"dev"}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.doc.Components.Schemas[tt.schema]
			if s == nil {
				t.Fatalf("no schema %s", tt.schema)
			}
			err := s.Value.VisitJSON(tt.value, openapi3.MultiErrors())
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("%s: got error %v, want error: %v", tt.schema, err, tt.wantErr)
			}
		})
	}
}

// pageOperations are the operations of the seed page and of the chat and
// email operation tables (docs/behavior.md §7), by operationName as sent,
// with their required and optional parameters.
var pageOperations = []struct {
	name     string
	required []string
	optional []string
}{
	{name: "Accept", optional: []string{"nickname"}},
	{name: "Reject"},
	{name: "StopProcessing"},
	{name: "PlaceInQueue", required: []string{"queue"}},
	{name: "UpdateProperties", required: []string{"properties"}},
	{name: "PlaceInWorkbin", required: []string{"workbin"}},
	{name: "GetWorkbinContent", required: []string{"workbin"}},
	{name: "Transfer", required: []string{"targetId"}},
	{name: "StartConference", required: []string{"agentId"}},
	{name: "EndConference", optional: []string{"agentId"}},
	{name: "LeaveConference", optional: []string{"agentId"}},
	{name: "SendMessage", required: []string{"text"}},
	{name: "SendNotification", optional: []string{"notification", "notifcation"}},
	{name: "SendStartTypingNotification"},
	{name: "SendStopTypingNotification"},
	{name: "RequestChatHistory", optional: []string{"fromIndex", "eventId"}},
	{name: "Reply"},
	{name: "ReplyAll"},
	{name: "Forward", required: []string{"to"}},
	{name: "Send"},
	{name: "CancelReply"},
	{name: "Cancel"},
}

// checkParameter checks the schema of one operation parameter: a name of
// a queue, workbin or agent is a non-empty string, the others as listed.
func checkParameter(name string, s *openapi3.Schema) error {
	str := func(minLen, maxLen uint64) error {
		var maxGot uint64
		if s.MaxLength != nil {
			maxGot = *s.MaxLength
		}
		if !s.Type.Is("string") || s.MinLength != minLen || maxGot != maxLen {
			return fmt.Errorf("want a string of length %d..%d, got type %v length %d..%d", minLen, maxLen, s.Type, s.MinLength, maxGot)
		}
		return nil
	}
	switch name {
	case "properties":
		if !s.Type.Is("object") {
			return fmt.Errorf("type %v, want object", s.Type)
		}
	case "nickname":
		return str(1, 64)
	case "text":
		return str(1, 4096)
	case "notification", "notifcation":
		if want := []any{"TypingStarted", "TypingStopped"}; !s.Type.Is("string") || !reflect.DeepEqual(s.Enum, want) {
			return fmt.Errorf("want a string of %v, got type %v enum %v", want, s.Type, s.Enum)
		}
	case "fromIndex", "eventId":
		if !s.Type.Is("integer") || s.Min == nil || *s.Min != 1 {
			return fmt.Errorf("want an integer of at least 1, got type %v min %v", s.Type, s.Min)
		}
	case "to":
		if len(s.OneOf) != 2 || !s.OneOf[0].Value.Type.Is("string") || !s.OneOf[1].Value.Type.Is("array") || s.OneOf[1].Value.MinItems != 1 {
			return fmt.Errorf("want oneOf a string or a non-empty array")
		}
	default:
		return str(1, 0)
	}
	return nil
}

func TestEveryPageOperation(t *testing.T) {
	api, _ := docs(t)
	body := api.Components.Schemas["InteractionOperation"].Value
	if body.Discriminator == nil || body.Discriminator.PropertyName != "operationName" {
		t.Fatalf("InteractionOperation: want a discriminator on operationName, got %+v", body.Discriminator)
	}
	mapping := body.Discriminator.Mapping
	if got, want := len(mapping), len(pageOperations); got != want {
		t.Errorf("discriminator mapping has %d entries, want %d", got, want)
	}
	if got, want := len(body.OneOf), len(pageOperations); got != want {
		t.Errorf("oneOf has %d members, want %d", got, want)
	}
	for _, op := range pageOperations {
		t.Run(op.name, func(t *testing.T) {
			ref, ok := mapping[op.name]
			if !ok {
				t.Fatalf("discriminator mapping lacks %s", op.name)
			}
			if !slices.ContainsFunc(body.OneOf, func(m *openapi3.SchemaRef) bool { return m.Ref == ref.Ref }) {
				t.Errorf("mapping %s -> %s is not a oneOf member", op.name, ref.Ref)
			}
			name, _ := strings.CutPrefix(ref.Ref, "#/components/schemas/")
			member := api.Components.Schemas[name]
			if member == nil {
				t.Fatalf("mapping %s -> %s: no such schema", op.name, ref.Ref)
			}
			m := member.Value
			if got := m.Properties["operationName"].Value.Enum; !reflect.DeepEqual(got, []any{op.name}) {
				t.Errorf("operationName enum = %v, want [%s]", got, op.name)
			}
			wantReq := append([]string{"operationName"}, op.required...)
			gotReq := slices.Clone(m.Required)
			sort.Strings(wantReq)
			sort.Strings(gotReq)
			if !slices.Equal(gotReq, wantReq) {
				t.Errorf("required = %v, want %v", gotReq, wantReq)
			}
			for _, p := range append(slices.Clone(op.required), op.optional...) {
				ps := m.Properties[p]
				if ps == nil {
					t.Errorf("parameter %s not described", p)
					continue
				}
				if err := checkParameter(p, ps.Value); err != nil {
					t.Errorf("%s: %v", p, err)
				}
			}
			if got, want := len(m.Properties), 1+len(op.required)+len(op.optional); got != want {
				t.Errorf("%d properties, want %d", got, want)
			}
			// Decision: extra fields on operation bodies are allowed.
			if has := m.AdditionalProperties.Has; has != nil && !*has {
				t.Error("additionalProperties: false; operation bodies allow extra fields (docs/decisions.md)")
			}
			if m.Example == nil {
				t.Error("no example")
			}
		})
	}
	// Capabilities are the page table's operation names, in its order, then
	// the chat and email tables' (synonyms are accepted, never listed).
	wantCaps := []any{"Accept", "Reject", "StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "GetWorkbinContent", "Transfer", "StartConference", "EndConference",
		"SendMessage", "SendNotification", "RequestChatHistory", "Reply", "ReplyAll", "Forward", "CancelReply", "Send"}
	if got := api.Components.Schemas["Capability"].Value.Enum; !reflect.DeepEqual(got, wantCaps) {
		t.Errorf("Capability enum = %v, want %v", got, wantCaps)
	}
	wantStates := []any{"Queued", "Invited", "InvitedConference", "Processing", "InWorkbin", "Completed", "Rejected", "Revoked", "Transferred", "LeftConference", "Composing", "Canceled"}
	if got := api.Components.Schemas["InteractionState"].Value.Enum; !reflect.DeepEqual(got, wantStates) {
		t.Errorf("InteractionState enum = %v, want %v", got, wantStates)
	}
}

const (
	kindOperation = "operation" // errors are OperationError
	kindResource  = "resource"  // errors are StatusError
	kindControl   = "control"   // errors are control Error
)

func TestEndpoints(t *testing.T) {
	api, control := docs(t)
	tests := []struct {
		doc         *openapi3.T
		method      string
		path        string
		operationID string
		statuses    []int
		kind        string
		okSchema    string // the 2xx body schema component, "" to skip
	}{
		{api, "GET", "/interactions", "listInteractions", []int{200, 400, 401, 403, 500}, kindResource, "InteractionListResponse"},
		{api, "GET", "/me/interactions", "listMyInteractions", []int{200, 400, 401, 403, 500}, kindResource, "InteractionListResponse"},
		{api, "GET", "/interactions/{id}", "getInteraction", []int{200, 401, 403, 404, 500}, kindResource, "InteractionResponse"},
		{api, "PUT", "/interactions/{id}", "updateInteractionChannelData", []int{200, 400, 401, 403, 404, 409, 413, 500}, kindOperation, "OperationOk"},
		{api, "POST", "/me/interactions/{id}", "operateOnMyInteraction", []int{200, 400, 401, 403, 404, 409, 413, 500}, kindOperation, "OperationOk"},
		{api, "GET", "/me", "getMe", []int{200, 400, 401, 403, 500}, kindResource, "MeResponse"},
		{api, "POST", "/me", "operateOnMe", []int{200, 400, 401, 403, 413, 500}, kindOperation, "OperationOk"},
		{api, "GET", "/me/channels", "getMyChannels", []int{200, 401, 403, 500}, kindResource, "ChannelsResponse"},
		{api, "POST", "/me/channels/{channel}", "changeMyChannelState", []int{200, 400, 401, 403, 413, 500}, kindOperation, "OperationOk"},

		{control, "POST", "/interactions", "createInteraction", []int{201, 400, 401, 409, 413}, kindControl, "CreatedInteraction"},
		{control, "POST", "/interactions/{id}/route", "routeInteraction", []int{200, 400, 401, 404, 409, 413}, kindControl, "Ok"},
		{control, "POST", "/interactions/{id}/revoke", "revokeInteraction", []int{200, 401, 404, 409}, kindControl, "Ok"},
		{control, "PUT", "/users/{userName}/channels/{channel}", "setUserChannelReadiness", []int{200, 400, 401, 404, 413}, kindControl, "Ok"},
		{control, "GET", "/state", "getState", []int{200, 401, 500}, kindControl, "StateDocument"},
		{control, "PUT", "/state", "replaceState", []int{200, 400, 401, 413}, kindControl, "Ok"},
		{control, "POST", "/reset", "reset", []int{200, 400, 401, 404, 413}, kindControl, "Ok"},
		{control, "GET", "/journal", "getJournal", []int{200, 400, 401}, kindControl, "Journal"},
		{control, "PUT", "/faults", "replaceFaults", []int{200, 400, 401, 413}, kindControl, "Ok"},
		{control, "DELETE", "/faults", "clearFaults", []int{200, 401}, kindControl, "Ok"},
		{control, "GET", "/health", "getHealth", []int{200, 401}, kindControl, "Health"},
		{control, "GET", "/faults", "getFaults", []int{200, 401}, kindControl, "FaultRules"},
		{control, "POST", "/interactions/{id}/stop", "stopInteraction", []int{200, 401, 404}, kindControl, "Ok"},
		{control, "POST", "/interactions/{id}/chat/messages", "writeChatMessage", []int{200, 400, 401, 404, 409, 413}, kindControl, "ChatEventAdded"},
		{control, "POST", "/interactions/{id}/chat/leave", "leaveChat", []int{200, 400, 401, 404, 409}, kindControl, "Ok"},
		{control, "GET", "/outbox", "getOutbox", []int{200, 401}, kindControl, "Outbox"},
	}
	seen := map[*openapi3.T]int{}
	for _, tt := range tests {
		seen[tt.doc]++
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			item := tt.doc.Paths.Find(tt.path)
			if item == nil {
				t.Fatalf("no path %s", tt.path)
			}
			op := item.GetOperation(tt.method)
			if op == nil {
				t.Fatalf("no %s on %s", tt.method, tt.path)
			}
			if op.OperationID != tt.operationID {
				t.Errorf("operationId = %q, want %q", op.OperationID, tt.operationID)
			}
			if len(op.Tags) == 0 {
				t.Error("no tags")
			}
			var got []int
			for code := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err != nil {
					t.Errorf("response %q is not a status code", code)
					continue
				}
				got = append(got, n)
			}
			sort.Ints(got)
			if !slices.Equal(got, tt.statuses) {
				t.Errorf("statuses = %v, want %v", got, tt.statuses)
			}
			for _, code := range tt.statuses {
				resp := op.Responses.Status(code).Value
				body := resp.Content.Get("application/json")
				if body == nil || body.Schema == nil {
					t.Errorf("%d: no application/json schema", code)
					continue
				}
				switch {
				case code < 300:
					if want := "#/components/schemas/" + tt.okSchema; body.Schema.Ref != want {
						t.Errorf("%d: schema %q, want %q", code, body.Schema.Ref, want)
					}
				case tt.kind == kindControl:
					if want := "#/components/schemas/Error"; body.Schema.Ref != want {
						t.Errorf("%d: schema %q, want %q", code, body.Schema.Ref, want)
					}
					if code == 401 && !requiredHeader(resp, "WWW-Authenticate") {
						t.Error("401 without a required WWW-Authenticate header")
					}
				case code == 401 || tt.kind == kindResource:
					checkErrorCode(t, code, body.Schema, "StatusError", resourceCodes)
					if code == 401 && !requiredHeader(resp, "WWW-Authenticate") {
						t.Error("401 without a required WWW-Authenticate header")
					}
				default:
					checkErrorCode(t, code, body.Schema, "OperationError", operationCodes)
					if code == 403 && resp.Content.Get("text/plain") == nil {
						t.Error("403 of an operation endpoint lacks the text/plain CSRF refusal")
					}
				}
			}
			if (tt.kind != kindControl && tt.method == "POST") || tt.method == "PUT" {
				if op.RequestBody == nil || !op.RequestBody.Value.Required {
					t.Error("no required request body")
				}
			}
		})
	}
	for doc, n := range seen {
		if got := doc.Paths.Len(); got > n {
			t.Errorf("%s: %d paths but only %d endpoints under test", doc.Info.Title, got, n)
		}
	}
}

func requiredHeader(r *openapi3.Response, name string) bool {
	h := r.Headers[name]
	return h != nil && h.Value != nil && h.Value.Required
}

// The GWS statusCode of each HTTP error status (docs/behavior.md B4.15,
// B4.29): resource reads, and 401 everywhere, answer StatusError; the
// operation endpoints answer OperationError.
var (
	resourceCodes  = map[int][]any{400: {1.0}, 401: {20.0}, 403: {3.0, 5.0}, 404: {6.0}, 500: {4.0}}
	operationCodes = map[int][]any{400: {1.0}, 403: {3.0, 5.0}, 404: {6.0}, 409: {2.0}, 413: {1.0}, 500: {4.0}}
)

// checkErrorCode checks that an error body is the component base narrowed
// to the GWS statusCode of the HTTP status, and refuses another code.
func checkErrorCode(t *testing.T, code int, s *openapi3.SchemaRef, base string, codes map[int][]any) {
	t.Helper()
	want := codes[code]
	if want == nil {
		t.Errorf("%d: unexpected status for a %s", code, base)
		return
	}
	all := s.Value.AllOf
	if len(all) != 2 || all[0].Ref != "#/components/schemas/"+base {
		t.Errorf("%d: want allOf [%s, narrowing], got %+v", code, base, all)
		return
	}
	if got := all[1].Value.Properties["statusCode"].Value.Enum; !reflect.DeepEqual(got, want) {
		t.Errorf("%d: statusCode enum %v, want %v", code, got, want)
	}
	other := 2.0
	if code == 409 {
		other = 6.0
	}
	body := map[string]any{"status": "error", "errorDescription": "x", "statusCode": other, "statusMessage": "x"}
	if base == "StatusError" {
		body = map[string]any{"statusCode": other, "statusMessage": "x"}
	}
	if err := s.Value.VisitJSON(body); err == nil {
		t.Errorf("%d: accepts statusCode %v", code, other)
	}
}

func TestSecurity(t *testing.T) {
	api, control := docs(t)
	if got, want := len(api.Security), 2; got != want {
		t.Fatalf("interactions API: %d security alternatives, want %d (basic or cookie)", got, want)
	}
	for i, want := range []string{"basicAuth", "sessionCookie"} {
		if _, ok := api.Security[i][want]; !ok || len(api.Security[i]) != 1 {
			t.Errorf("security[%d] = %v, want {%s}", i, api.Security[i], want)
		}
	}
	if s := api.Components.SecuritySchemes["sessionCookie"].Value; s.In != "cookie" || s.Name != "JSESSIONID" {
		t.Errorf("sessionCookie: in %q name %q", s.In, s.Name)
	}
	// Control API: no token by default (an empty alternative), or a bearer token.
	if len(control.Security) != 2 || len(control.Security[0]) != 0 {
		t.Errorf("control security = %v, want [{}, {controlToken}]", control.Security)
	}
	if s := control.Components.SecuritySchemes["controlToken"].Value; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("controlToken: type %q scheme %q", s.Type, s.Scheme)
	}
}

func TestNotifications(t *testing.T) {
	api, _ := docs(t)
	want := map[string]string{
		"InteractionNotification":         spec.ChannelInteractions,
		"StatusChangeNotification":        spec.ChannelInteractions,
		"PropertiesUpdatedNotification":   spec.ChannelInteractions,
		"ParticipantsUpdatedNotification": spec.ChannelInteractions,
		"ChannelDataUpdatedNotification":  spec.ChannelInteractions,
		"WorkbinContentNotification":      spec.ChannelInteractions,
		"LeftConferenceNotification":      spec.ChannelInteractions,
		"MessageLogNotification":          spec.ChannelInteractions,
		"MeInteractionsMessage":           spec.ChannelInteractions,
		"ChannelStateMessage":             spec.ChannelChannels,
	}
	// The names without /v2 carry the same messages (docs/behavior.md B6.4).
	primary := map[string]string{
		spec.ChannelInteractions:      spec.ChannelInteractions,
		spec.ChannelChannels:          spec.ChannelChannels,
		spec.ChannelInteractionsAlias: spec.ChannelInteractions,
		spec.ChannelChannelsAlias:     spec.ChannelChannels,
	}
	got := map[string]string{}
	for _, n := range spec.Notifications(api) {
		got[n.Name] = n.Channel
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Notifications = %v, want %v", got, want)
	}
	if got := len(spec.NotificationSchemas(api)); got != len(want) {
		t.Errorf("NotificationSchemas has %d entries, want %d", got, len(want))
	}

	chans, err := spec.CometDChannels(api)
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != len(primary) {
		t.Errorf("x-cometd lists %d channels, want %d", len(chans), len(primary))
	}
	refs := func(ch spec.CometDChannel) []string {
		var out []string
		for _, m := range append([]*openapi3.SchemaRef{ch.Payload}, ch.Messages...) {
			out = append(out, m.Ref)
		}
		return out
	}
	listed := map[string]bool{}
	for name, ch := range chans {
		p, ok := primary[name]
		if !ok {
			t.Errorf("x-cometd lists channel %s, which is neither a /v2 channel nor its alias", name)
			continue
		}
		if got, want := refs(ch), refs(chans[p]); !slices.Equal(got, want) {
			t.Errorf("x-cometd %s lists %v, want the same as %s: %v", name, got, p, want)
		}
		for _, m := range append([]*openapi3.SchemaRef{ch.Payload}, ch.Messages...) {
			n, _ := strings.CutPrefix(m.Ref, "#/components/schemas/")
			listed[n] = true
			if got := want[n]; got != p {
				t.Errorf("x-cometd lists %s under %s, but its x-cometd-channel is %q", n, name, got)
			}
		}
	}
	for _, n := range spec.Notifications(api) {
		t.Run(n.Name, func(t *testing.T) {
			if !listed[n.Name] {
				t.Error("not listed in x-cometd")
			}
			ex := n.Schema.Value.Example
			if ex == nil {
				t.Fatal("no example")
			}
			if err := n.Schema.Value.VisitJSON(ex); err != nil {
				t.Errorf("example does not match its schema: %v", err)
			}
			if err := spec.ValidateNotification(api, n.Channel, ex); err != nil {
				t.Errorf("example is not a valid payload of %s: %v", n.Channel, err)
			}
			if typ, ok := strings.CutSuffix(n.Name, "Notification"); ok && typ != "Interaction" && typ != "LeftConference" {
				if typ == "MessageLog" {
					typ = "NewMessages"
				}
				if got := ex.(map[string]any)["notificationType"]; got != typ {
					t.Errorf("example notificationType = %v, want %s", got, typ)
				}
			}
		})
	}
	wantTypes := []any{"StatusChange", "PropertiesUpdated", "ParticipantsUpdated", "ChannelDataUpdated", "WorkbinContent"}
	if got := api.Components.Schemas["NotificationType"].Value.Enum; !reflect.DeepEqual(got, wantTypes) {
		t.Errorf("NotificationType enum = %v, want %v", got, wantTypes)
	}
}

func TestValidateNotification(t *testing.T) {
	api, _ := docs(t)
	channelMsg := `{"messageTypeName":"ChannelStateMessage","channel":"chat","state":"Ready"}`
	workbin, err := json.Marshal(api.Components.Schemas["WorkbinContentNotification"].Value.Example)
	if err != nil {
		t.Fatal(err)
	}
	messageLog, err := json.Marshal(api.Components.Schemas["MessageLogNotification"].Value.Example)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		channel string
		data    any
		wantErr bool
	}{
		{"decoded", spec.ChannelChannels, mustJSON(t, channelMsg), false},
		{"raw bytes", spec.ChannelChannels, []byte(channelMsg), false},
		{"raw message", spec.ChannelChannels, json.RawMessage(channelMsg), false},
		{"alias", spec.ChannelChannelsAlias, []byte(channelMsg), false},
		{"workbin content", spec.ChannelInteractions, workbin, false},
		{"workbin content on the alias", spec.ChannelInteractionsAlias, workbin, false},
		{"message log", spec.ChannelInteractions, messageLog, false},
		{"message log on the alias", spec.ChannelInteractionsAlias, messageLog, false},
		{"message log on the channels channel", spec.ChannelChannels, messageLog, true},
		{"message log with an old chat message", spec.ChannelInteractions, []byte(`{"messageType":"MessageLogUpdated","messageTypeName":"MessageLogUpdated","notificationType":"NewMessages","id":"00009a8T8Y130123","uri":"http://h:1/api/v2/interactions/00009a8T8Y130123","messages":[{"from":"Jane","text":"Hi"}]}`), true},
		{"message log without messageTypeName", spec.ChannelInteractions, []byte(`{"messageType":"MessageLogUpdated","notificationType":"NewMessages","id":"00009a8T8Y130123","uri":"http://h:1/api/v2/interactions/00009a8T8Y130123","messages":[]}`), true},
		{"old workbin content message", spec.ChannelInteractions, []byte(`{"messageTypeName":"WorkbinContent","workbin":"w1","interactions":[]}`), true},
		{"wrong channel", spec.ChannelInteractions, []byte(channelMsg), true},
		{"wrong alias channel", spec.ChannelInteractionsAlias, []byte(channelMsg), true},
		{"unknown channel", "/v2/me/foo", []byte(channelMsg), true},
		{"bad JSON", spec.ChannelChannels, []byte(`{`), true},
		{"trailing data", spec.ChannelChannels, []byte(channelMsg + ` {}`), true},
		{"not an object", spec.ChannelChannels, []byte(`"Ready"`), true},
		{"unknown messageTypeName", spec.ChannelInteractions, []byte(`{"messageTypeName":"Hello"}`), true},
		{"partial InteractionStateMessage", spec.ChannelInteractions, []byte(`{"messageTypeName":"InteractionStateMessage","id":"00009a8T8Y130123","state":"LeftConference"}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := spec.ValidateNotification(api, tt.channel, tt.data)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("got error %v, want error: %v", err, tt.wantErr)
			}
		})
	}
}

func TestCometDChannelsRejectsMalformed(t *testing.T) {
	tests := []struct {
		name string
		ext  any
	}{
		{"missing", nil},
		{"not an object", "x"},
		{"no channels", map[string]any{}},
		{"payload not a ref", map[string]any{"channels": map[string]any{"/a": map[string]any{"payload": "X", "messages": []any{}}}}},
		{"unknown schema", map[string]any{"channels": map[string]any{"/a": map[string]any{
			"payload":  map[string]any{"$ref": "#/components/schemas/Nope"},
			"messages": []any{map[string]any{"$ref": "#/components/schemas/Nope"}},
		}}}},
		{"no messages", map[string]any{"channels": map[string]any{"/a": map[string]any{
			"payload": map[string]any{"$ref": "#/components/schemas/ChannelStateMessage"},
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, _ := docs(t)
			if tt.ext == nil {
				delete(api.Extensions, spec.ExtCometD)
			} else {
				api.Extensions[spec.ExtCometD] = tt.ext
			}
			if _, err := spec.CometDChannels(api); err == nil {
				t.Error("CometDChannels accepted a malformed x-cometd")
			}
		})
	}
}

// TestEveryComponentIsUsed replaces Redocly's no-unused-components, which
// is off because it does not follow $ref inside the x-cometd extension.
func TestEveryComponentIsUsed(t *testing.T) {
	api, control := docs(t)
	for name, doc := range map[string]*openapi3.T{"openapi.yaml": api, "control.yaml": control, "driver.yaml": driverDoc(t)} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			var root map[string]any
			if err := json.Unmarshal(b, &root); err != nil {
				t.Fatal(err)
			}
			comps, _ := root["components"].(map[string]any)
			delete(root, "components")
			used := map[string]bool{}
			var todo []string
			var collect func(v any)
			collect = func(v any) {
				switch v := v.(type) {
				case map[string]any:
					for k, x := range v {
						if s, ok := x.(string); ok && (k == "$ref" || strings.HasPrefix(s, "#/components/")) {
							if !used[s] {
								used[s] = true
								todo = append(todo, s)
							}
							continue
						}
						collect(x)
					}
				case []any:
					for _, x := range v {
						collect(x)
					}
				}
			}
			collect(root)
			for len(todo) > 0 {
				ref := todo[0]
				todo = todo[1:]
				parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
				if len(parts) != 2 {
					t.Errorf("unexpected $ref %s", ref)
					continue
				}
				kind, _ := comps[parts[0]].(map[string]any)
				c, ok := kind[parts[1]]
				if !ok {
					t.Errorf("$ref %s: no such component", ref)
					continue
				}
				collect(c)
			}
			for kind, m := range comps {
				if kind == "securitySchemes" {
					continue // used by name in security requirements
				}
				for n := range m.(map[string]any) {
					if ref := "#/components/" + kind + "/" + n; !used[ref] {
						t.Errorf("%s is never used", ref)
					}
				}
			}
		})
	}
}

// TestStateDocumentMatchesFixtures keeps control.yaml's StateDocument and
// fixtures/schema.json (the fixture loader's schema) in step, and checks
// that the embedded default fixture is a valid state document.
func TestStateDocumentMatchesFixtures(t *testing.T) {
	_, control := docs(t)
	schemaJSON, err := os.ReadFile(filepath.Join("..", "fixtures", "schema.json"))
	if err != nil {
		t.Skipf("fixtures/schema.json: %v", err)
	}
	var fx map[string]any
	if err := json.Unmarshal(schemaJSON, &fx); err != nil {
		t.Fatal(err)
	}
	defs, _ := fx["definitions"].(map[string]any)
	pairs := []struct {
		fixture   any
		component string
	}{
		{fx, "StateDocument"},
		{defs["User"], "StateUser"},
		{defs["Queue"], "StateQueue"},
		{defs["Workbin"], "StateWorkbin"},
		{defs["Interaction"], "StateInteraction"},
	}
	for _, p := range pairs {
		t.Run(p.component, func(t *testing.T) {
			f, ok := p.fixture.(map[string]any)
			if !ok {
				t.Fatal("fixtures/schema.json lacks the matching definition")
			}
			s := control.Components.Schemas[p.component].Value
			var fReq []string
			for _, r := range f["required"].([]any) {
				fReq = append(fReq, r.(string))
			}
			sReq := slices.Clone(s.Required)
			sort.Strings(fReq)
			sort.Strings(sReq)
			if !slices.Equal(fReq, sReq) {
				t.Errorf("required: fixtures %v, control.yaml %v", fReq, sReq)
			}
			fProps := sortedKeys(f["properties"].(map[string]any))
			sProps := sortedKeys(s.Properties)
			if !slices.Equal(fProps, sProps) {
				t.Errorf("properties: fixtures %v, control.yaml %v", fProps, sProps)
			}
			if ap, _ := f["additionalProperties"].(bool); ap || s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
				t.Errorf("additionalProperties: both must be false (fixtures %v)", f["additionalProperties"])
			}
		})
	}
	def, err := os.ReadFile(filepath.Join("..", "fixtures", "default.json"))
	if err != nil {
		t.Skipf("fixtures/default.json: %v", err)
	}
	var v any
	if err := json.Unmarshal(def, &v); err != nil {
		t.Fatal(err)
	}
	if err := control.Components.Schemas["StateDocument"].Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		t.Errorf("fixtures/default.json is not a valid StateDocument: %v", err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
