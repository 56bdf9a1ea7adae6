package events

import (
	"context"
	"fmt"
	"iter"
	"sync"
)

// Gate counts a store's calls in progress so that Close can refuse new
// calls and wait for running ones before releasing what they use. The zero
// value is open.
type Gate struct {
	mu     sync.Mutex
	closed bool
	calls  sync.WaitGroup
}

// Enter admits a call, honouring ctx first. Returns ctx's error, or
// ErrClosed once the gate is closed; on success the caller must Leave.
func (g *Gate) Enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return ErrClosed
	}
	g.calls.Add(1)
	return nil
}

// Leave ends a call admitted by Enter.
func (g *Gate) Leave() { g.calls.Done() }

// Close refuses new calls. It reports false when the gate was already
// closed, so Close methods stay idempotent.
func (g *Gate) Close() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	return true
}

// Wait blocks until every admitted call has left.
func (g *Gate) Wait() { g.calls.Wait() }

// EnterAppend is how every store's appends begin: the append checked
// (ValidateAppend), then admitted as Enter does. On success the caller
// must Leave.
func (g *Gate) EnterAppend(ctx context.Context, stream string, expected ExpectedRevision, evs []EventData) error {
	if err := ValidateAppend(stream, expected, evs); err != nil {
		return fmt.Errorf("append to %s: %w", stream, err)
	}
	return g.Enter(ctx)
}

// Reads is how every store's reads begin and end: the gate admits the
// read (Close waits for it), read yields the events, and its failure is
// yielded last.
func (g *Gate) Reads(ctx context.Context, read func(yield func(RecordedEvent) bool) error) iter.Seq2[RecordedEvent, error] {
	return func(yield func(RecordedEvent, error) bool) {
		if err := g.Enter(ctx); err != nil {
			yield(RecordedEvent{}, err)
			return
		}
		defer g.Leave()
		if err := read(func(e RecordedEvent) bool { return yield(e, nil) }); err != nil {
			yield(RecordedEvent{}, err)
		}
	}
}

// StreamReads is Reads of one stream, its name checked first.
func (g *Gate) StreamReads(ctx context.Context, stream string, read func(yield func(RecordedEvent) bool) error) iter.Seq2[RecordedEvent, error] {
	if err := ValidateStreamName(stream); err != nil {
		return func(yield func(RecordedEvent, error) bool) { yield(RecordedEvent{}, err) }
	}
	return g.Reads(ctx, read)
}

// Subscriptions is the set of a store's live subscriptions, so that the
// store's Close can end them. The zero value is open.
type Subscriptions[S interface {
	comparable
	Close() error
}] struct {
	mu     sync.Mutex
	closed bool
	live   map[S]struct{}
}

// Add keeps sub until Remove or CloseAll. It reports false, keeping
// nothing, once CloseAll has run: the caller then ends sub itself.
func (s *Subscriptions[S]) Add(sub S) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.live == nil {
		s.live = map[S]struct{}{}
	}
	s.live[sub] = struct{}{}
	return true
}

// Remove forgets a subscription that ended by itself.
func (s *Subscriptions[S]) Remove(sub S) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, sub)
}

// CloseAll refuses new subscriptions and closes the live ones, outside
// the lock since a subscription's Close may Remove itself.
func (s *Subscriptions[S]) CloseAll() {
	s.mu.Lock()
	live := s.live
	s.live, s.closed = nil, true
	s.mu.Unlock()
	for sub := range live {
		_ = sub.Close() // a subscription's Close reports nothing worth a store's Close
	}
}
