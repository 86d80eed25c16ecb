package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"
)

// TestConformanceToleratesBenignServers runs the embedded suite against
// mocks behind proxies that change only what the contract leaves open
// (docs/behavior.md §8): JSON key order, whitespace and string escapes,
// chunked and gzipped bodies, extra headers, a load balancer's cookie
// before JSESSIONID, parameters after the realm of the Basic challenge,
// another host and path prefix in absolute uris, extra fields in every
// object, the lists the steps compare as sets reversed, and Bayeux answers
// with extra advice, other advice on successful connects (or none), ext on
// every message, ids on deliveries, more connection types, and their
// replies and deliveries in another order. Every scenario must pass. The @mock
// scenarios judge gwsmock's own policy (docs/behavior.md §8), which such a
// server may choose differently, so they are left out. So are the
// @websocket scenarios: the proxy edits HTTP answers only, and WebSocket
// frames pass it unedited, so absolute uris there would name the mock,
// not the proxy's host.
func TestConformanceToleratesBenignServers(t *testing.T) {
	mocks := openMocks(t, 8)
	targets := make([]string, len(mocks))
	for i, m := range mocks {
		targets[i] = editingProxy(t, m, benign())
	}
	runSuite(t, targets, "not @mock and not @websocket")
}

// benign returns the edits of a server that differs from gwsmock only where
// the contract leaves things open.
func benign() edits {
	var n, answers atomic.Int64
	return edits{
		chunked: true,
		gzip:    true,
		response: func(r *http.Request, status int, body []byte) (int, []byte) {
			var v any
			d := json.NewDecoder(bytes.NewReader(body))
			d.UseNumber()
			if len(body) == 0 || d.Decode(&v) != nil {
				return status, body
			}
			if msgs, ok := v.([]any); ok && strings.HasPrefix(r.URL.Path, "/api/v2/notifications") {
				v = benignBayeux(msgs, answers.Add(1))
			}
			return status, benignJSON(loosen("", v))
		},
		header: func(r *http.Request, h http.Header) {
			h.Set("Server", "benign/1.0")
			h.Set("X-Request-Id", fmt.Sprintf("r-%d", n.Add(1)))
			h.Set("Cache-Control", "no-cache, no-store")
			if ct := h.Get("Content-Type"); ct == "application/json" {
				h.Set("Content-Type", "application/json; charset=utf-8")
			}
			h["Set-Cookie"] = append([]string{"AWSALB=lb-7; Path=/; Max-Age=604800"}, h["Set-Cookie"]...)
			if c := h.Get("WWW-Authenticate"); c != "" {
				h.Set("WWW-Authenticate", c+`, charset="UTF-8"`)
			}
		},
	}
}

// sets are the keys whose lists the steps compare as sets.
var sets = []string{"capabilities", "participants", "uris", "interactions", "channels", "roles", "devices"}

// absoluteURI matches the scheme, host and port of an interaction's uri.
var absoluteURI = regexp.MustCompile(`^https?://[^/]+/api/v2/`)

// loosen returns v, found under key, with an extra field in every object
// (but inside userData, the client's own data), the lists under the keys of
// sets reversed, and absolute uris on another host under a path prefix.
func loosen(key string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		if key == "userData" {
			return v
		}
		for k, x := range v {
			v[k] = loosen(k, x)
		}
		v["benignExtra"] = map[string]any{"note": "é/ü", "n": json.Number("1")}
		return v
	case []any:
		for i, x := range v {
			v[i] = loosen(key, x)
		}
		if slices.Contains(sets, key) {
			slices.Reverse(v)
		}
		return v
	case string:
		if key == "uri" || key == "uris" {
			return absoluteURI.ReplaceAllString(v, "https://gws.example.com:8443/genesys/gws/api/v2/")
		}
	}
	return v
}

