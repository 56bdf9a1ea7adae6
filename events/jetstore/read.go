package jetstore

import (
	"context"
	"errors"
	"iter"
	"slices"
	"time"

	"github.com/palabre/palabre/events"
)

// readBatch is how many messages one direct get asks for.
const readBatch = 256

// tail is a palabre stream's last event: its revision and sequence.
type tail struct {
	rev events.Revision
	seq uint64
}

// lastOf returns the last event of subject, exists false when it has none.
func (s *Store) lastOf(ctx context.Context, subject string) (t tail, exists bool, err error) {
	m, found, err := s.leaderGet(ctx, getRequest{LastFor: subject})
	if err != nil || !found {
		return tail{}, false, err
	}
	rev, err := m.revision()
	if err != nil {
		return tail{}, false, err
	}
	return tail{rev: rev, seq: m.seq}, true, nil
}

// seqOf finds the sequence of revision rev of subject, whose last event is
// last, by bisecting the stream's sequences: revisions grow with them.
func (s *Store) seqOf(ctx context.Context, subject string, rev events.Revision, last tail) (uint64, error) {
	if rev == last.rev {
		return last.seq, nil
	}
	lo, hi := uint64(1), last.seq
	for lo < hi {
		mid := lo + (hi-lo)/2
		m, found, err := s.leaderGet(ctx, getRequest{Seq: mid, NextFor: subject})
		if err != nil {
			return 0, err
		}
		if !found {
			return last.seq, nil // cannot happen: last is at or after mid
		}
		r, err := m.revision()
		if err != nil {
			return 0, err
		}
		switch {
		case r == rev:
			return m.seq, nil
		case r > rev:
			// What is sought is at or before mid (the subject has nothing in
			// [mid, m.seq)); hi = m.seq would not move when m.seq is hi.
			hi = mid
		default:
			lo = m.seq + 1
		}
	}
	return lo, nil
}

// readRange yields the events of subject from revision from to to, both
// inclusive, in order.
func (s *Store) readRange(ctx context.Context, subject string, from, to events.Revision, last tail, yield func(events.RecordedEvent) bool) error {
	seq, err := s.seqOf(ctx, subject, from, last)
	if err != nil {
		return err
	}
	var lag lagging
	for {
		batch, err := s.getBatch(ctx, getRequest{Seq: seq, NextFor: subject, Batch: readBatch})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			// The leader said revision to exists: the replica lags.
			if err := lag.wait(ctx); err != nil {
				return err
			}
			continue
		}
		for _, m := range batch {
			e, err := recorded(m)
			if err != nil {
				return err
			}
			if e.Revision > to {
				return nil
			}
			if e.Revision >= from && !yield(e) {
				return nil
			}
			if e.Revision == to {
				return nil
			}
			seq = m.seq + 1
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// lagging paces the retries of a read that a replica answered from
// behind the leader: direct gets go to the nearest replica, which applies
// writes a few milliseconds after the leader acknowledges them.
type lagging struct {
	since   time.Time
	backoff time.Duration
}

// maxLag is how long a read waits for a lagging replica before it says
// the store is unavailable.
const maxLag = 10 * time.Second

func (l *lagging) wait(ctx context.Context) error {
	if l.since.IsZero() {
		l.since, l.backoff = time.Now(), time.Millisecond
	}
	if time.Since(l.since) > maxLag {
		return unreachable("read", false, errReplicaLags)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(l.backoff):
	}
	l.backoff = min(2*l.backoff, 50*time.Millisecond)
	return nil
}

var errReplicaLags = errors.New("the replica answering reads lags behind the stream's leader")

// ReadStream implements events.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	return s.gate.StreamReads(ctx, stream, func(yield func(events.RecordedEvent) bool) error {
		subject := eventSubject(stream)
		last, exists, err := s.lastOf(ctx, subject)
		if err == nil && !exists {
			err = events.ErrStreamNotFound
		}
		if err != nil {
			return err
		}
		return s.readStream(ctx, subject, opts, last, yield)
	})
}

func (s *Store) readStream(ctx context.Context, subject string, opts events.ReadStreamOptions, last tail, yield func(events.RecordedEvent) bool) error {
	limit := uint64(opts.Max)
	if opts.Max <= 0 {
		limit = ^uint64(0)
	}
	if opts.Direction == events.Forwards {
		if opts.From > last.rev {
			return nil
		}
		to := last.rev
		if span := uint64(last.rev - opts.From); limit <= span {
			to = opts.From + events.Revision(limit) - 1
		}
		return s.readRange(ctx, subject, opts.From, to, last, yield)
	}
	return s.readBackwards(ctx, subject, min(opts.From, last.rev), limit, last, yield)
}

