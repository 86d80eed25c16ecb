package jsonmatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/gwsmock/gwsmock/internal/suggest"
	"github.com/tidwall/gjson"
)

// Vars holds the variables of one scenario: name to JSON value. [Match]
// reads it to resolve {{name}} references and adds the values that
// {{capture:name}} binds; [Expand] reads it. A nil Vars has no variables
// and cannot take captures.
type Vars map[string]json.RawMessage

// SetString binds name to the JSON string s.
func (v Vars) SetString(name, s string) {
	v[name] = json.RawMessage(render(s, false))
}

// ErrUnbound is wrapped by the errors of [Match] and [Expand] for a
// {{name}} reference to a variable that is not bound.
var ErrUnbound = errors.New("unbound variable")

// ErrPlaceholder is wrapped by the errors of [Match] for a placeholder that
// cannot be used as written: a bad regex or variable name, {{absent}} outside
// an object, {{contains}} or {{ordered}} anywhere but first in an array, a capture without
// Vars.
var ErrPlaceholder = errors.New("invalid placeholder")

// reference matches a {{name}} reference inside text.
var reference = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}`)

// varName matches a whole variable name.
var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-]*$`)

// keywords are the placeholder words, which cannot name a variable.
var keywords = map[string]bool{
	"any": true, "string": true, "number": true, "bool": true,
	"array": true, "object": true, "absent": true, "contains": true,
	"ordered": true,
}

// Expand replaces each {{name}} reference in text by the text of the bound
// variable: a string without its quotes, any other value as compact JSON.
// Placeholders ({{any}}, {{capture:id}}, ...) and other text are left as they
// are. It returns an error wrapping [ErrUnbound] naming the first unbound
// variable.
//
// Expand is for text (URLs, request bodies, headers). Do not expand an
// expected document before [Match]: Match resolves references itself and
// keeps their JSON types.
func Expand(text string, vars Vars) (string, error) {
	var firstErr error
	out := reference.ReplaceAllStringFunc(text, func(ref string) string {
		if firstErr != nil {
			return ref
		}
		name := reference.FindStringSubmatch(ref)[1]
		if keywords[name] {
			return ref
		}
		s, err := vars.text(name)
		if err != nil {
			firstErr = err
			return ref
		}
		return s
	})
	if firstErr != nil {
		return "", firstErr
	}
	return out, nil
}

// text is the text a reference to name expands to.
func (v Vars) text(name string) (string, error) {
	r, err := v.lookup(name)
	if err != nil {
		return "", err
	}
	if r.Type == gjson.String {
		return r.Str, nil
	}
	return render(toValue(r), false), nil
}

// lookup returns the bound value of name.
func (v Vars) lookup(name string) (gjson.Result, error) {
	raw, ok := v[name]
	if !ok {
		return gjson.Result{}, v.unbound(name)
	}
	if !json.Valid(raw) {
		return gjson.Result{}, fmt.Errorf("variable %q holds invalid JSON %q", name, raw)
	}
	return gjson.ParseBytes(raw), nil
}

// unbound is the error for a reference to the unbound variable name; it
// lists the bound ones, since the usual cause is a typo.
func (v Vars) unbound(name string) error {
	if len(v) == 0 {
		return fmt.Errorf("%w %q (no variables are bound)", ErrUnbound, name)
	}
	// The closest names first: the one meant is usually a typo away.
	names := suggest.Closest(name, slices.Collect(maps.Keys(v)), len(v))
	if len(names) > 10 {
		names = append(names[:10], "...")
	}
	return fmt.Errorf("%w %q (bound, closest first: %s)", ErrUnbound, name, strings.Join(names, ", "))
}
