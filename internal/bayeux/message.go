package bayeux

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gwsmock/gwsmock/internal/jsondepth"
)

// Connection types.
const (
	LongPolling = "long-polling"
	WebSocket   = "websocket"
)

// Values of Advice.Reconnect.
const (
	ReconnectRetry     = "retry"
	ReconnectHandshake = "handshake"
	ReconnectNone      = "none"
)

// Message is one Bayeux message, request, reply or delivery. Fields a
// message does not carry are zero and left out of its JSON.
type Message struct {
	Channel string `json:"channel"`
	ID      string `json:"id,omitempty"` // a numeric id is read as its literal text
	// idNumber records that ID was a JSON number: a reply copies it
	// (replyID) so that the id is echoed unchanged, a number as a number
	// (docs/bayeux.md C2).
	idNumber bool
	ClientID string `json:"clientId,omitempty"`
	// Successful is set on replies and never on delivered messages.
	Successful               *bool           `json:"successful,omitempty"`
	Error                    string          `json:"error,omitempty"`
	Subscription             Subscription    `json:"subscription,omitempty"`
	Data                     json.RawMessage `json:"data,omitempty"`
	Version                  string          `json:"version,omitempty"`
	MinimumVersion           string          `json:"minimumVersion,omitempty"`
	SupportedConnectionTypes []string        `json:"supportedConnectionTypes,omitempty"`
	ConnectionType           string          `json:"connectionType,omitempty"`
	Advice                   *Advice         `json:"advice,omitempty"`
	Ext                      map[string]any  `json:"ext,omitempty"`
}

// IsReply reports whether m is a reply (it carries "successful"), as opposed
// to a delivered message.
func (m *Message) IsReply() bool { return m.Successful != nil }

// OK reports whether m is a successful reply.
func (m *Message) OK() bool { return m.Successful != nil && *m.Successful }

// Err returns the reply's error as an *Error, or nil when m is not a failed
// reply.
func (m *Message) Err() error {
	if m.Successful == nil || *m.Successful {
		return nil
	}
	return ParseError(m.Error)
}

// UnmarshalJSON reads a message; it accepts an id that is a JSON number.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	var aux struct {
		*plain
		ID json.RawMessage `json:"id"`
	}
	aux.plain = (*plain)(m)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	m.ID, m.idNumber = "", false
	id := bytes.TrimSpace(aux.ID)
	switch {
	case len(id) == 0 || string(id) == "null":
	case id[0] == '"':
		if err := json.Unmarshal(id, &m.ID); err != nil {
			return fmt.Errorf("message id: %w", err)
		}
	case id[0] == '-' || (id[0] >= '0' && id[0] <= '9'):
		m.ID, m.idNumber = string(id), true
	default:
		return fmt.Errorf("message id %s: not a string", id)
	}
	return nil
}

// MarshalJSON writes the message; an id read as a JSON number is written
// back as that number.
func (m Message) MarshalJSON() ([]byte, error) {
	type plain Message
	if !m.idNumber || m.ID == "" {
		return json.Marshal((*plain)(&m))
	}
	id := m.ID
	m.ID = ""
	b, err := json.Marshal((*plain)(&m))
	if err != nil {
		return nil, err
	}
	// b is an object that starts with "{"; the id goes first. The digits
	// were read as a JSON number token, so they are valid JSON as they are.
	out := make([]byte, 0, len(b)+len(id)+7)
	out = append(out, `{"id":`...)
	out = append(out, id...)
	out = append(out, ',')
	return append(out, b[1:]...), nil
}

// replyID gives r the id of req, a number when it was one, and returns r.
func (r *Message) replyID(req *Message) *Message {
	r.ID, r.idNumber = req.ID, req.idNumber
	return r
}

// Subscription is the "subscription" field: one channel or several. It reads
// a string or an array of strings, and writes a string when it holds exactly
// one channel (the shape every client accepts), an array otherwise.
type Subscription []string

// UnmarshalJSON reads a string or an array of strings.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = Subscription{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("subscription: want a string or an array of strings: %w", err)
	}
	*s = many
	return nil
}

// MarshalJSON writes a string for one channel, an array otherwise.
func (s Subscription) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// Advice is the "advice" field. Interval and Timeout are milliseconds; nil
// means absent, which differs from 0.
type Advice struct {
	Reconnect string `json:"reconnect,omitempty"`
	Interval  *int64 `json:"interval,omitempty"`
	Timeout   *int64 `json:"timeout,omitempty"`
}

// UnmarshalJSON reads advice; numbers with a fraction are truncated.
func (a *Advice) UnmarshalJSON(b []byte) error {
	var aux struct {
		Reconnect string       `json:"reconnect"`
		Interval  *json.Number `json:"interval"`
		Timeout   *json.Number `json:"timeout"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	a.Reconnect = aux.Reconnect
	var err error
	if a.Interval, err = millis(aux.Interval); err != nil {
		return fmt.Errorf("advice interval: %w", err)
	}
	if a.Timeout, err = millis(aux.Timeout); err != nil {
		return fmt.Errorf("advice timeout: %w", err)
	}
	return nil
}

func millis(n *json.Number) (*int64, error) {
	if n == nil {
		return nil, nil
	}
	if i, err := n.Int64(); err == nil {
		return &i, nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil, err
	}
	i := int64(f)
	return &i, nil
}

// MaxDepth bounds how deeply a message body may nest objects and arrays.
const MaxDepth = jsondepth.Document

// DecodeMessages reads a request or response body: a JSON array of message
// objects or a single message object. It fails on anything else, including
// an empty array and a body nesting deeper than MaxDepth.
func DecodeMessages(body []byte) ([]Message, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty body")
	}
	if err := jsondepth.Check(body, MaxDepth); err != nil {
		return nil, err
	}
	switch body[0] {
	case '{':
		var m Message
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("decode message: %w", err)
		}
		return []Message{m}, nil
	case '[':
		var ms []Message
		if err := json.Unmarshal(body, &ms); err != nil {
			return nil, fmt.Errorf("decode messages: %w", err)
		}
		if len(ms) == 0 {
			return nil, errors.New("empty message array")
		}
		return ms, nil
	default:
		return nil, errors.New("body is neither a JSON object nor an array")
	}
}

// Error is a Bayeux error string, "code:args:message", for example
// "403::Publish denied" or "402::session_unknown".
type Error struct {
	Code    int
	Args    []string
	Message string
}

// Error formats the error as "code:args:message".
func (e *Error) Error() string {
	return strconv.Itoa(e.Code) + ":" + strings.Join(e.Args, ",") + ":" + e.Message
}

// ParseError reads an error string of the form "code:args:message". A
// string without that form gives Code 0 and the whole string as Message.
func ParseError(s string) *Error {
	code, rest, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(code)
	if !ok || err != nil || len(code) != 3 {
		return &Error{Message: s}
	}
	args, msg, ok := strings.Cut(rest, ":")
	if !ok {
		return &Error{Code: n, Message: rest}
	}
	e := &Error{Code: n, Message: msg}
	if args != "" {
		e.Args = strings.Split(args, ",")
	}
	return e
}

// errorText turns an error from an application hook into a Bayeux error
// string, using code when err does not already carry one.
func errorText(code int, err error) string {
	var be *Error
	if errors.As(err, &be) {
		return be.Error()
	}
	if e := ParseError(err.Error()); e.Code != 0 {
		return err.Error()
	}
	return (&Error{Code: code, Message: err.Error()}).Error()
}

var (
	jsonTrue  = true
	jsonFalse = false
)

func int64p(v int64) *int64 { return &v }
