package graphql

import (
	"encoding/base64"
	"errors"

	"context"
	"github.com/palabre/palabre/core/policy"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// figureTypes are the published inclusion figures: each count with its
// share, withheld (null, suppressed: true) for callers without access to
// identities when it could single someone out.
func (b *builder) figureTypes() {
	measureType := gql.NewObject(gql.ObjectConfig{Name: "Measure", Description: "A count and its share of attendance in percent (0–100, the unit of targets); both null when withheld (not a zero). For analysts and advocacy leads the count is a sum of base cells (space, month, format, pillar) each perturbed once (at most ±5, mostly ±2) and withheld below 5, the share the published count over the published attendance; unique participants are given only for a whole calendar year of a space, a region or everything.", Fields: gql.Fields{
		"count":      resolve(gql.Int, func(m *read.Measure) any { return countOrNil(m) }),
		"share":      resolve(gql.Float, func(m *read.Measure) any { return shareOrNil(m) }),
		"suppressed": resolve(nonNull(gql.Boolean), func(m *read.Measure) any { return m.Suppressed }),
	}})
	groupType := gql.NewObject(gql.ObjectConfig{Name: "GroupMeasure", Description: "Registered attendees of one excluded group, and their share of attendance in percent.", Fields: gql.Fields{
		"group":      resolve(nonNull(gql.String), func(m *read.Measure) any { return strings.TrimPrefix(m.Name, "group:") }),
		"count":      resolve(gql.Int, func(m *read.Measure) any { return countOrNil(m) }),
		"share":      resolve(gql.Float, func(m *read.Measure) any { return shareOrNil(m) }),
		"suppressed": resolve(nonNull(gql.Boolean), func(m *read.Measure) any { return m.Suppressed }),
	}})
	fields := gql.Fields{
		"dialogues": resolve(nonNull(gql.Int), func(p *read.Figures) any { return p.Dialogues }),
		"groups":    resolve(nonNull(listOf(groupType)), func(p *read.Figures) any { return p.Groups() }),
	}
	for _, name := range read.MeasureNames {
		fields[name] = resolve(nonNull(measureType), func(p *read.Figures) any { return p.Get(name) })
	}
	b.figuresType = gql.NewObject(gql.ObjectConfig{Name: "InclusionFigures", Fields: fields})
}

func countOrNil(m *read.Measure) any {
	if m.Suppressed {
		return nil
	}
	return m.Count
}

func shareOrNil(m *read.Measure) any {
	if m.Suppressed {
		return nil
	}
	return math.Round(m.Share*1e6) / 1e4 // percent, like targets, to a hundredth of a thousandth
}

type metOf struct {
	target string
	met    bool
}

// targetsMet lists whether targets are met, by name.
func targetsMet(met map[string]bool) []metOf {
	var out []metOf
	for name, ok := range met {
		out = append(out, metOf{name, ok})
	}
	slices.SortFunc(out, func(a, c metOf) int { return strings.Compare(a.target, c.target) })
	return out
}

// orderArg is a list's orderBy argument: its orders as an enum, the
// first the default.
func orderArg(name string, orders []read.Order) *gql.ArgumentConfig {
	values := gql.EnumValueConfigMap{}
	for _, o := range orders {
		values[string(o)] = &gql.EnumValueConfig{Value: o}
	}
	return &gql.ArgumentConfig{Type: gql.NewEnum(gql.EnumConfig{Name: name, Values: values}), DefaultValue: orders[0],
		Description: "How the list is sorted; default " + string(orders[0]) + "."}
}

func orderOf(args map[string]any) read.Order {
	o, _ := args["orderBy"].(read.Order)
	return o
}

// groupingEnum is a table's groupBy argument.
func groupingEnum(name string, groupings []read.Grouping) *gql.Enum {
	values := gql.EnumValueConfigMap{}
	for _, g := range groupings {
		values[string(g)] = &gql.EnumValueConfig{Value: g}
	}
	return gql.NewEnum(gql.EnumConfig{Name: name, Values: values, Description: "What a table has a row per."})
}

// queries are the Query type's fields: every object by id and in lists,
// the figures, the changes, and who asks.
func (b *builder) queries() gql.Fields {
	idArg := gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}}
	scopeArgs := gql.FieldConfigArgument{
		"spaceId": {Type: gql.ID}, "region": {Type: gql.String}, "pillar": {Type: b.enums["Pillar"]},
		"from": {Type: dateType, Description: "First business date, inclusive."}, "to": {Type: dateType, Description: "Last business date, inclusive."},
	}
	commitmentArgs := gql.FieldConfigArgument{"stakeholderId": {Type: gql.ID}, "spaceId": {Type: gql.ID}, "region": {Type: gql.String}, "pillar": {Type: b.enums["Pillar"]}}
	fields := gql.Fields{
		"vocabulary": b.vocabularyField(),
		"me":         b.meField(),
		"deviceKey":  b.deviceKeyField(),
		"node":       b.nodeField(idArg),
		"space":      {Type: b.space, Args: idArg, Resolve: b.byID(b.getSpace)},
		"spaces": {Type: nonNull(b.connection(b.space)), Args: mergeArgs(connectionArgs, gql.FieldConfigArgument{"region": {Type: gql.String}, "orderBy": orderArg("SpaceOrder", read.SpaceOrders)}),
			Resolve: listOfItems(b.cursors, func(s inclusion.Space) domain.ID { return s.ID }, func(p gql.ResolveParams) ([]inclusion.Space, error) {
				region, _ := p.Args["region"].(string)
				return b.read.Spaces(viewerOf(p.Context), region, orderOf(p.Args))
			})},
		"inclusion": b.inclusionField(scopeArgs),
		"dialogue":  {Type: b.dialogue, Args: idArg, Resolve: b.byID(b.getDialogue)},
		"dialogues": {Type: nonNull(b.connection(b.dialogue)),
			Args:    mergeArgs(connectionArgs, scopeArgs, gql.FieldConfigArgument{"format": {Type: b.enums["DialogueFormat"]}, "stakeholderId": {Type: gql.ID}, "orderBy": orderArg("DialogueOrder", read.DialogueOrders)}),
			Resolve: b.dialogues},
		"commitment": {Type: b.commitmentT, Args: idArg, Resolve: b.byID(b.getCommitment)},
		"commitments": {Type: nonNull(b.connection(b.commitmentT)),
			Args: mergeArgs(connectionArgs, commitmentArgs, gql.FieldConfigArgument{"status": {Type: b.enums["CommitmentStatus"]}, "overdue": {Type: gql.Boolean},
				"orderBy": orderArg("CommitmentOrder", read.CommitmentOrders)}),
			Resolve: listOfItems(b.cursors, func(c commitments.Commitment) domain.ID { return c.ID }, func(p gql.ResolveParams) ([]commitments.Commitment, error) {
				q, err := commitmentQuery(p.Args)
				if err != nil {
					return nil, err
				}
				return b.read.Commitments(viewerOf(p.Context), q)
			})},
		"commitmentFigures": b.commitmentFiguresField(commitmentArgs),
		"stakeholder":       {Type: b.stakeholder, Args: idArg, Resolve: b.byID(b.getStakeholder)},
		"stakeholders": {Type: nonNull(b.connection(b.stakeholder)), Args: mergeArgs(connectionArgs, gql.FieldConfigArgument{"region": {Type: gql.String}, "orderBy": orderArg("StakeholderOrder", read.StakeholderOrders)}),
			Resolve: listOfItems(b.cursors, func(s stakeholders.Stakeholder) domain.ID { return s.ID }, func(p gql.ResolveParams) ([]stakeholders.Stakeholder, error) {
				region, _ := p.Args["region"].(string)
				return b.read.Stakeholders(viewerOf(p.Context), region, orderOf(p.Args))
			})},
		"participant": {Type: b.participant, Args: idArg, Resolve: b.byID(b.getParticipant)},
		"participants": {Type: nonNull(b.connection(b.participant)),
			Description: "A region's participants, or those with a code (as typed: case and spaces around do not matter) in the regions you may see; one of region and code is required.",
			Args:        mergeArgs(connectionArgs, gql.FieldConfigArgument{"region": {Type: gql.String}, "code": {Type: gql.String}, "orderBy": orderArg("ParticipantOrder", read.ParticipantOrders)}),
			Resolve: listOfItems(b.cursors, func(x participants.Participant) domain.ID { return x.ID }, func(p gql.ResolveParams) ([]participants.Participant, error) {
				region, _ := p.Args["region"].(string)
				if code, _ := p.Args["code"].(string); code != "" {
					found, err := b.read.ParticipantsWithCode(viewerOf(p.Context), code)
					return slices.DeleteFunc(found, func(x participants.Participant) bool { return region != "" && x.Profile.Region != region }), err
				}
				if region == "" {
					return nil, badInput("region", "give a region, or a participant's code")
				}
				return b.read.Participants(viewerOf(p.Context), region, orderOf(p.Args))
			})},
		"participantsNamed": b.participantsNamedField(),
		"changes":           b.changesField(),
		"tokens":            b.tokensField(),
	}
	maps.Copy(fields, b.resultQueries())
	return fields
}

