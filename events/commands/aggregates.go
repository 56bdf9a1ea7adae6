package commands

import (
	"context"
	"fmt"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Aggregate is an aggregate as the handler runs it: its descriptor
// (domain.Aggregate), with Execute and Load.
type Aggregate[S any, C any, E domain.Event] struct {
	*domain.Aggregate[S, C, E]
}

// For is the handler's view of an aggregate's descriptor.
func For[S any, C any, E domain.Event](d *domain.Aggregate[S, C, E]) *Aggregate[S, C, E] {
	return &Aggregate[S, C, E]{d}
}

// Shorthands for the callers that send these aggregates' commands. The
// handler itself knows aggregates from registry.Aggregates, not these:
// a new aggregate needs none (commands.For(x.Aggregate) does).
var (
	Space       = For(space.Aggregate)
	Stakeholder = For(stakeholder.Aggregate)
	Participant = For(participant.Aggregate)
	Dialogue    = For(dialogue.Aggregate)
	Commitment  = For(commitment.Aggregate)
)

// loadFacts reads an object's stream and folds it into its facts.
func (h *Handler) loadFacts(ctx context.Context, agg domain.Described, stream string) (facts any, exists bool, err error) {
	var list []domain.Event
	err = readStream(ctx, h, stream, func(_ events.RecordedEvent, e domain.Event, _ events.Metadata) { list = append(list, e) })
	if err != nil {
		return nil, false, err
	}
	facts, exists, err = agg.FactsOf(list)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", stream, err)
	}
	return facts, exists, nil
}

// lookup holds the facts of the aggregates one command refers to.
type lookup map[domain.Ref]any

// lookup loads the facts of every reference; one the sender may not see
// is left missing without being read.
func (h *Handler) lookup(ctx context.Context, refs []domain.Ref, sees func(domain.Ref) bool) (lookup, error) {
	l := lookup{}
	for _, r := range refs {
		if _, done := l[r]; done {
			continue
		}
		if sees != nil && !sees(r) {
			l[r] = nil
			continue
		}
		agg, ok := h.aggregates[r.Category]
		if !ok {
			return nil, fmt.Errorf("lookup: unknown category %q", r.Category)
		}
		facts, exists, err := h.loadFacts(ctx, agg, domain.StreamName(r.Category, r.ID))
		if err != nil {
			return nil, err
		}
		if exists {
			l[r] = facts
		} else {
			l[r] = nil
		}
	}
	return l, nil
}

// Facts are the facts of a reference the command made, loaded before
// deciding; none for one that does not exist or that the sender may not
// see.
func (l lookup) Facts(ref domain.Ref) (any, bool) {
	f := l[ref]
	return f, f != nil
}
