package graphql

import (
	"errors"
	"fmt"
)

// Error codes, in extensions.code of every error a client receives.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeInternal        = "INTERNAL"
)

// coded is an error a client may read: a code, a message written for them
// and, for bad input, the field at fault. graphql-go copies Extensions
// into the response.
type coded struct {
	code, message, field string
}

func (e *coded) Error() string { return e.message }

func (e *coded) Extensions() map[string]any {
	ext := map[string]any{"code": e.code}
	if e.field != "" {
		ext["field"] = e.field
	}
	return ext
}

func badInput(field, format string, args ...any) error {
	return &coded{code: CodeBadUserInput, field: field, message: fmt.Sprintf(format, args...)}
}

// errNotFound is the one answer for an object that does not exist and for
// one the caller may not see: a facilitator cannot tell them apart.
var errNotFound = &coded{code: CodeNotFound, message: "not found"}

func forbidden(what string) error {
	return &coded{code: CodeForbidden, message: "your token's role may not " + what}
}

// errInternal hides the cause; the cause goes to the log with the request id.
var errInternal = &coded{code: CodeInternal, message: "internal error; the server log has the details under this request's id"}

func codeOf(err error) string {
	var c *coded
	if errors.As(err, &c) {
		return c.code
	}
	return ""
}
