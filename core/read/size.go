package read

import (
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/projections/inclusion"
)

// MaxRows bounds an inclusion view's buckets: ten years by month.
const MaxRows = 120

// Dates a view may name: wide enough for any programme's records, narrow
// enough that no range is a way to make work.
var (
	EarliestDate = domain.EarliestDate
	LatestDate   = domain.NewDate(2099, 12, 31)
)

// BucketNames are the buckets as the API names them.
var BucketNames = map[inclusion.Bucket]string{inclusion.NoBucket: "NONE", inclusion.Month: "MONTH", inclusion.Quarter: "QUARTER", inclusion.Year: "YEAR"}

// ViewSize is what an inclusion view would be for its viewer, before it
// runs: its rows, and what it reads — the dialogues its dates select, and
// its space's or region's spaces, regions and months (over its dialogues'
// months where an end is open).
type ViewSize struct {
	Rows, Dialogues, Spaces, Regions, Months int
}

// Groups bounds how many groups a table grouped so would have.
func (z ViewSize) Groups(by Grouping) int {
	switch by {
	case BySpace:
		return z.Spaces
	case ByRegion:
		return z.Regions
	case ByPillar:
		return len(domain.Pillars)
	case ByFormat:
		return len(dialogue.Formats)
	}
	return 0
}

// InclusionSize sizes the view q would be for v, and refuses one whose
// dates or buckets are out of bounds, as the view itself will (bounded is
// the one check for both). It reads only within the viewer's scope, as
// the view does: a facilitator's price or refusal tells nothing of
// another region's dialogues, not even when its first was held. A view
// the viewer may not see at all answers ErrNotFound, as the view will.
func (s *Service) InclusionSize(v Viewer, q InclusionQuery) (ViewSize, error) {
	mq, size, err := s.bounded(v, q)
	if err != nil {
		return ViewSize{}, err
	}
	size.Dialogues = s.cfg.Inclusion.Selected(mq)
	return size, nil
}

// bounded is q as the model reads it for v, and its size but for the
// dialogues it selects (a count a view need not make before it runs),
// or the refusal of its dates, buckets or scope.
func (s *Service) bounded(v Viewer, q InclusionQuery) (inclusion.Query, ViewSize, error) {
	for _, d := range []struct {
		name string
		date domain.Date
	}{{"from", q.From}, {"to", q.To}} {
		if !d.date.IsZero() && (d.date.Before(EarliestDate) || d.date.After(LatestDate)) {
			return inclusion.Query{}, ViewSize{}, BadInputIn(v.Language, d.name, "%s is outside the dates a view may cover (%s to %s)", d.date, EarliestDate, LatestDate)
		}
	}
	mq, err := s.query(v, q.Scope)
	if err != nil {
		return mq, ViewSize{}, err
	}
	ext := s.cfg.Inclusion.ExtentOf(mq)
	first, last := q.From, q.To
	if first.IsZero() {
		first = ext.First
	}
	if last.IsZero() {
		last = ext.Last
	}
	size := ViewSize{Rows: 1, Spaces: ext.Spaces, Regions: ext.Regions, Months: 1}
	if first.IsZero() || last.IsZero() {
		return mq, size, nil
	}
	size.Months = max(inclusion.Buckets(first, last, inclusion.Month), 1)
	if q.Bucket == inclusion.NoBucket {
		return mq, size, nil
	}
	rows := inclusion.Buckets(first, last, q.Bucket)
	if rows > MaxRows {
		return mq, ViewSize{}, BadInputIn(v.Language, "bucket", "%s buckets from %s to %s make %d rows; at most %d: narrow from and to, or use a longer bucket",
			BucketNames[q.Bucket], monthOf(q.From, first), monthOf(q.To, last), rows, MaxRows)
	}
	size.Rows = max(rows, 1)
	return mq, size, nil
}

// monthOf names an end of a view: its date when given, else the month of
// the first or last dialogue it would cover — a month, not a day, since
// the day of one dialogue is not the view's to tell.
func monthOf(given, found domain.Date) string {
	if !given.IsZero() {
		return given.String()
	}
	return found.Time().Format("2006-01")
}
