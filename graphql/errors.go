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
	// CodeTimeout: the request ran out of its time and its work stopped.
	CodeTimeout = "TIMEOUT"
	// CodeRateLimited: the token asked for more costly work (replays of
	// past views) than it may in a while.
	CodeRateLimited = "RATE_LIMITED"
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

// errTimeout answers a request whose deadline passed: resolvers return it
// as soon as they notice, so the work stops with the answer.
var errTimeout = &coded{code: CodeTimeout, message: "the request ran out of time and was stopped; ask for less, or try again (a mutation with the same commandId is safe to retry)"}

// errInternal hides the cause; the cause goes to the log with the request id.
var errInternal = &coded{code: CodeInternal, message: "internal error; the server log has the details under this request's id"}

func codeOf(err error) string {
	var c *coded
	if errors.As(err, &c) {
		return c.code
	}
	return ""
}
