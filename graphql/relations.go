package graphql

import (
	"context"
	"maps"
	"slices"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// relations connect the objects: a dialogue's space and stakeholders, a
// commitment's stakeholder, space and dialogue, a space's dialogues,
// commitments and figures. Each goes through the same region rules as a
// query by id (read/scope.go): what the viewer may not see is null, or left out
// of a list, as a missing id would be. Lists of an object are the Query's
// own fields with the object's id given, so their filters, pages, cost
// and disclosure are the Query's.
func (b *builder) relations(queries gql.Fields) {
	spaceID := func(src any) string { return src.(inclusion.Space).ID.String() }
	b.space.AddFieldConfig("inclusion", scoped(queries["inclusion"], "spaceId", spaceID, "region"))
	b.space.AddFieldConfig("dialogues", scoped(queries["dialogues"], "spaceId", spaceID, "region"))
	b.space.AddFieldConfig("commitments", scoped(queries["commitments"], "spaceId", spaceID, "region"))

	b.outcomeRelations(queries)

	b.space.AddFieldConfig("convenor", &gql.Field{Type: b.stakeholder, Description: "The stakeholder that convenes it; null when none, or another region's.",
		Resolve: related(func(s inclusion.Space) *domain.ID { return s.ConvenorID }, b.getStakeholder)})

	holderID := func(src any) string { return src.(stakeholders.Stakeholder).ID.String() }
	b.stakeholder.AddFieldConfig("dialogues", scoped(queries["dialogues"], "stakeholderId", holderID))
	b.stakeholder.AddFieldConfig("commitments", scoped(queries["commitments"], "stakeholderId", holderID))
	b.stakeholder.AddFieldConfig("commitmentFigures", scoped(queries["commitmentFigures"], "stakeholderId", holderID))

	b.participant.AddFieldConfig("dialogues", &gql.Field{Type: nonNull(b.connection(b.dialogue)), Args: connectionArgs,
		Description: "The dialogues they attended that you may see, newest first.",
		Resolve: listOfItems(b.cursors, func(d inclusion.DialogueRow) domain.ID { return d.Dialogue.ID },
			func(p gql.ResolveParams) ([]inclusion.DialogueRow, error) {
				return b.read.DialoguesAttended(viewerOf(p.Context), p.Source.(participants.Participant).ID)
			})})

	b.dialogue.AddFieldConfig("space", &gql.Field{Type: b.space, Description: "Where it was held.",
		Resolve: related(func(d inclusion.DialogueRow) *domain.ID { return &d.Dialogue.SpaceID }, b.getSpace)})
	b.dialogue.AddFieldConfig("stakeholders", &gql.Field{Type: nonNull(listOf(b.stakeholder)), Description: "The stakeholders present that you may see.",
		Resolve: func(p gql.ResolveParams) (any, error) {
			return b.read.StakeholdersOf(viewerOf(p.Context), p.Source.(inclusion.DialogueRow).Dialogue.StakeholderIDs), nil
		}})
	b.dialogue.AddFieldConfig("commitments", &gql.Field{Type: nonNull(listOf(b.commitmentT)), Description: "The commitments made at it that you may see, newest first.",
		Resolve: func(p gql.ResolveParams) (any, error) {
			return b.read.CommitmentsMadeAt(viewerOf(p.Context), p.Source.(inclusion.DialogueRow).Dialogue.ID), nil
		}})

	kinds := gql.EnumValueConfigMap{}
	for _, k := range commitments.UpdateKinds {
		kinds[enumValue(k)] = &gql.EnumValueConfig{Value: k}
	}
	update := gql.NewObject(gql.ObjectConfig{Name: "CommitmentUpdate", Description: "A follow-up of a commitment: a progress report, a due-date revision, or its settlement.", Fields: gql.Fields{
		"kind":     resolve(nonNull(gql.NewEnum(gql.EnumConfig{Name: "CommitmentUpdateKind", Values: kinds})), func(u commitments.Update) any { return u.Kind }),
		"on":       resolve(nonNull(dateType), func(u commitments.Update) any { return u.On }),
		"status":   resolve(b.enums["ProgressStatus"], func(u commitments.Update) any { return nilIfEmpty(u.Status) }),
		"note":     resolve(gql.String, func(u commitments.Update) any { return nilIfEmpty(u.Note) }),
		"evidence": resolve(nonNull(listOf(gql.String)), func(u commitments.Update) any { return nonNilStrings(u.Evidence) }),
		"reason":   resolve(gql.String, func(u commitments.Update) any { return nilIfEmpty(u.Reason) }),
		"dueOn":    resolve(dateType, func(u commitments.Update) any { return u.DueOn }),
	}})
	b.commitmentT.AddFieldConfig("history", resolve(nonNull(listOf(update)), func(c commitments.Commitment) any { return c.History }))
	b.commitmentT.Fields()["history"].Description = "Every follow-up, in the order recorded (a due-date revision is dated when it was recorded)."

	b.commitmentT.AddFieldConfig("stakeholder", &gql.Field{Type: b.stakeholder, Description: "Who made it; null when it is another region's stakeholder.",
		Resolve: related(func(c commitments.Commitment) *domain.ID { return &c.StakeholderID }, b.getStakeholder)})
	b.commitmentT.AddFieldConfig("space", &gql.Field{Type: b.space, Description: "Where it was made.",
		Resolve: related(func(c commitments.Commitment) *domain.ID { return c.SpaceID }, b.getSpace)})
	b.commitmentT.AddFieldConfig("dialogue", &gql.Field{Type: b.dialogue, Description: "The dialogue it was made at.",
		Resolve: related(func(c commitments.Commitment) *domain.ID { return c.DialogueID }, b.getDialogue)})
}

// scoped makes an object's field from a Query field, the object's id
// given as the argument arg (and the arguments drop left out).
func scoped(from *gql.Field, arg string, idOf func(any) string, drop ...string) *gql.Field {
	args := gql.FieldConfigArgument{}
	for name, a := range from.Args {
		if name != arg && !slices.Contains(drop, name) {
			args[name] = a
		}
	}
	return &gql.Field{Type: from.Type, Description: from.Description, Args: args,
		Resolve: func(p gql.ResolveParams) (any, error) {
			p.Args = maps.Clone(p.Args)
			p.Args[arg] = idOf(p.Source)
			return from.Resolve(p)
		}}
}

// related resolves a reference to one object: null when there is none, or
// when the viewer may not see it.
func related[T any](idOf func(T) *domain.ID, get func(context.Context, domain.ID) (any, error)) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		src, ok := p.Source.(T)
		if !ok {
			return nil, nil
		}
		id := idOf(src)
		if id == nil {
			return nil, nil
		}
		v, err := get(p.Context, *id)
		if err != nil {
			return nil, nil // not found and not seen are one
		}
		return v, nil
	}
}
