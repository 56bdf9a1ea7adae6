package graphql

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/graphql/access"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// figureTypes are the published inclusion figures: each count with its
// share, withheld (null, suppressed: true) for callers without access to
// identities when it could single someone out.
func (b *builder) figureTypes() {
	measureType := gql.NewObject(gql.ObjectConfig{Name: "Measure", Description: "A count and its share of attendance in percent (0–100, the unit of targets); both null when withheld.", Fields: gql.Fields{
		"count":      resolve(gql.Int, func(m *measure) any { return countOrNil(m) }),
		"share":      resolve(gql.Float, func(m *measure) any { return shareOrNil(m) }),
		"suppressed": resolve(nonNull(gql.Boolean), func(m *measure) any { return m.suppressed }),
	}})
	groupType := gql.NewObject(gql.ObjectConfig{Name: "GroupMeasure", Description: "Registered attendees of one excluded group, and their share of attendance in percent.", Fields: gql.Fields{
		"group":      resolve(nonNull(gql.String), func(m *measure) any { return strings.TrimPrefix(m.name, "group:") }),
		"count":      resolve(gql.Int, func(m *measure) any { return countOrNil(m) }),
		"share":      resolve(gql.Float, func(m *measure) any { return shareOrNil(m) }),
		"suppressed": resolve(nonNull(gql.Boolean), func(m *measure) any { return m.suppressed }),
	}})
	fields := gql.Fields{
		"dialogues": resolve(nonNull(gql.Int), func(p *published) any { return p.dialogues }),
		"groups":    resolve(nonNull(listOf(groupType)), func(p *published) any { return p.groups() }),
	}
	for _, name := range measureNames {
		fields[name] = resolve(nonNull(measureType), func(p *published) any { return p.get(name) })
	}
	b.figuresType = gql.NewObject(gql.ObjectConfig{Name: "InclusionFigures", Fields: fields})
}

func countOrNil(m *measure) any {
	if m.suppressed {
		return nil
	}
	return m.count
}

func shareOrNil(m *measure) any {
	if m.suppressed {
		return nil
	}
	return math.Round(m.share*1e6) / 1e4 // percent, like targets, to a hundredth of a thousandth
}

// view is an inclusion view as published.
type view struct {
	rows    []viewRow
	total   *published
	targets *targetsOf
	met     map[string]bool
}

type viewRow struct {
	from, to domain.Date
	figures  *published
}

type metOf struct {
	target string
	met    *bool
}

