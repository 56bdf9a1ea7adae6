package read

import (
	"testing"

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