// readBackwards reads chunks of revisions forwards and yields each one
// reversed: direct get only walks forwards.
func (s *Store) readBackwards(ctx context.Context, subject string, hi events.Revision, limit uint64, last tail, yield func(events.RecordedEvent) bool) error {
	for limit > 0 {
		n := min(limit, readBatch, uint64(hi)+1)
		lo := hi + 1 - events.Revision(n)
		var chunk []events.RecordedEvent
		if err := s.readRange(ctx, subject, lo, hi, last, func(e events.RecordedEvent) bool {
			chunk = append(chunk, e)
			return true
		}); err != nil {
			return err
		}
		slices.Reverse(chunk)
		for _, e := range chunk {
			if !yield(e) {
				return nil
			}
		}
		if lo == 0 {
			return nil
		}
		limit -= n
		hi = lo - 1
	}
	return nil
}

// ReadAll implements events.Store.
func (s *Store) ReadAll(ctx context.Context, from events.Position, limit int) iter.Seq2[events.RecordedEvent, error] {
	return s.gate.Reads(ctx, func(yield func(events.RecordedEvent) bool) error {
		n := 0
		_, err := s.readAll(ctx, max(from.Commit, 1), func(e events.RecordedEvent) bool {
			n++
			return yield(e) && (limit <= 0 || n < limit)
		})
		return err
	})
}

// readAhead is how many batches of $all a read keeps asked for beyond the
// one it yields, so that the replica prepares and sends them while the
// caller decodes: a read of $all went from ~54,000 to ~65,000 events/s
// on average over seven alternated pairs (docs/BENCHMARKS.md).
const readAhead = 3

// readAll yields $all from sequence seq to its end, at least as far as
// the leader's last message when the read began, and returns the sequence
// after the last it read.
func (s *Store) readAll(ctx context.Context, seq uint64, yield func(events.RecordedEvent) bool) (uint64, error) {
	end, _, err := s.leaderGet(ctx, getRequest{LastFor: eventsAll})
	if err != nil {
		return seq, err
	}
	ahead := &batchesAhead{s: s}
	defer ahead.cancel()
	var lag lagging
	for {
		if err := ctx.Err(); err != nil {
			return seq, err
		}
		batch, err := ahead.next(ctx, seq, end.seq)
		if err != nil {
			return seq, err
		}
		if len(batch) == 0 && seq <= end.seq {
			ahead.cancel() // asked of a replica that lags: ask again
			if err := lag.wait(ctx); err != nil {
				return seq, err
			}
			continue
		}
		if len(batch) == 0 {
			return seq, nil
		}
		for _, m := range batch {
			if m.seq < seq {
				continue // yielded from the batch before (see batchesAhead)
			}
			e, err := recorded(m)
			if err != nil {
				return seq, err
			}
			seq = m.seq + 1
			if !yield(e) {
				return seq, nil
			}
		}
	}
}

// batchesAhead are the batches of $all asked for in advance. Sequences
// follow each other without gaps (nothing is deleted from the stream), so
// the batch after one starting at seq starts at seq+readBatch; were there
// a gap, a batch would end past the next one's start, whose first
// messages readAll then skips. No subject filter: the stream holds only
// events, and a filter makes the server count what is pending under it
// for every batch, a scan of the stream that slowed a read of 1M events
// to 6,500 events/s.
type batchesAhead struct {
	s     *Store
	asked []*askedBatch
}

// next returns the batch starting at seq, first asking for it and for
// the readAhead after it (not past end, the stream's last sequence when
// the read began) unless they are asked for already.
func (a *batchesAhead) next(ctx context.Context, seq, end uint64) ([]stored, error) {
	if len(a.asked) > 0 && a.asked[0].req.Seq > seq {
		// The batch before came back short (the end of the stream then):
		// what follows it may have been written since.
		a.cancel()
	}
	from := seq
	if n := len(a.asked); n > 0 {
		from = a.asked[n-1].req.Seq + readBatch
	}
	for len(a.asked) <= readAhead && (len(a.asked) == 0 || from <= end) {
		b, err := a.s.askBatch(ctx, getRequest{Seq: from, Batch: readBatch})
		if err != nil {
			return nil, err
		}
		a.asked = append(a.asked, b)
		from += readBatch
	}
	b := a.asked[0]
	a.asked = a.asked[1:]
	return b.collect(ctx)
}

// cancel forgets the batches asked for and not collected.
func (a *batchesAhead) cancel() {
	for _, b := range a.asked {
		b.cancel()
	}
	a.asked = nil
}
