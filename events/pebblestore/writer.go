package pebblestore

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/palabre/palabre/events"
)

// appendRequest is one Append waiting for the writer.
type appendRequest struct {
	ctx      context.Context
	stream   string
	expected events.ExpectedRevision
	at       time.Time // when the events were recorded; zero: now
	events   []events.EventData

	result events.AppendResult
	err    error
	done   chan struct{}
}

// commitGroup is what the writer hands to the syncer: a batch already
// applied to Pebble (nil when the group wrote nothing) and the requests to
// answer once it is durable.
type commitGroup struct {
	batch    *pebble.Batch
	requests []*appendRequest
	lastPos  uint64 // last position the batch wrote; 0 if none
}

// streamHead is the last revision of a stream, as the writer knows it.
type streamHead struct {
	last   events.Revision
	exists bool
}

// writerState belongs to the writer goroutine alone.
type writerState struct {
	nextPos uint64
	heads   map[string]streamHead
	group   *commitGroup
	events  int                 // events staged in group
	touched map[string]struct{} // streams group writes to
	scratch []byte
	key     []byte
}

// Append implements events.Store.
func (s *Store) Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.EventData) (events.AppendResult, error) {
	return s.AppendRecorded(ctx, stream, expected, time.Time{}, evs...)
}

// AppendRecorded appends as Append does, but stamps the events recorded at
// at (when not zero) instead of by the store's clock: a copy of another
// store's log (palabre backup of a replicated one) keeps when each event
// was recorded, which views of the past go by.
func (s *Store) AppendRecorded(ctx context.Context, stream string, expected events.ExpectedRevision, at time.Time, evs ...events.EventData) (events.AppendResult, error) {
	if err := s.gate.EnterAppend(ctx, stream, expected, evs); err != nil {
		return events.AppendResult{}, err
	}
	defer s.gate.Leave()
	if f := s.failure.Load(); f != nil {
		return events.AppendResult{}, f
	}
	req := &appendRequest{ctx: ctx, stream: stream, expected: expected, at: at, events: evs, done: make(chan struct{})}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	s.requests <- req
	select {
	case <-req.done:
		return req.result, req.err
	case <-ctx.Done():
		// The append may still be written; the caller retries with the
		// same ids to find out.
		return events.AppendResult{}, ctx.Err()
	}
}

// writeLoop stages requests into groups, in arrival order, and applies each
// group without waiting for its sync.
func (s *Store) writeLoop() {
	defer s.loops.Done()
	defer close(s.toSync)
	w := &s.writer
	for req := range s.requests {
		s.stage(req)
	drain:
		for w.events < s.opts.MaxGroupEvents {
			select {
			case more, ok := <-s.requests:
				if !ok {
					break drain
				}
				s.stage(more)
			default:
				break drain
			}
		}
		s.flushGroup()
	}
}

// stage checks one request against the streams' heads and, if it may be
// written, adds its events to the current group.
func (s *Store) stage(req *appendRequest) {
	w := &s.writer
	if w.group == nil {
		w.group = &commitGroup{}
	}
	w.group.requests = append(w.group.requests, req)
	if f := s.failure.Load(); f != nil {
		req.err = f
		return
	}
	if err := req.ctx.Err(); err != nil {
		req.err = err
		return
	}
	head, err := s.head(req.stream)
	if err != nil {
		req.err = s.poison(err)
		return
	}
	if !req.expected.Matches(head.last, head.exists) {
		req.result, req.err = s.retried(req, head)
		return
	}
	if w.group.batch == nil {
		w.group.batch = s.db.NewBatch()
	}
	first := events.Revision(0)
	if head.exists {
		first = head.last + 1
	}
	recordedAt := req.at
	if recordedAt.IsZero() {
		recordedAt = s.opts.Clock()
	}
	for i, e := range req.events {
		rev, pos := first+events.Revision(i), w.nextPos
		w.nextPos++
		w.scratch = appendRecord(w.scratch[:0], req.stream, rev, recordedAt, e)
		w.key = binary.BigEndian.AppendUint64(append(w.key[:0], allPrefix), pos)
		_ = w.group.batch.Set(w.key, w.scratch, nil) // a plain batch's Set cannot fail
		w.key = streamKey(w.key[:0], req.stream, rev)
		var posBytes [8]byte
		binary.BigEndian.PutUint64(posBytes[:], pos)
		_ = w.group.batch.Set(w.key, posBytes[:], nil)
		w.group.lastPos = pos
	}
	last := first + events.Revision(len(req.events)-1)
	w.heads[req.stream] = streamHead{last: last, exists: true}
	w.touched[req.stream] = struct{}{}
	w.events += len(req.events)
	req.result = events.AppendResult{NextExpected: last, Position: events.Position{Commit: w.group.lastPos, Prepare: w.group.lastPos}}
}