func (b *builder) queries() gql.Fields {
	bucket := gql.NewEnum(gql.EnumConfig{Name: "Bucket", Values: gql.EnumValueConfigMap{
		"NONE": {Value: inclusion.NoBucket}, "MONTH": {Value: inclusion.Month}, "QUARTER": {Value: inclusion.Quarter}, "YEAR": {Value: inclusion.Year},
	}})
	row := gql.NewObject(gql.ObjectConfig{Name: "InclusionRow", Fields: gql.Fields{
		"from":    resolve(nonNull(dateType), func(r viewRow) any { return r.from }),
		"to":      resolve(nonNull(dateType), func(r viewRow) any { return r.to }),
		"figures": resolve(nonNull(b.figuresType), func(r viewRow) any { return r.figures }),
	}})
	targets := gql.NewObject(gql.ObjectConfig{Name: "TargetMet", Fields: gql.Fields{
		"target": resolve(nonNull(gql.String), func(m metOf) any { return m.target }),
		"met":    resolve(gql.Boolean, func(m metOf) any { return boolOrNil(m.met) }),
	}})
	viewType := gql.NewObject(gql.ObjectConfig{Name: "InclusionView", Fields: gql.Fields{
		"rows":  resolve(nonNull(listOf(row)), func(v *view) any { return v.rows }),
		"total": resolve(nonNull(b.figuresType), func(v *view) any { return v.total }),
		"targets": resolve(nonNull(listOf(targets)), func(v *view) any {
			var out []metOf
			for name, met := range v.met {
				out = append(out, metOf{name, &met})
			}
			slices.SortFunc(out, func(a, c metOf) int { return strings.Compare(a.target, c.target) })
			return out
		}),
	}})
	commitmentFigures := gql.NewObject(gql.ObjectConfig{Name: "CommitmentFigures", Fields: gql.Fields{
		"made":                   resolve(nonNull(gql.Int), func(f commitments.Figures) any { return f.Made }),
		"open":                   resolve(nonNull(gql.Int), func(f commitments.Figures) any { return f.Open }),
		"overdue":                resolve(nonNull(gql.Int), func(f commitments.Figures) any { return f.Overdue }),
		"fulfilled":              resolve(nonNull(gql.Int), func(f commitments.Figures) any { return f.Fulfilled }),
		"broken":                 resolve(nonNull(gql.Int), func(f commitments.Figures) any { return f.Broken }),
		"withdrawn":              resolve(nonNull(gql.Int), func(f commitments.Figures) any { return f.Withdrawn }),
		"fulfilmentRate":         resolve(nonNull(gql.Float), func(f commitments.Figures) any { return f.FulfilmentRate }),
		"medianDaysToFulfilment": resolve(nonNull(gql.Float), func(f commitments.Figures) any { return f.MedianDaysToFulfilment }),
	}})
	viewer := gql.NewObject(gql.ObjectConfig{Name: "Viewer", Description: "Who the token acts for.", Fields: gql.Fields{
		"subject": resolve(nonNull(gql.String), func(p access.Principal) any { return p.Subject }),
		"role":    resolve(nonNull(b.enums["Role"]), func(p access.Principal) any { return string(p.Role) }),
		"regions": resolve(nonNull(listOf(gql.String)), func(p access.Principal) any { return nonNilStrings(p.Regions) }),
	}})
	idArg := gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}}
	scopeArgs := func(extra gql.FieldConfigArgument) gql.FieldConfigArgument {
		args := gql.FieldConfigArgument{
			"spaceId": {Type: gql.ID}, "region": {Type: gql.String}, "pillar": {Type: b.enums["Pillar"]},
			"from": {Type: dateType, Description: "First business date, inclusive."}, "to": {Type: dateType, Description: "Last business date, inclusive."},
		}
		for k, v := range extra {
			args[k] = v
		}
		return args
	}
	withPage := func(extra gql.FieldConfigArgument) gql.FieldConfigArgument {
		for k, v := range connectionArgs {
			extra[k] = v
		}
		return extra
	}
	return gql.Fields{
		"vocabulary": b.vocabularyField(),
		"me":         {Type: nonNull(viewer), Resolve: func(p gql.ResolveParams) (any, error) { return principalOf(p.Context), nil }},
		"node": {Type: b.node, Args: idArg, Description: "Any object by id.", Resolve: func(p gql.ResolveParams) (any, error) {
			id, err := parseID("id", p.Args["id"])
			if err != nil {
				return nil, err
			}
			for _, get := range []func(context.Context, domain.ID) (any, error){b.getSpace, b.getDialogue, b.getCommitment, b.getStakeholder, b.getParticipant} {
				if v, err := get(p.Context, id); err == nil {
					return v, nil
				} else if codeOf(err) != CodeNotFound && codeOf(err) != CodeForbidden {
					return nil, err
				}
			}
			return nil, errNotFound
		}},
		"space": {Type: b.space, Args: idArg, Resolve: b.byID(b.getSpace)},
		"spaces": {Type: nonNull(b.connection(b.space)), Args: withPage(gql.FieldConfigArgument{"region": {Type: gql.String}}),
			Resolve: listOfItems(b.cursors, access.ReadAggregates, func(s inclusion.Space) domain.ID { return s.ID }, func(p gql.ResolveParams) ([]inclusion.Space, error) {
				region, _ := p.Args["region"].(string)
				who := principalOf(p.Context)
				return slices.DeleteFunc(b.deps.Inclusion.Spaces(region), func(s inclusion.Space) bool { return !who.InRegion(s.Region) }), nil
			})},
		"inclusion": {Type: nonNull(viewType), Description: "Inclusion figures over dialogues selected by space, region, pillar and business dates, bucketed; asOf gives the view as recorded at a past moment (RFC 3339).",
			Args:    scopeArgs(gql.FieldConfigArgument{"bucket": {Type: bucket, DefaultValue: inclusion.NoBucket}, "asOf": {Type: gql.String}}),
			Resolve: b.inclusionView},
		"dialogue": {Type: b.dialogue, Args: idArg, Resolve: b.byID(b.getDialogue)},
		"dialogues": {Type: nonNull(b.connection(b.dialogue)),
			Args:    withPage(scopeArgs(gql.FieldConfigArgument{"format": {Type: b.enums["DialogueFormat"]}, "stakeholderId": {Type: gql.ID}})),
			Resolve: b.dialogues},
		"commitment": {Type: b.commitmentT, Args: idArg, Resolve: b.byID(b.getCommitment)},
		"commitments": {Type: nonNull(b.connection(b.commitmentT)),
			Args: withPage(gql.FieldConfigArgument{"stakeholderId": {Type: gql.ID}, "spaceId": {Type: gql.ID}, "region": {Type: gql.String},
				"pillar": {Type: b.enums["Pillar"]}, "status": {Type: b.enums["CommitmentStatus"]}, "overdue": {Type: gql.Boolean}}),
			Resolve: listOfItems(b.cursors, access.ReadRecords, func(c commitments.Commitment) domain.ID { return c.ID }, func(p gql.ResolveParams) ([]commitments.Commitment, error) {
				q, err := b.commitmentQuery(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				return b.visibleCommitments(p.Context, q), nil
			})},
		"commitmentFigures": {Type: nonNull(commitmentFigures),
			Args: gql.FieldConfigArgument{"stakeholderId": {Type: gql.ID}, "spaceId": {Type: gql.ID}, "region": {Type: gql.String}, "pillar": {Type: b.enums["Pillar"]}},
			Resolve: func(p gql.ResolveParams) (any, error) {
				if err := must(p.Context, access.ReadAggregates); err != nil {
					return nil, err
				}
				q, err := b.commitmentQuery(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				// Figures count only what a facilitator may see.
				if q.Region, err = regionFor(principalOf(p.Context), q.Region); err != nil {
					return nil, err
				}
				return b.deps.Commitments.Figures(q), nil
			}},
		"stakeholder": {Type: b.stakeholder, Args: idArg, Resolve: b.byID(b.getStakeholder)},
		"stakeholders": {Type: nonNull(b.connection(b.stakeholder)), Args: withPage(gql.FieldConfigArgument{"region": {Type: gql.String}}),
			Resolve: listOfItems(b.cursors, access.ReadRecords, func(s stakeholders.Stakeholder) domain.ID { return s.ID }, func(p gql.ResolveParams) ([]stakeholders.Stakeholder, error) {
				region, _ := p.Args["region"].(string)
				who := principalOf(p.Context)
				return slices.DeleteFunc(b.deps.Stakeholders.List(region), func(s stakeholders.Stakeholder) bool { return !stakeholderInRegion(who, s) }), nil
			})},
		"participant": {Type: b.participant, Args: idArg, Resolve: b.byID(b.getParticipant)},
		"participants": {Type: nonNull(b.connection(b.participant)), Args: withPage(gql.FieldConfigArgument{"region": {Type: nonNull(gql.String)}}),
			Resolve: listOfItems(b.cursors, access.ReadParticipants, func(x participants.Participant) domain.ID { return x.ID }, func(p gql.ResolveParams) ([]participants.Participant, error) {
				region, _ := p.Args["region"].(string)
				return b.deps.Participants.List(principalOf(p.Context), region), nil
			})},
		"tokens": {Type: nonNull(listOf(b.token)), Resolve: func(p gql.ResolveParams) (any, error) {
			if err := must(p.Context, access.Administer); err != nil {
				return nil, err
			}
			return b.deps.Tokens.List(), nil
		}},
	}
}

// listOfItems resolves a connection: the capability, then the page of
// the visible items, in a stable order, after the cursor.
func listOfItems[T any](k cursorKey, c access.Capability, idOf func(T) domain.ID, items func(gql.ResolveParams) ([]T, error)) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		if err := must(p.Context, c); err != nil {
			return nil, err
		}
		first, after, err := k.pageArgs(p.Args)
		if err != nil {
			return nil, err
		}
		all, err := items(p)
		if err != nil {
			return nil, err
		}
		return paginate(all, idOf, first, after, k), nil
	}
}

