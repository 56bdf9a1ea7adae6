package read

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

// Grouping is what a table has a row per.
type Grouping string

const (
	BySpace  Grouping = "SPACE"
	ByRegion Grouping = "REGION"
	ByPillar Grouping = "PILLAR"
	ByFormat Grouping = "FORMAT"
)

// Groupings are the groupings tables take.
var Groupings = []Grouping{BySpace, ByRegion, ByPillar, ByFormat}

// InclusionQuery selects the dialogues of a view, its buckets, the moment
// it is seen at, and the groups of a table.
type InclusionQuery struct {
	Scope
	Format string
	Bucket inclusion.Bucket
	// AsOf is the moment the view is seen as recorded at; zero for now.
	AsOf time.Time
	// GroupBy makes a table: a view per group beside the total; "" for
	// none.
	GroupBy Grouping
	// GroupTotalsOnly leaves out the groups' buckets, when the reader does
	// not ask for them (a table by space as the dashboard shows it). Only
	// a table answered from the base table heeds it: its figures do not
	// depend on one another.
	GroupTotalsOnly bool
}

// Row is one bucket.
type Row struct {
	From, To domain.Date
	Figures  *Figures
}

// View is an inclusion view as the viewer may see it: its buckets, its
// total, whether a space's targets are met, and a table's groups.
type View struct {
	// From and To are the dates the figures cover, and AsOf the moment
	// they are seen at (zero for now): the query's, or, for a role
	// answered from the base table, widened to whole months and moved to
	// the start of asOf's month, which Widened then says.
	From, To domain.Date
	AsOf     time.Time
	Widened  bool
	Rows     []Row
	Total    *Figures
	// Met is, for the view of one space, whether each target is met, as
	// the published figures let one judge.
	Met    map[string]bool
	Groups []Group
}

// Group is one row of a table: the view of one space, region, pillar or
// format, with buckets aligned on the total's.
type Group struct {
	By  Grouping
	Key string // the space's id, the region, the pillar or the format
	// Space is the group's space, for BySpace.
	Space *inclusion.Space
	View
}

// FromBaseTable reports whether a principal's figures are sums of the
// base table's published cells (roles without identities, under
// cell-key), rather than counts over dialogues: the one place that says
// so, which the release and the doors' cost estimates both ask.
func (s *Service) FromBaseTable(p access.Principal) bool {
	return !p.SeesSmallCounts() && s.release.mode == CellKey
}

// Inclusion answers a view, or a table when the query groups.
func (s *Service) Inclusion(ctx context.Context, v Viewer, q InclusionQuery) (*View, error) {
	if err := Must(v, access.ReadAggregates); err != nil {
		return nil, err
	}
	mq, _, err := s.bounded(v, q)
	if err != nil {
		return nil, err
	}
	mq.Format, mq.Bucket = q.Format, q.Bucket
	if q.AsOf.IsZero() {
		q.AsOf = s.figuresAt // a past service's views are of its model's moment
	}
	if s.FromBaseTable(v.Principal) {
		return s.publishedInclusion(ctx, v, q, mq)
	}
	model, err := s.modelAt(ctx, v, q.AsOf)
	if err != nil {
		return nil, err
	}
	total, err := s.view(ctx, v, model, mq)
	if err != nil {
		return nil, err
	}
	out := &View{Rows: total.rows, Total: total.total, From: mq.From, To: mq.To, AsOf: q.AsOf}
	groups := []exact{}
	if q.GroupBy != "" {
		for _, key := range s.groupKeys(v, model, mq, q.GroupBy) {
			g, err := s.view(ctx, v, model, key.query)
			if err != nil {
				return nil, err
			}
			g.rows = aligned(g.rows, total.rows)
			groups = append(groups, g)
			out.Groups = append(out.Groups, Group{By: q.GroupBy, Key: key.key, Space: key.space, View: View{Rows: g.rows, Total: g.total}})
		}
	}
	if !v.SeesSmallCounts() {
		s.release.figures(tableLines(total, groups))
	}
	out.Met = met(total.targets, out.Total)
	for i := range out.Groups {
		out.Groups[i].Met = met(groups[i].targets, out.Groups[i].Total)
	}
	return out, nil
}

// exact is a view as computed, before release.
type exact struct {
	rows     []Row
	total    *Figures
	targets  *space.Targets
	from, to domain.Date
}

// view computes the figures q selects in model, for v: of the spaces v
// may see today, when model is a past one (scopedNow).
func (s *Service) view(ctx context.Context, v Viewer, model *inclusion.Model, q inclusion.Query) (exact, error) {
	answer, err := model.View(ctx, s.scopedNow(v, model, q))
	if err := stopped(ctx); err != nil {
		return exact{}, err
	}
	if err != nil {
		return exact{}, BadInput("spaceId", "%v", err)
	}
	out := exact{total: publish(answer.Total), targets: answer.Targets}
	for _, r := range answer.Rows {
		out.rows = append(out.rows, Row{From: r.Period.From, To: r.Period.To, Figures: publish(r.Figures)})
	}
	return out, nil
}

