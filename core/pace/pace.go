package pace

import (
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket per key: Burst at once, then one per Every.
type Limiter struct {
	burst float64
	every time.Duration
	clock func() time.Time
	// most is how many keys are remembered.
	most int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// DefaultKeys is how many keys a Limiter remembers at most.
const DefaultKeys = 100_000

// New is a limiter of burst at once, then one per every, for each key;
// clock nil is time.Now.
func New(burst int, every time.Duration, clock func() time.Time) *Limiter {
	if clock == nil {
		clock = time.Now
	}
	return &Limiter{burst: float64(burst), every: every, clock: clock, most: DefaultKeys, buckets: map[string]*bucket{}}
}

// Take spends one for key, or says how long until the next one comes.
func (l *Limiter) Take(key string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.most {
			l.forget(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	if b.tokens < 1 {
		return time.Duration(math.Ceil((1 - b.tokens) * float64(l.every))), false
	}
	b.tokens--
	return 0, true
}

// forget drops the buckets that have refilled (a new one is the same),
// and when none has, the half that waited longest; l.mu is held.
func (l *Limiter) forget(now time.Time) {
	for key, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.every) >= l.burst {
			delete(l.buckets, key)
		}
	}
	if len(l.buckets) < l.most {
		return
	}
	var oldest time.Time
	for _, b := range l.buckets {
		if oldest.IsZero() || b.at.Before(oldest) {
			oldest = b.at
		}
	}
	middle := oldest.Add(now.Sub(oldest) / 2)
	for key, b := range l.buckets {
		if !b.at.After(middle) {
			delete(l.buckets, key)
		}
	}
}
