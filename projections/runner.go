package projections

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
)

// Projection folds events into a read model. Apply, Snapshot, Restore and
// Reset are called from one goroutine at a time, while other projections'
// are called from others (each projection applies in its own lane); the
// projection guards its own reads from other goroutines.
type Projection interface {
	// Name identifies the projection and its snapshot file.
	Name() string
	// Version changes whenever Apply's logic or the snapshot's format does;
	// a snapshot of another version is discarded.
	Version() int
	// Apply folds one event, decoded once for every projection. An error
	// stops this projection; an event that did not decode (e.Err) should
	// be returned as one unless the projection knows to ignore it.
	Apply(e Event) error
	// Snapshot writes the read model; the same events must give the same
	// bytes.
	Snapshot(w io.Writer) error
	// Restore replaces the read model with a snapshot's.
	Restore(r io.Reader) error
	// Reset empties the read model, for a rebuild.
	Reset()
}

// Batcher is a projection that replays the log into an empty model
// faster when told the replay's bounds: between BeginBatch and EndBatch
// it may defer work that each event would otherwise redo (the inclusion
// model recounts a dialogue at every correction of it or of an
// attendee's profile). A read in between must do the deferred work first.
type Batcher interface {
	BeginBatch()
	EndBatch()
}

// beginBatch and endBatch tell the projections that are Batchers.
func beginBatch(ps ...Projection) {
	for _, p := range ps {
		if b, ok := p.(Batcher); ok {
			b.BeginBatch()
		}
	}
}

func endBatch(ps ...Projection) {
	for _, p := range ps {
		if b, ok := p.(Batcher); ok {
			b.EndBatch()
		}
	}
}

// Options tune a Runner; zero fields take defaults.
type Options struct {
	// SnapshotEvery is how many applied events trigger a snapshot, and
	// SnapshotInterval the least time between two: a snapshot of a model
	// of a million events takes seconds, during which its lane applies
	// nothing (the other models go on).
	// The interval of a replay without a snapshot counts from its start.
	// Defaults 50,000 and 2 minutes; a negative interval means none.
	SnapshotEvery    int
	SnapshotInterval time.Duration
	// Logger receives failures and rebuilds. Default: none.
	Logger *zerolog.Logger
	// RetryWait is the first wait before resubscribing a dropped feed,
	// doubled at each failure in a row up to 30 s. Default 250 ms.
	RetryWait time.Duration
}

// Runner keeps projections current. Create one with NewRunner, start it
// with Run.
type Runner struct {
	store   events.Store
	dir     string
	opts    Options
	running map[string]*running
	order   []*running
	// versions tells callers caching answers when the read models have
	// changed.
	versions versions

	feedMu   sync.Mutex
	feedErr  error         // why the feed is down, nil while it follows the log
	feedDown chan struct{} // closed when the feed drops; replaced when it resumes
}

// Version changes whenever any read model may have changed: an answer
// computed at one even version holds until the next. It is odd while a
// model is changing.
func (r *Runner) Version() uint64 { return r.versions.n.Load() }

// running is one projection's progress.
type running struct {
	p Projection

	mu          sync.Mutex
	changed     chan struct{} // made by a waiter, closed when position or err changes
	position    events.Position
	caughtUp    bool
	err         error
	applied     int       // since the last snapshot
	replayed    int       // since the runner started, for Status
	snapshotted time.Time // when the last snapshot was written or read
}

// NewRunner returns a runner for the projections, keeping snapshots in dir.
func NewRunner(store events.Store, dir string, opts *Options, ps ...Projection) (*Runner, error) {
	r := &Runner{store: store, dir: dir, running: map[string]*running{}, feedDown: make(chan struct{})}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.SnapshotEvery <= 0 {
		r.opts.SnapshotEvery = 50_000
	}
	if r.opts.SnapshotInterval == 0 {
		r.opts.SnapshotInterval = 2 * time.Minute
	}
	if r.opts.RetryWait <= 0 {
		r.opts.RetryWait = 250 * time.Millisecond
	}
	if r.opts.Logger == nil {
		nop := zerolog.Nop()
		r.opts.Logger = &nop
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("projections: %w", err)
	}
	for _, p := range ps {
		if _, dup := r.running[p.Name()]; dup {
			return nil, fmt.Errorf("projections: %q registered twice", p.Name())
		}
		rp := &running{p: p}
		r.running[p.Name()] = rp
		r.order = append(r.order, rp)
	}
	return r, nil
}