// benignBayeux changes the n-th Bayeux answer where the protocol allows
// (docs/bayeux.md, "## The rules"): extra advice fields (maxInterval,
// multiple-clients), a successful connect reply advising only {reconnect:
// "retry", interval: 0} or, every other answer, no advice at all, ext on
// every message, an id on every delivery, connection types the client
// does not use, and the replies moved to the other end of the batch
// (deliveries keep their order).
func benignBayeux(msgs []any, n int64) []any {
	var replies, others []any
	for i, x := range msgs {
		m, ok := x.(map[string]any)
		if !ok {
			return msgs
		}
		if a, ok := m["advice"].(map[string]any); ok {
			a["multiple-clients"] = false
			a["maxInterval"] = json.Number("10000")
		}
		ext, _ := m["ext"].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			m["ext"] = ext
		}
		ext["benign"] = map[string]any{"n": json.Number(strconv.FormatInt(n, 10))}
		if _, reply := m["successful"]; !reply {
			m["id"] = fmt.Sprintf("srv-%d-%d", n, i)
			others = append(others, m)
			continue
		}
		switch {
		case m["channel"] == "/meta/handshake" && m["successful"] == true:
			if types, ok := m["supportedConnectionTypes"].([]any); ok {
				m["supportedConnectionTypes"] = append([]any{"callback-polling"}, types...)
			}
		case m["channel"] == "/meta/connect" && m["successful"] == true && n%2 == 0:
			delete(m, "advice")
		case m["channel"] == "/meta/connect" && m["successful"] == true:
			// Advice is sticky: the timeout of the handshake holds.
			m["advice"] = map[string]any{"reconnect": "retry", "interval": json.Number("0")}
		}
		replies = append(replies, m)
	}
	if len(msgs) > 0 {
		if m := msgs[0].(map[string]any); m["successful"] != nil {
			return append(others, replies...)
		}
	}
	return append(replies, others...)
}

// benignJSON encodes v (decoded with UseNumber) as the same JSON value
// written otherwise: keys in a hashed order, CRLF and tab whitespace, "/"
// and every "e" escaped, non-ASCII as \u escapes, whole numbers with a
// fraction and an exponent (12 as 12.0e0).
func benignJSON(v any) []byte {
	var b bytes.Buffer
	writeBenign(&b, v, 0)
	return b.Bytes()
}

func writeBenign(b *bytes.Buffer, v any, depth int) {
	nl := "\r\n" + strings.Repeat("\t ", depth+1)
	switch v := v.(type) {
	case map[string]any:
		keys := slices.Collect(func(yield func(string) bool) {
			for k := range v {
				if !yield(k) {
					return
				}
			}
		})
		slices.SortFunc(keys, func(x, y string) int { return int(hash(x)) - int(hash(y)) })
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(" ,")
			}
			b.WriteString(nl)
			writeString(b, k)
			b.WriteString(" :\t")
			writeBenign(b, v[k], depth+1)
		}
		b.WriteString("\r\n}")
	case []any:
		b.WriteString("[ ")
		for i, x := range v {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(nl)
			writeBenign(b, x, depth+1)
		}
		b.WriteString(" ]")
	case string:
		writeString(b, v)
	case json.Number:
		// The same number in another form: 12 as 12.0e0.
		if _, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			b.WriteString(string(v) + ".0e0")
		} else {
			b.WriteString(string(v))
		}
	default: // bool, nil
		j, _ := json.Marshal(v)
		b.Write(j)
	}
}

// hash orders keys neither as sent nor alphabetically.
func hash(s string) uint16 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return uint16(h.Sum32())
}

// writeString writes s as a JSON string with needless escapes.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/':
			b.WriteString(`\/`)
		case r == 'e' || r < 0x20 || r >= utf8.RuneSelf && r <= 0xffff:
			fmt.Fprintf(b, `\u%04x`, r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// TestBenignJSONKeepsTheValue checks the encoder of the test above: what it
// writes decodes to what it was given.
func TestBenignJSONKeepsTheValue(t *testing.T) {
	const doc = `{"id":"00009a8T8Y130123","uri":"http://h/api/v2/x","n":1.50,"big":12345678901234567890,` +
		`"s":"é \" \\ / \n 😀 e","list":[true,false,null,[],{}],"nested":{"a":{"b":[1,"x"]}}}`
	decode := func(b []byte, numbers bool) any {
		var v any
		d := json.NewDecoder(bytes.NewReader(b))
		if numbers {
			d.UseNumber()
		}
		if err := d.Decode(&v); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		return v
	}
	got := benignJSON(decode([]byte(doc), true))
	// Numbers compare by value: 1 written as 1.0e0 is the same number.
	if !reflect.DeepEqual(decode(got, false), decode([]byte(doc), false)) {
		t.Errorf("benignJSON changed the value:\n%s", got)
	}
	if !bytes.Contains(got, []byte("1.0e0")) {
		t.Errorf("benignJSON wrote whole numbers as they came:\n%s", got)
	}
	if bytes.Contains(got, []byte("é")) || !bytes.Contains(got, []byte(`\/`)) {
		t.Errorf("benignJSON wrote no escapes:\n%s", got)
	}
}
