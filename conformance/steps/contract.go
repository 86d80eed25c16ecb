package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/gwsmock/gwsmock/internal/jsonmatch"
	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/spec"
)

// Contract judges what a target sends against the specs: every REST response
// against spec/openapi.yaml (paths under /api/v2) or spec/control.yaml (paths
// under /control/v1), every CometD message against the schemas that the
// top-level x-cometd extension of spec/openapi.yaml lists for its channel.
//
// It judges by a relaxed copy of the specs, accepting what the contract
// leaves open to an implementation (docs/behavior.md §8): the specs describe
// closed objects for gwsmock, which its own tests hold it to, but a target
// may add fields to any object, send interaction ids of any length of
// [0-9A-Za-z], send null for an optional field it leaves out, add parameters
// after the realm of its Basic challenge, and set other cookies beside
// JSESSIONID.
type Contract struct {
	api, control *specvalidate.Validator
	apiPrefix    string // the API document's server URL, "/api/v2"
	ctlPrefix    string // the control document's server URL, "/control/v1"
	endpoint     string // the Bayeux endpoint, from x-cometd
	channels     map[string]*channelContract
}

// matching is how the steps compare what a target sends with the documents
// of a scenario, accepting what the contract leaves open (docs/behavior.md
// §8): the lists under these keys in any order, and null for an absent
// field, except in the free userData object where null is a value.
var matching = jsonmatch.Options{
	Sets:         []string{"capabilities", "participants", "uris", "interactions", "channels", "roles", "devices"},
	NullIsAbsent: true,
	FreeObjects:  []string{"userData"},
}

// channelContract holds the schemas of one CometD channel.
type channelContract struct {
	payload  *namedSchema   // every message on the channel matches it
	messages []*namedSchema // refinements, applied when their constants match
}

type namedSchema struct {
	name   string
	schema *openapi3.Schema
	// consts are the property values that select the schema: a message
	// refines to it only when it holds each of them (from inline enums).
	consts map[string][]any
}

// NewContract builds a contract from the Interactions API document and the
// control API document, both loaded and validated (package spec). It judges
// by relaxed copies of them and leaves them as they are.
func NewContract(api, control *openapi3.T) (*Contract, error) {
	api, err := relaxed(api)
	if err != nil {
		return nil, fmt.Errorf("interactions spec: %w", err)
	}
	control, err = relaxed(control)
	if err != nil {
		return nil, fmt.Errorf("control spec: %w", err)
	}
	av, err := specvalidate.New(api)
	if err != nil {
		return nil, fmt.Errorf("interactions spec: %w", err)
	}
	cv, err := specvalidate.New(control)
	if err != nil {
		return nil, fmt.Errorf("control spec: %w", err)
	}
	c := &Contract{api: av, control: cv, apiPrefix: serverPrefix(api), ctlPrefix: serverPrefix(control), channels: map[string]*channelContract{}}
	ext, _ := api.Extensions[spec.ExtCometD].(map[string]any)
	c.endpoint, _ = ext["endpoint"].(string)
	if c.endpoint == "" {
		return nil, fmt.Errorf("interactions spec: %s.endpoint names no Bayeux endpoint", spec.ExtCometD)
	}
	chans, err := spec.CometDChannels(api)
	if err != nil {
		return nil, fmt.Errorf("interactions spec: %w", err)
	}
	named := func(r *openapi3.SchemaRef) *namedSchema {
		return &namedSchema{name: strings.TrimPrefix(r.Ref, "#/components/schemas/"), schema: r.Value, consts: selectors(r.Value)}
	}
	for name, ch := range chans {
		cc := &channelContract{payload: named(ch.Payload)}
		for _, m := range ch.Messages {
			cc.messages = append(cc.messages, named(m))
		}
		c.channels[name] = cc
	}
	return c, nil
}

