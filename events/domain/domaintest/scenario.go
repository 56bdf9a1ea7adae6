// Package domaintest runs given/when/then scenarios against a decider:
// given these past events, when this command, then these events — or a
// rejection naming exactly these fields. No store and no mocks: deciders
// are pure.
package domaintest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
)

// Today is the date scenarios run on.
var Today = domain.NewDate(2026, 3, 20)

// Scenario is one row of a decider's table.
type Scenario[C any, E any] struct {
	Name  string
	Given []E
	When  C
	// Then are the events expected; ignored when Rejects is set.
	Then []E
	// Rejects lists the fields a rejection must name, in order.
	Rejects []string
	// Facts are the other aggregates the command may refer to.
	Facts Facts
}

// Run plays each scenario.
func Run[S any, C any, E any](t *testing.T, decide func(S, C, domain.Env) ([]E, error), evolve func(S, E) S, scenarios []Scenario[C, E]) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			var s S
			for _, e := range sc.Given {
				s = evolve(s, e)
			}
			env := domain.Env{Today: Today, Reference: refdata.Default(), Lookup: sc.Facts}
			got, err := decide(s, sc.When, env)
			if sc.Rejects != nil {
				var problems *domain.Problems
				if !errors.As(err, &problems) || !errors.Is(err, domain.ErrRejected) {
					t.Fatalf("got events %+v and error %v, want a rejection naming %v", got, err, sc.Rejects)
				}
				var fields []string
				for _, p := range *problems {
					fields = append(fields, p.Field)
				}
				slices.Sort(fields)
				want := slices.Clone(sc.Rejects)
				slices.Sort(want)
				if !slices.Equal(fields, want) {
					t.Fatalf("rejection names %v, want %v (%v)", fields, want, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want events %+v", err, sc.Then)
			}
			if !reflect.DeepEqual(got, sc.Then) {
				t.Fatalf("got events\n%+v\nwant\n%+v", got, sc.Then)
			}
		})
	}
}

// Facts is a Lookup over fixed facts, for scenarios: the four kinds other
// aggregates check by name, Others for any other kind.
type Facts struct {
	Spaces       map[domain.ID]domain.SpaceFacts
	Stakeholders map[domain.ID]domain.StakeholderFacts
	Participants map[domain.ID]domain.ParticipantFacts
	Dialogues    map[domain.ID]domain.DialogueFacts
	Others       map[domain.Ref]any
}

func (f Facts) Facts(ref domain.Ref) (any, bool) {
	var v any
	var ok bool
	switch ref.Category {
	case domain.SpaceFacts{}.FactsCategory():
		v, ok = f.Spaces[ref.ID]
	case domain.StakeholderFacts{}.FactsCategory():
		v, ok = f.Stakeholders[ref.ID]
	case domain.ParticipantFacts{}.FactsCategory():
		v, ok = f.Participants[ref.ID]
	case domain.DialogueFacts{}.FactsCategory():
		v, ok = f.Dialogues[ref.ID]
	default:
		v, ok = f.Others[ref]
	}
	return v, ok
}

// ID returns a fixed id numbered n, so scenarios read the same every run.
func ID(n int) domain.ID {
	var id domain.ID
	copy(id[:], fmt.Sprintf("%016d", n))
	return id
}

// Date is a shorthand for domain.NewDate.
func Date(y int, m time.Month, d int) domain.Date { return domain.NewDate(y, m, d) }

// CheckFastDecoder decodes data with an event's hand-written decoder
// and, if it takes the input, with encoding/json, and fails unless both
// accept it and agree: the property a domain.FastDecoder promises.
func CheckFastDecoder[E any, P interface {
	*E
	DecodeJSON([]byte) bool
}](t interface{ Fatalf(string, ...any) }, data []byte) {
	var fast E
	if !P(&fast).DecodeJSON(data) {
		return
	}
	var slow E
	if err := json.Unmarshal(data, &slow); err != nil {
		t.Fatalf("the hand decoder accepted %q, encoding/json says %v", data, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q decodes by hand to\n%+v\nand by encoding/json to\n%+v", data, fast, slow)
	}
}
