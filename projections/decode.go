package projections

import (
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/registry"
)

// Decode turns a recorded event into its domain event and the id of the
// aggregate whose stream holds it ("category-<ULID>"). An event type no
// aggregate declares is an error wrapping domain.ErrUnknownEventType,
// naming it.
func Decode(codec *domain.Codec, rec events.RecordedEvent) (domain.Event, domain.ID, error) {
	e, err := codec.Decode(rec.Type, registry.SchemaVersion(rec.Metadata), rec.Data)
	if err != nil {
		return nil, domain.ID{}, err
	}
	id, err := ulid.ParseStrict(rec.Stream[strings.LastIndexByte(rec.Stream, '-')+1:])
	if err != nil {
		return nil, domain.ID{}, fmt.Errorf("stream %q has no aggregate id: %w", rec.Stream, err)
	}
	return e, id, nil
}
