package read

import (
	"errors"
	"fmt"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
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
	// CodeUnavailable: the event store cannot serve the request now (a
	// full disk, a store recovering from a failure, a cluster out of
	// reach); the message says why, and retrying later is safe.
	CodeUnavailable = "UNAVAILABLE"
)

// Error is an error a client may read: a code, a message written for them
// and, for bad input, the field at fault. graphql-go copies Extensions
// into the response.
type Error struct {
	Code, Message, Field string
	// Problems are, for a refused command, every field at fault and why,
	// in the reader's language.
	Problems []FieldProblem
	// RetryAfter is, for UNAVAILABLE, the seconds to wait before trying
	// again (the Retry-After header).
	RetryAfter int
	// template and args are the message before formatting, for an error
	// made before its reader is known (ErrNotFound, BadInput): a door
	// says it in its reader's language with In.
	template string
	args     []any
}

// FieldProblem is one reason a command was refused.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// In is the error's message in a language ("fr" or "en"): an error made
// once for every reader is said through the catalogue, any other was
// written in its reader's language already.
func (e *Error) In(language string) string {
	if e.template == "" {
		return e.Message
	}
	return Say(language, e.template, e.args...)
}

// Extensions are the error's code and field, as GraphQL clients read them.
func (e *Error) Extensions() map[string]any {
	ext := map[string]any{"code": e.Code}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	if len(e.Problems) > 0 {
		ext["problems"] = e.Problems
	}
	if e.RetryAfter > 0 {
		ext["retryAfter"] = e.RetryAfter
	}
	return ext
}

// BadInput names the field at fault and why, in English, or in the
// reader's language where a door says it (In).
func BadInput(field, format string, args ...any) error {
	return &Error{Code: CodeBadUserInput, Field: field, Message: fmt.Sprintf(format, args...), template: format, args: args}
}

// BadInputIn names the field at fault and why, in the reader's language
// ("fr" or "en"): the reason is a template that domain.Problem says in
// French too, from the one catalogue of reasons.
func BadInputIn(language, field, format string, args ...any) error {
	return &Error{Code: CodeBadUserInput, Field: field, Message: Say(language, format, args...)}
}

// Say is a reason in a language ("fr" or "en"), through the domain's
// catalogue: for a transport's own refusals, outside any field.
func Say(language, format string, args ...any) string {
	var p domain.Problems
	p.Add("", format, args...)
	return p[0].In(language)
}

// ErrNotFound is the one answer for an object that does not exist and for
// one the viewer may not see: a facilitator cannot tell them apart.
// A door says it in its reader's language (In).
var ErrNotFound = said(CodeNotFound, "not found")

// said is an error made once for every reader, which a door says in its
// reader's language (In).
func said(code, message string) *Error {
	return &Error{Code: code, Message: message, template: message}
}

// Must refuses a viewer whose role lacks a capability, in the viewer's
// language, with the words the write policy uses.
func Must(v Viewer, c access.Capability) error {
	if !v.Can(c) {
		return forbidden(v, "your token's role may not %s", c)
	}
	return nil
}

// forbidden refuses a viewer, in their language: the reason is a template
// that domain.Problem says in French too.
func forbidden(v Viewer, format string, args ...any) error {
	return &Error{Code: CodeForbidden, Message: Say(v.Language, format, args...)}
}

// ErrTimeout answers work whose deadline passed: it stops with the answer.
var ErrTimeout = said(CodeTimeout, "the request ran out of time and was stopped; ask for less, or try again (a mutation with the same commandId is safe to retry)")

// ErrInternal hides the cause; the cause goes to the log with the request id.
var ErrInternal = said(CodeInternal, "internal error; the server log has the details under this request's id")

// Unavailable is the client's answer for a store that cannot serve now:
// its reason, whether anything was saved, and when to try again.
func Unavailable(err error) (*Error, bool) {
	var u *events.UnavailableError
	if !errors.As(err, &u) {
		return nil, false
	}
	msg := u.Reason + "; nothing was saved: try again later"
	if u.Written {
		msg = u.Reason + "; it may not have been saved: send it again with the same commandId later, which is safe"
	}
	return &Error{Code: CodeUnavailable, Message: msg, RetryAfter: max(1, int(u.RetryAfter.Seconds()))}, true
}

// failed answers a failure: UNAVAILABLE with its reason when the store
// cannot serve now, else INTERNAL with the cause in the log.
func failed(v Viewer, err error, what string) error {
	if u, ok := Unavailable(err); ok {
		v.Log.Warn().Err(err).Msg(what)
		return u
	}
	v.Log.Error().Err(err).Msg(what)
	return ErrInternal
}

// CodeOf is an error's code, "" for an error not meant for clients.
func CodeOf(err error) string {
	var c *Error
	if errors.As(err, &c) {
		return c.Code
	}
	return ""
}
