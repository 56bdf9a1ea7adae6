// Package registry knows every aggregate's event types, so that the command
// handler and the projections decode the log with one codec.
package registry

import (
	"bytes"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Codec returns a codec for every event of every aggregate, with their
// upcasters.
func Codec() *domain.Codec {
	var types []domain.EventType
	for _, list := range [][]domain.EventType{space.EventTypes, stakeholder.EventTypes, participant.EventTypes, dialogue.EventTypes, commitment.EventTypes} {
		types = append(types, list...)
	}
	return domain.NewCodec(types, participant.Upcasters...)
}

// SchemaVersion reads the schema version from an event's metadata; events
// without one are version 1. It scans for the field instead of decoding the
// metadata, which would cost more than the rest of a projection's work.
func SchemaVersion(metadata []byte) int {
	const key = `"schemaVersion":`
	i := bytes.Index(metadata, []byte(key))
	if i < 0 {
		return 1
	}
	v := 0
	for _, c := range metadata[i+len(key):] {
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int(c-'0')
	}
	return max(v, 1)
}
