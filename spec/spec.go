// Package spec is the contract of gwsmock: the OpenAPI 3.0 descriptions of
// the GWS API v2 Interactions API (openapi.yaml, with every CometD
// notification message), of the test-control API (control.yaml) and of
// the driver contract, the part of the control API a vendor provides for
// the conformance suite (driver.yaml, whose schemas are control.yaml's,
// referenced by relative $ref).
//
// Every other component is validated against these documents: the mock's
// responses with kin-openapi's openapi3filter, its CometD payloads with
// ValidateNotification, and the conformance suite's expectations likewise.
// The documents are embedded; Load, LoadControl and LoadDriver parse and
// validate them (examples included) and return a fresh *openapi3.T on every
// call, which the caller may modify.
//
// Notification messages have no place in OpenAPI 3.0. They are component
// schemas tagged with the extension `x-cometd-channel: <channel>`, and the
// top-level extension `x-cometd` maps each channel to the schema every
// payload on it matches (`payload`) and to all its message schemas
// (`messages`).
package spec

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// FS holds the three documents, for tools that want an fs.FS.
//
//go:embed openapi.yaml control.yaml driver.yaml
var FS embed.FS

// OpenAPIYAML is spec/openapi.yaml, the Interactions API (servers: /api/v2).
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

// ControlYAML is spec/control.yaml, the test-control API (servers: /control/v1).
//
//go:embed control.yaml
var ControlYAML []byte

// DriverYAML is spec/driver.yaml, the driver contract (servers:
// /control/v1), a subset of control.yaml whose $refs point into
// control.yaml.
//
//go:embed driver.yaml
var DriverYAML []byte

// Extension names used by openapi.yaml.
const (
	// ExtChannel tags a component schema as the payload of a CometD message
	// on the named channel.
	ExtChannel = "x-cometd-channel"
	// ExtCometD is the top-level extension listing the CometD channels.
	ExtCometD = "x-cometd"
)

// CometD channels of the Interactions API.
const (
	ChannelInteractions = "/v2/me/interactions"
	ChannelChannels     = "/v2/me/channels"
)

// The same channels under the names the 8.5.0 notification pages use,
// without /v2 (docs/behavior.md B6.4). x-cometd lists them with the same
// payloads and messages as their /v2 names, so ValidateNotification takes
// either name; the message schemas' x-cometd-channel names the /v2 one.
const (
	ChannelInteractionsAlias = "/me/interactions"
	ChannelChannelsAlias     = "/me/channels"
)

// Load parses and validates the Interactions API document.
func Load() (*openapi3.T, error) { return load("openapi.yaml", OpenAPIYAML) }

// LoadControl parses and validates the test-control API document.
func LoadControl() (*openapi3.T, error) { return load("control.yaml", ControlYAML) }

// LoadDriver parses and validates the driver contract document. Its
// references into control.yaml are resolved against the embedded
// control.yaml (never the file system) and then copied into the returned
// document's own components, so it stands alone.
func LoadDriver() (*openapi3.T, error) { return ParseDriver(DriverYAML, ControlYAML) }

// Parse parses and validates an OpenAPI document given as YAML or JSON, the
// way Load does. Tests use it on altered copies of the embedded documents.
func Parse(name string, data []byte) (*openapi3.T, error) { return load(name, data) }

// ParseDriver parses and validates a driver contract document whose
// references name control.yaml, given as control, the way LoadDriver does.
// Tests use it on altered copies of the embedded documents.
func ParseDriver(driver, control []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, loc *url.URL) ([]byte, error) {
		if loc.Scheme != "" || loc.Host != "" || path.Clean(loc.Path) != "control.yaml" {
			return nil, fmt.Errorf("driver.yaml may refer to control.yaml only, not %s", loc)
		}
		return bytes.Clone(control), nil
	}
	doc, err := loader.LoadFromDataWithPath(bytes.Clone(driver), &url.URL{Path: "driver.yaml"})
	if err != nil {
		return nil, fmt.Errorf("load driver.yaml: %w", err)
	}
	if _, err := validate(loader, "driver.yaml", doc); err != nil {
		return nil, err
	}
	// control.yaml's component names are unique per kind, and driver.yaml
	// has no components of its own besides the security scheme: keep them.
	doc.InternalizeRefs(context.Background(), func(_ *openapi3.T, ref openapi3.ComponentRef) string {
		return path.Base(ref.RefPath().Fragment)
	})
	return validate(loader, "driver.yaml", doc)
}

func load(name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(bytes.Clone(data))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return validate(loader, name, doc)
}

// validate checks a loaded document, examples included.
func validate(loader *openapi3.Loader, name string, doc *openapi3.T) (*openapi3.T, error) {
	ctx := loader.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", name, err)
	}
	return doc, nil
}

