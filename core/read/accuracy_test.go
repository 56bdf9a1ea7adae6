package read_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

// TestPublishedSharesOfWomenStayCloseToTheTruth measures, on the demo
// data (`palabre demo`: 20,000 synthetic events, seed 1), how far the
// share of women an analyst is published lies from the true share, per
// region and year, per space and quarter, per space and month, and holds
// docs/DISCLOSURE.md's targets: a region-year within 1 percentage point
// and a space-quarter within 5, in 95 % of cells. Printed with -v:
//
//	go test ./core/read -run TestPublishedSharesOfWomen -count 1 -v
func TestPublishedSharesOfWomenStayCloseToTheTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo data")
	}
	ctx := context.Background()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := synthetic.Load(ctx, store, synthetic.Generate(synthetic.Config{Events: 20_000, Seed: 1, Unnamed: true})); err != nil {
		t.Fatal(err)
	}
	model := inclusion.NewKeyed([]byte("accuracy secret"))
	if _, _, err := projections.Replay(ctx, store, model); err != nil {
		t.Fatal(err)
	}
	svc, err := read.New(read.Config{Inclusion: model})
	if err != nil {
		t.Fatal(err)
	}
	analyst := read.Viewer{Principal: access.Principal{Role: access.Analyst, Subject: "a"}, Log: zerolog.Nop()}
	admin := read.Viewer{Principal: access.Principal{Role: access.Admin, Subject: "b"}, Log: zerolog.Nop()}
	first, last := model.Span()
	regions := map[string]bool{}
	for _, s := range model.Spaces("") {
		regions[s.Region] = true
	}
	for _, c := range []struct {
		name   string
		by     read.Grouping
		bucket inclusion.Bucket
		within float64 // points, in 95 % of cells
	}{
		{"region × year", read.ByRegion, inclusion.Year, 1},
		{"space × quarter", read.BySpace, inclusion.Quarter, 5},
		{"space × month", read.BySpace, inclusion.Month, math.Inf(1)},
	} {
		q := read.InclusionQuery{Scope: read.Scope{From: first, To: last}, Bucket: c.bucket, GroupBy: c.by}
		var errs []float64
		withheld := 0
		for region := range regions {
			if c.by == read.BySpace {
				q.Region = region
			}
			published, err := svc.Inclusion(ctx, analyst, q)
			if err != nil {
				t.Fatal(err)
			}
			exact, err := svc.Inclusion(ctx, admin, read.InclusionQuery{Scope: read.Scope{Region: q.Region, From: published.From, To: published.To}, Bucket: c.bucket, GroupBy: c.by})
			if err != nil {
				t.Fatal(err)
			}
			checkAddsUp(t, published)
			for g, group := range published.Groups {
				for r, row := range group.Rows {
					truth := exact.Groups[g].Rows[r].Figures
					if truth.Get("attendance").Count == 0 {
						continue
					}
					women := row.Figures.Get("women")
					if women.Suppressed || row.Figures.Get("attendance").Suppressed {
						withheld++
						continue
					}
					errs = append(errs, 100*math.Abs(women.Share-truth.Get("women").Share))
					checkUniqueParticipants(t, c.bucket, row.Figures.Get("uniqueParticipants"), truth.Get("uniqueParticipants"))
				}
			}
			if c.by == read.ByRegion {
				break // one table holds every region
			}
		}
		slices.Sort(errs)
		p95 := errs[len(errs)*95/100]
		t.Logf("%s: %d cells, %d withheld; error of the share of women in points: median %.2f, 95th percentile %.2f, largest %.2f",
			c.name, len(errs), withheld, errs[len(errs)/2], p95, errs[len(errs)-1])
		if p95 > c.within {
			t.Errorf("%s: 95 %% of cells within %.2f points, want %.0f", c.name, p95, c.within)
		}
	}
}

// checkUniqueParticipants: unique participants do not add across cells, so
// they are published only on their own fixed cells, a calendar year's.
func checkUniqueParticipants(t *testing.T, bucket inclusion.Bucket, published, truth *read.Measure) {
	t.Helper()
	switch {
	case bucket != inclusion.Year && !published.Suppressed:
		t.Errorf("unique participants published for a part of a year: %d", published.Count)
	case bucket == inclusion.Year && (published.Suppressed || math.Abs(float64(published.Count-truth.Count)) > 5):
		t.Errorf("a year's unique participants: published %d (withheld %v), true %d", published.Count, published.Suppressed, truth.Count)
	}
}

// checkAddsUp: a table's groups add up exactly to its total, and its rows
// to it too, each measure, when none is withheld: every figure is a sum of
// the same perturbed base cells.
func checkAddsUp(t *testing.T, v *read.View) {
	t.Helper()
	for _, name := range []string{"attendance", "women", "youth", "displaced"} {
		groups, rows := 0, 0
		for _, g := range v.Groups {
			if g.Total.Get(name).Suppressed {
				return
			}
			groups += g.Total.Get(name).Count
		}
		for _, r := range v.Rows {
			if r.Figures.Get(name).Suppressed {
				return
			}
			rows += r.Figures.Get(name).Count
		}
		if total := v.Total.Get(name).Count; groups != total || rows != total {
			t.Errorf("%s: groups add up to %d, rows to %d, the total is %d", name, groups, rows, total)
		}
	}
}
