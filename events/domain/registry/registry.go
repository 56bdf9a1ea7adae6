package registry

import (
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Aggregates are every aggregate, one line each.
func Aggregates() []domain.Described {
	return []domain.Described{
		space.Aggregate,
		stakeholder.Aggregate,
		participant.Aggregate,
		dialogue.Aggregate,
		commitment.Aggregate,
		outcome.Aggregate,
		framework.Aggregate,
	}
}

// Of is the aggregate a command is of; false for a value no aggregate
// has as a command.
func Of(cmd any) (domain.Described, bool) {
	for _, a := range Aggregates() {
		if a.Owns(cmd) {
			return a, true
		}
	}
	return nil, false
}

// Codec returns a codec for every event of every aggregate, with their
// upcasters.
func Codec() *domain.Codec {
	var types []domain.EventType
	var upcasters []domain.Upcaster
	for _, a := range Aggregates() {
		d := a.Describe()
		types, upcasters = append(types, d.Events...), append(upcasters, d.Upcasters...)
	}
	return domain.NewCodec(types, upcasters...)
}

// Summaries say in a line what each event type of every aggregate means,
// never a value, by the type's name.
func Summaries() map[string]domain.Label {
	out := map[string]domain.Label{}
	for _, a := range Aggregates() {
		for name, s := range a.Describe().Summaries {
			out[name] = s
		}
	}
	return out
}

// On is the business date an event is about; zero for none.
func On(e domain.Event) domain.Date {
	for _, a := range Aggregates() {
		if d, ok := a.OnOf(e); ok {
			return d
		}
	}
	return domain.Date{}
}

// Vocabularies are the domain's closed sets of codes with their labels:
// the pillars, then each aggregate's.
func Vocabularies() []domain.Vocabulary {
	list := []domain.Vocabulary{domain.PillarVocabulary}
	for _, a := range Aggregates() {
		list = append(list, a.Describe().Vocabularies...)
	}
	return list
}
