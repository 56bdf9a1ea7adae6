package events

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrWrongExpectedRevision: the stream was not in the state the append
	// expected. The error is a *WrongExpectedRevisionError.
	ErrWrongExpectedRevision = errors.New("wrong expected revision")
	// ErrStreamNotFound: a read named a stream that has no events.
	ErrStreamNotFound = errors.New("stream not found")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("event store closed")
	// ErrStoreFailed: a write or sync failed, so the store no longer knows
	// what reached the disk and refuses further appends until reopened. The
	// error is a *StoreFailedError.
	ErrStoreFailed = errors.New("event store failed")
	// ErrInvalidAppend: the append itself is malformed (no events, a bad
	// stream name, a bad event). It is never worth retrying.
	ErrInvalidAppend = errors.New("invalid append")
	// ErrLocked: another process holds the data directory.
	ErrLocked = errors.New("data directory is in use")
	// ErrUnavailable: the store cannot serve the call now, for a reason a
	// person can act on (a full disk, a store recovering from a failure,
	// a cluster out of reach), and a retry later is safe: appends are
	// idempotent by event id. The error is an *UnavailableError.
	ErrUnavailable = errors.New("event store unavailable")
)

// UnavailableError says why a store cannot serve a call now, and when to
// try again.
type UnavailableError struct {
	// Reason is said to a person: "the server's disk is full".
	Reason string
	// Written is false when the call certainly wrote nothing (refused
	// before it began), true when it may have (a write that failed).
	Written    bool
	RetryAfter time.Duration
	Cause      error
}

func (e *UnavailableError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("event store unavailable: %s: %v", e.Reason, e.Cause)
	}
	return "event store unavailable: " + e.Reason
}
func (e *UnavailableError) Unwrap() error        { return e.Cause }
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Reasons a store is unavailable.
const (
	ReasonDiskFull    = "the server's disk is full"
	ReasonRecovering  = "the event store is recovering from a failed write"
	ReasonUnreachable = "the event store cannot be reached"
)

// WrongExpectedRevisionError says what an append expected and what it found.
type WrongExpectedRevisionError struct {
	Stream   string
	Expected ExpectedRevision
	// Actual is NoStream{} or Exact(last revision).
	Actual ExpectedRevision
}

func (e *WrongExpectedRevisionError) Error() string {
	return fmt.Sprintf("append to %s: expected %s, found %s", e.Stream, e.Expected, e.Actual)
}

func (e *WrongExpectedRevisionError) Is(target error) bool { return target == ErrWrongExpectedRevision }

// StoreFailedError carries the write or sync failure that poisoned a store.
type StoreFailedError struct{ Cause error }

func (e *StoreFailedError) Error() string {
	return fmt.Sprintf("event store failed, reopen it to recover: %v", e.Cause)
}
func (e *StoreFailedError) Unwrap() error        { return e.Cause }
func (e *StoreFailedError) Is(target error) bool { return target == ErrStoreFailed }

// InvalidStreamNameError names a stream that cannot be used and why.
type InvalidStreamNameError struct{ Name, Reason string }

func (e *InvalidStreamNameError) Error() string {
	return fmt.Sprintf("stream name %q %s", e.Name, e.Reason)
}
func (e *InvalidStreamNameError) Is(target error) bool { return target == ErrInvalidAppend }

// InvalidEventError names the field of a proposed event that is wrong.
type InvalidEventError struct {
	ID            ID
	Field, Reason string
}

func (e *InvalidEventError) Error() string {
	return fmt.Sprintf("event %s: %s %s", e.ID, e.Field, e.Reason)
}
func (e *InvalidEventError) Is(target error) bool { return target == ErrInvalidAppend }

// errEmptyAppend is returned, wrapped in ErrInvalidAppend, for an append of
// no events: KurrentDB would accept it and write nothing, which hides bugs.
var errEmptyAppend = fmt.Errorf("%w: no events to append", ErrInvalidAppend)

// ValidateAppend checks everything about an append that does not depend on
// the store's state. Stores call it before anything else.
func ValidateAppend(stream string, expected ExpectedRevision, evs []EventData) error {
	if err := ValidateStreamName(stream); err != nil {
		return err
	}
	if expected == nil {
		return fmt.Errorf("%w: expected revision is nil", ErrInvalidAppend)
	}
	if len(evs) == 0 {
		return errEmptyAppend
	}
	seen := make(map[ID]struct{}, len(evs))
	for i, e := range evs {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("events[%d]: %w", i, err)
		}
		if _, dup := seen[e.ID]; dup {
			return fmt.Errorf("events[%d]: %w", i, &InvalidEventError{ID: e.ID, Field: "id", Reason: "repeats an earlier event of the same append"})
		}
		seen[e.ID] = struct{}{}
	}
	return nil
}
