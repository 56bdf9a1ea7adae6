// Package stakeholder is the stakeholder aggregate: an organisation or
// office that takes part in dialogues or makes commitments — a governor, a
// préfet, a mayor, a FAMa unit, the gendarmerie, a court, a village chief,
// a cadi, a civil-society organisation, a radio station.
package stakeholder

import (
	"reflect"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "stakeholder-<ULID>".
const Category = "stakeholder"

// Types of stakeholder.
var Types = []string{
	"governor", "prefect", "sub-prefect", "mayor", "municipal-council", "fama-unit", "gendarmerie",
	"police", "national-guard", "court", "prosecutor", "village-chief", "traditional-authority",
	"cadi", "religious-leader", "cso", "womens-association", "youth-association", "media",
	"ministry", "international-organisation", "other",
}

// Levels at which a stakeholder acts.
var Levels = []string{"local", "regional", "national", "international"}

// Profile is a stakeholder's descriptive fields.
type Profile struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Level string `json:"level"`
	// Region is required for local and regional stakeholders.
	Region string `json:"region,omitempty"`
}

func checkProfile(p *domain.Problems, pr Profile, env domain.Env) {
	domain.Text(p, "name", pr.Name, true, 200)
	domain.OneOf(p, "type", pr.Type, true, Types)
	domain.OneOf(p, "level", pr.Level, true, Levels)
	domain.CheckRegion(p, "region", pr.Region, pr.Level == "local" || pr.Level == "regional", env)
}

// Commands. Command is sealed.
type (
	Command interface {
		isCommand()
		// CommandName names the command for good: the idempotency hash
		// covers it, so renaming a Go type never changes a command.
		CommandName() string
	}
	Register      struct{ Profile }
	ChangeDetails struct{ Profile }
)

func (Register) isCommand()               {}
func (ChangeDetails) isCommand()          {}
func (Register) CommandName() string      { return "RegisterStakeholder" }
func (ChangeDetails) CommandName() string { return "ChangeStakeholderDetails" }

// Events. Event is sealed.
type (
	Event interface {
		domain.Event
		isEvent()
	}
	Registered     struct{ Profile }
	DetailsChanged struct{ Profile }
)

func (Registered) EventType() string     { return "StakeholderRegistered" }
func (DetailsChanged) EventType() string { return "StakeholderDetailsChanged" }
func (Registered) isEvent()              {}
func (DetailsChanged) isEvent()          {}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{domain.TypeOf[Registered](1), domain.TypeOf[DetailsChanged](1)}

// State is what decisions need to know of one stakeholder.
type State struct {
	Exists  bool
	Profile Profile
}

// Facts are what other aggregates may check of this stakeholder.
func (s State) Facts() domain.StakeholderFacts {
	return domain.StakeholderFacts{Region: s.Profile.Region}
}

// Refs names the aggregates a command refers to: none.
func Refs(Command) []domain.Ref { return nil }

// Decide returns the events a command produces, or every reason it is
// refused.
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	var p domain.Problems
	switch c := c.(type) {
	case Register:
		if s.Exists {
			return nil, domain.Reject("stakeholderId", "the stakeholder is already registered")
		}
		checkProfile(&p, c.Profile, env)
		return domain.Decided[Event](p, Registered{c.Profile})
	case ChangeDetails:
		if !s.Exists {
			return nil, domain.Reject("stakeholderId", "no such stakeholder")
		}
		checkProfile(&p, c.Profile, env)
		if reflect.DeepEqual(c.Profile, s.Profile) {
			return nil, p.Err()
		}
		return domain.Decided[Event](p, DetailsChanged{c.Profile})
	}
	panic("stakeholder: unknown command")
}

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Registered:
		s.Exists, s.Profile = true, e.Profile
	case DetailsChanged:
		s.Profile = e.Profile
	}
	return s
}