// Run restores every projection and follows $all until ctx is cancelled,
// then writes final snapshots. It returns nil on cancellation, and an
// error only when it cannot follow the log any more (the store closed
// under it, or failing with something other than a transport error
// through every retry). A dropped subscription is resubscribed from the
// earliest position a healthy projection has not applied, with backoff; a
// projection's own failure stops that projection alone, reported by
// Status and WaitFor.
//
// One feed, from the earliest restored position, serves every projection:
// a goroutine reads and decodes each event once, in pages while catching
// up, and hands each page to every projection's lane, a goroutine that
// applies it, notes its position and writes its snapshots at its own
// pace, so that reading, decoding and six models' applying share the
// cores.
func (r *Runner) Run(ctx context.Context) error {
	r.restoreAll()
	err := r.follow(ctx)
	// Side by side, as they were restored: a stop waits for the largest.
	// A model that applied nothing since its snapshot (restored, or
	// snapshotted as it caught up) keeps the one it has.
	var wg sync.WaitGroup
	for _, rp := range r.order {
		if rp.failure() == nil && rp.applied > 0 {
			wg.Go(func() { r.snapshotOrLog(rp, "final snapshot failed") })
		}
	}
	wg.Wait()
	return err
}

// restoreAll restores every snapshot, or resets the projection.
func (r *Runner) restoreAll() {
	// Snapshots are restored side by side, one per core, the largest
	// first: a restart waits for the largest, which keeps a core to itself
	// while the others follow one another on the rest (at 5M events, the
	// inclusion model's is six times the next). The version is odd
	// meanwhile, as while a page is applied: nothing read now is worth
	// keeping.
	r.versions.begin()
	defer r.versions.end()
	queue := make(chan *running, len(r.order))
	for _, rp := range r.bySnapshotSize() {
		queue <- rp
	}
	close(queue)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(r.order)) {
		wg.Go(func() {
			for rp := range queue {
				log := r.opts.Logger.With().Str("projection", rp.p.Name()).Logger()
				r.restore(rp, &log)
			}
		})
	}
	wg.Wait()
}

// bySnapshotSize is the projections, the largest snapshot first.
func (r *Runner) bySnapshotSize() []*running {
	size := map[*running]int64{}
	for _, rp := range r.order {
		if st, err := os.Stat(r.snapshotPath(rp.p.Name())); err == nil {
			size[rp] = st.Size()
		}
	}
	order := slices.Clone(r.order)
	slices.SortStableFunc(order, func(a, b *running) int { return cmp.Compare(size[b], size[a]) })
	return order
}

// resumeFrom is where a feed starts: after the earliest position that a
// healthy projection has applied, or after fed, the last event fed, when
// every projection has failed.
func (r *Runner) resumeFrom(fed events.Position) events.Position {
	from, found := fed, false
	for _, rp := range r.order {
		if rp.failure() != nil {
			continue
		}
		if pos := rp.pos(); !found || pos.Less(from) {
			from, found = pos, true
		}
	}
	return from
}

// maxOtherFailures is how many times in a row the feed is restarted after
// an error that is not a transport one before the runner gives up.
const maxOtherFailures = 5