func serverPrefix(doc *openapi3.T) string {
	if len(doc.Servers) == 0 {
		return ""
	}
	return strings.TrimSuffix(doc.Servers[0].URL, "/")
}

// Endpoint returns the path of the Bayeux endpoint, like /api/v2/notifications.
func (c *Contract) Endpoint() string { return c.endpoint }

// Channels returns the notification channels the spec describes, sorted.
func (c *Contract) Channels() []string {
	out := make([]string, 0, len(c.channels))
	for ch := range c.channels {
		out = append(out, ch)
	}
	sort.Strings(out)
	return out
}

// selectors collects, from the inline parts of s (its own properties and
// those of inline allOf members, not followed through $ref), the enums that
// pin a property: they say which messages the schema is about.
func selectors(s *openapi3.Schema) map[string][]any {
	out := map[string][]any{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for name, p := range s.Properties {
			if p == nil || p.Ref != "" || p.Value == nil || len(p.Value.Enum) == 0 {
				continue
			}
			out[name] = p.Value.Enum
		}
		for _, a := range s.AllOf {
			if a != nil && a.Ref == "" && a.Value != nil {
				walk(a.Value)
			}
		}
	}
	walk(s)
	return out
}

// applies reports whether the message v (decoded JSON) holds the values the
// schema is selected by.
func (n *namedSchema) applies(v map[string]any) bool {
	for prop, enum := range n.consts {
		got, ok := v[prop]
		if !ok || !slices.ContainsFunc(enum, func(e any) bool { return e == got }) {
			return false
		}
	}
	return true
}

// CheckNotification validates the data of a message delivered on channel:
// the channel must be one the spec lists, the data must match its payload
// schema and every message schema of the channel whose selecting values it
// holds (LeftConferenceNotification for state LeftConference, ...),
// and at least one of them.
func (c *Contract) CheckNotification(channel string, data []byte) error {
	cc := c.channels[channel]
	if cc == nil {
		return fmt.Errorf("the spec describes no notification channel %s (it lists %s)", channel, strings.Join(c.Channels(), ", "))
	}
	v, err := decodeJSON(data)
	if err != nil {
		return fmt.Errorf("the data is not JSON: %v", err)
	}
	v = withoutNulls(v)
	if err := cc.payload.schema.VisitJSON(v); err != nil {
		return fmt.Errorf("breaks schema %s: %s", cc.payload.name, describeSchemaError(err))
	}
	obj, _ := v.(map[string]any)
	matched := 0
	for _, m := range cc.messages {
		if !m.applies(obj) {
			continue
		}
		matched++
		if err := m.schema.VisitJSON(v); err != nil {
			return fmt.Errorf("breaks schema %s: %s", m.name, describeSchemaError(err))
		}
	}
	if matched == 0 && len(cc.messages) > 0 {
		return fmt.Errorf("is none of the messages the spec lists for %s", channel)
	}
	return nil
}

func describeSchemaError(err error) string {
	d := specvalidate.Describe(err)
	if rest, ok := strings.CutPrefix(d, "body"); ok {
		return "data" + rest
	}
	return d
}

// CheckResponse validates one exchange against the document of its path:
// the status must be one the operation declares and the body must match its
// schema. Paths that neither document describes are not judged.
func (c *Contract) CheckResponse(method, path string, reqHeader http.Header, reqBody []byte, status int, header http.Header, body []byte) error {
	u, err := url.Parse(path)
	if err != nil {
		return fmt.Errorf("request path %q: %w", path, err)
	}
	var v *specvalidate.Validator
	switch {
	case hasPrefix(u.Path, c.apiPrefix):
		v = c.api
	case hasPrefix(u.Path, c.ctlPrefix):
		v = c.control
	default:
		return nil
	}
	if u.Path == c.endpoint || strings.HasPrefix(u.Path, c.endpoint+"/") {
		return nil
	}
	req, err := http.NewRequest(method, "http://target"+u.RequestURI(), bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	req.Header = reqHeader.Clone()
	header = judgedHeader(header)
	if x, err := decodeJSON(body); err == nil {
		if b, err := json.Marshal(withoutNulls(x)); err == nil {
			body = b
		}
	}
	err = v.Response(req, status, header, body)
	if errors.Is(err, specvalidate.ErrNoRoute) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s answered %d: %s", method, u.Path, status, describeResponseError(err, header))
	}
	return nil
}