// participantsNamedField finds people by name through the read service's
// blind index: codes, never a name (core/read/names.go).
func (b *builder) participantsNamedField() *gql.Field {
	return &gql.Field{Type: nonNull(listOf(b.participant)), Args: gql.FieldConfigArgument{"name": {Type: nonNull(gql.String)}, "region": {Type: gql.String}},
		Description: "The participants (of a region, or of every region the viewer may see) whose name is the one given, compared exactly once folded for case, accents, spaces, punctuation and word order: a misspelling finds no one, homonyms find several. " +
			"Answered through a keyed index of names held in server memory; answers codes, never a name; each lookup is audited. Facilitators of the region and admins; by browser session too.",
		Resolve: func(p gql.ResolveParams) (any, error) {
			region, _ := p.Args["region"].(string)
			name, _ := p.Args["name"].(string)
			return b.read.ParticipantsNamed(p.Context, viewerOf(p.Context), region, name)
		}}
}

// nodeField finds an object of any kind by id, each through its own
// query's getter, so by the same rules; another region's answers as a
// missing one.
func (b *builder) nodeField(idArg gql.FieldConfigArgument) *gql.Field {
	return &gql.Field{Type: b.node, Args: idArg, Description: "Any object by id.", Resolve: func(p gql.ResolveParams) (any, error) {
		id, err := parseID("id", p.Args["id"])
		if err != nil {
			return nil, err
		}
		for _, get := range []func(context.Context, domain.ID) (any, error){b.getSpace, b.getDialogue, b.getCommitment, b.getStakeholder, b.getParticipant, b.getOutcome, b.getFramework} {
			if v, err := get(p.Context, id); err == nil {
				return v, nil
			} else if codeOf(err) != CodeNotFound && codeOf(err) != CodeForbidden {
				return nil, err
			}
		}
		return nil, errNotFound
	}}
}

