package read

import (
	"testing"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain/registry"
)

// TestEveryAggregateHasAReadKind: the region rules of reads and of
// commands' references go by category, and a category without a kind
// answers as missing to everyone; a new aggregate must say who sees it.
func TestEveryAggregateHasAReadKind(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, a := range registry.Aggregates() {
		category := a.Describe().Category
		listed[category] = true
		if _, ok := s.byKind[category]; !ok {
			t.Errorf("category %q has no read kind in core/read/scope.go", category)
		}
	}
	for category := range s.byKind {
		if !listed[category] {
			t.Errorf("read kind %q is of no aggregate in registry.Aggregates", category)
		}
	}
}

// Answers kept under the read models' version, which any region's write
// moves, are only for principals who see every region.
func TestOnlyAPrincipalWhoSeesEveryRegionSharesTheVersion(t *testing.T) {
	for _, c := range []struct {
		p    access.Principal
		want bool
	}{
		{access.Principal{Role: access.Admin}, true},
		{access.Principal{Role: access.Analyst}, true},
		{access.Principal{Role: access.Advocacy}, true},
		{access.Principal{Role: access.Facilitator, Regions: []string{"gao"}}, false},
		{access.Principal{Role: access.Facilitator, Regions: []string{"gao", "mopti", "tombouctou", "bamako", "menaka"}}, false},
		{access.Principal{Role: access.Analyst, Regions: []string{"gao"}}, false},
	} {
		if got := SeesEveryRegion(c.p); got != c.want {
			t.Errorf("%s of %v: sees every region %v, want %v", c.p.Role, c.p.Regions, got, c.want)
		}
	}
}
