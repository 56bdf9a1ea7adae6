package read

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
	// CodeRateLimited: the viewer asked for more costly work (replays of
	// past views) than it may in a while.
	CodeRateLimited = "RATE_LIMITED"
)

// Error is an error a client may read: a code, a message written for them
// and, for bad input, the field at fault. graphql-go copies Extensions
// into the response.
type Error struct {
	Code, Message, Field string
	// Problems are, for a refused command, every field at fault and why,
	// in the reader's language.
	Problems []FieldProblem
}

// FieldProblem is one reason a command was refused.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Extensions are the error's code and field, as GraphQL clients read them.
func (e *Error) Extensions() map[string]any {
	ext := map[string]any{"code": e.Code}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	if len(e.Problems) > 0 {
		ext["problems"] = e.Problems
	}
	return ext
}

// BadInput names the field at fault and why.
func BadInput(field, format string, args ...any) error {
	return &Error{Code: CodeBadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is the one answer for an object that does not exist and for
// one the viewer may not see: a facilitator cannot tell them apart.
var ErrNotFound = &Error{Code: CodeNotFound, Message: "not found"}

// Forbidden says the viewer's role may not do what.
func Forbidden(what string) error {
	return &Error{Code: CodeForbidden, Message: "your token's role may not " + what}
}

// ErrTimeout answers work whose deadline passed: it stops with the answer.
var ErrTimeout = &Error{Code: CodeTimeout, Message: "the request ran out of time and was stopped; ask for less, or try again (a mutation with the same commandId is safe to retry)"}

// ErrInternal hides the cause; the cause goes to the log with the request id.
var ErrInternal = &Error{Code: CodeInternal, Message: "internal error; the server log has the details under this request's id"}

// CodeOf is an error's code, "" for an error not meant for clients.
func CodeOf(err error) string {
	var c *Error
	if errors.As(err, &c) {
		return c.Code
	}
	return ""
}
