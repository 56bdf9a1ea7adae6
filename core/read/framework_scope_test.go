package read_test

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/events/domain/framework"
)

// TestAFrameworkShowsATokenOfRegionsOnlyItsPartnersValues: the donor
// report is refused to a token scoped to regions (it covers every
// region), so the values entered by hand that it reports — with their
// evidence, which the report itself never lists — are not read through
// the framework either, save a partner's whose regions are all the
// token's. The fixture's value I6 is entered for Mopti's partner.
func TestAFrameworkShowsATokenOfRegionsOnlyItsPartnersValues(t *testing.T) {
	f := reporttest.New(t)
	svc := f.Service(t, read.CellKey, 5)
	for _, c := range []struct {
		regions []string
		role    access.Role
		want    int // values of the fixture's I6, entered for Mopti's partner
	}{
		{[]string{"gao"}, access.Facilitator, 0},
		{[]string{"gao"}, access.Analyst, 0},
		{[]string{"mopti"}, access.Facilitator, 1},
		{nil, access.Analyst, 1},
	} {
		v := read.Viewer{Principal: access.Principal{Role: c.role, Regions: c.regions, Subject: "s", TokenID: "t"}, Log: zerolog.Nop()}
		fw, err := svc.Framework(v, f.FrameworkID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := svc.Frameworks(v)
		if err != nil || len(list) != 1 {
			t.Fatalf("frameworks: %v %v", list, err)
		}
		for door, values := range map[string]int{"framework": countI6(fw.Values), "frameworks": countI6(list[0].Values)} {
			if values != c.want {
				t.Errorf("%s of %v through %s: %d values of I6, want %d", c.role, c.regions, door, values, c.want)
			}
		}
	}
}

func countI6(values []framework.Value) int {
	n := 0
	for _, v := range values {
		if v.IndicatorKey == "I6" {
			n++
		}
	}
	return n
}
