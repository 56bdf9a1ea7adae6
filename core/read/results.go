package read

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/outcomes"
)

// The donor report: a results framework with, per indicator and year,
// its baseline, target, actual and achievement. It leaves the alliance,
// so whoever makes it, its computed figures are those a role without
// access to identities is published (the base table's perturbed cells,
// small ones withheld): an admin's report is the analyst's, and no
// figure in it is released any other way (see indicators.go).

// Frameworks lists the results frameworks, oldest first: to every role
// that reads figures. A framework holds no record of a person.
func (s *Service) Frameworks(v Viewer) ([]frameworks.Framework, error) {
	if err := Must(v, access.ReadAggregates); err != nil {
		return nil, err
	}
	if s.cfg.Frameworks == nil {
		return nil, nil
	}
	list := s.cfg.Frameworks.List()
	for i := range list {
		list[i] = valuesInRegions(v, list[i])
	}
	return list, nil
}

// scopedToRegions: a token that may not see every region, whatever its
// role, now or later.
func scopedToRegions(v Viewer) bool { return !SeesEveryRegion(v.Principal) }

// SeesEveryRegion reports whether nothing a principal is shown depends on
// a region they may not see. Only then may a door answer them from what
// it kept under the read models' version: that version moves with any
// region's write, so a kept answer dropped (a slower answer) tells a
// facilitator polling their own figures the moments another region
// records anything.
func SeesEveryRegion(p access.Principal) bool {
	return p.Role != access.Facilitator && len(p.Regions) == 0
}

// valuesInRegions is a framework with the values entered by hand that a
// viewer may read: for a token scoped to regions, those of the partners
// whose regions are all its own; the programme's and the other partners'
// cover regions it may not see, as the donor report, refused to it, does.
func valuesInRegions(v Viewer, f frameworks.Framework) frameworks.Framework {
	f = evidenceFor(v, f)
	if !scopedToRegions(v) {
		return f
	}
	mine := map[string]bool{}
	for _, p := range f.Programme.Partners {
		mine[p.Key] = len(p.Regions) > 0 && !slices.ContainsFunc(p.Regions, func(r string) bool { return !slices.Contains(v.Regions, r) })
	}
	f.Values = slices.DeleteFunc(slices.Clone(f.Values), func(x framework.Value) bool { return !mine[x.PartnerKey] })
	return f
}

// evidenceFor is a framework whose values' evidence texts a viewer may
// read: those who enter them (admins) alone. A text may name a person or
// a meeting, and the other roles read aggregates (analysts), records
// (advocacy) or one region's (facilitators), not the alliance's notes.
func evidenceFor(v Viewer, f frameworks.Framework) frameworks.Framework {
	if v.Can(access.Administer) {
		return f
	}
	f.Values = slices.Clone(f.Values)
	for i := range f.Values {
		f.Values[i].Evidence = nil
	}
	return f
}

// Framework is one results framework; ErrNotFound when there is none of
// that id.
func (s *Service) Framework(v Viewer, id domain.ID) (frameworks.Framework, error) {
	if err := Must(v, access.ReadAggregates); err != nil {
		return frameworks.Framework{}, err
	}
	if s.cfg.Frameworks == nil {
		return frameworks.Framework{}, ErrNotFound
	}
	f, ok := s.cfg.Frameworks.Get(id)
	if !ok {
		return frameworks.Framework{}, ErrNotFound
	}
	return valuesInRegions(v, f), nil
}

// Report is a donor report as of a moment.
type Report struct {
	frameworks.Framework
	// AsOf is the moment the framework, the values entered and the
	// commitments are seen at (the moment asked, or when it was made);
	// FiguresAsOf that of the inclusion figures: the start of AsOf's
	// month, as the base table publishes past views, so that the current
	// month is never published and a report made now is the one its
	// stamp makes again later.
	AsOf, FiguresAsOf time.Time
	// Years are the years reported: the programme's, up to AsOf's.
	Years []int
	// Activities are the programme's, then, with several partners, each
	// partner's (its regions' figures and the values entered for it).
	Activities []Activity
}

// Activity is the report of the programme or of one partner.
type Activity struct {
	Partner *framework.Partner // nil: the whole programme
	Results []ResultReport
}

// ResultReport is one result under its outcome.
type ResultReport struct {
	Outcome    framework.Outcome
	Result     framework.Result
	Indicators []IndicatorReport
}

// IndicatorReport is one indicator, a period per year.
type IndicatorReport struct {
	framework.Indicator
	Periods []Period
}

// Period is one year: its target, its actual, and the achievement.
type Period struct {
	Year   int
	Target *framework.Target
	Actual *Actual
	// Achievement is the way from baseline to target covered, in percent
	// ((actual − baseline) ÷ (target − baseline) × 100, which holds for
	// descending indicators too); nil where a term is missing or withheld,
	// or the target is the baseline.
	Achievement *float64
}