// Notification is a CometD message schema of the Interactions API document.
type Notification struct {
	Name    string              // component name, e.g. "ChannelStateMessage"
	Channel string              // value of x-cometd-channel, e.g. "/v2/me/channels"
	Schema  *openapi3.SchemaRef // the component schema
}

// Notifications returns every component schema tagged with
// x-cometd-channel, sorted by name.
func Notifications(doc *openapi3.T) []Notification {
	if doc == nil || doc.Components == nil {
		return nil
	}
	var out []Notification
	for name, ref := range doc.Components.Schemas {
		if ref == nil || ref.Value == nil {
			continue
		}
		ch, ok := ref.Value.Extensions[ExtChannel].(string)
		if !ok || ch == "" {
			continue
		}
		out = append(out, Notification{Name: name, Channel: ch, Schema: ref})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// NotificationSchemas returns the schemas of Notifications by component name.
func NotificationSchemas(doc *openapi3.T) map[string]*openapi3.SchemaRef {
	out := make(map[string]*openapi3.SchemaRef)
	for _, n := range Notifications(doc) {
		out[n.Name] = n.Schema
	}
	return out
}

// CometDChannel is one channel of the top-level x-cometd extension.
type CometDChannel struct {
	Name     string                // e.g. "/v2/me/interactions"
	Payload  *openapi3.SchemaRef   // every message's data on the channel matches it
	Messages []*openapi3.SchemaRef // every message schema of the channel, in document order
}

// CometDChannels reads the top-level x-cometd extension, resolving its
// references against doc's component schemas. It fails when the extension
// is missing or malformed or names an unknown schema.
func CometDChannels(doc *openapi3.T) (map[string]CometDChannel, error) {
	if doc == nil {
		return nil, fmt.Errorf("%s: no document", ExtCometD)
	}
	ext, ok := doc.Extensions[ExtCometD].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: missing or not an object", ExtCometD)
	}
	chans, ok := ext["channels"].(map[string]any)
	if !ok || len(chans) == 0 {
		return nil, fmt.Errorf("%s.channels: missing or not an object", ExtCometD)
	}
	out := make(map[string]CometDChannel, len(chans))
	for name, v := range chans {
		c, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s.channels[%s]: not an object", ExtCometD, name)
		}
		payload, err := schemaByRef(doc, c["payload"])
		if err != nil {
			return nil, fmt.Errorf("%s.channels[%s].payload: %w", ExtCometD, name, err)
		}
		list, ok := c["messages"].([]any)
		if !ok || len(list) == 0 {
			return nil, fmt.Errorf("%s.channels[%s].messages: missing or not a list", ExtCometD, name)
		}
		ch := CometDChannel{Name: name, Payload: payload}
		for i, item := range list {
			s, err := schemaByRef(doc, item)
			if err != nil {
				return nil, fmt.Errorf("%s.channels[%s].messages[%d]: %w", ExtCometD, name, i, err)
			}
			ch.Messages = append(ch.Messages, s)
		}
		out[name] = ch
	}
	return out, nil
}

const schemaRefPrefix = "#/components/schemas/"

// schemaByRef resolves {"$ref": "#/components/schemas/Name"} against doc.
// The returned SchemaRef carries the $ref string.
func schemaByRef(doc *openapi3.T, v any) (*openapi3.SchemaRef, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want {\"$ref\": ...}, got %T", v)
	}
	ref, _ := m["$ref"].(string)
	name, ok := strings.CutPrefix(ref, schemaRefPrefix)
	if !ok || name == "" {
		return nil, fmt.Errorf("want a $ref to %s..., got %q", schemaRefPrefix, ref)
	}
	if doc.Components == nil {
		return nil, fmt.Errorf("%s: no components", ref)
	}
	s := doc.Components.Schemas[name]
	if s == nil || s.Value == nil {
		return nil, fmt.Errorf("%s: no such schema", ref)
	}
	return &openapi3.SchemaRef{Ref: ref, Value: s.Value}, nil
}

// ValidateNotification checks the data of a CometD message delivered on
// channel against the channel's payload schema. data is a decoded JSON
// value (map[string]any, ...) or raw JSON ([]byte, json.RawMessage).
func ValidateNotification(doc *openapi3.T, channel string, data any) error {
	chans, err := CometDChannels(doc)
	if err != nil {
		return err
	}
	ch, ok := chans[channel]
	if !ok {
		return fmt.Errorf("channel %s: the spec describes no messages on it", channel)
	}
	switch raw := data.(type) {
	case json.RawMessage:
		data, err = decodeJSON(raw)
	case []byte:
		data, err = decodeJSON(raw)
	}
	if err != nil {
		return fmt.Errorf("channel %s: %w", channel, err)
	}
	if err := ch.Payload.Value.VisitJSON(data, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("channel %s: data does not match %s: %w", channel, ch.Payload.Ref, err)
	}
	return nil
}

func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode data: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode data: trailing data after the JSON value")
	}
	return v, nil
}