func boolOrNil(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// byID resolves an object argument id with get.
func (b *builder) byID(get func(context.Context, domain.ID) (any, error)) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		id, err := parseID("id", p.Args["id"])
		if err != nil {
			return nil, err
		}
		return get(p.Context, id)
	}
}

// The getters return errNotFound for what does not exist and for what the
// caller may not see alike.

func (b *builder) getSpace(ctx context.Context, id domain.ID) (any, error) {
	return get(ctx, access.ReadAggregates, id, b.visibleSpace)
}

func (b *builder) getDialogue(ctx context.Context, id domain.ID) (any, error) {
	return get(ctx, access.ReadRecords, id, b.visibleDialogue)
}

func (b *builder) getCommitment(ctx context.Context, id domain.ID) (any, error) {
	return get(ctx, access.ReadRecords, id, b.visibleCommitment)
}

func (b *builder) getStakeholder(ctx context.Context, id domain.ID) (any, error) {
	return get(ctx, access.ReadRecords, id, b.visibleStakeholder)
}

func (b *builder) getParticipant(ctx context.Context, id domain.ID) (any, error) {
	return get(ctx, access.ReadParticipants, id, b.visibleParticipant)
}

// get checks a capability, then finds an object the caller may see.
func get[T any](ctx context.Context, c access.Capability, id domain.ID, visible func(access.Principal, domain.ID) (T, bool)) (any, error) {
	if err := must(ctx, c); err != nil {
		return nil, err
	}
	v, ok := visible(principalOf(ctx), id)
	if !ok {
		return nil, errNotFound
	}
	return v, nil
}