// retried decides a request whose expectation does not match: it succeeds
// without writing if it repeats an append already made (same event ids at
// the same Exact or NoStream expectation), and fails otherwise.
func (s *Store) retried(req *appendRequest, head streamHead) (events.AppendResult, error) {
	wrong := &events.WrongExpectedRevisionError{Stream: req.stream, Expected: req.expected, Actual: events.CurrentRevision(head.last, head.exists)}
	var first events.Revision
	switch e := req.expected.(type) {
	case events.Exact:
		first = events.Revision(e) + 1
	case events.NoStream:
		first = 0
	default:
		return events.AppendResult{}, wrong
	}
	if !head.exists || head.last < first+events.Revision(len(req.events))-1 {
		return events.AppendResult{}, wrong
	}
	w := &s.writer
	if _, ok := w.touched[req.stream]; ok {
		// The original may be in the group being built, which Pebble cannot
		// see yet: apply the group first. Only retries pay for this.
		requests := w.group.requests
		w.group.requests = requests[:len(requests)-1]
		s.flushGroup()
		w.group = &commitGroup{requests: []*appendRequest{req}}
	}
	var lastPos uint64
	for i, e := range req.events {
		id, pos, err := s.idAt(req.stream, first+events.Revision(i))
		if err != nil {
			return events.AppendResult{}, s.poison(err)
		}
		if id != e.ID {
			return events.AppendResult{}, wrong
		}
		lastPos = pos
	}
	last := first + events.Revision(len(req.events)-1)
	return events.AppendResult{NextExpected: last, Position: events.Position{Commit: lastPos, Prepare: lastPos}}, nil
}

// idAt reads the id and position of one event as the writer sees it
// (including groups applied but not yet synced).
func (s *Store) idAt(stream string, rev events.Revision) (events.ID, uint64, error) {
	v, closer, err := s.db.Get(streamKey(nil, stream, rev))
	if err != nil {
		return events.ID{}, 0, fmt.Errorf("read %s@%d: %w", stream, rev, err)
	}
	_, pos, err := decodeStreamEntry(streamKey(nil, stream, rev), v)
	closer.Close()
	if err != nil {
		return events.ID{}, 0, err
	}
	rec, closer, err := s.db.Get(allKey(pos))
	if err != nil {
		return events.ID{}, 0, fmt.Errorf("read position %d: %w", pos, err)
	}
	defer closer.Close()
	id, err := recordID(rec)
	return id, pos, err
}

// head returns a stream's last revision, from the cache or from Pebble.
func (s *Store) head(stream string) (streamHead, error) {
	if h, ok := s.writer.heads[stream]; ok {
		return h, nil
	}
	lower, upper := streamBounds(stream)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return streamHead{}, err
	}
	defer it.Close()
	var h streamHead
	if it.Last() {
		rev, _, err := decodeStreamEntry(it.Key(), it.Value())
		if err != nil {
			return streamHead{}, err
		}
		h = streamHead{last: rev, exists: true}
	} else if err := it.Error(); err != nil {
		return streamHead{}, err
	}
	s.writer.heads[stream] = h
	return h, nil
}

// flushGroup applies the current group to Pebble, without waiting for the
// sync, and hands it to the syncer.
func (s *Store) flushGroup() {
	w := &s.writer
	g := w.group
	if g == nil {
		return
	}
	w.group, w.events = nil, 0
	clear(w.touched)
	if g.batch != nil {
		if err := s.apply(g.batch); err != nil {
			f := s.poison(err)
			for _, r := range g.requests {
				if r.err == nil {
					r.err = f
				}
			}
			_ = g.batch.Close()
			g.batch, g.lastPos = nil, 0
		}
	}
	s.toSync <- g
}

// apply hands a batch to Pebble's commit pipeline. Pebble reports some
// failures by panicking (through Logger.Fatalf); they poison the store.
func (s *Store) apply(b *pebble.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("apply batch: %v", r)
		}
	}()
	if err := s.db.ApplyNoSyncWait(b, pebble.Sync); err != nil {
		return fmt.Errorf("apply batch: %w", err)
	}
	return nil
}

// syncLoop waits for each group's sync, in order, then publishes its
// position and answers its requests. Because the log is written and synced
// in order, a durable group implies every earlier one is durable.
func (s *Store) syncLoop() {
	defer s.loops.Done()
	for g := range s.toSync {
		var err error
		if g.batch != nil {
			err = g.batch.SyncWait()
			_ = g.batch.Close()
		}
		if err == nil {
			if f := s.failure.Load(); f != nil && g.lastPos > 0 {
				err = f // written after the failure: never acknowledge it
			}
		}
		if err != nil {
			f := s.poison(fmt.Errorf("sync: %w", err))
			for _, r := range g.requests {
				r.err = f
			}
		} else if g.lastPos > 0 {
			s.advance(g.lastPos)
		}
		for _, r := range g.requests {
			close(r.done)
		}
	}
}
