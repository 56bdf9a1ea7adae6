package graphql

import "github.com/palabre/palabre/core/read"

// Error codes, in extensions.code of every error a client receives; the
// read service defines them, for every transport.
const (
	CodeBadUserInput    = read.CodeBadUserInput
	CodeUnauthenticated = read.CodeUnauthenticated
	CodeForbidden       = read.CodeForbidden
	CodeNotFound        = read.CodeNotFound
	CodeConflict        = read.CodeConflict
	CodeInternal        = read.CodeInternal
	CodeTimeout         = read.CodeTimeout
	CodeRateLimited     = read.CodeRateLimited
	CodeUnavailable     = read.CodeUnavailable
)

// coded is an error a client may read (read.Error).
type coded = read.Error

// refusalIn is a door's own refusal in the reader's language, through
// the one catalogue (read.Say).
func refusalIn(language, code, field, format string, args ...any) *coded {
	return &coded{Code: code, Field: field, Message: read.Say(language, format, args...)}
}

// badInputIn refuses a door's own input in the reader's language.
func badInputIn(language, field, format string, args ...any) *coded {
	return refusalIn(language, CodeBadUserInput, field, format, args...)
}

// notFoundIn answers a path or file a door does not have, in the
// reader's language.
func notFoundIn(language, format string, args ...any) *coded {
	return refusalIn(language, CodeNotFound, "", format, args...)
}

// inLanguage is a refusal as a reader of language reads it: a copy, since
// the refusal may be shared (read.ErrNotFound).
func inLanguage(c *coded, language string) *coded {
	said := *c
	said.Message = c.In(language)
	return &said
}

var (
	badInput    = read.BadInput
	codeOf      = read.CodeOf
	errNotFound = read.ErrNotFound
	errTimeout  = read.ErrTimeout
	errInternal = read.ErrInternal
	unavailable = read.Unavailable
)
