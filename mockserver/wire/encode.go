package wire

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends w as json.Marshal encodes it, byte for byte, without
// reflection: the interaction object is what every list answer and every
// notification carries, and encoding/json's reflection showed in the
// profiles (BENCHMARKS.md). ok is false, and dst is returned unchanged,
// when w holds a value the fast path does not encode (a property of another
// type than JSON's own, a NaN): the caller then uses json.Marshal, which
// also reports the error for values JSON cannot hold.
func (w *Interaction) AppendJSON(dst []byte) (out []byte, ok bool) {
	b := dst
	b = append(b, `{"messageTypeName":`...)
	b = appendString(b, w.MessageTypeName)
	if w.NotificationType != "" {
		b = append(b, `,"notificationType":`...)
		b = appendString(b, w.NotificationType)
	}
	if w.ReferenceID != 0 {
		b = append(b, `,"referenceId":`...)
		b = strconv.AppendInt(b, w.ReferenceID, 10)
	}
	b = append(b, `,"id":`...)
	b = appendString(b, w.ID)
	b = append(b, `,"channel":`...)
	b = appendString(b, w.Channel)
	b = append(b, `,"interactionType":`...)
	b = appendString(b, w.InteractionType)
	b = append(b, `,"interactionSubType":`...)
	b = appendString(b, w.InteractionSubType)
	b = append(b, `,"state":`...)
	b = appendString(b, w.State)
	b = append(b, `,"capabilities":`...)
	if w.Capabilities == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range w.Capabilities {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, c)
		}
		b = append(b, ']')
	}
	for _, f := range [...]struct{ key, v string }{
		{`,"currentQueue":`, w.CurrentQueue}, {`,"workbin":`, w.Workbin},
		{`,"ownerId":`, w.OwnerID}, {`,"parentId":`, w.ParentID}, {`,"leftAgentId":`, w.LeftAgentID},
	} {
		if f.v != "" {
			b = append(b, f.key...)
			b = appendString(b, f.v)
		}
	}
	b = append(b, `,"participants":`...)
	if w.Participants == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range w.Participants {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"userId":`...)
			b = appendString(b, p.UserID)
			b = append(b, `,"userName":`...)
			b = appendString(b, p.UserName)
			b = append(b, `,"role":`...)
			b = appendString(b, p.Role)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"userData":`...)
	if b, ok = appendObject(b, w.UserData, 1); !ok {
		return dst, false
	}
	for _, f := range [...]struct {
		key string
		v   map[string]any
	}{{`,"email_object":`, w.EmailObject}, {`,"chat_object":`, w.ChatObject}, {`,"workitem_object":`, w.WorkitemObject}} {
		if len(f.v) > 0 { // omitempty
			b = append(b, f.key...)
			if b, ok = appendObject(b, f.v, 1); !ok {
				return dst, false
			}
		}
	}
	b = append(b, `,"receivedDate":`...)
	b = appendString(b, w.ReceivedDate)
	b = append(b, `,"uri":`...)
	b = appendString(b, w.URI)
	b = append(b, `,"path":`...)
	b = appendString(b, w.Path)
	return append(b, '}'), true
}

// maxFastDepth bounds the nesting the fast path follows; deeper values go
// to json.Marshal.
const maxFastDepth = 64

// appendObject encodes a map with sorted keys, as encoding/json does.
func appendObject(b []byte, m map[string]any, depth int) ([]byte, bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	if depth > maxFastDepth {
		return b, false
	}
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var ok bool
		if b, ok = appendValue(b, m[k], depth); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendValue encodes the values encoding/json decodes into an any; other
// types are left to json.Marshal.
func appendValue(b []byte, v any, depth int) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendString(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	case float64:
		return appendFloat(b, v)
	case map[string]any:
		return appendObject(b, v, depth+1)
	case []any:
		if v == nil {
			return append(b, "null"...), true
		}
		if depth > maxFastDepth {
			return b, false
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendValue(b, e, depth+1); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	}
	return b, false
}

// appendFloat is encoding/json's float64 encoding.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's string encoding with HTML escaping (the
// json.Marshal default): <, > and & as \u003c..., control characters
// escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
