package kurrentstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/palabre/palabre/events"
)

var _ events.Store = (*Store)(nil)

// Store is an events.Store on a KurrentDB server.
type Store struct {
	client *esdb.Client

	gate events.Gate
	subs events.Subscriptions[*subscription]
}

// ParseURL checks a connection string as Open reads it: esdb:// or
// esdb+discover://, then the client's own parser. serve's settings check
// it with this, so that what they accept the store opens.
func ParseURL(connectionString string) (*esdb.Configuration, error) {
	if !strings.HasPrefix(connectionString, "esdb://") && !strings.HasPrefix(connectionString, "esdb+discover://") {
		return nil, fmt.Errorf("kurrentdb url %q: must start with esdb:// or esdb+discover://", connectionString)
	}
	cfg, err := esdb.ParseConnectionString(connectionString)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb url: %w", err)
	}
	return cfg, nil
}

// Open connects to the server named by an esdb:// connection string, such
// as esdb://localhost:2113?tls=false. The client connects lazily: an
// unreachable server shows on the first call.
func Open(connectionString string) (*Store, error) {
	cfg, err := ParseURL(connectionString)
	if err != nil {
		return nil, err
	}
	client, err := esdb.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb client: %w", err)
	}
	return &Store{client: client}, nil
}

// Close ends every subscription, waits for calls in progress, then closes
// the client.
func (s *Store) Close() error {
	if !s.gate.Close() {
		return nil
	}
	s.subs.CloseAll()
	s.gate.Wait()
	return s.client.Close()
}

func toExpected(e events.ExpectedRevision) esdb.ExpectedRevision {
	switch e := e.(type) {
	case events.Any:
		return esdb.Any{}
	case events.NoStream:
		return esdb.NoStream{}
	case events.StreamExists:
		return esdb.StreamExists{}
	case events.Exact:
		return esdb.Revision(uint64(e))
	}
	panic(fmt.Sprintf("unknown expected revision %T", e)) // sealed: unreachable
}

// Append implements events.Store.
func (s *Store) Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.EventData) (events.AppendResult, error) {
	if err := s.gate.EnterAppend(ctx, stream, expected, evs); err != nil {
		return events.AppendResult{}, err
	}
	defer s.gate.Leave()
	proposed := make([]esdb.EventData, len(evs))
	for i, e := range evs {
		proposed[i] = esdb.EventData{EventID: uuid.UUID(e.ID), EventType: e.Type, ContentType: esdb.ContentTypeJson, Data: e.Data, Metadata: e.Metadata}
	}
	res, err := s.client.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: toExpected(expected)}, proposed...)
	if err != nil {
		var esErr *esdb.Error
		if errors.As(err, &esErr) && esErr.Code() == esdb.ErrorCodeWrongExpectedVersion {
			return events.AppendResult{}, &events.WrongExpectedRevisionError{Stream: stream, Expected: expected, Actual: s.actualRevision(ctx, stream, esErr)}
		}
		return events.AppendResult{}, translate(ctx, fmt.Errorf("append to %s", stream), err)
	}
	out := events.AppendResult{NextExpected: events.Revision(res.NextExpectedVersion), Position: events.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition}}
	if res.CommitPosition == 0 {
		// An idempotent retry is answered without a position: read it.
		for e, err := range s.ReadStream(ctx, stream, events.ReadStreamOptions{From: out.NextExpected, Max: 1}) {
			if err != nil {
				return events.AppendResult{}, err
			}
			out.Position = e.Position
		}
	}
	return out, nil
}

// wrongVersion matches the client's only rendering of the details.
var wrongVersion = regexp.MustCompile(`expecting '([^']*)' but got '([^']*)'`)

// actualRevision recovers the stream's state from a wrong-expected-version
// error, falling back to reading the stream's last event.
func (s *Store) actualRevision(ctx context.Context, stream string, err *esdb.Error) events.ExpectedRevision {
	if m := wrongVersion.FindStringSubmatch(err.Error()); m != nil {
		if m[2] == "no_stream" {
			return events.NoStream{}
		}
		if n, perr := strconv.ParseUint(m[2], 10, 64); perr == nil {
			return events.Exact(n)
		}
	}
	for e, rerr := range s.ReadStream(ctx, stream, events.ReadStreamOptions{Direction: events.Backwards, From: events.EndOfStream, Max: 1}) {
		if rerr == nil {
			return events.Exact(e.Revision)
		}
	}
	return events.NoStream{}
}

