package projections

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
)

// Projection folds events into a read model. Apply, Snapshot, Restore and
// Reset are called from one goroutine; the projection guards its own reads
// from other goroutines.
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

// Options tune a Runner; zero fields take defaults.
type Options struct {
	// SnapshotEvery is how many applied events trigger a snapshot, and
	// SnapshotInterval the least time between two: a snapshot of a model
	// of a million events takes seconds, during which it applies nothing.
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
	// version counts the batches applied, so that callers caching
	// answers know when the read models have changed.
	version atomic.Uint64

	feedMu   sync.Mutex
	feedErr  error         // why the feed is down, nil while it follows the log
	feedDown chan struct{} // closed when the feed drops; replaced when it resumes
}

// Version changes whenever any read model may have changed: an answer
// computed at one version holds until the next.
func (r *Runner) Version() uint64 { return r.version.Load() }

// running is one projection's progress.
type running struct {
	p Projection

	mu          sync.Mutex
	changed     chan struct{} // made by a waiter, closed when position or err changes
	position    events.Position
	caughtUp    bool
	err         error
	applied     int       // since the last snapshot
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
// last event fed, with backoff; a projection's own failure stops that
// projection alone, reported by Status and WaitFor.
//
// One feed, from the earliest restored position, serves every projection:
// a goroutine reads and decodes each event once, in batches while catching
// up, while this one applies them to each projection that has not seen
// them, so decoding and applying use two cores.
func (r *Runner) Run(ctx context.Context) error {
	fed := r.restoreAll()
	err := r.follow(ctx, fed)
	for _, rp := range r.order {
		if rp.failure() == nil {
			if err := r.snapshot(rp); err != nil {
				r.opts.Logger.Error().Err(err).Str("projection", rp.p.Name()).Msg("final snapshot failed")
			}
		}
	}
	return err
}

// restoreAll restores every snapshot and returns the earliest position.
func (r *Runner) restoreAll() events.Position {
	// Snapshots are restored side by side: a restart waits for the
	// largest, not for the sum. The version is odd meanwhile, as while a
	// batch is applied: nothing read now is worth keeping.
	r.version.Add(1)
	defer r.version.Add(1)
	restored := make([]events.Position, len(r.order))
	var wg sync.WaitGroup
	for i, rp := range r.order {
		wg.Go(func() {
			log := r.opts.Logger.With().Str("projection", rp.p.Name()).Logger()
			restored[i] = r.restore(rp, &log)
		})
	}
	wg.Wait()
	from := events.Start
	for i, pos := range restored {
		if i == 0 || pos.Less(from) {
			from = pos
		}
	}
	return from
}

// maxOtherFailures is how many times in a row the feed is restarted after
// an error that is not a transport one before the runner gives up.
const maxOtherFailures = 5

// follow feeds the projections from after fed, resubscribing when the feed
// drops: forever, with backoff, after a transport error (the store out of
// reach or reopening); maxOtherFailures times after another.
func (r *Runner) follow(ctx context.Context, fed events.Position) error {
	wait, others := r.opts.RetryWait, 0
	for {
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

// feedFrom runs one feed from after *fed until it ends, advancing *fed;
// it reports whether anything was fed and why the feed ended.
func (r *Runner) feedFrom(ctx context.Context, fed *events.Position) (progressed bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan batch, 4)
	defer func() {
		cancel()
		for range batches { // let the feed end
		}
	}()
	go feed(ctx, r.store, *fed, true, batches)
	for b := range batches {
		switch {
		case b.err != nil:
			return progressed, b.err
		case b.caughtUp:
			r.resumed()
			for _, rp := range r.order {
				rp.advance(rp.pos(), true)
				// A long catch-up is worth keeping at once, whatever the
				// interval: a crash now would replay it all again.
				if rp.failure() == nil && rp.applied >= r.opts.SnapshotEvery {
					if err := r.snapshot(rp); err != nil {
						r.opts.Logger.Error().Err(err).Str("projection", rp.p.Name()).Msg("snapshot failed; will retry")
					}
				}
			}
		default:
			r.apply(b.events)
			*fed, progressed = b.events[len(b.events)-1].Record.Position, true
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

// apply hands a batch of events to every healthy projection, skipping
// those it has already seen (after a restore from an older snapshot).
func (r *Runner) apply(batch []Event) {
	// Bumped before and after: a reader who saw the same version on both
	// sides of its read saw no change.
	r.version.Add(1)
	defer r.version.Add(1)
	for _, rp := range r.order {
		if rp.failure() != nil {
			continue
		}
		seen := rp.pos()
		applied := seen
		var err error
		for _, e := range batch {
			if !seen.Less(e.Record.Position) {
				continue
			}
			if err = safeApply(rp.p, e); err != nil {
				err = fmt.Errorf("%s at %s@%d (position %s): %w", rp.p.Name(), e.Record.Stream, e.Record.Revision, e.Record.Position, err)
				break
			}
			applied = e.Record.Position
			rp.applied++
		}
		rp.advance(applied, false)
		if err != nil {
			r.opts.Logger.Error().Err(err).Msg("projection stopped")
			rp.fail(err)
			continue
		}
		if rp.applied >= r.opts.SnapshotEvery && time.Since(rp.snapshotted) >= r.opts.SnapshotInterval {
			if err := r.snapshot(rp); err != nil {
				r.opts.Logger.Error().Err(err).Str("projection", rp.p.Name()).Msg("snapshot failed; will retry")
			}
		}
	}
}

func (rp *running) pos() events.Position {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.position
}

func (rp *running) advance(p events.Position, caughtUp bool) {
	rp.mu.Lock()
	rp.position = p
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
	var failed []error
	for _, rp := range r.order {
		for {
			rp.mu.Lock()
			done, err := !rp.position.Less(p), rp.err
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
}

// Status reports every projection's progress, for health checks.
func (r *Runner) Status() []Status {
	out := make([]Status, len(r.order))
	for i, rp := range r.order {
		rp.mu.Lock()
		out[i] = Status{Name: rp.p.Name(), Position: rp.position, CaughtUp: rp.caughtUp, Err: rp.err}
		rp.mu.Unlock()
	}
	return out
}

// snapshotHeader is the first line of a snapshot file.
type snapshotHeader struct {
	Format   int             `json:"format"`
	Name     string          `json:"name"`
	Version  int             `json:"version"`
	Position events.Position `json:"position"`
	SHA256   string          `json:"sha256"`
	Length   int             `json:"length"`
}

const snapshotFormat = 1

func (r *Runner) snapshotPath(name string) string {
	return filepath.Join(r.dir, name+".snapshot")
}

// snapshot writes the projection's read model and position atomically.
func (r *Runner) snapshot(rp *running) error {
	var body bytes.Buffer
	if err := rp.p.Snapshot(&body); err != nil {
		return err
	}
	sum := sha256.Sum256(body.Bytes())
	h, err := json.Marshal(snapshotHeader{Format: snapshotFormat, Name: rp.p.Name(), Version: rp.p.Version(), Position: rp.pos(), SHA256: hex.EncodeToString(sum[:]), Length: body.Len()})
	if err != nil {
		return err
	}
	path := r.snapshotPath(rp.p.Name())
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.Write(h)
	w.WriteByte('\n')
	w.Write(body.Bytes())
	if err := errors.Join(w.Flush(), f.Sync(), f.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	rp.applied, rp.snapshotted = 0, time.Now()
	return nil
}

// restore loads the projection's snapshot if it can be trusted and returns
// the position to continue after; anything else resets the projection and
// starts from the beginning.
func (r *Runner) restore(rp *running, log *zerolog.Logger) events.Position {
	start := time.Now()
	pos, err := r.readSnapshot(rp)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			log.Warn().Err(err).Msg("snapshot discarded; rebuilding from the log")
		}
		rp.p.Reset()
		return events.Start
	}
	log.Info().Str("position", pos.String()).Dur("took", time.Since(start)).Msg("restored from snapshot")
	rp.advance(pos, false)
	rp.snapshotted = time.Now()
	return pos
}

// SnapshotCheck is what CheckSnapshots found of one projection's snapshot.
type SnapshotCheck struct {
	Name     string
	Position events.Position // where the projection would continue after
	Written  time.Time       // when the file was written
	// Err says why Run would discard the snapshot and replay the log;
	// it wraps os.ErrNotExist when there is none.
	Err error
}

// CheckSnapshots reads every projection's snapshot as Run would, restoring
// each into its projection: a health check, instead of Run.
func (r *Runner) CheckSnapshots() []SnapshotCheck {
	out := make([]SnapshotCheck, 0, len(r.order))
	for _, rp := range r.order {
		c := SnapshotCheck{Name: rp.p.Name()}
		if st, err := os.Stat(r.snapshotPath(c.Name)); err == nil {
			c.Written = st.ModTime()
		}
		c.Position, c.Err = r.readSnapshot(rp)
		out = append(out, c)
	}
	return out
}

func (r *Runner) readSnapshot(rp *running) (events.Position, error) {
	b, err := os.ReadFile(r.snapshotPath(rp.p.Name()))
	if err != nil {
		return events.Position{}, err
	}
	line, body, ok := bytes.Cut(b, []byte{'\n'})
	var h snapshotHeader
	if !ok || json.Unmarshal(line, &h) != nil {
		return events.Position{}, errors.New("unreadable header")
	}
	sum := sha256.Sum256(body)
	switch {
	case h.Format != snapshotFormat || h.Name != rp.p.Name():
		return events.Position{}, fmt.Errorf("format %d of %q, not %d of %q", h.Format, h.Name, snapshotFormat, rp.p.Name())
	case h.Version != rp.p.Version():
		return events.Position{}, fmt.Errorf("version %d, the projection is at %d", h.Version, rp.p.Version())
	case h.Length != len(body) || h.SHA256 != hex.EncodeToString(sum[:]):
		return events.Position{}, errors.New("checksum mismatch: the snapshot is damaged")
	}
	if err := rp.p.Restore(bytes.NewBuffer(body)); err != nil {
		return events.Position{}, fmt.Errorf("restore: %w", err)
	}
	return h.Position, nil
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
