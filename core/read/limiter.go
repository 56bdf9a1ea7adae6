package read

import (
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