// headerError finds the header a response validation error is about.
var headerError = regexp.MustCompile(`header "([^"]+)"`)

// describeResponseError describes err like specvalidate.Describe, except
// that an error about a header names the header and its value, never the
// body.
func describeResponseError(err error, header http.Header) string {
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return specvalidate.Describe(err)
	}
	m := headerError.FindStringSubmatch(re.Reason)
	if m == nil {
		return specvalidate.Describe(err)
	}
	reason := re.Reason
	if strings.HasSuffix(reason, " missing") {
		reason = "missing"
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		reason = se.Reason
	} else if re.Err != nil {
		reason += ": " + re.Err.Error()
	}
	vals := header.Values(m[1])
	if len(vals) == 0 {
		return fmt.Sprintf("header %s: %s", m[1], reason)
	}
	return fmt.Sprintf("header %s %q: %s", m[1], vals, reason)
}

// relaxed returns a copy of doc that accepts what the contract leaves open
// (see Contract): no schema forbids additional properties, and a pattern
// that asks for an interaction id of 16 characters takes any length.
func relaxed(doc *openapi3.T) (*openapi3.T, error) {
	data, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	out, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	err = out.WalkSchemas(func(_ string, s *openapi3.SchemaRef) error {
		v := s.Value
		if v.AdditionalProperties.Has != nil && !*v.AdditionalProperties.Has {
			v.AdditionalProperties = openapi3.AdditionalProperties{}
		}
		v.Pattern = strings.ReplaceAll(v.Pattern, idPattern16, idPatternAny)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// The interaction id in the specs' patterns, and what the runner takes
// from a target instead.
const (
	idPattern16  = "[0-9A-Za-z]{16}"
	idPatternAny = "[0-9A-Za-z]+"
)

// decodeJSON decodes data keeping numbers exact.
func decodeJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// withoutNulls drops, at any depth, the object members whose value is
// null: a target may send null for an optional field it leaves out.
func withoutNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if x == nil {
				delete(v, k)
				continue
			}
			v[k] = withoutNulls(x)
		}
	case []any:
		for i, x := range v {
			v[i] = withoutNulls(x)
		}
	}
	return v
}

// judgedHeader returns the response header as the contract judges it: of
// several Set-Cookie headers only the JSESSIONID ones (a load balancer may
// set its own cookies beside it), and each Basic challenge of
// WWW-Authenticate reduced to its realm, first (RFC 7617 allows parameters
// after the realm, and RFC 7235 other challenges).
func judgedHeader(h http.Header) http.Header {
	cookies, challenges := h.Values("Set-Cookie"), h.Values("WWW-Authenticate")
	if len(cookies) == 0 && len(challenges) == 0 {
		return h
	}
	h = h.Clone()
	if len(cookies) > 0 {
		h.Del("Set-Cookie")
		for _, c := range sessionCookies(cookies) {
			h.Add("Set-Cookie", c)
		}
	}
	if len(challenges) > 0 {
		basic, other := basicChallenges(challenges)
		h["Www-Authenticate"] = append(basic, other...)
	}
	return h
}

// sessionCookie is the name of the GWS session cookie.
const sessionCookie = "JSESSIONID"

// sessionCookies returns the Set-Cookie values that set the JSESSIONID
// cookie, in their order.
func sessionCookies(values []string) []string {
	var out []string
	for _, v := range values {
		name, _, _ := strings.Cut(v, "=")
		if strings.TrimSpace(name) == sessionCookie {
			out = append(out, v)
		}
	}
	return out
}