// inclusionField is the inclusion figures as a view or a table.
func (b *builder) inclusionField(scopeArgs gql.FieldConfigArgument) *gql.Field {
	bucket := gql.NewEnum(gql.EnumConfig{Name: "Bucket", Values: gql.EnumValueConfigMap{
		"NONE": {Value: inclusion.NoBucket}, "MONTH": {Value: inclusion.Month}, "QUARTER": {Value: inclusion.Quarter}, "YEAR": {Value: inclusion.Year},
	}})
	grouping := groupingEnum("InclusionGrouping", read.Groupings)
	row := gql.NewObject(gql.ObjectConfig{Name: "InclusionRow", Fields: gql.Fields{
		"from":    resolve(nonNull(dateType), func(r read.Row) any { return r.From }),
		"to":      resolve(nonNull(dateType), func(r read.Row) any { return r.To }),
		"figures": resolve(nonNull(b.figuresType), func(r read.Row) any { return r.Figures }),
	}})
	targets := gql.NewObject(gql.ObjectConfig{Name: "TargetMet", Fields: gql.Fields{
		"target": resolve(nonNull(gql.String), func(m metOf) any { return m.target }),
		"met":    resolve(gql.Boolean, func(m metOf) any { return m.met }),
	}})
	group := gql.NewObject(gql.ObjectConfig{Name: "InclusionGroup", Description: "One row of a table: the figures of one space, region, pillar or format, with buckets aligned on the total's.", Fields: gql.Fields{
		"by":  resolve(nonNull(grouping), func(g read.Group) any { return g.By }),
		"key": {Type: nonNull(gql.String), Description: "The space's id, the region's code, or the pillar's or format's code.", Resolve: fieldOf2(func(g read.Group) any { return g.Key })},
		"space": {Type: b.space, Description: "The group's space, when grouped by space.", Resolve: fieldOf2(func(g read.Group) any {
			if g.Space == nil {
				return nil
			}
			return *g.Space
		})},
		"rows":    resolve(nonNull(listOf(row)), func(g read.Group) any { return g.Rows }),
		"total":   resolve(nonNull(b.figuresType), func(g read.Group) any { return g.Total }),
		"targets": resolve(nonNull(listOf(targets)), func(g read.Group) any { return targetsMet(g.Met) }),
	}})
	viewType := gql.NewObject(gql.ObjectConfig{Name: "InclusionView", Fields: gql.Fields{
		"from": {Type: dateType, Description: "The first day the figures cover (none: from the first dialogue). For analysts and advocacy leads, the first day of the month of the date asked: their figures are sums of whole months.",
			Resolve: fieldOf2(func(v *read.View) any { return nilIfZeroDate(v.From) })},
		"to": {Type: dateType, Description: "The last day the figures cover (none: to the last dialogue). For analysts and advocacy leads, the last day of the month of the date asked.",
			Resolve: fieldOf2(func(v *read.View) any { return nilIfZeroDate(v.To) })},
		"asOf": {Type: gql.String, Description: "The moment the figures are seen as recorded at (RFC 3339), none for now. For analysts and advocacy leads, the start of the month of the moment asked (UTC): the end of the month before.",
			Resolve: fieldOf2(func(v *read.View) any {
				if v.AsOf.IsZero() {
					return nil
				}
				return v.AsOf.UTC().Format(time.RFC3339)
			})},
		"widened": {Type: nonNull(gql.Boolean), Description: "Whether the dates or the moment asked were widened to whole months (from, to and asOf say which were used).",
			Resolve: fieldOf2(func(v *read.View) any { return v.Widened })},
		"rows":    resolve(nonNull(listOf(row)), func(v *read.View) any { return v.Rows }),
		"total":   resolve(nonNull(b.figuresType), func(v *read.View) any { return v.Total }),
		"targets": resolve(nonNull(listOf(targets)), func(v *read.View) any { return targetsMet(v.Met) }),
		"groups": {Type: nonNull(listOf(group)), Description: "With groupBy, a row per group; empty otherwise. For analysts and advocacy leads every figure is a sum of perturbed base cells (space, month, format, pillar): a withheld figure can be recomputed at most as its perturbed value, never its true one.",
			Resolve: fieldOf2(func(v *read.View) any { return v.Groups })},
		"columns": {Type: nonNull(b.columnsType()), Description: "With groupBy, the groups' totals as columns (a JSON array per figure, an entry per group): the same figures as groups, a few dozen fields however many groups. Empty arrays otherwise.",
			Resolve: fieldOf2(func(v *read.View) any { return tableColumns{v.Groups} })},
	}})
	return &gql.Field{Type: nonNull(viewType), Description: "Inclusion figures over dialogues selected by space, region, pillar, format and business dates, bucketed, and with groupBy a table of a row per group; asOf gives the view as recorded at a past moment (RFC 3339).",
		Args: mergeArgs(scopeArgs, gql.FieldConfigArgument{"format": {Type: b.enums["DialogueFormat"]}, "bucket": {Type: bucket, DefaultValue: inclusion.NoBucket},
			"asOf": {Type: gql.String}, "groupBy": {Type: grouping}}),
		Resolve: b.inclusionView}
}

