package read

import (
	"context"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/inclusion"
)

// A role without access to identities, under cell-key disclosure, is
// answered from the inclusion model's base table (see
// projections/inclusion/base.go): every count is a sum of base cells
// (space × calendar month × format × pillar) each perturbed once, so no
// sequence of questions yields two independent noisy views of the same
// records; dates are widened to whole months and asOf moves back to the
// start of its month (UTC), so that past views are a few fixed snapshots
// rather than one per second.

// MonthStart is the moment a past view is seen at for a role answered
// from the base table: the first instant (UTC) of at's month, i.e. as
// recorded at the end of the month before.
func MonthStart(at time.Time) time.Time {
	at = at.UTC()
	return time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// publishedInclusion answers a view or a table from the base table: the
// total and every group in one pass of the model.
func (s *Service) publishedInclusion(ctx context.Context, v Viewer, q InclusionQuery, mq inclusion.Query) (*View, error) {
	at := q.AsOf
	if !at.IsZero() {
		at = MonthStart(at)
	}
	model, err := s.modelAt(ctx, v, at)
	if err != nil {
		return nil, err
	}
	var keys []groupKey
	if q.GroupBy != "" {
		keys = s.groupKeys(v, model, mq, q.GroupBy)
	}
	queries := append(make([]inclusion.Query, 0, 1+len(keys)), mq)
	for _, key := range keys {
		if q.GroupTotalsOnly {
			key.query.Bucket = inclusion.NoBucket
		}
		queries = append(queries, key.query)
	}
	views, err := model.PublishedEach(ctx, queries)
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, BadInput("spaceId", "%v", err)
	}
	total := s.publishedView(model, mq, views[0])
	out := &View{Rows: total.rows, Total: total.total, AsOf: at, From: total.from, To: total.to,
		Widened: total.from != mq.From || total.to != mq.To || !at.Equal(q.AsOf)}
	// Each figure stands alone: withholding one reveals nothing through
	// another, whose value is fixed by its own cells.
	s.withholdView(total)
	out.Met = met(total.targets, out.Total)
	if len(keys) > 0 {
		out.Groups = make([]Group, len(keys))
	}
	for i, key := range keys {
		g := s.publishedView(model, queries[i+1], views[i+1])
		if !q.GroupTotalsOnly {
			g.rows = aligned(g.rows, total.rows)
		}
		s.withholdView(g)
		out.Groups[i] = Group{By: q.GroupBy, Key: key.key, Space: key.space, View: View{Rows: g.rows, Total: g.total, Met: met(g.targets, g.total)}}
	}
	return out, nil
}

// publishedView is one view from the base table as the model answered q,
// its unique participants published where they have a cell of their own
// and withheld elsewhere.
func (s *Service) publishedView(model *inclusion.Model, q inclusion.Query, v inclusion.View) exact {
	out := exact{total: publish(v.Total), targets: v.Targets, from: v.From, to: v.To}
	s.uniqueParticipants(model, q, v.From, v.To, out.total)
	for _, r := range v.Rows {
		f := publish(r.Figures)
		s.uniqueParticipants(model, q, r.Period.From, r.Period.To, f)
		out.rows = append(out.rows, Row{From: r.Period.From, To: r.Period.To, Figures: f})
	}
	return out
}

// withholdView withholds what a view's figures must not publish.
func (s *Service) withholdView(e exact) {
	s.release.withhold(e.total)
	for _, r := range e.rows {
		s.release.withhold(r.Figures)
	}
}

// uniqueParticipants do not add across cells, so they are published only
// for cells fixed like the base table's: one calendar year of one space,
// one region or every space, neither pillar nor format narrowing it, each
// perturbed once by its own cell key. Any other figure withholds them:
// ranges that differ by a dialogue would otherwise each get fresh noise.
func (s *Service) uniqueParticipants(model *inclusion.Model, q inclusion.Query, from, to domain.Date, f *Figures) {
	m := f.Get("uniqueParticipants")
	if q.Pillar != "" || q.Format != "" || !inclusion.IsWholeYear(from, to) {
		m.Count, m.Suppressed = 0, true
		return
	}
	count, key := model.UniqueInYear(q.SpaceID, q.Region, from.Year())
	m.Count = s.release.table.Perturb(count, key)
}
