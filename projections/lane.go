package projections

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// laneQueue is how many pages a lane may have waiting: the feed runs at
// most this far ahead of the slowest lane, which bounds the memory of
// decoded events in flight (about laneQueue×batchSize of them).
const laneQueue = 8

// lanes are the goroutines that apply one feed's pages, one per healthy
// projection, each at its own pace: a projection slow to apply, or
// writing a snapshot, holds back only itself until its queue is full.
type lanes struct {
	queues []chan *page
	wg     sync.WaitGroup

	// behind counts the lanes that have not had the feed's caught-up
	// mark yet; allCaughtUp is closed when none is left, stopping when
	// the lanes are told to stop.
	behind      atomic.Int32
	allCaughtUp chan struct{}
	stopping    chan struct{}
}

// startLanes starts a lane for every projection that has not failed.
func (r *Runner) startLanes() *lanes {
	ls := &lanes{allCaughtUp: make(chan struct{}), stopping: make(chan struct{})}
	var healthy []*running
	for _, rp := range r.order {
		if rp.failure() == nil {
			healthy = append(healthy, rp)
		}
	}
	ls.behind.Store(int32(len(healthy))) // before any lane can arrive
	for _, rp := range healthy {
		q := make(chan *page, laneQueue)
		ls.queues = append(ls.queues, q)
		ls.wg.Go(func() { r.runLane(rp, q, ls) })
	}
	return ls
}

// arrive says one more lane has had the caught-up mark.
func (ls *lanes) arrive() {
	if ls.behind.Add(-1) == 0 {
		close(ls.allCaughtUp)
	}
}

// awaitAllCaughtUp waits until every lane has caught up; false when the
// lanes were stopped first.
func (ls *lanes) awaitAllCaughtUp() bool {
	select {
	case <-ls.stopping: // first, when both are closed
		return false
	default:
	}
	select {
	case <-ls.allCaughtUp:
		return true
	case <-ls.stopping:
		return false
	}
}

// hand gives a page to every lane, waiting for room in each queue; false
// when ctx ended first.
func (ls *lanes) hand(ctx context.Context, p *page) bool {
	p.share(len(ls.queues))
	for i, q := range ls.queues {
		select {
		case q <- p:
		case <-ctx.Done():
			for range ls.queues[i:] { // those it never reached
				p.release()
			}
			return false
		}
	}
	return true
}

// stop lets every lane apply what it was handed, then waits for them.
func (ls *lanes) stop() {
	close(ls.stopping)
	for _, q := range ls.queues {
		close(q)
	}
	ls.wg.Wait()
}

// runLane applies the pages handed to one projection until its queue is
// closed. After the projection fails, it goes on taking pages without
// applying them, so that the feed never waits for it.
func (r *Runner) runLane(rp *running, in <-chan *page, ls *lanes) {
	arrived := false // a feed may say it caught up more than once
	for p := range in {
		healthy := rp.failure() == nil
		switch {
		case healthy && p.caughtUp:
			r.caughtUp(rp)
		case healthy:
			r.applyPage(rp, p.events)
		}
		if p.caughtUp {
			if !arrived {
				arrived = true
				ls.arrive()
			}
			// A long catch-up is worth keeping at once, whatever the
			// interval: a crash now would replay it all again. But not
			// before every model has caught up: a snapshot takes a core
			// from a model still catching up (at a first start, the
			// inclusion model ends its batch then, on both cores), and
			// the server is ready only once all are. If the lanes stop
			// first, the runner's final snapshots keep it.
			if healthy && rp.applied >= r.opts.SnapshotEvery && ls.awaitAllCaughtUp() {
				r.snapshotOrLog(rp, "snapshot failed; will retry")
			}
		}
		p.release()
	}
}

// caughtUp marks the projection as having applied every event recorded
// when the feed caught up.
func (r *Runner) caughtUp(rp *running) {
	endBatch(rp.p) // before it says it is caught up: then it is read
	rp.advance(rp.pos(), 0, true)
}

// applyPage applies the events of a page that the projection has not seen
// (after a restore from an older snapshot than others'), and writes a
// snapshot when enough were applied since the last.
func (r *Runner) applyPage(rp *running, page []Event) {
	r.versions.begin()
	seen := rp.pos()
	applied, n := seen, 0
	var err error
	for _, e := range page {
		if !seen.Less(e.Record.Position) {
			continue
		}
		if err = safeApply(rp.p, e); err != nil {
			err = fmt.Errorf("%s at %s@%d (position %s): %w", rp.p.Name(), e.Record.Stream, e.Record.Revision, e.Record.Position, err)
			break
		}
		applied, n = e.Record.Position, n+1
	}
	rp.applied += n
	rp.advance(applied, n, false)
	r.versions.end()
	if err != nil {
		r.opts.Logger.Error().Err(err).Msg("projection stopped")
		rp.fail(err)
		return
	}
	if rp.applied >= r.opts.SnapshotEvery && time.Since(rp.snapshotted) >= r.opts.SnapshotInterval {
		r.snapshotOrLog(rp, "snapshot failed; will retry")
	}
}

// versions is the read models' version that answer caches key on: it
// moves whenever any model may have changed, and is odd while any lane
// applies, so that an answer computed then is not kept. Lanes apply side
// by side: the version turns odd when the first begins and even when the
// last ends, so an even version read twice means no model changed in
// between.
type versions struct {
	mu       sync.Mutex
	applying int // lanes between begin and end
	n        atomic.Uint64
}

func (v *versions) begin() {
	v.mu.Lock()
	if v.applying == 0 {
		v.n.Add(1)
	}
	v.applying++
	v.mu.Unlock()
}

func (v *versions) end() {
	v.mu.Lock()
	v.applying--
	if v.applying == 0 {
		v.n.Add(1)
	}
	v.mu.Unlock()
}