// translate maps the client's errors to the kernel's, keeping the cause.
func translate(ctx context.Context, op error, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var esErr *esdb.Error
	if errors.As(err, &esErr) {
		switch esErr.Code() {
		case esdb.ErrorCodeResourceNotFound:
			return events.ErrStreamNotFound
		case esdb.ErrorCodeStreamDeleted:
			// Tombstoned (a participant's key, destroyed): gone for good.
			return fmt.Errorf("%w: %v: deleted", events.ErrStreamNotFound, op)
		case esdb.ErrorCodeConnectionClosed, esdb.ErrorCodeDeadlineExceeded, esdb.ErrorCodeNotLeader:
			// The store is open (Close waits for calls in flight): the
			// node went away, restarts, or lost its leadership.
			return unreachable(op, err)
		}
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.Aborted, codes.DeadlineExceeded:
		return unreachable(op, err)
	}
	return fmt.Errorf("%v: kurrentdb: %w", op, err)
}

// unreachable says a call failed for want of a server: retrying later,
// or resubscribing, is the answer.
func unreachable(op, err error) error {
	return &events.UnavailableError{Reason: events.ReasonUnreachable, Written: true, RetryAfter: 5 * time.Second, Cause: fmt.Errorf("%v: %w", op, err)}
}

func isSystem(stream, eventType string) bool {
	return strings.HasPrefix(stream, "$") || strings.HasPrefix(eventType, "$")
}

func fromRecorded(r *esdb.RecordedEvent) events.RecordedEvent {
	return events.RecordedEvent{
		EventData: events.EventData{
			ID:       events.ID(r.EventID),
			Type:     r.EventType,
			Data:     nonEmpty(r.Data),
			Metadata: nonEmpty(r.UserMetadata),
		},
		Stream:     r.StreamID,
		Revision:   events.Revision(r.EventNumber),
		Position:   events.Position{Commit: r.Position.Commit, Prepare: r.Position.Prepare},
		RecordedAt: r.CreatedDate.UTC(),
	}
}

func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// ReadStream implements events.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	return s.gate.StreamReads(ctx, stream, func(yield func(events.RecordedEvent) bool) error {
		ro := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(uint64(opts.From))}
		if opts.Direction == events.Backwards {
			ro.Direction = esdb.Backwards
			if opts.From == events.EndOfStream {
				ro.From = esdb.End{}
			}
		}
		op := fmt.Errorf("read %s", stream)
		rs, err := s.client.ReadStream(ctx, stream, ro, count(opts.Max))
		if err != nil {
			return translate(ctx, op, err)
		}
		defer rs.Close()
		for {
			e, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return translate(ctx, op, err)
			}
			if !yield(fromRecorded(e.OriginalEvent())) {
				return nil
			}
		}
	})
}

func count(max int) uint64 {
	if max <= 0 {
		return math.MaxInt64
	}
	return uint64(max)
}

// readAllPage is how many events one request of ReadAll asks for.
const readAllPage = 1000

// ReadAll implements events.Store. It reads in pages, skipping system
// events, so max counts user events only.
func (s *Store) ReadAll(ctx context.Context, from events.Position, max int) iter.Seq2[events.RecordedEvent, error] {
	return func(yield func(events.RecordedEvent, error) bool) {
		if err := s.gate.Enter(ctx); err != nil {
			yield(events.RecordedEvent{}, err)
			return
		}
		defer s.gate.Leave()
		yielded := 0
		start := allPosition(from)
		var last *esdb.Position
		for {
			rs, err := s.client.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Forwards, From: start}, readAllPage)
			if err != nil {
				yield(events.RecordedEvent{}, translate(ctx, errors.New("read $all"), err))
				return
			}
			n, more := 0, true
			for more {
				e, err := rs.Recv()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					rs.Close()
					yield(events.RecordedEvent{}, translate(ctx, errors.New("read $all"), err))
					return
				}
				n++
				r := e.OriginalEvent()
				if last != nil && r.Position == *last {
					continue // each page starts with the previous page's last event
				}
				p := r.Position
				last = &p
				if isSystem(r.StreamID, r.EventType) {
					continue
				}
				if !yield(fromRecorded(r), nil) {
					rs.Close()
					return
				}
				if yielded++; max > 0 && yielded >= max {
					rs.Close()
					return
				}
			}
			rs.Close()
			if n < readAllPage || last == nil {
				return
			}
			start = *last // by value: a pointer would send no position
		}
	}
}

func allPosition(p events.Position) esdb.AllPosition {
	if p == events.Start {
		return esdb.Start{}
	}
	return esdb.Position{Commit: p.Commit, Prepare: p.Prepare}
}
