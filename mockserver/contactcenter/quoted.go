package contactcenter

import "unicode/utf8"

// quotedSize is the length of s as encoding/json writes it, quotes
// included: `"` and `\\` and the control characters with a short escape
// take 2 bytes, the other control characters, `<`, `>`, `&`, U+2028 and
// U+2029 take 6 (\u00XX), and each byte of invalid UTF-8 becomes \ufffd
// (6). Counting it so keeps the bound on the JSON a value really takes: a
// string of 1 MiB of `<` takes 6 MiB.
func quotedSize(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}