// Actual is what a year achieved: computed by the indicator's rule or
// entered by hand with its evidence.
type Actual struct {
	Value *float64
	// Withheld: the released figures do not give it (a part below the
	// threshold); Value is nil and is not a zero.
	Withheld bool
	Comment  string
	// Evidence are the texts a value was entered with, and EvidenceItems
	// how many: a report that leaves the alliance keeps the number only
	// (publish.Policy.DonorReport).
	Evidence      []string
	EvidenceItems int
	Dimensions    []ReportDimension
}

// ReportDimension is a part of an actual: women among attendances.
type ReportDimension struct {
	Name, Value string
	Count       *float64 // nil when withheld
}

// ReportQuery asks for a framework's report as of a moment (zero: now).
type ReportQuery struct {
	FrameworkID domain.ID
	AsOf        time.Time
}

// ReportMoment reads a report's asOf as every door takes it: a moment
// (RFC 3339), or a date meaning the end of that day (UTC), when a report
// is said to be "as submitted on" it; zero for none. A refusal names asOf.
func ReportMoment(at string) (time.Time, error) {
	at = strings.TrimSpace(at)
	if at == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if d, derr := domain.ParseDate(at); derr == nil {
		t, err = endOfDay(d.Time()), nil
	}
	switch {
	case err != nil:
		// At most 40 characters of it: a refusal need not carry a megabyte.
		return t, BadInput("asOf", "%.40q is neither a date (2026-01-31) nor an RFC 3339 time (2026-01-31T23:59:59Z)", at)
	case t.Before(earliestReport):
		// The zero time would otherwise mean "now".
		return t, BadInput("asOf", "%s is before any record palabre keeps (%s)", at, earliestReport.Format(time.DateOnly))
	}
	return t, nil
}

// earliestReport bounds a report's moment from below: palabre was written
// after it, and the zero time means "now".
var earliestReport = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// endOfDay is the last second of t's day (UTC), the moment a date means.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 23, 59, 59, 0, time.UTC)
}

// DonorReport makes a framework's report as it stood at q.AsOf: made
// again later, with the same moment, it is the same, whatever was
// recorded since. A token scoped to regions may not make it: it covers
// every region.
func (s *Service) DonorReport(ctx context.Context, v Viewer, q ReportQuery) (*Report, error) {
	if err := Must(v, access.ReadAggregates); err != nil {
		return nil, err
	}
	if scopedToRegions(v) {
		return nil, forbidden(v, "the donor report covers every region: a token scoped to regions may not make it")
	}
	if err := s.notToCome(q.AsOf); err != nil {
		return nil, err
	}
	src, err := s.reportSources(ctx, v, q.AsOf)
	if err != nil {
		return nil, err
	}
	f, ok := src.frameworks.Get(q.FrameworkID)
	if !ok {
		return nil, ErrNotFound
	}
	r := &Report{Framework: f, AsOf: src.at, FiguresAsOf: src.figuresAt, Years: reportYears(f.Programme, src.at)}
	partners := []*framework.Partner{nil}
	if len(f.Programme.Partners) > 1 {
		for i := range f.Programme.Partners {
			partners = append(partners, &f.Programme.Partners[i])
		}
	}
	for _, p := range partners {
		a, err := s.activity(ctx, src, f, p, r.Years)
		if err != nil {
			return nil, err
		}
		r.Activities = append(r.Activities, a)
	}
	return r, nil
}

// sources are the read models a report is made from, as of its moment.
type sources struct {
	viewer      Viewer // the publication's: see publication
	at          time.Time
	figuresAt   time.Time
	frameworks  *frameworks.Model
	commitments *commitments.Model
	outcomes    *outcomes.Model
}

// reportSources are the models as recorded at a moment; now for zero.
func (s *Service) reportSources(ctx context.Context, v Viewer, at time.Time) (sources, error) {
	src := sources{viewer: publication(v), at: at, frameworks: s.cfg.Frameworks, commitments: s.cfg.Commitments, outcomes: s.cfg.Outcomes}
	if src.frameworks == nil {
		return src, ErrNotFound
	}
	if now := s.cfg.Clock().UTC(); at.IsZero() || at.After(now) {
		// Now, but with the figures of the start of the month, as any
		// moment: a report made now is the one its stamp makes again.
		// Today's date means its end, still to come: what is recorded
		// until then would change the report, so it is as of now, and
		// stamped so (found in review).
		src.at = now.Truncate(time.Second)
		src.figuresAt = MonthStart(src.at)
		return src, nil
	}
	src.at, src.figuresAt = at.UTC(), MonthStart(at)
	past, err := s.recordsAt(ctx, v, src.at)
	if err != nil {
		return src, err
	}
	src.frameworks, src.commitments, src.outcomes = past.frameworks, past.commitments, past.outcomes
	return src, nil
}

