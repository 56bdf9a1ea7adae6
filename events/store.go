package events

import (
	"context"
	"iter"
	"strings"
)

// Store is an event store: streams with optimistic concurrency, a global
// order, and catch-up subscriptions. Implementations are safe for concurrent
// use.
type Store interface {
	// Append writes events to the end of stream, atomically, if the stream
	// matches expected. It returns once the events are durable.
	//
	// Returns a *WrongExpectedRevisionError (errors.Is
	// ErrWrongExpectedRevision) when the stream does not match expected,
	// unless the same event ids were already appended at that expectation,
	// in which case it succeeds without writing again (Exact and NoStream
	// only). Returns an error wrapping ErrInvalidAppend for a bad stream
	// name, no events or a malformed event; ErrStoreFailed after a failed
	// write; ErrClosed after Close.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// ReadStream yields the events of one stream in the given direction,
	// starting at opts.From (inclusive). A read of a stream that has no
	// events yields ErrStreamNotFound; one starting past the end yields
	// nothing. The context is honoured between events.
	ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) iter.Seq2[RecordedEvent, error]

	// ReadAll yields $all forwards from position from (inclusive; Start for
	// the beginning), at most max events (0: no limit), user events only.
	ReadAll(ctx context.Context, from Position, max int) iter.Seq2[RecordedEvent, error]

	// SubscribeAll follows $all from after opts.From (exclusive, like
	// KurrentDB; Start delivers every event): it catches up, reports it once
	// with a CaughtUp message, then delivers new events as they become
	// durable. The subscription ends when ctx is cancelled or it is closed.
	SubscribeAll(ctx context.Context, opts SubscribeOptions) (Subscription, error)

	// Close releases the store. Appends in flight complete first; reads and
	// subscriptions end with ErrClosed.
	Close() error
}

// AppendResult locates the last event an append wrote.
type AppendResult struct {
	// NextExpected is the revision of the stream's last event: pass
	// Exact(NextExpected) to append after it.
	NextExpected Revision
	Position     Position
}

// Direction of a stream read.
type Direction int

const (
	Forwards Direction = iota
	Backwards
)

// ReadStreamOptions select part of a stream. The zero value reads it all,
// forwards.
type ReadStreamOptions struct {
	Direction Direction
	// From is the first revision yielded. For a backwards read EndOfStream
	// starts at the last event.
	From Revision
	// Max bounds how many events are yielded; 0 means no bound.
	Max int
}

// FilterKind says what a Filter's prefixes are matched against.
type FilterKind int

const (
	// NoFilter delivers every user event.
	NoFilter FilterKind = iota
	StreamNamePrefix
	EventTypePrefix
)

// Filter selects events of $all by stream-name or event-type prefix, the two
// filters KurrentDB evaluates server-side.
type Filter struct {
	Kind     FilterKind
	Prefixes []string
}

// StreamPrefixFilter selects events whose stream name starts with any prefix.
func StreamPrefixFilter(prefixes ...string) Filter {
	return Filter{Kind: StreamNamePrefix, Prefixes: prefixes}
}

// EventTypePrefixFilter selects events whose type starts with any prefix.
func EventTypePrefixFilter(prefixes ...string) Filter {
	return Filter{Kind: EventTypePrefix, Prefixes: prefixes}
}

// Matches reports whether an event of this stream and type passes the filter.
func (f Filter) Matches(stream, eventType string) bool {
	var subject string
	switch f.Kind {
	case NoFilter:
		return true
	case StreamNamePrefix:
		subject = stream
	case EventTypePrefix:
		subject = eventType
	}
	for _, p := range f.Prefixes {
		if strings.HasPrefix(subject, p) {
			return true
		}
	}
	return false
}

// SubscribeOptions say where a subscription starts and what it delivers.
type SubscribeOptions struct {
	From   Position
	Filter Filter
}

// Subscription delivers $all in order. It is used by one goroutine.
type Subscription interface {
	// Next blocks until the next message. It returns the subscription
	// context's error once that is cancelled, ErrClosed once the
	// subscription or its store is closed, or the store's failure.
	Next() (Message, error)
	// Close ends the subscription; a Next in progress returns ErrClosed.
	Close() error
}

// Message is either an event or the news that the subscription has caught
// up with $all and is now live.
type Message struct {
	Event    *RecordedEvent
	CaughtUp bool
}
