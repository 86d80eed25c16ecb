// Package specvalidate checks HTTP requests and responses against an OpenAPI
// document with kin-openapi's openapi3filter, and turns its errors into
// short sentences that name the offending field. The mock's request
// validation, the strict response-validating wrapper of the tests and the
// conformance runner all go through it, so they judge by the same rules.
package specvalidate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator validates against one document.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

// New builds a validator for doc, whose server URLs are relative.
func New(doc *openapi3.T) (*Validator, error) {
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route spec: %w", err)
	}
	return &Validator{doc: doc, router: r}, nil
}

// Doc returns the document.
func (v *Validator) Doc() *openapi3.T { return v.doc }

func options() *openapi3filter.Options {
	o := &openapi3filter.Options{
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults: true,
	}
	return o
}

// ErrNoRoute is returned for a request the document does not describe.
var ErrNoRoute = errors.New("the spec describes no such operation")

// Route finds the operation r resolves to.
func (v *Validator) Route(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, ErrNoRoute)
	}
	return route, params, nil
}

// Request validates r (parameters and body; authentication is the server's
// business). The body stays readable.
func (v *Validator) Request(r *http.Request) error {
	route, params, err := v.Route(r)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: options()}
	return openapi3filter.ValidateRequest(r.Context(), in)
}

// Response validates one exchange: the status must be one the operation
// declares, and the body must match its schema.
func (v *Validator) Response(r *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.Route(r)
	if err != nil {
		return err
	}
	opts := options()
	opts.IncludeResponseStatus = true
	req := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: req,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// Describe turns a validation error into a sentence that names the field:
// `body.queue: property "queue" is missing` or `query parameter "fields": value is not one of the allowed values ["*"]`.
func Describe(err error) string {
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		where := "request"
		if re.Parameter != nil {
			where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
		} else if re.RequestBody != nil {
			where = "body"
		}
		var se *openapi3.SchemaError
		if errors.As(re.Err, &se) {
			return where + schemaText(se)
		}
		reason := re.Reason
		if reason == "failed to decode request body" && re.Err != nil {
			return where + " is not valid JSON: " + re.Err.Error()
		}
		if re.Err != nil {
			if reason == "" {
				reason = re.Err.Error()
			} else {
				reason += ": " + re.Err.Error()
			}
		}
		return where + ": " + reason
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return "body" + schemaText(se)
	}
	var resp *openapi3filter.ResponseError
	if errors.As(err, &resp) {
		var se *openapi3.SchemaError
		if errors.As(resp.Err, &se) {
			return "response body" + schemaText(se)
		}
	}
	return err.Error()
}

func schemaText(se *openapi3.SchemaError) string {
	se = deepest(se)
	ptr := se.JSONPointer()
	reason := se.Reason
	if se.Schema != nil && se.Schema.Discriminator != nil && se.SchemaField == "discriminator" {
		d := se.Schema.Discriminator
		// Name the value and what would do: `operationName "Explode" is not one of Accept, ...`.
		ptr = append(ptr, d.PropertyName)
		names := make([]string, 0, len(d.Mapping))
		for name := range d.Mapping {
			names = append(names, name)
		}
		sort.Strings(names)
		switch v := se.Value.(type) {
		case string:
			reason = fmt.Sprintf("%q is not one of %s", v, strings.Join(names, ", "))
		case nil:
			reason = "is required: one of " + strings.Join(names, ", ")
		default:
			reason = "must be a string: one of " + strings.Join(names, ", ")
		}
	}
	if len(ptr) == 0 {
		return ": " + reason
	}
	return "." + strings.Join(ptr, ".") + ": " + reason
}

// deepest follows a oneOf/anyOf failure to the error of the branch that the
// discriminator (or the only candidate) chose, so the message names the
// field inside it rather than "doesn't match any schema". Without a
// discriminator it follows the branch the value came closest to (see
// closestBranch).
func deepest(se *openapi3.SchemaError) *openapi3.SchemaError {
	if se.SchemaField == "oneOf" && (se.Schema == nil || se.Schema.Discriminator == nil) && se.Origin != nil {
		var me openapi3.MultiError
		if errors.As(se.Origin, &me) {
			if best := closestBranch(me); best != nil {
				return best
			}
		}
	}
	var inner *openapi3.SchemaError
	if se.Origin != nil && errors.As(se.Origin, &inner) && inner != se {
		return deepest(inner)
	}
	return se
}

