package pebblestore

import (
	"context"
	"encoding/binary"
	"iter"

	"github.com/cockroachdb/pebble/v2"

	"github.com/palabre/palabre/events"
)

// checkEvery is how many events a read yields between checks of its context
// and of the store closing: often enough to stop promptly, rarely enough to
// cost nothing.
const checkEvery = 256

// ReadStream implements events.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	return s.gate.StreamReads(ctx, stream, func(yield func(events.RecordedEvent) bool) error {
		return s.readStream(ctx, stream, opts, yield)
	})
}

func (s *Store) readStream(ctx context.Context, stream string, opts events.ReadStreamOptions, yield func(events.RecordedEvent) bool) error {
	durable := s.durable.Load()
	lower, upper := streamBounds(stream)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return err
	}
	defer it.Close()

	// visible skips entries a reader must not see yet: revisions grow with
	// positions, so they are all at the stream's end.
	visible := func() (events.Revision, uint64, error) {
		rev, pos, err := decodeStreamEntry(it.Key(), it.Value())
		return rev, pos, err
	}
	var valid bool
	// whole: the seek covers the whole stream, so finding nothing means
	// there is no stream, without a second seek to tell.
	whole := opts.From == 0 && opts.Direction != events.Backwards
	if opts.Direction == events.Backwards {
		if opts.From == events.EndOfStream {
			valid, whole = it.Last(), true
		} else {
			valid = it.SeekLT(streamKey(nil, stream, opts.From+1))
		}
		for valid {
			_, pos, err := visible()
			if err != nil {
				return err
			}
			if pos <= durable {
				break
			}
			valid = it.Prev()
		}
	} else {
		valid = it.SeekGE(streamKey(nil, stream, opts.From))
	}
	if !valid {
		if err := it.Error(); err != nil {
			return err
		}
		if whole {
			return events.ErrStreamNotFound
		}
		exists, err := s.streamExists(it, durable)
		if err != nil {
			return err
		}
		if !exists {
			return events.ErrStreamNotFound
		}
		return nil
	}
	n := 0
	for ; valid; n++ {
		if opts.Max > 0 && n >= opts.Max {
			return nil
		}
		if n%checkEvery == checkEvery-1 {
			if err := s.interrupted(ctx); err != nil {
				return err
			}
		}
		_, pos, err := visible()
		if err != nil {
			return err
		}
		if pos > durable {
			break
		}
		rec, err := s.record(pos)
		if err != nil {
			return err
		}
		if !yield(rec) {
			return nil
		}
		if opts.Direction == events.Backwards {
			valid = it.Prev()
		} else {
			valid = it.Next()
		}
	}
	return it.Error()
}

// streamExists reports whether the stream the iterator ranges over has an
// event visible at durable.
func (s *Store) streamExists(it *pebble.Iterator, durable uint64) (bool, error) {
	if !it.First() {
		return false, it.Error()
	}
	_, pos, err := decodeStreamEntry(it.Key(), it.Value())
	return err == nil && pos <= durable, err
}

// record reads the event at one position.
func (s *Store) record(pos uint64) (events.RecordedEvent, error) {
	var k [9]byte
	k[0] = allPrefix
	binary.BigEndian.PutUint64(k[1:], pos)
	v, closer, err := s.db.Get(k[:])
	if err != nil {
		return events.RecordedEvent{}, err
	}
	defer closer.Close()
	return decodeRecord(pos, v)
}

// ReadAll implements events.Store.
func (s *Store) ReadAll(ctx context.Context, from events.Position, max int) iter.Seq2[events.RecordedEvent, error] {
	return s.gate.Reads(ctx, func(yield func(events.RecordedEvent) bool) error {
		return s.scanAll(ctx, from.Commit, s.durable.Load(), max, events.Filter{}, decodeRecord, yield)
	})
}

// ReadAllLent is ReadAll lending each event instead of giving it: its
// Stream, Type, Data and Metadata are views of the store's own memory,
// valid only until the next event is yielded, so that a long read
// allocates nothing per event. It is for a reader that decodes or copies
// each event before it takes the next (the read models' feed).
func (s *Store) ReadAllLent(ctx context.Context, from events.Position, max int) iter.Seq2[events.RecordedEvent, error] {
	return s.gate.Reads(ctx, func(yield func(events.RecordedEvent) bool) error {
		return s.scanAll(ctx, from.Commit, s.durable.Load(), max, events.Filter{}, lendRecord, yield)
	})
}

// scanAll yields events at positions first..last that pass filter, at most
// max of them (0: no limit), until yield returns false; decode makes each
// of the store's values an event (decodeRecord, or lendRecord when the
// caller is done with each before the next).
func (s *Store) scanAll(ctx context.Context, first, last uint64, max int, filter events.Filter,
	decode func(uint64, []byte) (events.RecordedEvent, error), yield func(events.RecordedEvent) bool) error {
	if first == 0 {
		first = 1
	}
	if first > last {
		return nil
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: allKey(first), UpperBound: allKey(last + 1)})
	if err != nil {
		return err
	}
	defer it.Close()
	scanned, yielded := 0, 0
	for valid := it.First(); valid; valid = it.Next() {
		if scanned++; scanned%checkEvery == 0 {
			if err := s.interrupted(ctx); err != nil {
				return err
			}
		}
		pos, err := decodeAllKey(it.Key())
		if err != nil {
			return err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		rec, err := decode(pos, v)
		if err != nil {
			return err
		}
		if !filter.Matches(rec.Stream, rec.Type) {
			continue
		}
		if !yield(rec) {
			return nil
		}
		if yielded++; max > 0 && yielded >= max {
			return nil
		}
	}
	return it.Error()
}

// interrupted reports why a long read must stop, or nil.
func (s *Store) interrupted(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-s.done:
		return events.ErrClosed
	default:
		return nil
	}
}
