package read_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/space"
)

// beforeTheMove is a moment when "CCS de Gao" was still in Gao: after the
// fixture's log (March 2026), before MoveGaoToMopti (May 2026).
var beforeTheMove = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func facilitatorOf(region string) read.Viewer {
	return read.Viewer{Principal: access.Principal{Role: access.Facilitator, Regions: []string{region}, Subject: region, TokenID: "tok-" + region}, Log: zerolog.Nop()}
}

// spaceKeys are a table's groups' keys.
func spaceKeys(v *read.View) []string {
	var keys []string
	for _, g := range v.Groups {
		keys = append(keys, g.Key)
	}
	return keys
}

// A space moved from Gao to Mopti is Mopti's in every view, past ones
// too: who may see it is decided by where it is today. Found in review:
// a Gao facilitator's table as of a moment before the move listed it
// with its exact figures, which their view of today refuses, and a Mopti
// facilitator's left it out.
func TestAPastViewScopesASpaceByTheRegionItHasToday(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	f.MoveGaoToMopti(t)
	svc := f.Service(t, read.CellKey, 5)
	gao, mopti := facilitatorOf("gao"), facilitatorOf("mopti")

	// Gao today holds Bourem alone (its dialogue of 2024).
	v, err := svc.Inclusion(ctx, gao, read.InclusionQuery{AsOf: beforeTheMove, GroupBy: read.BySpace})
	if err != nil {
		t.Fatal(err)
	}
	if v.Total.Dialogues != 1 || slices.Contains(spaceKeys(v), f.Gao.String()) {
		t.Errorf("Gao's facilitator as of before the move: %d dialogues, groups %v; want 1, without the space now in Mopti (%s)", v.Total.Dialogues, spaceKeys(v), f.Gao)
	}
	if _, err := svc.Inclusion(ctx, gao, read.InclusionQuery{Scope: read.Scope{SpaceID: &f.Gao}, AsOf: beforeTheMove}); !errors.Is(err, read.ErrNotFound) {
		t.Errorf("Gao's facilitator asking for the moved space as of before the move: %v, want not found", err)
	}

	// Mopti today holds its own space and the one moved in.
	v, err = svc.Inclusion(ctx, mopti, read.InclusionQuery{AsOf: beforeTheMove, GroupBy: read.BySpace})
	if err != nil {
		t.Fatal(err)
	}
	if v.Total.Dialogues != 2 || !slices.Contains(spaceKeys(v), f.Gao.String()) {
		t.Errorf("Mopti's facilitator as of before the move: %d dialogues, groups %v; want 2, with the space moved in (%s)", v.Total.Dialogues, spaceKeys(v), f.Gao)
	}
	v, err = svc.Inclusion(ctx, mopti, read.InclusionQuery{Scope: read.Scope{SpaceID: &f.Gao, Region: "mopti"}, AsOf: beforeTheMove})
	if err != nil || v.Total.Dialogues != 1 {
		t.Errorf("Mopti's facilitator asking for the moved space in Mopti as of before the move: %v, %v; want its one dialogue", v, err)
	}
	v, err = svc.Inclusion(ctx, mopti, read.InclusionQuery{AsOf: beforeTheMove, GroupBy: read.ByRegion})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Groups) != 1 || v.Groups[0].Key != "mopti" || v.Groups[0].Total.Dialogues != 2 {
		t.Errorf("Mopti's facilitator's table by region as of before the move: %+v; want Mopti alone, with 2 dialogues", v.Groups)
	}
}

// For those who see every region, a past table by region is the
// historical truth: a space counts under the region it had then.
func TestAPastTableByRegionCountsASpaceWhereItWasThenForThoseWhoSeeEveryRegion(t *testing.T) {
	f := reporttest.New(t)
	f.MoveGaoToMopti(t)
	svc := f.Service(t, read.CellKey, 5)
	admin := read.Viewer{Principal: access.Principal{Role: access.Admin, Subject: "admin", TokenID: "tok-admin"}, Log: zerolog.Nop()}
	v, err := svc.Inclusion(context.Background(), admin, read.InclusionQuery{AsOf: beforeTheMove, GroupBy: read.ByRegion})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, g := range v.Groups {
		got[g.Key] = g.Total.Dialogues
	}
	if got["gao"] != 2 || got["mopti"] != 1 {
		t.Errorf("an admin's table by region as of before the move: %v; want gao 2, mopti 1", got)
	}
}

// A past service (At: a publication's, a report's) decides who sees an
// object by the present models too, not by the past ones it reads.
func TestAPastServiceScopesByTheRegionOfToday(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	f.MoveGaoToMopti(t)
	svc := f.Service(t, read.CellKey, 5)
	past, err := svc.At(ctx, analystViewer, beforeTheMove)
	if err != nil {
		t.Fatal(err)
	}
	moved := domain.Ref{Category: space.Category, ID: f.Gao}
	if _, ok := past.RegionOf(facilitatorOf("gao"), moved); ok {
		t.Error("the past service lets Gao's facilitator see the space now in Mopti")
	}
	if _, ok := past.RegionOf(facilitatorOf("mopti"), moved); !ok {
		t.Error("the past service hides from Mopti's facilitator the space now in Mopti")
	}
	// The moved space's two commitments (the fixture's Gao ones) go with it.
	for _, c := range []struct {
		region string
		want   int
	}{{"gao", 0}, {"mopti", 2}} {
		list, err := past.Commitments(facilitatorOf(c.region), read.CommitmentQuery{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, x := range list {
			if x.SpaceID != nil && *x.SpaceID == f.Gao {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%s's facilitator lists %d of the moved space's commitments through the past service; want %d", c.region, n, c.want)
		}
	}
	v, err := past.Inclusion(ctx, facilitatorOf("gao"), read.InclusionQuery{GroupBy: read.BySpace})
	if err != nil {
		t.Fatal(err)
	}
	if v.Total.Dialogues != 1 || slices.Contains(spaceKeys(v), f.Gao.String()) {
		t.Errorf("Gao's facilitator through the past service: %d dialogues, groups %v; want 1, without the moved space", v.Total.Dialogues, spaceKeys(v))
	}
}
