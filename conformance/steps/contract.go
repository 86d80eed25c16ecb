package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gwsmock/gwsmock/internal/specvalidate"
	"github.com/gwsmock/gwsmock/spec"
)

// Contract judges what a target sends against the specs: every REST response
// against spec/openapi.yaml (paths under /api/v2) or spec/control.yaml (paths
// under /control/v1), every CometD message against the schemas that the
// top-level x-cometd extension of spec/openapi.yaml lists for its channel.
type Contract struct {
	api, control *specvalidate.Validator
	apiPrefix    string // the API document's server URL, "/api/v2"
	ctlPrefix    string // the control document's server URL, "/control/v1"
	endpoint     string // the Bayeux endpoint, from x-cometd
	channels     map[string]*channelContract
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
// control API document, both loaded and validated (package spec).
func NewContract(api, control *openapi3.T) (*Contract, error) {
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
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("the data is not JSON: %v", err)
	}
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
	err = v.Response(req, status, header, body)
	if errors.Is(err, specvalidate.ErrNoRoute) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s answered %d: %s", method, u.Path, status, specvalidate.Describe(err))
	}
	return nil
}

func hasPrefix(path, prefix string) bool {
	return prefix != "" && (path == prefix || strings.HasPrefix(path, prefix+"/"))
}