// commitmentFiguresField is the commitment figures, a total and a row per
// group.
func (b *builder) commitmentFiguresField(commitmentArgs gql.FieldConfigArgument) *gql.Field {
	figureFields := gql.Fields{}
	for name, get := range map[string]func(commitments.Figures) any{
		"made": func(f commitments.Figures) any { return f.Made }, "open": func(f commitments.Figures) any { return f.Open },
		"overdue": func(f commitments.Figures) any { return f.Overdue }, "fulfilled": func(f commitments.Figures) any { return f.Fulfilled },
		"broken": func(f commitments.Figures) any { return f.Broken }, "withdrawn": func(f commitments.Figures) any { return f.Withdrawn },
		"medianDaysToFulfilment": func(f commitments.Figures) any { return f.MedianDaysToFulfilment },
	} {
		typ := gql.Output(gql.Int)
		if name == "medianDaysToFulfilment" {
			typ = gql.Float
		}
		figureFields[name] = resolve(nonNull(typ), func(t commitmentTable) any { return get(t.Figures) })
	}
	figureFields["fulfilmentRate"] = &gql.Field{Type: nonNull(gql.Float), Description: "Fulfilled of those settled (fulfilled or broken), in percent.",
		Resolve: fieldOf2(func(t commitmentTable) any { return math.Round(t.FulfilmentRate*1e6) / 1e4 })}
	commitmentFigures := gql.NewObject(gql.ObjectConfig{Name: "CommitmentFigures", Fields: figureFields})
	commitmentGrouping := groupingEnum("CommitmentGrouping", read.CommitmentGroupings)
	figureGroup := gql.NewObject(gql.ObjectConfig{Name: "CommitmentFigureGroup", Description: "One row of a table of commitment figures.", Fields: gql.Fields{
		"by":  resolve(nonNull(commitmentGrouping), func(g read.FigureGroup) any { return g.By }),
		"key": resolve(nonNull(gql.String), func(g read.FigureGroup) any { return g.Key }),
		"stakeholder": {Type: b.stakeholder, Description: "The group's stakeholder, when grouped by stakeholder and you may see it.", Resolve: fieldOf2(func(g read.FigureGroup) any {
			if g.Stakeholder == nil {
				return nil
			}
			return *g.Stakeholder
		})},
		"space": {Type: b.space, Description: "The group's space, when grouped by space.", Resolve: fieldOf2(func(g read.FigureGroup) any {
			if g.Space == nil {
				return nil
			}
			return *g.Space
		})},
		"figures": resolve(nonNull(commitmentFigures), func(g read.FigureGroup) any { return commitmentTable{Figures: g.Figures} }),
	}})
	commitmentFigures.AddFieldConfig("groups", &gql.Field{Type: nonNull(listOf(figureGroup)), Description: "With groupBy, a row per group with any commitment; empty otherwise. Commitments made outside a space belong to no space's row.",
		Resolve: fieldOf2(func(t commitmentTable) any { return t.groups })})
	return &gql.Field{Type: nonNull(commitmentFigures), Args: mergeArgs(commitmentArgs, gql.FieldConfigArgument{"groupBy": {Type: commitmentGrouping}}),
		Resolve: func(p gql.ResolveParams) (any, error) {
			q, err := commitmentQuery(p.Args)
			if err != nil {
				return nil, err
			}
			by, _ := p.Args["groupBy"].(read.Grouping)
			total, groups, err := b.read.CommitmentFigures(viewerOf(p.Context), q, by)
			return commitmentTable{Figures: total, groups: nonNilGroups(groups)}, err
		}}
}

