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

// badInputIn is a door's refusal of its own input in the reader's
// language, through the one catalogue (read.BadInputIn).
func badInputIn(language, field, format string, args ...any) *coded {
	return read.BadInputIn(language, field, format, args...).(*coded)
}

// notFoundIn answers a path or file a door does not have, in the
// reader's language.
func notFoundIn(language, format string, args ...any) *coded {
	return &coded{Code: CodeNotFound, Message: read.Say(language, format, args...)}
}

var (
	badInput    = read.BadInput
	codeOf      = read.CodeOf
	errNotFound = read.ErrNotFound
	errTimeout  = read.ErrTimeout
	errInternal = read.ErrInternal
	unavailable = read.Unavailable
)
