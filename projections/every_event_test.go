package projections_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// Every read model sees every event of $all: one that stops on another
// aggregate's event stops serving. Read models pass over the aggregates
// they do not read without naming them (the merge of two aggregates
// written side by side once met a list that did not name the other).
func TestEveryReadModelKnowsEveryEventType(t *testing.T) {
	models := []projections.Projection{inclusion.New(), commitments.New(time.Now), stakeholders.New(),
		participants.New(nil), outcomes.New(), frameworks.New()}
	for _, typ := range registry.Codec().Types() {
		zero := reflect.ValueOf(typ.New()).Elem().Interface()
		ev := projections.Event{Domain: zero.(domain.Event), AggregateID: ulid.Make()}
		ev.Record.Type = typ.Name
		for _, m := range models {
			if err := apply(m, ev); errors.Is(err, domain.ErrUnknownEventType) {
				t.Errorf("%s does not know %s: %v", m.Name(), typ.Name, err)
			}
		}
	}
}

// apply folds one event, taking a panic on a zero event for an answer
// (the event is known, only empty).
func apply(m projections.Projection, ev projections.Event) (err error) {
	defer func() { _ = recover() }()
	return m.Apply(ev)
}