// deviceKeyField publishes the key devices seal names and phones to; the
// web app pins it at sign-in and refuses another one.
func (b *builder) deviceKeyField() *gql.Field {
	key := gql.NewObject(gql.ObjectConfig{Name: "DeviceKey", Description: "The public key devices seal names and phones to (IdentityInput.sealed): only this server opens them.", Fields: gql.Fields{
		"id":        resolve(nonNull(gql.String), func(k *keystore.DeviceKey) any { return k.ID() }),
		"algorithm": resolve(nonNull(gql.String), func(*keystore.DeviceKey) any { return keystore.DeviceKeyAlgorithm }),
		"publicKey": {Type: nonNull(gql.String), Description: "An uncompressed P-256 point, base64url without padding.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return base64.RawURLEncoding.EncodeToString(p.Source.(*keystore.DeviceKey).Public()), nil
			}},
	}})
	return &gql.Field{Type: key, Description: "The key devices seal names and phones to; null when the server takes no sealed identity.",
		Resolve: func(gql.ResolveParams) (any, error) {
			if b.deps.Envelopes == nil {
				return nil, nil
			}
			return b.deps.Envelopes.Key(), nil
		}}
}

// meField says who the token acts for.
func (b *builder) meField() *gql.Field {
	viewer := gql.NewObject(gql.ObjectConfig{Name: "Viewer", Description: "Who the token acts for.", Fields: gql.Fields{
		"subject": resolve(nonNull(gql.String), func(p access.Principal) any { return p.Subject }),
		"role":    resolve(nonNull(b.enums["Role"]), func(p access.Principal) any { return string(p.Role) }),
		"regions": resolve(nonNull(listOf(gql.String)), func(p access.Principal) any { return nonNilStrings(p.Regions) }),
	}})
	return &gql.Field{Type: nonNull(viewer), Resolve: func(p gql.ResolveParams) (any, error) { return principalOf(p.Context), nil }}
}

