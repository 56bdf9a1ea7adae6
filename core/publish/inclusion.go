package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/inclusion"
)

// Cell is one inclusion figure of a region and a year, as released.
type Cell struct {
	Region  string `json:"region"`
	Year    int    `json:"year"`
	Measure string `json:"measure"`
	// Count and Share are nil when withheld.
	Count    *int     `json:"count"`
	Share    *float64 `json:"share"`
	Withheld bool     `json:"withheld"`
	// Perturbed: the count carries the disclosure method's small noise.
	Perturbed bool `json:"perturbed"`
}

// Measures are the inclusion measures published, in order.
var Measures = []string{"attendance", "uniqueParticipants", "women", "youth", "personsWithDisabilities", "displaced"}

// FirstYear is the first year the observatory reports inclusion for.
const FirstYear = 2015

// Analyst is the reader whose figures a publication shows: one without
// access to identities, to whom the read service releases the base
// table's perturbed cells with small ones withheld.
func Analyst() read.Viewer {
	return read.Viewer{Principal: access.Principal{Role: access.Analyst, Subject: "publication", TokenID: "publication"}, Log: zerolog.Nop(), Leaves: true}
}

// inclusionCells asks the read service, as an analyst, for each year's table
// by region up to the last whole month before the cut-off, and keeps the
// published measures as they are released.
func inclusionCells(ctx context.Context, svc *read.Service, p Policy) ([]Cell, domain.Date, error) {
	to := p.lastWholeMonth()
	perturbed := svc.FromBaseTable(Analyst().Principal)
	var out []Cell
	for year := FirstYear; year <= to.Year(); year++ {
		end := domain.NewDate(year, time.December, 31)
		if end.After(to) {
			end = to
		}
		q := read.InclusionQuery{Scope: read.Scope{From: domain.NewDate(year, time.January, 1), To: end},
			Bucket: inclusion.NoBucket, GroupBy: read.ByRegion, GroupTotalsOnly: true}
		view, err := svc.Inclusion(ctx, Analyst(), q)
		if err != nil {
			return nil, to, fmt.Errorf("publish: inclusion in %d: %w", year, err)
		}
		for _, g := range view.Groups {
			if g.Total == nil || g.Total.Dialogues == 0 {
				continue
			}
			out = append(out, cells(g.Key, year, g.Total, perturbed)...)
		}
	}
	return out, to, nil
}

// cells copies the published measures of one region's year, withheld
// ones without a value.
func cells(region string, year int, f *read.Figures, perturbed bool) []Cell {
	var out []Cell
	for _, name := range Measures {
		m := f.Get(name)
		if m == nil {
			continue
		}
		c := Cell{Region: region, Year: year, Measure: name, Withheld: m.Suppressed, Perturbed: perturbed && !m.Suppressed}
		if !m.Suppressed {
			count, share := m.Count, m.Share
			c.Count, c.Share = &count, &share
		}
		out = append(out, c)
	}
	return out
}
