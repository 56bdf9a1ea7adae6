package domain_test

import (
	"reflect"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	. "github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

var (
	gaoSpace, mayor, ministry = ID(1), ID(2), ID(3)
	env                       = domain.Env{Today: Today, Reference: refdata.Default(), Lookup: Facts{
		Spaces:       map[domain.ID]domain.SpaceFacts{gaoSpace: {Region: "gao"}},
		Stakeholders: map[domain.ID]domain.StakeholderFacts{mayor: {Region: "gao"}, ministry: {}},
	}}
)

func TestWhereAfterIsTheRegionACommandPutsAnObjectIn(t *testing.T) {
	spaceOf := func(id domain.ID) domain.Where { return domain.Where{Of: &domain.Ref{Category: "space", ID: id}} }
	check := func(name string, got domain.Where, err error, want domain.Where) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v (%v), want %+v", name, got, err, want)
		}
	}
	// Puts says it from the command alone, before any decision.
	puts := func(name string, a domain.Described, cmd any, want domain.Where, wantField string) {
		t.Helper()
		got, field, ok := a.PutsOf(cmd)
		if !ok || field != wantField || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Puts says %+v by %q (%v), want %+v by %q", name, got, field, ok, want, wantField)
		}
	}
	details := space.Details{Name: "Comité", Kind: "other", Region: "gao", Pillar: "security"}
	got, err := space.Aggregate.WhereAfter(space.State{}, space.Establish{Details: details, EstablishedOn: Today}, env)
	check("a space established in Gao", got, err, domain.Where{Region: "gao"})
	puts("a space established in Gao", space.Aggregate, space.Establish{Details: details}, domain.Where{Region: "gao"}, "region")
	if _, _, ok := space.Aggregate.PutsOf(space.Close{}); ok {
		t.Error("closing a space moves it")
	}
	moved := details
	moved.Region = "mopti"
	established := space.Aggregate.Fold(space.State{}, []space.Event{space.Established{Details: details}})
	got, err = space.Aggregate.WhereAfter(established, space.ChangeDetails{Details: moved}, env)
	check("a space moved to Mopti", got, err, domain.Where{Region: "mopti"})

	national := stakeholder.Profile{Name: "Ministère", Type: "ministry", Level: "national"}
	got, err = stakeholder.Aggregate.WhereAfter(stakeholder.State{}, stakeholder.Register{Profile: national}, env)
	check("a national stakeholder", got, err, domain.Where{})

	got, err = dialogue.Aggregate.WhereAfter(dialogue.State{}, dialogue.Hold{Record: dialogue.Record{SpaceID: gaoSpace, HeldOn: Today,
		Format: "workshop", Pillar: "security", Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultMen: 3}}}}, env)
	check("a dialogue", got, err, spaceOf(gaoSpace))
	puts("a dialogue", dialogue.Aggregate, dialogue.Hold{Record: dialogue.Record{SpaceID: gaoSpace}}, spaceOf(gaoSpace), "spaceId")

	promise := commitment.Promise{StakeholderID: ministry, Text: "Ouvrir un bureau", Pillar: "justice", MadeOn: Today}
	got, err = commitment.Aggregate.WhereAfter(commitment.State{}, commitment.Make{Promise: promise}, env)
	check("a commitment of no space", got, err, domain.Where{Of: &domain.Ref{Category: "stakeholder", ID: ministry}})
	puts("a commitment of no space", commitment.Aggregate, commitment.Make{Promise: promise}, domain.Where{Of: &domain.Ref{Category: "stakeholder", ID: ministry}}, "stakeholderId")
	promise.SpaceID = &gaoSpace
	got, err = commitment.Aggregate.WhereAfter(commitment.State{}, commitment.Make{Promise: promise}, env)
	check("a commitment at a space", got, err, spaceOf(gaoSpace))

	if _, err := space.Aggregate.WhereAfter(space.State{}, space.Close{ClosedOn: Today}, env); err == nil {
		t.Error("a refused command has a region")
	}
}

func TestFactsOfRefusesAnotherAggregatesEvent(t *testing.T) {
	facts, exists, err := space.Aggregate.FactsOf([]domain.Event{space.Established{Details: space.Details{Region: "gao"}}, space.Closed{}})
	if err != nil || !exists || facts != (domain.SpaceFacts{Region: "gao", Closed: true}) {
		t.Errorf("got %+v, %v, %v", facts, exists, err)
	}
	if _, _, err := space.Aggregate.FactsOf([]domain.Event{dialogue.Held{}}); err == nil {
		t.Error("a dialogue's event folded into a space")
	}
	if _, exists, _ := commitment.Aggregate.FactsOf([]domain.Event{commitment.Made{}}); !exists {
		t.Error("a commitment without facts does not exist")
	}
}
