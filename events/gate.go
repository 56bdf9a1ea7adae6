package events

import (
	"context"
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