// publication is the viewer whose figures a report publishes: the
// reader's token (its replays are paced as theirs) with the role of one
// who sees no identity, so that the release is the analyst's.
func publication(v Viewer) Viewer {
	v.Principal = access.Principal{TokenID: v.TokenID, Subject: v.Subject, Role: access.Analyst}
	return v
}

// reportYears run from the programme's start to its end or the report's
// moment, whichever is first, and on to the last year with a target.
func reportYears(p framework.Programme, at time.Time) []int {
	last := at.Year()
	if !p.EndOn.IsZero() && p.EndOn.Year() < last {
		last = p.EndOn.Year()
	}
	var years []int
	for y := p.StartOn.Year(); y <= last; y++ {
		years = append(years, y)
	}
	return years
}

// activity reports every result of the framework for the programme or a
// partner.
func (s *Service) activity(ctx context.Context, src sources, f frameworks.Framework, partner *framework.Partner, years []int) (Activity, error) {
	a := Activity{Partner: partner}
	for _, res := range f.Results {
		o, _ := f.Outcome(res.OutcomeKey)
		rr := ResultReport{Outcome: o, Result: res}
		for _, in := range f.Indicators {
			if in.ResultKey != res.Key {
				continue
			}
			ir, err := s.indicatorReport(ctx, src, f, in, partner, years)
			if err != nil {
				return a, err
			}
			rr.Indicators = append(rr.Indicators, ir)
		}
		if len(rr.Indicators) > 0 {
			a.Results = append(a.Results, rr)
		}
	}
	slices.SortStableFunc(a.Results, func(x, y ResultReport) int {
		return slices.IndexFunc(f.Outcomes, func(o framework.Outcome) bool { return o.Key == x.Outcome.Key }) -
			slices.IndexFunc(f.Outcomes, func(o framework.Outcome) bool { return o.Key == y.Outcome.Key })
	})
	return a, nil
}

// indicatorReport is one indicator's periods: its target years and the
// years reported.
func (s *Service) indicatorReport(ctx context.Context, src sources, f frameworks.Framework, in framework.Indicator, partner *framework.Partner, years []int) (IndicatorReport, error) {
	ir := IndicatorReport{Indicator: in}
	all := slices.Clone(years)
	for _, t := range in.Targets {
		if !slices.Contains(all, t.Year) {
			all = append(all, t.Year)
		}
	}
	slices.Sort(all)
	for _, y := range all {
		p := Period{Year: y}
		if i := slices.IndexFunc(in.Targets, func(t framework.Target) bool { return t.Year == y }); i >= 0 {
			p.Target = &in.Targets[i]
		}
		if slices.Contains(years, y) {
			actual, err := s.actual(ctx, src, f, in, partner, y)
			if err != nil {
				return ir, err
			}
			p.Actual = actual
		}
		p.Achievement = achievement(in.Baseline.Value, p.Target, p.Actual)
		if p.Target != nil || p.Actual != nil {
			ir.Periods = append(ir.Periods, p)
		}
	}
	return ir, nil
}

// actual is a year's actual: the value entered for it (for the partner,
// or for the programme), or the rule's computation; nil for none.
func (s *Service) actual(ctx context.Context, src sources, f frameworks.Framework, in framework.Indicator, partner *framework.Partner, year int) (*Actual, error) {
	if in.Rule != "" {
		return s.computed(ctx, src, in, regionsOf(partner), year)
	}
	key := ""
	if partner != nil {
		key = partner.Key
	}
	i := slices.IndexFunc(f.Values, func(v framework.Value) bool {
		return v.IndicatorKey == in.Key && v.Year == year && v.PartnerKey == key
	})
	if i < 0 {
		return nil, nil
	}
	v := f.Values[i]
	a := &Actual{Value: v.Value, Comment: v.Comment, Evidence: v.Evidence, EvidenceItems: len(v.Evidence)}
	for _, d := range v.Dimensions {
		a.Dimensions = append(a.Dimensions, ReportDimension{Name: d.Name, Value: d.Value, Count: &d.Count})
	}
	return a, nil
}

// regionsOf are the regions a partner's figures cover; nil for every
// region.
func regionsOf(partner *framework.Partner) []string {
	if partner == nil {
		return nil
	}
	return partner.Regions
}

func achievement(baseline *float64, target *framework.Target, actual *Actual) *float64 {
	if baseline == nil || target == nil || target.Value == nil || actual == nil || actual.Value == nil || *target.Value == *baseline {
		return nil
	}
	a := (*actual.Value - *baseline) / (*target.Value - *baseline) * 100
	if math.IsNaN(a) || math.IsInf(a, 0) {
		return nil // values recorded before amounts were bounded
	}
	return &a
}
