package jetstore

import (
	"sync"

	"github.com/palabre/palabre/events"
)

// maxTails bounds how many streams' tails a store remembers; past it the
// memory starts afresh (a command's stream is usually written again soon,
// or not for a long time).
const maxTails = 100_000

// tails remembers the last event this store wrote to each stream, so that
// the next append to it can publish at once, conditional on that event
// still being the stream's last: a guess another node's write made stale
// costs one refused publish, after which the append asks the leader.
type tails struct {
	mu   sync.Mutex
	last map[string]tail
}

// guess returns what an append to subject at expected may assume: the
// remembered tail, or, for NoStream, that the stream does not exist.
func (t *tails) guess(subject string, expected events.ExpectedRevision) (last tail, exists, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.last[subject]; ok {
		return last, true, true
	}
	if _, none := expected.(events.NoStream); none {
		return tail{}, false, true
	}
	return tail{}, false, false
}

func (t *tails) remember(subject string, last tail) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil || len(t.last) >= maxTails {
		t.last = make(map[string]tail)
	}
	t.last[subject] = last
}

func (t *tails) forget(subject string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.last, subject)
}
