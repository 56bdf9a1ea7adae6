package graphql

import (
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
)

// A donor report's cost is its framework's shape as it is now: each
// computed indicator of each activity and year is a view from the base
// table (a year of every space at most), and its lists are as long as the
// framework makes them; its figures are a replay to the start of the month,
// and asOf adds another (the frameworks and commitments together).

// reportShape is how long a report's lists are; in marks a selection
// within a report (whose lists are then as long as these say, none for a
// framework that does not exist).
type reportShape struct {
	in                                       bool
	activities, results, indicators, periods int
}

// reportLength is the length of one of a report's lists, by the type it
// lists; false for a list of another type.
func (s reportShape) reportLength(t gql.Type) (int, bool) {
	switch t.Name() {
	case "ReportActivity":
		return s.activities, true
	case "ReportResult":
		return s.results, true
	case "ReportIndicator":
		return s.indicators, true
	case "ReportPeriod":
		return s.periods, true
	case "ReportDimension":
		return len(framework.Dimensions) + 1, true
	}
	return 0, false
}

// reportWork is a report's shape and the work done before any field of it
// is resolved.
func (e *estimate) reportWork(args map[string]any) (reportShape, int64) {
	shape := reportShape{in: true}
	id, err := domain.ParseID("frameworkId", str(args["frameworkId"]))
	if err != nil || e.b.deps.Frameworks == nil {
		return shape, 1
	}
	f, ok := e.b.deps.Frameworks.Get(id)
	if !ok {
		return shape, 1
	}
	shape = reportShape{in: true, activities: 1, results: len(f.Results), indicators: len(f.Indicators), periods: 1}
	if len(f.Programme.Partners) > 1 {
		shape.activities += len(f.Programme.Partners)
	}
	end := f.Programme.EndOn
	if end.IsZero() {
		end = domain.DateOf(e.b.deps.Clock())
	}
	shape.periods += max(end.Year()-f.Programme.StartOn.Year(), 0)
	computed := 0
	for _, in := range f.Indicators {
		if in.Rule != "" {
			computed++
		}
		shape.periods = max(shape.periods, len(in.Targets))
	}
	// A year of the base table: its spaces' months, as the viewer may
	// see them (a scope refused costs nothing: the report is refused).
	size, _ := e.b.read.InclusionSize(e.viewer, read.InclusionQuery{Scope: read.Scope{From: domain.NewDate(end.Year(), time.January, 1), To: domain.NewDate(end.Year(), time.December, 31)}})
	year := size.Spaces * size.Months
	views := int64(shape.activities * computed * shape.periods)
	work := views * (viewCost + cellCost + int64(year)/spaceMonthsPerUnit)
	// The inclusion figures are seen at the start of the month, made now
	// or as of a moment; a moment adds the frameworks' and commitments'.
	work += asOfCost
	if at, _ := args["asOf"].(string); at != "" {
		work += asOfCost
	}
	return shape, min(work, saturate)
}

func isReportList(s reportShape, t gql.Type) bool {
	_, ok := s.reportLength(t)
	return ok
}
