package read

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
)

// The rules palabre computes indicators by (framework.Rules). Every
// figure about people is taken from Inclusion as the publication's viewer
// is answered — sums of the base table's published cells, withheld below
// the threshold — and from nothing else: a rule adds published figures
// (a partner's regions) and divides them (a share), never a count the
// release has not published. Commitments are institutions' promises, and
// outcomes institutions' changes: both counted exactly, as
// CommitmentFigures and the outcomes' list give them.

// computed is a rule's actual for a year over regions (nil: every region).
func (s *Service) computed(ctx context.Context, src sources, in framework.Indicator, regions []string, year int) (*Actual, error) {
	switch in.Rule {
	case "commitments-fulfilled":
		return fulfilled(src.commitments, in.Params.Pillar, regions, year), nil
	case "outcomes-harvested":
		return harvested(src.outcomes, in.Params.ChangeType, regions, year), nil
	}
	views, err := s.yearViews(ctx, src, in, regions, year)
	if err != nil || len(views) == 0 {
		return nil, err
	}
	switch in.Rule {
	case "participants-reached":
		return reached(views), nil
	case "excluded-group-share":
		return groupShare(views, in.Params.Group), nil
	case "spaces-meeting":
		n := 0.0
		for _, v := range views {
			for _, g := range v.Groups {
				if g.Total.Dialogues > 0 {
					n++
				}
			}
		}
		return &Actual{Value: &n}, nil
	}
	return nil, nil
}

// yearViews are the released views of a year, one per region asked (one
// for every region when none is), or of the indicator's space when it is
// in those regions; spaces-meeting asks a row per space.
func (s *Service) yearViews(ctx context.Context, src sources, in framework.Indicator, regions []string, year int) ([]*View, error) {
	scope := Scope{SpaceID: in.Params.SpaceID, Pillar: in.Params.Pillar,
		From: domain.NewDate(year, time.January, 1), To: domain.NewDate(year, time.December, 31)}
	q := InclusionQuery{Scope: scope, Bucket: inclusion.NoBucket, AsOf: src.figuresAt}
	if in.Rule == "spaces-meeting" {
		q.GroupBy, q.GroupTotalsOnly = BySpace, true
	}
	scopes := []string{""}
	switch {
	case scope.SpaceID != nil && regions != nil:
		sp, ok := s.cfg.Inclusion.Space(*scope.SpaceID)
		if !ok || !slices.Contains(regions, sp.Region) {
			return nil, nil
		}
	case regions != nil:
		scopes = regions
	}
	var out []*View
	for _, region := range scopes {
		q.Region = region
		v, err := s.Inclusion(ctx, src.viewer, q)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// released adds a measure over views: nil when any part is withheld.
func released(views []*View, name string) *float64 {
	sum := 0.0
	for _, v := range views {
		m := v.Total.Get(name)
		if m == nil {
			continue // a group no one of the view belongs to
		}
		if m.Suppressed {
			return nil
		}
		sum += float64(m.Count)
	}
	return &sum
}

// reached: attendances, by sex, youth (15–35) and disability.
func reached(views []*View) *Actual {
	a := &Actual{Value: released(views, "attendance")}
	a.Withheld = a.Value == nil
	for _, d := range []struct{ name, value, measure string }{
		{"sex", "female", "women"}, {"sex", "male", "men"}, {"age", "15-35", "youth"}, {"disability", "yes", "personsWithDisabilities"},
	} {
		a.Dimensions = append(a.Dimensions, ReportDimension{Name: d.name, Value: d.value, Count: released(views, d.measure)})
	}
	return a
}

// groupShare: a group's attendances over all attendances, in percent to
// a tenth, from the two released sums.
func groupShare(views []*View, group string) *Actual {
	part, whole := released(views, "group:"+group), released(views, "attendance")
	if part == nil || whole == nil {
		return &Actual{Withheld: true}
	}
	share := 0.0
	if *whole > 0 {
		share = math.Round(*part / *whole * 1000) / 10
	}
	return &Actual{Value: &share}
}

// harvested counts the outcomes of a change type (in the regions) whose
// change came about in the year. Outcomes are changes in social actors —
// institutions, not participants — counted exactly, as commitments are;
// none without the outcomes' model.
func harvested(m *outcomes.Model, changeType string, regions []string, year int) *Actual {
	n := 0.0
	if m != nil {
		for _, region := range orEveryRegion(regions) {
			for _, o := range m.List(outcomes.Query{Region: region, ChangeType: changeType}) {
				if o.On.Year() == year {
					n++
				}
			}
		}
	}
	return &Actual{Value: &n}
}

// orEveryRegion is the regions to count in: those given, or "" for every
// region.
func orEveryRegion(regions []string) []string {
	if regions == nil {
		return []string{""}
	}
	return regions
}

// fulfilled counts the commitments (of a pillar, in the regions) fulfilled
// in the year.
func fulfilled(m *commitments.Model, pillar string, regions []string, year int) *Actual {
	n := 0.0
	for _, region := range orEveryRegion(regions) {
		for _, c := range m.List(commitments.Query{Region: region, Pillar: pillar, Status: commitment.Fulfilled}) {
			if c.SettledOn.Year() == year {
				n++
			}
		}
	}
	return &Actual{Value: &n}
}
