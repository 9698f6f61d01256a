// Package phenolink holds the domain: the entities Phenolink stores, their
// validation, the services the adapters implement and the error codes that
// travel between them. It imports only the standard library.
package phenolink

import (
	"errors"
	"fmt"
)

// Error codes. Adapters map their own failures to these; the HTTP layer maps
// these to status codes in one place.
const (
	ECONFLICT       = "conflict"        // the action conflicts with existing state
	EINTERNAL       = "internal"        // a bug or an outage; details are logged, not shown
	EINVALID        = "invalid"         // the input is wrong; the message says how
	ENOTFOUND       = "not_found"       // the thing does not exist
	EUNAUTHORIZED   = "unauthorized"    // the person must sign in (again)
	EFORBIDDEN      = "forbidden"       // signed in, but not allowed
	ETOOLARGE       = "too_large"       // the input exceeds a size bound
	EUNAVAILABLE    = "unavailable"     // a dependency is down; try again later
	ENOTIMPLEMENTED = "not_implemented" // reserved for features behind a flag
)

// Error is an application error: a code for machines and a message that is
// safe to show to the person who caused it.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("phenolink error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the first *Error in err's chain,
// or "Internal error." for anything else so that details never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Internal error."
}
