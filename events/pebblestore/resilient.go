package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"time"

	"github.com/palabre/palabre/events"
)

// DefaultReserve is the free space under which appends are refused: room
// for Pebble's own work (its write-ahead log, flushes, compactions) so that
// a disk filling up refuses writes cleanly instead of failing one midway.
const DefaultReserve = 64 << 20

// Resilient is the embedded store as a server runs it. It refuses appends
// with events.ErrUnavailable while the data directory's free space is
// under a reserve, and when a write fails anyway (the disk filled from
// elsewhere, an I/O error) — which poisons a Store — it reopens the store
// by itself, with backoff, until the cause is gone. Pebble's recovery
// keeps every acknowledged write; an append that failed was never
// acknowledged and is safe to retry (appends are idempotent by event id).
// While the store reopens, every call answers ErrUnavailable and
// subscriptions end with it, for their owner to resubscribe.
type Resilient struct {
	dir     string
	opts    *Options
	reserve uint64
	// Free reports the free space of the data directory; tests replace it.
	Free func() (uint64, error)

	mu        sync.RWMutex
	cur       *Store // nil while reopening
	closed    bool
	failure   error // why cur is nil
	reopening chan struct{}
	stop      chan struct{} // closed by Close: a reopening gives up
}

var _ events.Store = (*Resilient)(nil)

// OpenResilient opens the store in dir with a reserve of free space (0:
// DefaultReserve).
func OpenResilient(dir string, opts *Options, reserve uint64) (*Resilient, error) {
	s, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	if reserve == 0 {
		reserve = DefaultReserve
	}
	r := &Resilient{dir: dir, opts: opts, reserve: reserve, cur: s, stop: make(chan struct{})}
	r.Free = func() (uint64, error) { return FreeSpace(dir) }
	return r, nil
}

// Reserve is the free space under which appends are refused.
func (r *Resilient) Reserve() uint64 { return r.reserve }

// Unavailable says why the store cannot take appends now; nil when it can.
func (r *Resilient) Unavailable() error {
	r.mu.RLock()
	cur, failure := r.cur, r.failure
	r.mu.RUnlock()
	if cur == nil {
		if failure == nil {
			return events.ErrClosed
		}
		return &events.UnavailableError{Reason: events.ReasonRecovering, RetryAfter: 5 * time.Second, Cause: failure}
	}
	return r.checkReserve()
}

func (r *Resilient) checkReserve() error {
	free, err := r.Free()
	if err != nil {
		return &events.UnavailableError{Reason: events.ReasonDiskFull, RetryAfter: 30 * time.Second, Cause: err}
	}
	if free < r.reserve {
		return &events.UnavailableError{Reason: events.ReasonDiskFull, RetryAfter: 30 * time.Second,
			Cause: errors.New(sizeOf(free) + " free, under the reserve of " + sizeOf(r.reserve))}
	}
	return nil
}

func sizeOf(n uint64) string { return fmt.Sprintf("%d MiB", n>>20) }

// current is the open store, or why there is none.
func (r *Resilient) current() (*Store, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	switch {
	case r.closed:
		return nil, events.ErrClosed
	case r.cur == nil:
		return nil, &events.UnavailableError{Reason: events.ReasonRecovering, RetryAfter: 5 * time.Second, Cause: r.failure}
	}
	return r.cur, nil
}

// Append implements events.Store: refused before it begins under the
// reserve, and made unavailable (the store reopening) after a failure.
func (r *Resilient) Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.EventData) (events.AppendResult, error) {
	s, err := r.current()
	if err != nil {
		return events.AppendResult{}, err
	}
	if err := r.checkReserve(); err != nil {
		return events.AppendResult{}, err
	}
	res, err := s.Append(ctx, stream, expected, evs...)
	if errors.Is(err, events.ErrStoreFailed) {
		r.recover(s, err)
		reason := events.ReasonRecovering
		if diskFull(err) {
			reason = events.ReasonDiskFull
		}
		return res, &events.UnavailableError{Reason: reason, Written: true, RetryAfter: 5 * time.Second, Cause: err}
	}
	return res, err
}

