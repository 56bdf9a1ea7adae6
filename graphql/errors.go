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

var (
	badInput    = read.BadInput
	codeOf      = read.CodeOf
	errNotFound = read.ErrNotFound
	errTimeout  = read.ErrTimeout
	errInternal = read.ErrInternal
	unavailable = read.Unavailable
)
