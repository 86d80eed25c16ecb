// Package jsonvalid checks JSON text the way encoding/json does, several
// times faster: Valid agrees with json.Valid on every input, and Check also
// tells whether json.Compact would leave the text unchanged. The mock calls
// them on every body and notification it records or delivers, where
// encoding/json's byte-at-a-time scanner showed in the profiles
// (BENCHMARKS.md).
package jsonvalid

// maxDepth is encoding/json's nesting limit: deeper text is invalid.
const maxDepth = 10000

// Valid reports whether b is one valid JSON value, surrounded by optional
// whitespace, exactly as json.Valid does.
func Valid(b []byte) bool {
	ok, _ := Check(b)
	return ok
}

// Check reports whether b is valid JSON (as json.Valid) and whether it is
// compact: without whitespace outside strings, so that json.Compact would
// return it unchanged.
func Check(b []byte) (valid, compact bool) {
	var buf [32]byte
	stack := buf[:0] // '{' or '[' of each open container
	compact = true
	i, n := 0, len(b)

value:
	for i < n && isSpace(b[i]) {
		i++
		compact = false
	}
	if i >= n {
		return false, compact
	}
	switch c := b[i]; {
	case c == '{':
		if len(stack) == maxDepth {
			return false, compact
		}
		stack = append(stack, '{')
		i++
		for i < n && isSpace(b[i]) {
			i++
			compact = false
		}
		if i < n && b[i] == '}' {
			i++
			stack = stack[:len(stack)-1]
			goto after
		}
		goto key
	case c == '[':
		if len(stack) == maxDepth {
			return false, compact
		}
		stack = append(stack, '[')
		i++
		for i < n && isSpace(b[i]) {
			i++
			compact = false
		}
		if i < n && b[i] == ']' {
			i++
			stack = stack[:len(stack)-1]
			goto after
		}
		goto value
	case c == '"':
		if i = str(b, i); i < 0 {
			return false, compact
		}
	case c == '-' || '0' <= c && c <= '9':
		if i = number(b, i); i < 0 {
			return false, compact
		}
	case c == 't':
		if i = literal(b, i, "true"); i < 0 {
			return false, compact
		}
	case c == 'f':
		if i = literal(b, i, "false"); i < 0 {
			return false, compact
		}
	case c == 'n':
		if i = literal(b, i, "null"); i < 0 {
			return false, compact
		}
	default:
		return false, compact
	}

after:
	for i < n && isSpace(b[i]) {
		i++
		compact = false
	}
	if len(stack) == 0 {
		return i == n, compact
	}
	if i >= n {
		return false, compact
	}
	switch top := stack[len(stack)-1]; b[i] {
	case ',':
		i++
		if top == '{' {
			goto key
		}
		goto value
	case '}':
		if top != '{' {
			return false, compact
		}
		i++
		stack = stack[:len(stack)-1]
		goto after
	case ']':
		if top != '[' {
			return false, compact
		}
		i++
		stack = stack[:len(stack)-1]
		goto after
	default:
		return false, compact
	}

key:
	for i < n && isSpace(b[i]) {
		i++
		compact = false
	}
	if i >= n || b[i] != '"' {
		return false, compact
	}
	if i = str(b, i); i < 0 {
		return false, compact
	}
	for i < n && isSpace(b[i]) {
		i++
		compact = false
	}
	if i >= n || b[i] != ':' {
		return false, compact
	}
	i++
	goto value
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// str scans the string starting with the quote at b[i] and returns the
// index after its closing quote, or -1. Like encoding/json it accepts any
// byte but control characters, quotes and backslashes unescaped (invalid
// UTF-8 included).
func str(b []byte, i int) int {
	i++
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+4 >= len(b) {
					return -1
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return -1
					}
				}
				i += 5
			default:
				return -1
			}
		default:
			i++
		}
	}
	return -1
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at b[i] and
// returns the index after it, or -1.
func number(b []byte, i int) int {
	n := len(b)
	if b[i] == '-' {
		i++
		if i >= n {
			return -1
		}
	}
	switch {
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		for i < n && isDigit(b[i]) {
			i++
		}
	default:
		return -1
	}
	if i < n && b[i] == '.' {
		i++
		if i >= n || !isDigit(b[i]) {
			return -1
		}
		for i < n && isDigit(b[i]) {
			i++
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= n || !isDigit(b[i]) {
			return -1
		}
		for i < n && isDigit(b[i]) {
			i++
		}
	}
	return i
}

func literal(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}
