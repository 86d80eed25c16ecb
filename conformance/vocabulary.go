package conformance

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/spec"
)

// VocabularyGroup is one part of the Interactions API's vocabulary, as
// spec/openapi.yaml defines it, split by whether a scenario mentions it.
type VocabularyGroup struct {
	Name string // "operationName values", "REST operations", ...
	// How says what counts as a mention.
	How string
	// Used are the values some scenario mentions, Unused the others: the
	// states in the order of their enum, every other group sorted.
	Used, Unused []string
}

var (
	sentRequest = regexp.MustCompile(`^\S+ sends ([A-Z]+) /api/v2(/\S*)`)
	statusStep  = regexp.MustCompile(`^the response status is (\d{3})$`)
)

// jsonField finds "name": "VALUE" in a JSON document.
func jsonField(name string) *regexp.Regexp {
	return regexp.MustCompile(`"` + name + `"\s*:\s*"([^"{}]+)"`)
}

// vocabulary reads which words of spec/openapi.yaml the scenarios of files
// mention. The scenarios are read as the runner runs them: every domain
// step expanded into its generic steps, docstrings included. A value
// counts when a step says it where it means it: an operationName, state,
// notificationType or messageTypeName as that field of a JSON document
// (sent or expected), a REST operation as a request a step sends, an error
// status as the status a step expects.
func vocabulary(files []featureFile) ([]VocabularyGroup, error) {
	api, err := spec.Load()
	if err != nil {
		return nil, fmt.Errorf("load spec/openapi.yaml: %w", err)
	}
	var calls []steps.Call
	for _, shape := range shapesOf(files) {
		for _, st := range shape.steps {
			calls = append(calls, expandStep(st.Text, st.Doc)...)
		}
	}
	enums := propertyEnums(api)
	state := api.Components.Schemas["InteractionState"]
	if state == nil || state.Value == nil {
		return nil, fmt.Errorf("spec/openapi.yaml: no schema InteractionState")
	}
	ops, statuses := restOperations(api)
	fields := func(name, how string, values []string) VocabularyGroup {
		re := jsonField(name)
		used := map[string]bool{}
		for _, c := range calls {
			for _, m := range re.FindAllStringSubmatch(c.Doc, -1) {
				used[m[1]] = true
			}
		}
		return split(name+" values", how, values, used)
	}
	used := map[string]bool{}
	usedStatus := map[string]bool{}
	for _, c := range calls {
		if m := sentRequest.FindStringSubmatch(c.Text); m != nil {
			path, _, _ := strings.Cut(m[2], "?")
			for _, op := range ops {
				if method, tmpl, _ := strings.Cut(op, " "); method == m[1] && pathMatches(tmpl, path) {
					used[op] = true
				}
			}
		}
		if m := statusStep.FindStringSubmatch(c.Text); m != nil {
			usedStatus[m[1]] = true
		}
	}
	return []VocabularyGroup{
		fields("operationName", `"operationName": "X" in a request a step sends`, enums["operationName"]),
		split("REST operations", "a step sends METHOD /api/v2/PATH", ops, used),
		fields("state", `"state": "X" in a document a step sends or expects (the spec's InteractionState)`, enumStrings(state.Value)),
		fields("notificationType", `"notificationType": "X" in a notification a step expects`, enums["notificationType"]),
		fields("messageTypeName", `"messageTypeName": "X" in a notification a step expects`, enums["messageTypeName"]),
		split("error statuses", "a step expects the HTTP status (the spec's responses from 400 on)", statuses, usedStatus),
	}, nil
}

// expandStep returns the generic steps a step of a scenario means: itself
// when it is generic or unknown, else its expansion.
func expandStep(text, doc string) []steps.Call {
	call := []steps.Call{{Text: text, Doc: doc}}
	defs := steps.Find(text)
	if len(defs) != 1 || defs[0].Generic() {
		return call
	}
	calls, err := defs[0].Expand(text, doc)
	if err != nil {
		return call
	}
	return calls
}

// split sorts values into those used and the others, keeping their order.
func split(name, how string, values []string, used map[string]bool) VocabularyGroup {
	g := VocabularyGroup{Name: name, How: how}
	for _, v := range values {
		if used[v] {
			g.Used = append(g.Used, v)
		} else {
			g.Unused = append(g.Unused, v)
		}
	}
	return g
}

// propertyEnums collects, for every property name of the spec's component
// schemas, the string values its enums allow, sorted.
func propertyEnums(api *openapi3.T) map[string][]string {
	out := map[string][]string{}
	seen := map[*openapi3.Schema]bool{}
	var visit func(s *openapi3.SchemaRef)
	visit = func(s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		seen[s.Value] = true
		v := s.Value
		for _, name := range slices.Sorted(maps.Keys(v.Properties)) {
			p := v.Properties[name]
			if p.Value != nil {
				for _, e := range enumStrings(p.Value) {
					if !slices.Contains(out[name], e) {
						out[name] = append(out[name], e)
					}
				}
			}
			visit(p)
		}
		for _, list := range [][]*openapi3.SchemaRef{v.AllOf, v.OneOf, v.AnyOf} {
			for _, sub := range list {
				visit(sub)
			}
		}
		visit(v.Items)
	}
	for _, name := range slices.Sorted(maps.Keys(api.Components.Schemas)) {
		visit(api.Components.Schemas[name])
	}
	for _, values := range out {
		slices.Sort(values)
	}
	return out
}

// enumStrings returns the string values of s's enum.
func enumStrings(s *openapi3.Schema) []string {
	var out []string
	for _, e := range s.Enum {
		if str, ok := e.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// restOperations lists the spec's operations as "METHOD /path", by path
// then method, and the HTTP statuses from 400 on that they answer.
func restOperations(api *openapi3.T) (ops, statuses []string) {
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}
	for _, path := range api.Paths.InMatchingOrder() {
		item := api.Paths.Value(path)
		for _, m := range methods {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			ops = append(ops, m+" "+path)
			if op.Responses == nil {
				continue
			}
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && n >= 400 && !slices.Contains(statuses, code) {
					statuses = append(statuses, code)
				}
			}
		}
	}
	slices.Sort(ops)
	slices.Sort(statuses)
	return ops, statuses
}

// pathMatches reports whether path is an instance of the template tmpl
// ("/interactions/{id}"): a {parameter} stands for one segment.
func pathMatches(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}