func (b *builder) tokensField() *gql.Field {
	return &gql.Field{Type: nonNull(listOf(b.token)), Resolve: func(p gql.ResolveParams) (any, error) {
		var refused *policy.Forbidden
		if err := b.policy.Allow(principalOf(p.Context), policy.ListTokens); errors.As(err, &refused) {
			return nil, forbiddenBy(refused, requestOf(p.Context).language)
		} else if err != nil {
			return nil, err
		}
		return b.deps.Tokens.List(p.Context)
	}}
}

// mergeArgs is the union of argument lists.
func mergeArgs(lists ...gql.FieldConfigArgument) gql.FieldConfigArgument {
	out := gql.FieldConfigArgument{}
	for _, l := range lists {
		maps.Copy(out, l)
	}
	return out
}

// commitmentTable is commitment figures with a table's groups.
type commitmentTable struct {
	commitments.Figures
	groups []read.FigureGroup
}

func nonNilGroups(g []read.FigureGroup) []read.FigureGroup {
	if g == nil {
		return []read.FigureGroup{}
	}
	return g
}

// fieldOf2 is resolve's function for a field declared with its own
// description.
func fieldOf2[T any](get func(T) any) gql.FieldResolveFn { return resolve(nil, get).Resolve }

// listOfItems resolves a connection: the page of the items the read
// service gives, after the cursor.
func listOfItems[T any](k cursorKey, idOf func(T) domain.ID, items func(gql.ResolveParams) ([]T, error)) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
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

// The getters are the read service's, for resolvers of any object; what
// does not exist and what the viewer may not see are both NOT_FOUND.

func (b *builder) getSpace(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Space(viewerOf(ctx), id))
}

func (b *builder) getDialogue(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Dialogue(viewerOf(ctx), id))
}

func (b *builder) getCommitment(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Commitment(viewerOf(ctx), id))
}

func (b *builder) getStakeholder(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Stakeholder(viewerOf(ctx), id))
}

func (b *builder) getParticipant(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Participant(viewerOf(ctx), id))
}