// closestBranch picks, among the failures of the branches of a oneOf
// without discriminator, the one to report: never a branch that fixes a
// top-level field (the message type) to another value, then a branch whose required
// properties the value has, then the failure deepest in the value (the
// branch got furthest), then a failure that is not a missing property.
// When every branch only misses a property at the top, it names them all:
// `must have one of email_object, chat_object`.
func closestBranch(branches openapi3.MultiError) *openapi3.SchemaError {
	var best *openapi3.SchemaError
	bestScore := -1
	var missing []string
	allMissing := true
	for _, e := range branches {
		var b *openapi3.SchemaError
		if !errors.As(e, &b) {
			continue
		}
		hasRequired := b.Schema != nil && len(b.Schema.Required) > 0
		if obj, ok := b.Value.(map[string]any); ok && hasRequired {
			for _, r := range b.Schema.Required {
				if _, ok := obj[r]; !ok {
					hasRequired = false
				}
			}
		} else {
			hasRequired = false
		}
		b = deepest(b)
		ptr := b.JSONPointer()
		// A top-level field fixed to one value and given another (the
		// message type) rules the branch out, however the error is nested.
		ruledOut := b.SchemaField == "enum" && len(ptr) == 1 && b.Schema != nil && len(b.Schema.Enum) == 1
		isMissing := b.SchemaField == "required"
		if isMissing && len(ptr) == 1 {
			missing = append(missing, ptr[0])
		} else {
			allMissing = false
		}
		score := 2 * len(ptr)
		if !isMissing {
			score++
		}
		if hasRequired {
			score += 1000
		}
		if ruledOut {
			score -= 2000
		}
		if score > bestScore {
			best, bestScore = b, score
		}
	}
	if allMissing && len(missing) > 1 {
		return &openapi3.SchemaError{Reason: "must have one of " + strings.Join(missing, ", ")}
	}
	return best
}

// Operation is one operation of the document, found once, for a server
// that has already routed a request to it: Request skips the second
// routing, and remembers the parameters it found valid.
type Operation struct {
	route *routers.Route
	// memo: the operation's parameters are all in the path or the query
	// and it takes no body, so whether a request is valid depends on its
	// path parameters and raw query alone, which valid then remembers.
	memo bool

	mu sync.Mutex
	// guards valid
	valid map[string]struct{} // keys (see memoKey) of requests found valid
}

// maxMemo bounds the keys an Operation remembers; it forgets them all
// when full (a client sending ever new queries gains nothing, loses nothing).
const maxMemo = 1024

// Operation returns the operation of method on the document's path
// template (as written under paths, e.g. "/me/interactions/{id}").
func (v *Validator) Operation(method, path string) (*Operation, error) {
	item := v.doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, ErrNoRoute)
	}
	route := &routers.Route{Spec: v.doc, Path: path, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	if len(v.doc.Servers) > 0 {
		route.Server = v.doc.Servers[0]
	}
	memo := route.Operation.RequestBody == nil
	for _, params := range []openapi3.Parameters{item.Parameters, route.Operation.Parameters} {
		for _, p := range params {
			if p.Value == nil || p.Value.In != openapi3.ParameterInPath && p.Value.In != openapi3.ParameterInQuery {
				memo = false
			}
		}
	}
	return &Operation{route: route, memo: memo, valid: map[string]struct{}{}}, nil
}

// Request validates r, which the caller routed to this operation with
// the path parameters params, as Validator.Request does. The body stays
// readable.
func (op *Operation) Request(r *http.Request, params map[string]string) error {
	if !op.memo {
		return op.validate(r, params)
	}
	key := memoKey(r.URL.RawQuery, params)
	op.mu.Lock()
	_, ok := op.valid[key]
	op.mu.Unlock()
	if ok {
		return nil
	}
	if err := op.validate(r, params); err != nil {
		return err
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	if len(op.valid) >= maxMemo {
		clear(op.valid)
	}
	op.valid[key] = struct{}{}
	return nil
}

func (op *Operation) validate(r *http.Request, params map[string]string) error {
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: op.route, Options: options()}
	return openapi3filter.ValidateRequest(r.Context(), in)
}

// memoKey identifies a request to an operation whose parameters are in
// the path and the query only.
func memoKey(rawQuery string, params map[string]string) string {
	if len(params) == 0 {
		return rawQuery
	}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(rawQuery)
	for _, name := range names {
		b.WriteByte(0)
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(params[name])
	}
	return b.String()
}
