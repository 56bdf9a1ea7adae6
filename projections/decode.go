package projections

import (
	"context"
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
)

// Event is a recorded event with its domain event decoded once for every
// projection: decoding is most of a rebuild's work.
type Event struct {
	// Record is the event as recorded. Its Data and Metadata may be views
	// of a page of the feed that is reused once every projection has
	// applied it: a projection copies what it keeps of them (its Stream,
	// Type and decoded Domain event are its own).
	Record events.RecordedEvent
	// Domain is the decoded event and AggregateID the id in its stream's
	// name ("category-<ULID>"); both are unset when Err is set.
	Domain      domain.Event
	AggregateID domain.ID
	// Err says why the event could not be decoded: an event type no
	// aggregate declares wraps domain.ErrUnknownEventType and names it;
	// metadata that is not palabre's envelope wraps
	// events.ErrInvalidMetadata.
	Err error
	// Node marks an event of the nodes' own streams (events.IsNodeStream:
	// tokens and sessions on a replicated engine): it is not decoded, and
	// no projection is given it.
	Node bool
}

// apply gives p the event, unless it is the nodes' own.
func apply(p Projection, e Event) error {
	if e.Node {
		return nil
	}
	return p.Apply(e)
}

// NewEvent decodes a recorded event.
func NewEvent(codec *domain.Codec, rec events.RecordedEvent) Event {
	e := Event{Record: rec, Node: events.IsNodeStream(rec.Stream)}
	if e.Node {
		return e
	}
	version, err := events.SchemaVersionOf(rec.Metadata)
	if err != nil {
		e.Err = fmt.Errorf("%s@%d: %w", rec.Stream, rec.Revision, err)
		return e
	}
	d, err := codec.Decode(rec.Type, version, rec.Data)
	if err != nil {
		e.Err = err
		return e
	}
	id, err := ulid.ParseStrict(rec.Stream[strings.LastIndexByte(rec.Stream, '-')+1:])
	if err != nil {
		e.Err = fmt.Errorf("stream %q has no aggregate id: %w", rec.Stream, err)
		return e
	}
	e.Domain, e.AggregateID = d, id
	return e
}

// Replay feeds $all from the start to projections, decoding each event
// once on another goroutine, as a rebuild does. It returns how many events
// it applied and the position of the last.
func Replay(ctx context.Context, store events.Store, ps ...Projection) (n int, last events.Position, err error) {
	ctx, cancel := context.WithCancel(ctx)
	pages := make(chan *page, 4)
	defer func() {
		cancel()
		for range pages { // let the feed end before returning
		}
	}()
	go feed(ctx, store, events.Start, false, pages)
	beginBatch(ps...)
	defer endBatch(ps...)
	for pg := range pages {
		if pg.err != nil {
			return n, last, pg.err
		}
		for _, e := range pg.events {
			for _, p := range ps {
				if err := apply(p, e); err != nil {
					return n, last, fmt.Errorf("%s at position %s: %w", p.Name(), e.Record.Position, err)
				}
			}
			n, last = n+1, e.Record.Position
		}
		pg.share(1)
		pg.release()
	}
	return n, last, ctx.Err()
}