// recover closes a failed store and reopens it in the background, once
// per failure; calls meanwhile answer ErrUnavailable.
func (r *Resilient) recover(failed *Store, cause error) {
	r.mu.Lock()
	if r.cur != failed || r.closed {
		r.mu.Unlock()
		return // another call saw the failure first
	}
	r.cur, r.failure, r.reopening = nil, cause, make(chan struct{})
	done := r.reopening
	r.mu.Unlock()
	log := failed.opts.Logger
	log.Error().Err(cause).Msg("event store failed: reopening it; writes answer UNAVAILABLE meanwhile")
	go func() {
		defer close(done)
		closeFailed(failed) // waits for the calls in flight; its reads end with ErrClosed
		for wait := 250 * time.Millisecond; ; wait = min(2*wait, 15*time.Second) {
			if err := r.checkReserve(); err == nil {
				s, err := Open(r.dir, r.opts)
				if err == nil {
					r.mu.Lock()
					if r.closed {
						r.mu.Unlock()
						_ = s.Close()
						return
					}
					r.cur, r.failure = s, nil
					r.mu.Unlock()
					log.Info().Msg("event store reopened: writes resume")
					return
				}
				log.Warn().Err(err).Dur("retryIn", wait).Msg("the event store cannot be reopened yet")
			}
			select {
			case <-r.stop:
				return
			case <-time.After(wait):
			}
		}
	}()
}

// closeFailed closes a failed store; Pebble may panic closing a store
// whose log it could not write, and the reopening goes on regardless.
func closeFailed(s *Store) {
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Warn().Interface("panic", p).Msg("closing the failed event store")
		}
	}()
	if err := s.Close(); err != nil {
		s.opts.Logger.Warn().Err(err).Msg("closing the failed event store")
	}
}

func (r *Resilient) isClosed() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.closed
}

// ReadStream implements events.Store.
func (r *Resilient) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	s, err := r.current()
	if err != nil {
		return failed(err)
	}
	return s.ReadStream(ctx, stream, opts)
}

// ReadAll implements events.Store.
func (r *Resilient) ReadAll(ctx context.Context, from events.Position, max int) iter.Seq2[events.RecordedEvent, error] {
	s, err := r.current()
	if err != nil {
		return failed(err)
	}
	return s.ReadAll(ctx, from, max)
}

// ReadAllLent is Store.ReadAllLent on the store open now.
func (r *Resilient) ReadAllLent(ctx context.Context, from events.Position, max int) iter.Seq2[events.RecordedEvent, error] {
	s, err := r.current()
	if err != nil {
		return failed(err)
	}
	return s.ReadAllLent(ctx, from, max)
}

func failed(err error) iter.Seq2[events.RecordedEvent, error] {
	return func(yield func(events.RecordedEvent, error) bool) { yield(events.RecordedEvent{}, err) }
}

// SubscribeAll implements events.Store. A subscription the store's reopening
// ends answers ErrUnavailable, not ErrClosed: its owner resubscribes.
func (r *Resilient) SubscribeAll(ctx context.Context, opts events.SubscribeOptions) (events.Subscription, error) {
	s, err := r.current()
	if err != nil {
		return nil, err
	}
	sub, err := s.SubscribeAll(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &resilientSubscription{Subscription: sub, store: r}, nil
}

type resilientSubscription struct {
	events.Subscription
	store *Resilient
}

func (s *resilientSubscription) Next() (events.Message, error) {
	m, err := s.Subscription.Next()
	if errors.Is(err, events.ErrClosed) && !s.store.isClosed() {
		return m, &events.UnavailableError{Reason: events.ReasonRecovering, RetryAfter: time.Second, Cause: err}
	}
	return m, err
}

// Backup writes a hot backup of the open store.
func (r *Resilient) Backup(ctx context.Context, w io.Writer, keys string) error {
	s, err := r.current()
	if err != nil {
		return err
	}
	return s.Backup(ctx, w, keys)
}

// Close closes the store, and stops a reopening.
func (r *Resilient) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.stop)
	cur, reopening := r.cur, r.reopening
	r.cur = nil
	r.mu.Unlock()
	if reopening != nil {
		<-reopening
	}
	if cur != nil {
		return cur.Close()
	}
	return nil
}
