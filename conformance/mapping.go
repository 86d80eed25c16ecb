package conformance

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/gwsmock/gwsmock/conformance/steps"
)

// Mapping maps the names scenarios use (users alice, bob, carol, dave,
// admin; queues; workbins) to the target's own. It is the format of the
// target file (gwsmock conform --target-file):
//
//	{
//	  "users": {
//	    "alice": {"userName": "agent.one", "password": "s3cret", "id": "<the target's user id>"},
//	    ...
//	  },
//	  "queues": {"email-inbound": "Email Inbound", ...},
//	  "workbins": {"team-workbin": {"name": "Team", "id": "<the target's workbin id>"}, ...}
//	}
//
// A target file overrides the default mapping (the embedded default contact
// center of gwsmock) entry by entry; what it does not name keeps its
// default. A user id left out is learned from GET /api/v2/me; a workbin id
// left out stays unknown, and scenarios that use it fail saying so.
type Mapping struct {
	Users    map[string]steps.User    `json:"users"`
	Queues   map[string]string        `json:"queues"`
	Workbins map[string]steps.Workbin `json:"workbins"`
}

//go:embed default-target.json
var defaultTarget []byte

// DefaultMapping returns the mapping for gwsmock's embedded default contact
// center (fixtures/default.json): every name maps to itself.
func DefaultMapping() Mapping {
	m, err := decodeMapping(defaultTarget)
	if err != nil {
		panic("conformance: default-target.json: " + err.Error())
	}
	return m
}

// DefaultMappingJSON returns the default mapping as a target file, a
// template for writing one.
func DefaultMappingJSON() []byte { return bytes.Clone(defaultTarget) }

// ParseMapping reads a target file and lays it over the default mapping.
// Unknown fields are errors, so that a typo does not go unnoticed.
func ParseMapping(b []byte) (Mapping, error) {
	over, err := decodeMapping(b)
	if err != nil {
		return Mapping{}, err
	}
	m := DefaultMapping()
	for name, u := range over.Users {
		if u.UserName == "" {
			return Mapping{}, fmt.Errorf("target file: users.%s: userName is required", name)
		}
		m.Users[name] = u
	}
	maps.Copy(m.Queues, over.Queues)
	for name, wb := range over.Workbins {
		if wb.Name == "" {
			return Mapping{}, fmt.Errorf("target file: workbins.%s: name is required", name)
		}
		m.Workbins[name] = wb
	}
	return m, nil
}

func decodeMapping(b []byte) (Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, fmt.Errorf("target file: %w", err)
	}
	if m.Users == nil {
		m.Users = map[string]steps.User{}
	}
	if m.Queues == nil {
		m.Queues = map[string]string{}
	}
	if m.Workbins == nil {
		m.Workbins = map[string]steps.Workbin{}
	}
	return m, nil
}

func (m Mapping) clone() Mapping {
	return Mapping{Users: maps.Clone(m.Users), Queues: maps.Clone(m.Queues), Workbins: maps.Clone(m.Workbins)}
}