// follow feeds the projections, resubscribing when the feed drops:
// forever, with backoff, after a transport error (the store out of reach
// or reopening); maxOtherFailures times after another.
func (r *Runner) follow(ctx context.Context) error {
	wait, others := r.opts.RetryWait, 0
	var fed events.Position
	for {
		fed = r.resumeFrom(fed)
		progressed, err := r.feedFrom(ctx, &fed)
		if ctx.Err() != nil {
			return nil
		}
		if progressed {
			wait, others = r.opts.RetryWait, 0
		}
		transport := errors.Is(err, events.ErrUnavailable)
		if !transport {
			others++
		}
		if errors.Is(err, events.ErrClosed) || others > maxOtherFailures {
			err = fmt.Errorf("the read models cannot follow the event log: %w", err)
			r.opts.Logger.Error().Err(err).Msg("projections stopped")
			r.dropped(err)
			return err
		}
		r.dropped(err)
		r.opts.Logger.Warn().Err(err).Dur("retryIn", wait).Str("after", fed.String()).Msg("the feed of the read models dropped; resubscribing")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// feedFrom runs one feed from after *fed until it ends, handing its pages
// to a lane per healthy projection and advancing *fed; it reports whether
// anything was fed and why the feed ended. It returns once every lane has
// applied what it was handed.
func (r *Runner) feedFrom(ctx context.Context, fed *events.Position) (progressed bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	pages := make(chan *page, 4)
	lanes := r.startLanes()
	defer func() {
		cancel()
		for range pages { // let the feed end
		}
		lanes.stop()
	}()
	go feed(ctx, r.store, *fed, true, pages)
	for p := range pages {
		switch {
		case p.err != nil:
			return progressed, p.err
		case p.caughtUp:
			r.resumed()
		default:
			*fed, progressed = p.events[len(p.events)-1].Record.Position, true
		}
		if !lanes.hand(ctx, p) {
			break
		}
	}
	return progressed, ctx.Err()
}

// dropped records that the feed is down, waking WaitFor callers.
func (r *Runner) dropped(err error) {
	r.feedMu.Lock()
	defer r.feedMu.Unlock()
	if r.feedErr == nil {
		close(r.feedDown)
	}
	r.feedErr = err
}

// resumed records that the feed follows the log again.
func (r *Runner) resumed() {
	r.feedMu.Lock()
	defer r.feedMu.Unlock()
	if r.feedErr != nil {
		r.feedErr, r.feedDown = nil, make(chan struct{})
		r.opts.Logger.Info().Msg("the feed of the read models follows the log again")
	}
}

// Following says why the read models do not follow the log now (their
// feed dropped and is resubscribing, or stopped for good); nil when they
// do.
func (r *Runner) Following() error {
	r.feedMu.Lock()
	defer r.feedMu.Unlock()
	return r.feedErr
}

func (r *Runner) down() (<-chan struct{}, error) {
	r.feedMu.Lock()
	defer r.feedMu.Unlock()
	return r.feedDown, r.feedErr
}

// ErrNotFollowing: WaitFor cannot wait while the feed is down; it wraps
// the reason.
var ErrNotFollowing = errors.New("the read models are not following the event log")

// safeApply turns a projection's panic into its failure, so that one
// broken read model stops alone instead of taking the process down.
func safeApply(p Projection, e Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return apply(p, e)
}

func (rp *running) pos() events.Position {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.position
}

func (rp *running) advance(p events.Position, applied int, caughtUp bool) {
	rp.mu.Lock()
	rp.position = p
	rp.replayed += applied
	rp.caughtUp = rp.caughtUp || caughtUp
	rp.notify()
	rp.mu.Unlock()
}

func (rp *running) fail(err error) {
	rp.mu.Lock()
	rp.err = err
	rp.notify()
	rp.mu.Unlock()
}

// notify wakes WaitFor callers; rp.mu is held.
func (rp *running) notify() {
	if rp.changed != nil {
		close(rp.changed)
		rp.changed = nil
	}
}

func (rp *running) failure() error {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.err
}

// ErrFailed marks a projection that stopped on an error; WaitFor and Err
// wrap it with the cause.
var ErrFailed = errors.New("projection failed")

// WaitFor blocks until every projection has applied position p (or
// later) or has failed. It returns ctx's error, or, once every healthy
// projection is there, an error wrapping ErrFailed for those that stopped.
func (r *Runner) WaitFor(ctx context.Context, p events.Position) error {
	return r.waitEach(ctx, func(rp *running) bool { return !rp.position.Less(p) })
}

// WaitCaughtUp is WaitFor until every projection has caught up: applied
// every event recorded when the feed caught up, as a rebuild waits for
// the log's end without reading it first to find it.
func (r *Runner) WaitCaughtUp(ctx context.Context) error {
	return r.waitEach(ctx, func(rp *running) bool { return rp.caughtUp })
}

// waitEach waits until there(rp), called with rp.mu held, for every
// projection that has not failed.
func (r *Runner) waitEach(ctx context.Context, there func(*running) bool) error {
	var failed []error
	for _, rp := range r.order {
		for {
			rp.mu.Lock()
			done, err := there(rp), rp.err
			if rp.changed == nil {
				rp.changed = make(chan struct{})
			}
			changed := rp.changed
			rp.mu.Unlock()
			if err != nil {
				failed = append(failed, fmt.Errorf("%w: %s: %w", ErrFailed, rp.p.Name(), err))
				break
			}
			if done {
				break
			}
			down, why := r.down()
			if why != nil {
				return fmt.Errorf("%w: %w", ErrNotFollowing, why)
			}
			select {
			case <-changed:
			case <-down:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return errors.Join(failed...)
}

// Status is one projection's progress.
type Status struct {
	Name     string
	Position events.Position
	CaughtUp bool
	Err      error
	// Applied is how many events the projection applied since the
	// runner started: after a rebuild, every event of the log.
	Applied int
}

// Status reports every projection's progress, for health checks.
func (r *Runner) Status() []Status {
	out := make([]Status, len(r.order))
	for i, rp := range r.order {
		rp.mu.Lock()
		out[i] = Status{Name: rp.p.Name(), Position: rp.position, CaughtUp: rp.caughtUp, Err: rp.err, Applied: rp.replayed}
		rp.mu.Unlock()
	}
	return out
}

// Rebuild discards a projection's snapshot so that the next Run replays it
// from position 0. Call it while the runner is not running.
func (r *Runner) Rebuild(name string) error {
	if _, ok := r.running[name]; !ok {
		return fmt.Errorf("projections: no projection %q", name)
	}
	if err := os.Remove(r.snapshotPath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
