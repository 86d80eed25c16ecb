package jsonmatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Canonical returns doc with object keys sorted and a two-space indent, with
// no trailing newline. Numbers keep the text they were written with; strings
// are re-escaped (no HTML escaping). Invalid JSON gives a [*SyntaxError].
func Canonical(doc []byte) ([]byte, error) {
	r, err := parse("document", doc)
	if err != nil {
		return nil, err
	}
	return []byte(render(toValue(r), true)), nil
}

// SyntaxError reports a document that is not valid JSON, with the position
// of the error.
type SyntaxError struct {
	Doc    string // which document: "expected", "actual" or "document"
	Offset int    // byte offset of the error
	Line   int    // 1-based line of the error
	Column int    // 1-based column (in characters) of the error
	Msg    string // what is wrong, from encoding/json
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid %s JSON at line %d, column %d: %s", e.Doc, e.Line, e.Column, e.Msg)
}

// parse validates doc and returns it as a gjson result.
func parse(which string, doc []byte) (gjson.Result, error) {
	if !json.Valid(doc) {
		return gjson.Result{}, syntaxError(which, doc)
	}
	return gjson.ParseBytes(doc), nil
}

// syntaxError locates the error in the invalid JSON document doc.
func syntaxError(which string, doc []byte) error {
	var v any
	err := json.Unmarshal(doc, &v)
	if err == nil { // json.Valid and json.Unmarshal disagree: never seen
		err = errors.New("invalid JSON")
	}
	off := len(doc)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok && se.Offset > 0 && !strings.Contains(se.Error(), "end of JSON input") {
		off = int(se.Offset) - 1 // the offending byte is the last one read
	}
	off = min(off, len(doc))
	before := doc[:off]
	line := 1 + bytes.Count(before, []byte("\n"))
	col := 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return &SyntaxError{Doc: which, Offset: off, Line: line, Column: col, Msg: err.Error()}
}

// toValue converts r to the values encoding/json renders: map[string]any,
// []any, json.Number, string, bool or nil. The first of duplicate keys wins,
// as with gjson paths.
func toValue(r gjson.Result) any {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number:
		return json.Number(r.Raw)
	case gjson.True:
		return true
	case gjson.False:
		return false
	case gjson.JSON:
		if r.IsArray() {
			out := make([]any, 0)
			r.ForEach(func(_, v gjson.Result) bool {
				out = append(out, toValue(v))
				return true
			})
			return out
		}
		out := make(map[string]any)
		r.ForEach(func(k, v gjson.Result) bool {
			if _, dup := out[k.Str]; !dup {
				out[k.Str] = toValue(v)
			}
			return true
		})
		return out
	}
	return nil
}

// render returns the canonical JSON text of v (a value from toValue):
// sorted keys, no HTML escaping, two-space indented or compact.
func render(v any, indent bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		// Values come from valid JSON, so this does not happen.
		return "<" + strconv.Quote(err.Error()) + ">"
	}
	return strings.TrimSuffix(b.String(), "\n")
}
