package graphql

import (
	"context"
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per key: burst at once, then one per every.
// It bounds work that one client can cause and no budget can price in
// advance, such as replaying the log for a past view.
type limiter struct {
	burst float64
	every time.Duration
	clock func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, every time.Duration, clock func() time.Time) *limiter {
	if clock == nil {
		clock = time.Now
	}
	return &limiter{burst: float64(burst), every: every, clock: clock, buckets: map[string]*bucket{}}
}

// take spends one for key, or says when the next one comes.
func (l *limiter) take(key string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) * float64(l.every)), false
	}
	b.tokens--
	return 0, true
}

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