func anyOf[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// optionalID reads an optional id argument.
func optionalID(args map[string]any, name string) (*domain.ID, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, nil
	}
	id, err := parseID(name, v)
	return &id, err
}

func commitmentQuery(args map[string]any) (read.CommitmentQuery, error) {
	var q read.CommitmentQuery
	var err error
	if q.StakeholderID, err = optionalID(args, "stakeholderId"); err != nil {
		return q, err
	}
	if q.SpaceID, err = optionalID(args, "spaceId"); err != nil {
		return q, err
	}
	q.Region, _ = args["region"].(string)
	q.Pillar, _ = args["pillar"].(string)
	status, _ := args["status"].(string)
	q.Status = commitment.Status(status)
	q.Overdue, _ = args["overdue"].(bool)
	q.Order = orderOf(args)
	return q, nil
}

// scopeOf reads the space, region, pillar and dates of a view or list.
func scopeOf(args map[string]any) (read.Scope, error) {
	var q read.Scope
	var err error
	if q.SpaceID, err = optionalID(args, "spaceId"); err != nil {
		return q, err
	}
	q.Region, _ = args["region"].(string)
	q.Pillar, _ = args["pillar"].(string)
	q.From, _ = args["from"].(domain.Date)
	q.To, _ = args["to"].(domain.Date)
	return q, nil
}

func (b *builder) inclusionView(p gql.ResolveParams) (any, error) {
	scope, err := scopeOf(p.Args)
	if err != nil {
		return nil, err
	}
	q := read.InclusionQuery{Scope: scope}
	q.Format, _ = p.Args["format"].(string)
	q.Bucket, _ = p.Args["bucket"].(inclusion.Bucket)
	q.GroupBy, _ = p.Args["groupBy"].(read.Grouping)
	q.GroupTotalsOnly = !selects(p.Info, p.Info.FieldASTs[0].SelectionSet, "groups", "rows")
	if at, ok := p.Args["asOf"].(string); ok && at != "" {
		if q.AsOf, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, badInput("asOf", "%q is not an RFC 3339 time, e.g. 2026-01-31T23:59:59Z", at)
		}
	}
	return b.read.Inclusion(p.Context, viewerOf(p.Context), q)
}

func (b *builder) dialogues(p gql.ResolveParams) (any, error) {
	scope, err := scopeOf(p.Args)
	if err != nil {
		return nil, err
	}
	first, after, err := b.cursors.pageArgs(p.Args)
	if err != nil {
		return nil, err
	}
	q := read.DialogueQuery{Scope: scope, After: after, Limit: first, Order: orderOf(p.Args)}
	q.Format, _ = p.Args["format"].(string)
	if q.StakeholderID, err = optionalID(p.Args, "stakeholderId"); err != nil {
		return nil, err
	}
	rows, more, err := b.read.Dialogues(viewerOf(p.Context), q)
	if err != nil {
		return nil, err
	}
	pg := page{hasNext: more, total: -1}
	for _, r := range rows {
		pg.nodes = append(pg.nodes, r)
		pg.cursors = append(pg.cursors, b.cursors.of(r.Dialogue.ID))
	}
	return pg, nil
}

// nilIfZeroDate is a date, or null for an open end.
func nilIfZeroDate(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

// selects reports whether a selection set asks for a field by path,
// through fragments; a directive counts as asking (it may include it).
func selects(info gql.ResolveInfo, set *ast.SelectionSet, path ...string) bool {
	if len(path) == 0 {
		return true
	}
	if set == nil {
		return false
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name != nil && sel.Name.Value == path[0] && selects(info, sel.SelectionSet, path[1:]...) {
				return true
			}
		case *ast.InlineFragment:
			if selects(info, sel.SelectionSet, path...) {
				return true
			}
		case *ast.FragmentSpread:
			f, ok := info.Fragments[sel.Name.Value].(*ast.FragmentDefinition)
			if !ok || selects(info, f.SelectionSet, path...) {
				return true
			}
		}
	}
	return false
}
