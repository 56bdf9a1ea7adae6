package commands

import (
	"context"
	"fmt"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// The five aggregates, as the handler sees them.
var (
	Space = &Aggregate[space.State, space.Command, space.Event]{
		Category: space.Category, Decide: space.Decide, Evolve: space.Evolve, Refs: space.Refs,
		Exists: func(s space.State) bool { return s.Exists }, Facts: func(s space.State) any { return s.Facts() },
		Creates: func(c space.Command) bool { _, ok := c.(space.Establish); return ok },
	}
	Stakeholder = &Aggregate[stakeholder.State, stakeholder.Command, stakeholder.Event]{
		Category: stakeholder.Category, Decide: stakeholder.Decide, Evolve: stakeholder.Evolve, Refs: stakeholder.Refs,
		Exists: func(s stakeholder.State) bool { return s.Exists }, Facts: func(s stakeholder.State) any { return s.Facts() },
		Creates: func(c stakeholder.Command) bool { _, ok := c.(stakeholder.Register); return ok },
	}
	Participant = &Aggregate[participant.State, participant.Command, participant.Event]{
		Category: participant.Category, Decide: participant.Decide, Evolve: participant.Evolve, Refs: participant.Refs,
		Exists: func(s participant.State) bool { return s.Exists }, Facts: func(s participant.State) any { return s.Facts() },
		Creates: func(c participant.Command) bool { _, ok := c.(participant.Enrol); return ok },
	}
	Dialogue = &Aggregate[dialogue.State, dialogue.Command, dialogue.Event]{
		Category: dialogue.Category, Decide: dialogue.Decide, Evolve: dialogue.Evolve, Refs: dialogue.Refs,
		Exists: func(s dialogue.State) bool { return s.Exists }, Facts: func(s dialogue.State) any { return s.Facts() },
		Creates: func(c dialogue.Command) bool { _, ok := c.(dialogue.Hold); return ok },
	}
	Commitment = &Aggregate[commitment.State, commitment.Command, commitment.Event]{
		Category: commitment.Category, Decide: commitment.Decide, Evolve: commitment.Evolve, Refs: commitment.Refs,
		Exists: func(s commitment.State) bool { return s.Exists }, Facts: func(commitment.State) any { return nil },
		Creates: func(c commitment.Command) bool { _, ok := c.(commitment.Make); return ok },
	}
)

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
		loader, ok := h.loaders[r.Category]
		if !ok {
			return nil, fmt.Errorf("lookup: unknown category %q", r.Category)
		}
		facts, exists, err := loader.loadFacts(ctx, h, r.ID)
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

func get[F any](l lookup, category string, id domain.ID) (F, bool) {
	f, ok := l[domain.Ref{Category: category, ID: id}].(F)
	return f, ok
}

func (l lookup) Space(id domain.ID) (domain.SpaceFacts, bool) {
	return get[domain.SpaceFacts](l, space.Category, id)
}
func (l lookup) Stakeholder(id domain.ID) (domain.StakeholderFacts, bool) {
	return get[domain.StakeholderFacts](l, stakeholder.Category, id)
}
func (l lookup) Participant(id domain.ID) (domain.ParticipantFacts, bool) {
	return get[domain.ParticipantFacts](l, participant.Category, id)
}
func (l lookup) Dialogue(id domain.ID) (domain.DialogueFacts, bool) {
	return get[domain.DialogueFacts](l, dialogue.Category, id)
}
