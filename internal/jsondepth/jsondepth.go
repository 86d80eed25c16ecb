// Package jsondepth bounds how deeply a JSON text nests objects and arrays,
// before anything decodes it. The servers check every body with it, so that
// no decoder, JSON Merge Patch, deep copy or encoder down the line ever
// recurses deeper than a small, documented limit, and a client learns which
// limit it hit instead of reading "exceeded max depth" from encoding/json.
package jsondepth

import "fmt"

// Limits of gwsmock, documented in docs/decisions.md and the specs.
const (
	// Body bounds REST (/api/v2) and control (/control/v1) request bodies.
	Body = 64
	// Document bounds state documents (PUT /control/v1/state, --fixture,
	// --state-file) and Bayeux messages, which hold request values a few
	// levels further down.
	Document = 128
)

// Error reports a text that nests deeper than Max.
type Error struct {
	Max    int
	Offset int64 // of the bracket that went one level too deep
}

func (e *Error) Error() string {
	return fmt.Sprintf("JSON nests objects and arrays deeper than %d levels (at byte %d)", e.Max, e.Offset)
}

// Check returns an *Error when b opens more than max objects and arrays
// at once, nil otherwise. It looks at brackets outside strings only and
// does not judge whether b is valid JSON otherwise: a decoder still does.
// It runs in linear time and constant space.
func Check(b []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for i, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return &Error{Max: max, Offset: int64(i)}
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}
