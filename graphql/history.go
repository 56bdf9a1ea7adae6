package graphql

import (
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// The history of an object is its events, read from the log: what
// happened, on which business date, when and by whom it was recorded.
// Summaries name what kind of change it was, never a value: a correction
// of a participant says that the profile changed, not to what.

// change is one entry of a history, and the object it is about.
type change struct {
	commands.Recorded
	object domain.Ref
}

// histories add every object type's changes, and the admins' list of
// changes across objects.
func (b *builder) histories() {
	summaries := registry.Summaries() // each aggregate's, which say no value
	b.changeType = gql.NewObject(gql.ObjectConfig{Name: "Change", Description: "One event of an object's history. Never a name or a phone.", Fields: gql.Fields{
		"type": resolve(nonNull(gql.String), func(c change) any { return c.Type }),
		"summary": {Type: nonNull(gql.String), Resolve: func(p gql.ResolveParams) (any, error) {
			if p.Context.Err() != nil {
				return nil, errTimeout
			}
			return summaries[p.Source.(change).Type].In(requestOf(p.Context).language), nil // the reader's language
		}},
		"on":         resolve(dateType, func(c change) any { return registry.On(c.Event) }),
		"recordedAt": resolve(nonNull(gql.String), func(c change) any { return c.RecordedAt.UTC().Format(time.RFC3339) }),
		"recordedBy": resolve(nonNull(gql.String), func(c change) any { return c.RecordedBy }),
		"objectId":   resolve(nonNull(gql.ID), func(c change) any { return c.object.ID.String() }),
		"objectKind": resolve(nonNull(gql.String), func(c change) any { return c.object.Category }),
	}})
	b.changeType.Fields()["objectKind"].Description = "space, dialogue, commitment, stakeholder, participant or framework."
	for _, o := range []struct {
		object   *gql.Object
		category string
		id       func(any) domain.ID
	}{
		{b.space, space.Category, func(v any) domain.ID { return v.(inclusion.Space).ID }},
		{b.dialogue, dialogue.Category, func(v any) domain.ID { return v.(inclusion.DialogueRow).Dialogue.ID }},
		{b.commitmentT, commitment.Category, func(v any) domain.ID { return v.(commitments.Commitment).ID }},
		{b.stakeholder, stakeholder.Category, func(v any) domain.ID { return v.(stakeholders.Stakeholder).ID }},
		{b.participant, participant.Category, func(v any) domain.ID { return v.(participants.Participant).ID }},
		{b.outcomeT, outcome.Category, func(v any) domain.ID { return v.(outcomes.Outcome).ID }},
		{b.frameworks.framework, framework.Category, func(v any) domain.ID { return v.(frameworks.Framework).ID }},
	} {
		// "changes", not "history": a commitment's history is its
		// follow-ups (CommitmentUpdate), which the issue names too.
		o.object.AddFieldConfig("changes", &gql.Field{Type: nonNull(listOf(b.changeType)), Description: "What happened to it, event by event, in the order recorded.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				ref := domain.Ref{Category: o.category, ID: o.id(p.Source)}
				recorded, err := b.read.History(p.Context, viewerOf(p.Context), ref)
				if err != nil {
					return nil, err
				}
				out := make([]change, len(recorded))
				for i, r := range recorded {
					out[i] = change{r, ref}
				}
				return out, nil
			}})
	}
}

// changesField is Query.changes: for admins, every object's events by the
// time they were recorded, oldest first, by subject or all.
func (b *builder) changesField() *gql.Field {
	return &gql.Field{Type: nonNull(b.connection(b.changeType)),
		Description: "Admins only: the events of every object recorded from and to (RFC 3339, inclusive), by one token subject or all, oldest first.",
		Args: gql.FieldConfigArgument{"from": {Type: gql.String}, "to": {Type: gql.String}, "subject": {Type: gql.String},
			"first": connectionArgs["first"], "after": connectionArgs["after"]},
		Resolve: func(p gql.ResolveParams) (any, error) {
			var q read.ChangesQuery
			for name, into := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
				if s, _ := p.Args[name].(string); s != "" {
					t, err := time.Parse(time.RFC3339, s)
					if err != nil {
						return nil, badInput(name, "%q is not an RFC 3339 time, e.g. 2026-01-31T23:59:59Z", s)
					}
					*into = t
				}
			}
			q.Subject, _ = p.Args["subject"].(string)
			first, _, err := b.cursors.pageArgs(map[string]any{"first": p.Args["first"]})
			if err != nil {
				return nil, err
			}
			if q.After, err = b.cursors.parsePosition(p.Args["after"]); err != nil {
				return nil, err
			}
			q.Limit = first
			list, more, err := b.read.Changes(p.Context, viewerOf(p.Context), q)
			if err != nil {
				return nil, err
			}
			pg := page{hasNext: more, total: -1}
			for _, c := range list {
				pg.nodes = append(pg.nodes, change{c.Recorded, c.Object})
				pg.cursors = append(pg.cursors, b.cursors.ofPosition(c.Position))
			}
			return pg, nil
		}}
}