func (b *builder) visibleCommitments(ctx context.Context, q commitments.Query) []commitments.Commitment {
	who := principalOf(ctx)
	return slices.DeleteFunc(b.deps.Commitments.List(q), func(c commitments.Commitment) bool { return !b.commitmentInRegion(who, c) })
}

func (b *builder) commitmentQuery(ctx context.Context, args map[string]any) (commitments.Query, error) {
	var q commitments.Query
	for _, f := range []struct {
		name string
		into **domain.ID
	}{{"stakeholderId", &q.StakeholderID}, {"spaceId", &q.SpaceID}} {
		if v, ok := args[f.name]; ok && v != nil {
			id, err := parseID(f.name, v)
			if err != nil {
				return q, err
			}
			*f.into = &id
		}
	}
	q.Region, _ = args["region"].(string)
	q.Pillar, _ = args["pillar"].(string)
	status, _ := args["status"].(string)
	q.Status = commitment.Status(status)
	q.Overdue, _ = args["overdue"].(bool)
	if who := principalOf(ctx); q.Region != "" && !who.InRegion(q.Region) {
		return q, errNotFound
	}
	return q, nil
}

// scope reads the space, region, pillar and dates of a view or list, and
// keeps a facilitator within their regions.
func (b *builder) scope(ctx context.Context, args map[string]any) (inclusion.Query, error) {
	var q inclusion.Query
	who := principalOf(ctx)
	if v, ok := args["spaceId"]; ok && v != nil {
		id, err := parseID("spaceId", v)
		if err != nil {
			return q, err
		}
		if _, ok := b.visibleSpace(who, id); !ok {
			return q, errNotFound
		}
		q.SpaceID = &id
	}
	q.Region, _ = args["region"].(string)
	q.Pillar, _ = args["pillar"].(string)
	if d, ok := args["from"].(domain.Date); ok {
		q.From = d
	}
	if d, ok := args["to"].(domain.Date); ok {
		q.To = d
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, badInput("to", "%s is before from (%s)", q.To, q.From)
	}
	if q.SpaceID == nil {
		var err error
		q.Region, err = regionFor(who, q.Region)
		return q, err
	}
	return q, nil
}

