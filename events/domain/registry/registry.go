// Package registry knows every aggregate's event types, so that the command
// handler and the projections decode the log with one codec.
package registry

import (
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
	return domain.NewCodec(types)
}
