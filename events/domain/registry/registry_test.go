package registry_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain/registry"
)

func TestTheRegistryHoldsEveryEventType(t *testing.T) {
	if len(registry.Codec().Types()) != 19 {
		t.Errorf("the registry holds %d event types, want 19", len(registry.Codec().Types()))
	}
}
