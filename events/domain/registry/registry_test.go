package registry_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain/registry"
)

func TestSchemaVersionIsReadFromMetadata(t *testing.T) {
	for md, want := range map[string]int{
		`{"commandId":"x","schemaVersion":3,"recordedBy":"y"}`: 3,
		`{"schemaVersion":12}`:                                 12,
		`{"commandId":"x"}`:                                    1,
		``:                                                     1,
		`{"schemaVersion":0}`:                                  1,
	} {
		if got := registry.SchemaVersion([]byte(md)); got != want {
			t.Errorf("%s: got %d, want %d", md, got, want)
		}
	}
	if len(registry.Codec().Types()) != 19 {
		t.Errorf("the registry holds %d event types, want 19", len(registry.Codec().Types()))
	}
}
