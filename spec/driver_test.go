package spec_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/spec"
)

// driverContract is the driver contract of DESIGN-13 §B and
// docs/control-api.md C1.1: method and path of each action.
var driverContract = []string{
	"POST /interactions",
	"POST /interactions/{id}/route",
	"POST /interactions/{id}/revoke",
	"POST /interactions/{id}/stop",
	"PUT /users/{userName}/channels/{channel}",
	"POST /interactions/{id}/chat/messages",
	"POST /interactions/{id}/chat/leave",
	"GET /health",
}

// asJSON is v as JSON, for deep comparisons of resolved parts of two
// documents (a $ref marshals as the reference only, so both sides must
// name the same component).
func asJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDriverIsSubsetOfControl: every action of driver.yaml is an action of
// control.yaml with the same operationId, parameters, request body
// schema and answers (statuses, schemas, headers), and the actions are
// exactly the driver contract.
func TestDriverIsSubsetOfControl(t *testing.T) {
	_, control := docs(t)
	driver := driverDoc(t)
	var got []string
	for p, item := range driver.Paths.Map() {
		for method := range item.Operations() {
			got = append(got, method+" "+p)
		}
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(driverContract))
	if !slices.Equal(got, want) {
		t.Errorf("driver.yaml actions = %v, want %v", got, want)
	}
	for _, action := range driverContract {
		t.Run(action, func(t *testing.T) {
			method, p, _ := strings.Cut(action, " ")
			d := driver.Paths.Find(p)
			c := control.Paths.Find(p)
			if d == nil || c == nil {
				t.Fatalf("path in driver.yaml: %v, in control.yaml: %v", d != nil, c != nil)
			}
			if got, want := asJSON(t, d.Parameters), asJSON(t, c.Parameters); got != want {
				t.Errorf("path parameters %s, control.yaml %s", got, want)
			}
			dop, cop := d.GetOperation(method), c.GetOperation(method)
			if dop == nil || cop == nil {
				t.Fatalf("%s in driver.yaml: %v, in control.yaml: %v", method, dop != nil, cop != nil)
			}
			if dop.OperationID != cop.OperationID {
				t.Errorf("operationId %q, control.yaml %q", dop.OperationID, cop.OperationID)
			}
			if got, want := asJSON(t, dop.Parameters), asJSON(t, cop.Parameters); got != want {
				t.Errorf("parameters %s, control.yaml %s", got, want)
			}
			if (dop.RequestBody == nil) != (cop.RequestBody == nil) {
				t.Fatalf("request body in driver.yaml: %v, in control.yaml: %v", dop.RequestBody != nil, cop.RequestBody != nil)
			}
			if dop.RequestBody != nil {
				db, cb := dop.RequestBody.Value, cop.RequestBody.Value
				if db.Required != cb.Required {
					t.Errorf("request body required %v, control.yaml %v", db.Required, cb.Required)
				}
				if got, want := mediaSchemas(t, db.Content), mediaSchemas(t, cb.Content); !reflect.DeepEqual(got, want) {
					t.Errorf("request body schemas %v, control.yaml %v", got, want)
				}
			}
			dr, cr := dop.Responses.Map(), cop.Responses.Map()
			if got, want := slices.Sorted(maps.Keys(dr)), slices.Sorted(maps.Keys(cr)); !slices.Equal(got, want) {
				t.Errorf("statuses %v, control.yaml %v", got, want)
			}
			for code, r := range dr {
				other := cr[code]
				if other == nil {
					continue
				}
				if got, want := mediaSchemas(t, r.Value.Content), mediaSchemas(t, other.Value.Content); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: schemas %v, control.yaml %v", code, got, want)
				}
				if got, want := asJSON(t, r.Value.Headers), asJSON(t, other.Value.Headers); got != want {
					t.Errorf("%s: headers %s, control.yaml %s", code, got, want)
				}
			}
		})
	}
	if got, want := asJSON(t, driver.Security), asJSON(t, control.Security); got != want {
		t.Errorf("security %s, control.yaml %s", got, want)
	}
	ds, cs := driver.Components.SecuritySchemes["controlToken"], control.Components.SecuritySchemes["controlToken"]
	if ds == nil || cs == nil || ds.Value.Type != cs.Value.Type || ds.Value.Scheme != cs.Value.Scheme {
		t.Errorf("controlToken differs from control.yaml's")
	}
}

// mediaSchemas maps each media type to its schema: the component it
// names and the resolved schema, as JSON.
func mediaSchemas(t testing.TB, c openapi3.Content) map[string][2]string {
	t.Helper()
	out := map[string][2]string{}
	for mime, mt := range c {
		if mt.Schema == nil {
			out[mime] = [2]string{}
			continue
		}
		out[mime] = [2]string{mt.Schema.Ref, asJSON(t, mt.Schema.Value)}
	}
	return out
}

// TestDriverStandsAlone: LoadDriver copies what driver.yaml references
// into its own components, so the document has no reference left to
// another file.
func TestDriverStandsAlone(t *testing.T) {
	b, err := json.Marshal(driverDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("control.yaml#")) {
		t.Error("the loaded driver document still refers to control.yaml")
	}
	if !bytes.Contains(spec.DriverYAML, []byte("$ref: 'control.yaml#/components/schemas/NewInteraction'")) {
		t.Error("driver.yaml no longer takes its schemas from control.yaml")
	}
}

// TestParseDriverRefuses: a driver document is refused when it refers to
// a file other than control.yaml, when one of its examples does not match
// control.yaml's schema, and when control.yaml lacks what it refers to.
func TestParseDriverRefuses(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		inControl bool // the marker is in control.yaml, not driver.yaml
	}{
		{
			name: "a reference to another file",
			old:  "$ref: 'control.yaml#/components/schemas/Readiness'",
			new:  "$ref: 'other.yaml#/components/schemas/Readiness'",
		},
		{
			name: "a reference to a URL",
			old:  "$ref: 'control.yaml#/components/schemas/Readiness'",
			new:  "$ref: 'http://example.com/control.yaml#/components/schemas/Readiness'",
		},
		{
			name: "an example that control.yaml's schema refuses",
			old:  "            example:\n              ready: true\n",
			new:  "            example:\n              ready: yes-please\n",
		},
		{
			name: "a chat message example without text or type",
			old:  "                value:\n                  text: It was order 1042.\n",
			new:  "                value:\n                  from: Jane\n",
		},
		{
			name:      "control.yaml without a component the driver names",
			old:       "    ChatEventAdded:\n",
			new:       "    ChatEventAddedRenamed:\n",
			inControl: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			driver, control := spec.DriverYAML, spec.ControlYAML
			src := &driver
			if tt.inControl {
				src = &control
			}
			if n := bytes.Count(*src, []byte(tt.old)); n != 1 {
				t.Fatalf("marker found %d times, want once: %q", n, tt.old)
			}
			*src = bytes.Replace(*src, []byte(tt.old), []byte(tt.new), 1)
			if _, err := spec.ParseDriver(driver, control); err == nil {
				t.Error("ParseDriver accepted it")
			}
		})
	}
	if _, err := spec.ParseDriver(spec.DriverYAML, spec.ControlYAML); err != nil {
		t.Errorf("ParseDriver refused the embedded documents: %v", err)
	}
}