// basicChallenges splits WWW-Authenticate values into their challenges, one
// a string: each Basic challenge as `Basic realm="..."` without its other
// parameters, and the other challenges as sent.
func basicChallenges(values []string) (basic, other []string) {
	for _, v := range values {
		for _, c := range parseChallenges(v) {
			realm, ok := c.param("realm")
			if strings.EqualFold(c.scheme, "Basic") && ok {
				basic = append(basic, `Basic realm=`+quote(realm))
				continue
			}
			other = append(other, c.text)
		}
	}
	return basic, other
}

// challenge is one challenge of a WWW-Authenticate header.
type challenge struct {
	scheme string
	params [][2]string // name, unquoted value
	text   string      // as sent
}

func (c challenge) param(name string) (string, bool) {
	for _, p := range c.params {
		if strings.EqualFold(p[0], name) {
			return p[1], true
		}
	}
	return "", false
}

// parseChallenges splits a WWW-Authenticate value into its challenges
// (RFC 7235 §4.1): `Basic realm="a", charset="UTF-8", Bearer` holds two.
// A token68 after the scheme stays in the challenge's text only.
func parseChallenges(v string) []challenge {
	var out []challenge
	start := 0
	end := func(at int) {
		if len(out) > 0 {
			out[len(out)-1].text = strings.TrimRight(strings.TrimSpace(v[start:at]), ", \t")
		}
	}
	for i := 0; i < len(v); {
		i = skip(v, i, " \t,")
		j := i
		for j < len(v) && isTokenChar(v[j]) {
			j++
		}
		if j == i { // not a token: skip the character
			i++
			continue
		}
		if k := skip(v, j, " \t"); k < len(v) && v[k] == '=' && len(out) > 0 {
			val, next := paramValue(v, k+1)
			last := &out[len(out)-1]
			last.params = append(last.params, [2]string{v[i:j], val})
			i = next
			continue
		}
		end(i)
		out = append(out, challenge{scheme: v[i:j]})
		start, i = i, j
		if k := token68End(v, skip(v, j, " \t")); k > 0 {
			i = k
		}
	}
	end(len(v))
	return out
}

// token68End returns the end of a token68 (RFC 7235) at v[i:] that ends the
// challenge, or 0 when there is none.
func token68End(v string, i int) int {
	j := i
	for j < len(v) && (isTokenChar(v[j]) && v[j] != '=' || v[j] == '/') {
		j++
	}
	if j == i {
		return 0
	}
	for j < len(v) && v[j] == '=' {
		j++
	}
	if k := skip(v, j, " \t"); k < len(v) && v[k] != ',' {
		return 0 // a parameter, name=value
	}
	return j
}

// skip returns the index of the first byte of v[i:] not in chars.
func skip(v string, i int, chars string) int {
	for i < len(v) && strings.IndexByte(chars, v[i]) >= 0 {
		i++
	}
	return i
}

// paramValue reads a parameter value (a token or a quoted string) from
// v[i:] and returns it unquoted and the index after it.
func paramValue(v string, i int) (string, int) {
	i = skip(v, i, " \t")
	if i < len(v) && v[i] == '"' {
		var b strings.Builder
		for i++; i < len(v); i++ {
			switch v[i] {
			case '\\':
				if i+1 < len(v) {
					i++
					b.WriteByte(v[i])
				}
			case '"':
				return b.String(), i + 1
			default:
				b.WriteByte(v[i])
			}
		}
		return b.String(), i
	}
	j := i
	for j < len(v) && v[j] != ',' && v[j] != ' ' && v[j] != '\t' {
		j++
	}
	return v[i:j], j
}

// quote returns s as an HTTP quoted string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110 tchar).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func hasPrefix(path, prefix string) bool {
	return prefix != "" && (path == prefix || strings.HasPrefix(path, prefix+"/"))
}