// regionFor is the region a facilitator's list or figures cover: the one
// asked, which must be one of theirs (else it is not found), or their only
// one. Other roles cover what they ask, everywhere when they ask none.
func regionFor(who access.Principal, region string) (string, error) {
	switch {
	case who.Role != access.Facilitator:
		return region, nil
	case region != "" && !who.InRegion(region):
		return "", errNotFound
	case region == "" && len(who.Regions) == 1:
		return who.Regions[0], nil
	case region == "":
		return "", badInput("region", "a facilitator of several regions names one: %s", strings.Join(who.Regions, ", "))
	}
	return region, nil
}

// targetMeasure names the measure each space target is judged on.
var targetMeasure = map[string]string{"women": "women", "youth": "youth", "disability": "personsWithDisabilities", "displaced": "displaced"}

func (b *builder) inclusionView(p gql.ResolveParams) (any, error) {
	if err := must(p.Context, access.ReadAggregates); err != nil {
		return nil, err
	}
	q, err := b.scope(p.Context, p.Args)
	if err != nil {
		return nil, err
	}
	q.Bucket, _ = p.Args["bucket"].(inclusion.Bucket)
	if _, err := b.viewBounds(q.From, q.To, q.Bucket); err != nil {
		return nil, err
	}
	model := b.deps.Inclusion
	if at, ok := p.Args["asOf"].(string); ok && at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return nil, badInput("asOf", "%q is not an RFC 3339 time, e.g. 2026-01-31T23:59:59Z", at)
		}
		if b.deps.AsOf == nil {
			return nil, badInput("asOf", "past views are not available on this server")
		}
		admit := func() error {
			if wait, ok := b.replays.take(principalOf(p.Context).TokenID); !ok {
				return &coded{code: CodeRateLimited, field: "asOf", message: fmt.Sprintf("this token has had its share of new past views for now; try again in %s, or ask for a moment already viewed", wait.Round(time.Second))}
			}
			return nil
		}
		past, err := b.deps.AsOf.At(p.Context, t, func() projections.Projection { return b.deps.Inclusion.Blank() }, admit)
		var limited *coded
		switch {
		case errors.As(err, &limited):
			return nil, limited
		case p.Context.Err() != nil:
			return nil, errTimeout
		case err != nil:
			requestOf(p.Context).log.Error().Err(err).Msg("as-of view failed")
			return nil, errInternal
		}
		model = past.(*inclusion.Model)
	}
	v, err := model.View(p.Context, q)
	if ctxErr := p.Context.Err(); ctxErr != nil {
		return nil, errTimeout
	}
	if err != nil {
		return nil, badInput("spaceId", "%v", err)
	}
	out := &view{total: publish(v.Total), met: v.Met}
	for _, r := range v.Rows {
		out.rows = append(out.rows, viewRow{from: r.Period.From, to: r.Period.To, figures: publish(r.Figures)})
	}
	if !principalOf(p.Context).SeesSmallCounts() {
		rows := make([]*published, len(out.rows))
		for i, r := range out.rows {
			rows[i] = r.figures
		}
		out.met = b.release.view(rows, out.total, v.Targets)
	}
	return out, nil
}

func (b *builder) dialogues(p gql.ResolveParams) (any, error) {
	if err := must(p.Context, access.ReadRecords); err != nil {
		return nil, err
	}
	q, err := b.scope(p.Context, p.Args)
	if err != nil {
		return nil, err
	}
	first, after, err := b.cursors.pageArgs(p.Args)
	if err != nil {
		return nil, err
	}
	lq := inclusion.ListQuery{Query: q, After: after, Limit: max(first, 1)}
	lq.Format, _ = p.Args["format"].(string)
	if v, ok := p.Args["stakeholderId"]; ok && v != nil {
		id, err := parseID("stakeholderId", v)
		if err != nil {
			return nil, err
		}
		lq.StakeholderID = &id
	}
	rows, more := b.deps.Inclusion.Dialogues(lq)
	if first == 0 {
		rows, more = nil, len(rows) > 0
	}
	pg := page{hasNext: more, total: -1, cursors: b.cursors}
	for _, r := range rows {
		pg.nodes = append(pg.nodes, r)
		pg.ids = append(pg.ids, r.Dialogue.ID)
	}
	return pg, nil
}
