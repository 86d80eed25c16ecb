package contactcenter

import (
	"errors"
	"fmt"
)

// Code classifies a domain error; adapters map it to a status.
type Code int

// Error codes.
const (
	Invalid   Code = iota + 1 // a parameter is missing, wrongly typed or names nothing known
	Forbidden                 // the caller is not the party this needs
	NotFound                  // no such interaction (or user, for the control API)
	Conflict                  // not valid in the current state
	Internal
)

func (c Code) String() string {
	switch c {
	case Invalid:
		return "invalid"
	case Forbidden:
		return "forbidden"
	case NotFound:
		return "not found"
	case Conflict:
		return "conflict"
	case Internal:
		return "internal"
	}
	return fmt.Sprintf("code(%d)", int(c))
}

// Error is the one error type of the domain.
type Error struct {
	Code    Code
	Message string // a sentence naming the field or state, for people
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, &Error{Code: c}) match by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Errorf builds an *Error.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, Internal when it carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
