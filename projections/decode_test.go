package projections_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
)

func TestAnEventIsDecodedInTheSchemaVersionItsEnvelopeNames(t *testing.T) {
	first := synthetic.Generate(synthetic.Config{Events: 100, Seed: 1})[0][0]
	rec := events.RecordedEvent{EventData: first.Events[0], Stream: first.Stream}
	codec := registry.Codec()
	if e := projections.NewEvent(codec, rec); e.Err != nil || e.Domain == nil {
		t.Fatalf("a generated event: %+v", e)
	}
	rec.Metadata = []byte(`{"schemaVersion":"1"}`)
	e := projections.NewEvent(codec, rec)
	if !errors.Is(e.Err, events.ErrInvalidMetadata) || !strings.Contains(e.Err.Error(), first.Stream) || e.Domain != nil {
		t.Fatalf("an envelope whose version is a string: got %v, want ErrInvalidMetadata naming %s", e.Err, first.Stream)
	}
}
