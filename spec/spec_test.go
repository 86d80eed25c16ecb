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

func TestLoad(t *testing.T) {
	tests := []struct {
		name       string
		load       func() (*openapi3.T, error)
		wantServer string
		wantPaths  int
	}{
		{name: "interactions API", load: spec.Load, wantServer: "/api/v2", wantPaths: 7},
		{name: "control API", load: spec.LoadControl, wantServer: "/control/v1", wantPaths: 10},
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
	for name, want := range map[string][]byte{"openapi.yaml": spec.OpenAPIYAML, "control.yaml": spec.ControlYAML} {
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
		{"interaction email cc", api, "Interaction", ix(func(m map[string]any) {
			m["email_object"] = j(`{"interactionId":"00009a8T8Y130123","cc":"x@example.com"}`)
		}), true},
		{"email object without interactionId", api, "EmailObject", j(`{"subject":"x"}`), true},
		{"email object minimal", api, "EmailObject", j(`{"interactionId":"00009a8T8Y130123"}`), false},
		{"interaction workitem free", api, "Interaction", ix(func(m map[string]any) {
			delete(m, "email_object")
			m["channel"] = "workitem"
			m["workitem_object"] = j(`{"a":{"b":[1,null]}}`)
		}), false},
		{"chat transcript entry without text", api, "ChatObject", j(`{"transcript":[{"from":"Jane"}]}`), true},

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

		{"put email subject", api, "ChannelDataUpdate", j(`{"email_object":{"subject":"x"}}`), false},
		{"put email delete body", api, "ChannelDataUpdate", j(`{"email_object":{"body":null}}`), false},
		{"put email from", api, "ChannelDataUpdate", j(`{"email_object":{"from":"x@example.com"}}`), true},
		{"put email interactionId", api, "ChannelDataUpdate", j(`{"email_object":{"interactionId":"00009a8T8Y130123"}}`), true},
		{"put email empty", api, "ChannelDataUpdate", j(`{"email_object":{}}`), true},
		{"put two objects", api, "ChannelDataUpdate", j(`{"email_object":{"subject":"x"},"chat_object":{"nickname":"y"}}`), true},
		{"put nothing", api, "ChannelDataUpdate", j(`{}`), true},
		{"put chat transcript", api, "ChannelDataUpdate", j(`{"chat_object":{"transcript":[]}}`), true},
		{"put workitem", api, "ChannelDataUpdate", j(`{"workitem_object":{"any":{"thing":1}}}`), false},

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

// pageOperations are the operations of the seed page, by operationName as
// sent, with their required and optional parameters.
var pageOperations = []struct {
	name     string
	required []string
	optional []string
}{
	{name: "Accept"},
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
				if p == "properties" {
					if !ps.Value.Type.Is("object") {
						t.Errorf("properties: type %v, want object", ps.Value.Type)
					}
					continue
				}
				if !ps.Value.Type.Is("string") || ps.Value.MinLength != 1 {
					t.Errorf("%s: want a string of minLength 1, got type %v minLength %d", p, ps.Value.Type, ps.Value.MinLength)
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
	// Capabilities are the page table's operation names, in its order.
	wantCaps := []any{"Accept", "Reject", "StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "GetWorkbinContent", "Transfer", "StartConference", "EndConference"}
	if got := api.Components.Schemas["Capability"].Value.Enum; !reflect.DeepEqual(got, wantCaps) {
		t.Errorf("Capability enum = %v, want %v", got, wantCaps)
	}
	wantStates := []any{"Queued", "Invited", "InvitedConference", "Processing", "InWorkbin", "Completed", "Rejected", "Revoked", "Transferred", "LeftConference"}
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
	for name, doc := range map[string]*openapi3.T{"openapi.yaml": api, "control.yaml": control} {
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
