package conformance

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/gwsmock/gwsmock/conformance/steps"
	"github.com/gwsmock/gwsmock/internal/suggest"
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
// A target file may instead give "pools": several such mappings, each a
// full mapping of every scenario user, queue and workbin onto a group of
// the target's agents with queues and workbins of its own. Scenarios then
// run side by side on one target, each on a free pool (see Isolation);
// fixtures/pooled.json and conformance/pooled-target.json are an example.
//
// A target file overrides the default mapping (the embedded default contact
// center of gwsmock) entry by entry; what it does not name keeps its
// default, and a name the default lacks (a misspelt user) is refused. A user id left out is learned from GET /api/v2/me; a workbin id
// left out stays unknown, and scenarios that use it fail saying so.
type Mapping struct {
	Users    map[string]steps.User    `json:"users"`
	Queues   map[string]string        `json:"queues"`
	Workbins map[string]steps.Workbin `json:"workbins"`
	// Pools are the groups of agents scenarios run on side by side; none:
	// the mapping itself is the one group.
	Pools []Mapping `json:"pools,omitempty"`
	// Modes say how the target server runs where the contract lets it
	// choose (CSRF, an invitation timeout, ...): the scenarios tagged with
	// a mode it does not run in are left out (see steps.Modes). A target
	// file gives them at its top, beside pools too.
	Modes steps.Modes `json:"modes,omitzero"`
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
// Unknown fields and names (a user, queue or workbin the scenarios do not
// use) are errors, so that a typo does not go unnoticed: it would leave the
// default in place. A JSON error says where, as line:column.
func ParseMapping(b []byte) (Mapping, error) {
	over, err := decodeMapping(b)
	if err != nil {
		return Mapping{}, err
	}
	m, err := overDefault(over)
	if err != nil {
		return Mapping{}, err
	}
	if len(over.Pools) > 0 && (len(over.Users) > 0 || len(over.Queues) > 0 || len(over.Workbins) > 0) {
		return Mapping{}, errors.New("a target file with pools maps the users, queues and workbins in each pool, not beside them")
	}
	m.Modes = over.Modes
	d := DefaultMapping()
	for i, p := range over.Pools {
		if len(p.Pools) > 0 {
			return Mapping{}, fmt.Errorf("pools[%d]: a pool holds no pools", i)
		}
		if p.Modes != (steps.Modes{}) {
			return Mapping{}, fmt.Errorf("pools[%d]: modes are the target's, given at the top of the target file, not in a pool", i)
		}
		pm, err := overDefault(p)
		if err == nil {
			err = complete(p, d)
		}
		if err != nil {
			return Mapping{}, fmt.Errorf("pools[%d].%w", i, err)
		}
		m.Pools = append(m.Pools, pm)
	}
	return m, nil
}

// overDefault lays the users, queues and workbins of over on the default
// mapping.
func overDefault(over Mapping) (Mapping, error) {
	m := DefaultMapping()
	if err := knownNames("users", m.Users, over.Users); err != nil {
		return Mapping{}, err
	}
	if err := knownNames("queues", m.Queues, over.Queues); err != nil {
		return Mapping{}, err
	}
	if err := knownNames("workbins", m.Workbins, over.Workbins); err != nil {
		return Mapping{}, err
	}
	for name, u := range over.Users {
		if u.UserName == "" {
			return Mapping{}, fmt.Errorf("users.%s: userName is required", name)
		}
		m.Users[name] = u
	}
	maps.Copy(m.Queues, over.Queues)
	for name, wb := range over.Workbins {
		if wb.Name == "" {
			return Mapping{}, fmt.Errorf("workbins.%s: name is required", name)
		}
		m.Workbins[name] = wb
	}
	return m, nil
}

// complete checks that a pool maps every name of the default mapping d:
// two pools must never share a user by leaving her to the default.
func complete(pool, d Mapping) error {
	for _, c := range []struct {
		section string
		has     func(string) bool
		names   []string
	}{
		{"users", func(n string) bool { _, ok := pool.Users[n]; return ok }, slices.Sorted(maps.Keys(d.Users))},
		{"queues", func(n string) bool { _, ok := pool.Queues[n]; return ok }, slices.Sorted(maps.Keys(d.Queues))},
		{"workbins", func(n string) bool { _, ok := pool.Workbins[n]; return ok }, slices.Sorted(maps.Keys(d.Workbins))},
	} {
		for _, n := range c.names {
			if !c.has(n) {
				return fmt.Errorf("%s: the pool does not map %s; each pool maps every one of %s", c.section, n, strings.Join(c.names, ", "))
			}
		}
	}
	return nil
}

// groups are the mappings scenarios run on: the pools, or m itself.
func (m Mapping) groups() []Mapping {
	if len(m.Pools) > 0 {
		return m.Pools
	}
	return []Mapping{m}
}

// knownNames checks that every name of over is one of known's.
func knownNames[V any](section string, known, over map[string]V) error {
	names := slices.Sorted(maps.Keys(known))
	for _, name := range slices.Sorted(maps.Keys(over)) {
		if _, ok := known[name]; ok {
			continue
		}
		hint := ""
		if near := suggest.Likely(name, names, 1); len(near) > 0 {
			hint = fmt.Sprintf(" (did you mean %s?)", near[0])
		}
		return fmt.Errorf("%s.%s: the scenarios have no %s %s%s; theirs are %s",
			section, name, strings.TrimSuffix(section, "s"), name, hint, strings.Join(names, ", "))
	}
	return nil
}

func decodeMapping(b []byte) (Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, jsonError(b, dec.InputOffset(), err)
	}
	if dec.More() {
		return Mapping{}, jsonError(b, dec.InputOffset(), errors.New("more after the JSON document"))
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

// jsonError says where in b a decoding error is, as line:column: at the
// offset the error names, else at the decoder's (after the token it read
// last, for an unknown field).
func jsonError(b []byte, offset int64, err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if field, ok := strings.CutPrefix(msg, "unknown field "); ok {
		// The decoder stops after the whole value: point at the key.
		if i := bytes.Index(b, []byte(field)); i >= 0 {
			offset = int64(i)
		}
	}
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
		msg = fmt.Sprintf("%s is a JSON %s, want a %s", typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.EOF):
		msg = "empty, want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		msg = "the JSON ends too early"
	}
	offset = min(max(offset, 0), int64(len(b)))
	before := b[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Errorf("line %d, column %d: %s", line, col, msg)
}

func (m Mapping) clone() Mapping {
	c := Mapping{Users: maps.Clone(m.Users), Queues: maps.Clone(m.Queues), Workbins: maps.Clone(m.Workbins), Modes: m.Modes}
	for _, p := range m.Pools {
		c.Pools = append(c.Pools, p.clone())
	}
	return c
}
