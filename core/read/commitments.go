package read

import (
	"slices"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/stakeholders"
)

// ByStakeholder groups commitment figures by who made the commitments.
const ByStakeholder Grouping = "STAKEHOLDER"

// CommitmentGroupings are the groupings commitment figures take.
var CommitmentGroupings = []Grouping{ByStakeholder, BySpace, ByRegion, ByPillar}

// FigureGroup is one row of a table of commitment figures.
type FigureGroup struct {
	By  Grouping
	Key string // the stakeholder's or space's id, the region, the pillar
	// Stakeholder or Space is the group's, when the viewer may see it.
	Stakeholder *stakeholders.Stakeholder
	Space       *inclusion.Space
	Figures     commitments.Figures
}

// CommitmentFigures summarise the selected commitments the viewer may
// see, and, grouped, a row per group with any commitment. Commitments are
// the promises of institutions, not people: their figures are exact.
func (s *Service) CommitmentFigures(v Viewer, q CommitmentQuery, by Grouping) (commitments.Figures, []FigureGroup, error) {
	if err := Must(v, access.ReadAggregates); err != nil {
		return commitments.Figures{}, nil, err
	}
	mq, err := s.commitmentQuery(v, q)
	if err != nil {
		return commitments.Figures{}, nil, err
	}
	// Figures count only what a facilitator may see.
	if mq.Region, err = RegionFor(v, mq.Region); err != nil {
		return commitments.Figures{}, nil, err
	}
	total := s.cfg.Commitments.Figures(mq)
	if by == "" {
		return total, nil, nil
	}
	var groups []FigureGroup
	for _, g := range s.figureGroups(v, mq, by) {
		if g.Figures = s.cfg.Commitments.Figures(g.query); g.Figures.Made > 0 {
			groups = append(groups, g.FigureGroup)
		}
	}
	return total, groups, nil
}

type figureGroup struct {
	FigureGroup
	query commitments.Query
}

// figureGroups are the candidate groups of the selected commitments.
func (s *Service) figureGroups(v Viewer, q commitments.Query, by Grouping) []figureGroup {
	var out []figureGroup
	add := func(key string, set func(*commitments.Query)) *FigureGroup {
		g := figureGroup{FigureGroup: FigureGroup{By: by, Key: key}, query: q}
		set(&g.query)
		out = append(out, g)
		return &out[len(out)-1].FigureGroup
	}
	selected := s.cfg.Commitments.List(q)
	switch by {
	case ByStakeholder:
		var ids []domain.ID
		for _, c := range selected {
			if !slices.Contains(ids, c.StakeholderID) {
				ids = append(ids, c.StakeholderID)
			}
		}
		for _, id := range ids {
			g := add(id.String(), func(g *commitments.Query) { g.StakeholderID = &id })
			if h, ok := s.visibleStakeholder(v.Principal, id); ok {
				g.Stakeholder = &h
			}
		}
	case BySpace:
		var ids []domain.ID
		for _, c := range selected {
			if c.SpaceID != nil && !slices.Contains(ids, *c.SpaceID) {
				ids = append(ids, *c.SpaceID)
			}
		}
		for _, id := range ids {
			g := add(id.String(), func(g *commitments.Query) { g.SpaceID = &id })
			if sp, ok := s.visibleSpace(v.Principal, id); ok {
				g.Space = &sp
			}
		}
	case ByRegion:
		var regions []string
		for _, c := range selected {
			if r := s.regionOfCommitment(c); r != "" && !slices.Contains(regions, r) {
				regions = append(regions, r)
			}
		}
		slices.Sort(regions)
		for _, r := range regions {
			add(r, func(g *commitments.Query) { g.Region = r })
		}
	case ByPillar:
		for _, p := range domain.Pillars {
			add(p, func(g *commitments.Query) { g.Pillar = p })
		}
	}
	return out
}

// regionOfCommitment: its space's region, else its stakeholder's, as
// the commitments model itself places it (its figures by region too), so
// that a past service's commitments need no past spaces (At).
func (s *Service) regionOfCommitment(c commitments.Commitment) string {
	return s.cfg.Commitments.RegionOf(c)
}