// aligned gives a group a row for every bucket of the total, empty where
// it held no dialogue, so that each bucket's groups add up to its total.
func aligned(rows, total []Row) []Row {
	byFrom := make(map[domain.Date]*Figures, len(rows))
	for _, r := range rows {
		byFrom[r.From] = r.Figures
	}
	out := make([]Row, len(total))
	for i, t := range total {
		f := byFrom[t.From]
		if f == nil {
			f = publish(inclusion.Figures{})
		}
		out[i] = Row{From: t.From, To: t.To, Figures: f}
	}
	return out
}

// tableLines are the sums a table publishes: the total's buckets add up
// to the total, each group's buckets to the group's total, each bucket's
// groups to the bucket's total, and the groups' totals to the total.
func tableLines(total exact, groups []exact) []line {
	lines := []line{{parts: rowFigures(total.rows), total: total.total}}
	if len(groups) == 0 {
		return lines
	}
	totals := make([]*Figures, len(groups))
	for i, g := range groups {
		lines = append(lines, line{parts: rowFigures(g.rows), total: g.total})
		totals[i] = g.total
	}
	lines = append(lines, line{parts: totals, total: total.total})
	for j, r := range total.rows {
		parts := make([]*Figures, len(groups))
		for i, g := range groups {
			parts[i] = g.rows[j].Figures
		}
		lines = append(lines, line{parts: parts, total: r.Figures})
	}
	return lines
}

func rowFigures(rows []Row) []*Figures {
	out := make([]*Figures, len(rows))
	for i, r := range rows {
		out[i] = r.Figures
	}
	return out
}

// groupKey is one group of a table and the query that selects it.
type groupKey struct {
	key   string
	space *inclusion.Space
	query inclusion.Query
}

// groupKeys lists a table's groups within the query's scope: the spaces
// the viewer sees, their regions, or every pillar or format, so that the
// groups partition the total's dialogues.
func (s *Service) groupKeys(v Viewer, model *inclusion.Model, q inclusion.Query, by Grouping) []groupKey {
	spaces := s.spacesInScope(v, model, q)
	var out []groupKey
	// with adds a group and gives its query to narrow.
	with := func(key string) *inclusion.Query {
		out = append(out, groupKey{key: key, query: q})
		return &out[len(out)-1].query
	}
	switch by {
	case BySpace:
		out = make([]groupKey, 0, len(spaces))
		for i := range spaces {
			sp := &spaces[i]
			with(sp.ID.String()).SpaceID = &sp.ID
			out[len(out)-1].space = sp
		}
	case ByRegion:
		var regions []string
		for _, sp := range spaces {
			if !slices.Contains(regions, sp.Region) {
				regions = append(regions, sp.Region)
			}
		}
		slices.Sort(regions)
		for _, r := range regions {
			with(r).Region = r
		}
	case ByPillar:
		for _, p := range domain.Pillars {
			if q.Pillar == "" || q.Pillar == p {
				with(p).Pillar = p
			}
		}
	case ByFormat:
		for _, f := range dialogue.Formats {
			if q.Format == "" || q.Format == f {
				with(f).Format = f
			}
		}
	}
	return out
}

// modelAt is the inclusion model now, or as recorded at a past moment:
// replays not cached are paced per token.
func (s *Service) modelAt(ctx context.Context, v Viewer, at time.Time) (*inclusion.Model, error) {
	if at.IsZero() || at.Equal(s.figuresAt) {
		return s.cfg.Inclusion, nil
	}
	return replayed(ctx, s, v, at, s.cfg.Inclusion.Blank)
}

// replayed is a read model as recorded at a past moment, made by fresh
// and fed the log up to it; replays not cached are paced per token.
func replayed[T projections.Projection](ctx context.Context, s *Service, v Viewer, at time.Time, fresh func() T) (T, error) {
	var zero T
	if s.cfg.AsOf == nil {
		return zero, BadInputIn(v.Language, "asOf", "past views are not available on this server")
	}
	admit := func() error {
		if wait, ok := s.replays.Take(v.TokenID); !ok {
			return &Error{Code: CodeRateLimited, Field: "asOf", Message: Say(v.Language, "this token has had its share of new past views for now; try again in %s, or ask for a moment already viewed", wait.Round(time.Second))}
		}
		return nil
	}
	past, err := s.cfg.AsOf.At(ctx, at, func() projections.Projection { return fresh() }, admit)
	var limited *Error
	switch {
	case errors.As(err, &limited):
		return zero, limited
	case ctx.Err() != nil:
		return zero, ErrTimeout
	case err != nil:
		return zero, failed(v, err, "as-of view failed")
	}
	return past.(T), nil
}
