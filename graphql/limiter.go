package graphql

import (
	"context"
	"sync"
)

// slots bound how many requests of one token execute at once, so that one
// client sending its heaviest requests in parallel leaves the other cores
// to everyone else. Requests beyond wait their turn within their deadline.
type slots struct {
	per int

	mu     sync.Mutex
	tokens map[string]*slot
}

type slot struct {
	free  chan struct{}
	users int // requests holding or waiting for this token's slots
}

func newSlots(per int) *slots { return &slots{per: per, tokens: map[string]*slot{}} }

// acquire waits for one of key's slots; release gives it back. Returns
// the context's error when it ends first.
func (s *slots) acquire(ctx context.Context, key string) (release func(), err error) {
	s.mu.Lock()
	sl := s.tokens[key]
	if sl == nil {
		sl = &slot{free: make(chan struct{}, s.per)}
		s.tokens[key] = sl
	}
	sl.users++
	s.mu.Unlock()
	done := func() {
		s.mu.Lock()
		if sl.users--; sl.users == 0 {
			delete(s.tokens, key)
		}
		s.mu.Unlock()
	}
	select {
	case sl.free <- struct{}{}:
		return func() { <-sl.free; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}
