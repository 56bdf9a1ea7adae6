// Package space is the consultative space aggregate: a local security
// advisory committee, a community dialogue forum, a justice actors'
// exchange, a youth mediator network, a women's or youth association —
// any standing place where communities and authorities meet. Its inclusion
// targets (30 % women by default) are what analysts measure dialogues
// against.
package space

import (
	"math"
	"reflect"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "space-<ULID>".
const Category = "space"

// Kinds of consultative space.
var Kinds = []string{
	"security-advisory-committee", "community-dialogue-forum", "justice-actors-exchange",
	"youth-mediator-network", "womens-association", "youth-association", "other",
}

// DefaultWomenTarget is the default share of women, in percent: Mali's Loi
// n°2015-052 sets 30 % for appointments and programmes use it as a floor.
const DefaultWomenTarget = 30

// Targets are a space's inclusion targets, in percent of attendance. A nil
// target is not set.
type Targets struct {
	Women      *float64 `json:"women,omitempty"`
	Youth      *float64 `json:"youth,omitempty"`
	Disability *float64 `json:"disability,omitempty"`
	Displaced  *float64 `json:"displaced,omitempty"`
}

// WithDefaults gives a target that is not set its default: women always
// have one (DefaultWomenTarget unless set otherwise, 0 to follow none);
// the other measures have none unless set.
func (t Targets) WithDefaults() Targets {
	if t.Women == nil {
		t.Women = ptr(float64(DefaultWomenTarget))
	}
	return t
}

// Basis is a target in hundredths of a percent, so that whether it is met
// is decided in integers (29 of 100 meets 29 %): targets are read to a
// hundredth of a percent.
func Basis(target float64) int { return int(math.Round(target * 100)) }

// Met reports whether n of total reaches a target; never for nobody.
func Met(target float64, n, total int) bool {
	return total > 0 && n*10000 >= Basis(target)*total
}

func checkTargets(p *domain.Problems, field string, t Targets) {
	for name, v := range map[string]*float64{"women": t.Women, "youth": t.Youth, "disability": t.Disability, "displaced": t.Displaced} {
		if v != nil && (*v < 0 || *v > 100) {
			p.Add(field+"."+name, "must be between 0 and 100 (percent), not %g", *v)
		}
	}
}

// Details are a space's descriptive fields.
type Details struct {
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	Region     string     `json:"region"`
	Locality   string     `json:"locality,omitempty"`
	Pillar     string     `json:"pillar"`
	ConvenorID *domain.ID `json:"convenorId,omitempty"` // a registered stakeholder
}

func checkDetails(p *domain.Problems, d Details, env domain.Env) {
	domain.Text(p, "name", d.Name, true, 200)
	domain.OneOf(p, "kind", d.Kind, true, Kinds)
	domain.CheckRegion(p, "region", d.Region, true, env)
	domain.Text(p, "locality", d.Locality, false, 200)
	domain.OneOf(p, "pillar", d.Pillar, true, domain.Pillars)
	if d.ConvenorID != nil {
		if _, ok := domain.LookUp[domain.StakeholderFacts](env.Lookup, *d.ConvenorID); !ok {
			p.Add("convenorId", "stakeholder %s is not registered", d.ConvenorID)
		}
	}
}

// Commands. Command is sealed: these are all of them.
type (
	Command interface {
		isCommand()
		// CommandName names the command for good: the idempotency hash
		// covers it, so renaming a Go type never changes a command.
		CommandName() string
	}

	Establish struct {
		Details
		EstablishedOn domain.Date `json:"establishedOn"`
		// Targets: women's defaults to DefaultWomenTarget (see
		// Targets.WithDefaults), here and when targets are set.
		Targets *Targets `json:"targets,omitempty"`
	}
	ChangeDetails struct{ Details }
	SetTargets    struct {
		Targets Targets `json:"targets"`
	}
	Close struct {
		ClosedOn domain.Date `json:"closedOn"`
		Reason   string      `json:"reason,omitempty"`
	}
)

func (Establish) isCommand()              {}
func (ChangeDetails) isCommand()          {}
func (SetTargets) isCommand()             {}
func (Close) isCommand()                  {}
func (Establish) CommandName() string     { return "EstablishSpace" }
func (ChangeDetails) CommandName() string { return "ChangeSpaceDetails" }
func (SetTargets) CommandName() string    { return "SetSpaceTargets" }
func (Close) CommandName() string         { return "CloseSpace" }

// Events. Event is sealed: these are all of them.
type (
	Event interface {
		domain.Event
		isEvent()
	}

	Established struct {
		Details
		EstablishedOn domain.Date `json:"establishedOn"`
		Targets       Targets     `json:"targets"`
	}
	DetailsChanged struct{ Details }
	TargetsSet     struct {
		Targets Targets `json:"targets"`
	}
	Closed struct {
		ClosedOn domain.Date `json:"closedOn"`
		Reason   string      `json:"reason,omitempty"`
	}
)

func (Established) EventType() string    { return "SpaceEstablished" }
func (DetailsChanged) EventType() string { return "SpaceDetailsChanged" }
func (TargetsSet) EventType() string     { return "SpaceTargetsSet" }
func (Closed) EventType() string         { return "SpaceClosed" }
func (Established) isEvent()             {}
func (DetailsChanged) isEvent()          {}
func (TargetsSet) isEvent()              {}
func (Closed) isEvent()                  {}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{
	domain.TypeOf[Established](1), domain.TypeOf[DetailsChanged](1),
	domain.TypeOf[TargetsSet](1), domain.TypeOf[Closed](1),
}

// State is what decisions need to know of one space.
type State struct {
	Exists        bool
	Details       Details
	EstablishedOn domain.Date
	Targets       Targets
	Closed        bool
}

// Facts are what other aggregates may check of this space.
func (s State) Facts() domain.SpaceFacts {
	return domain.SpaceFacts{Region: s.Details.Region, Closed: s.Closed}
}

// Refs names the aggregates a command refers to.
func Refs(c Command) []domain.Ref {
	var d *Details
	switch c := c.(type) {
	case Establish:
		d = &c.Details
	case ChangeDetails:
		d = &c.Details
	}
	if d != nil && d.ConvenorID != nil {
		return []domain.Ref{{Category: "stakeholder", ID: *d.ConvenorID}}
	}
	return nil
}

// Decide returns the events a command produces, or every reason it is
// refused (a *domain.Problems).
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	var p domain.Problems
	if _, isNew := c.(Establish); !isNew {
		switch {
		case !s.Exists:
			return nil, domain.Reject("spaceId", "no such space")
		case s.Closed:
			return nil, domain.Reject("spaceId", "the space is closed")
		}
	}
	switch c := c.(type) {
	case Establish:
		if s.Exists {
			return nil, domain.Reject("spaceId", "the space is already established")
		}
		checkDetails(&p, c.Details, env)
		domain.CheckDate(&p, "establishedOn", c.EstablishedOn, true, env)
		var targets Targets
		if c.Targets != nil {
			targets = *c.Targets
			checkTargets(&p, "targets", targets)
		}
		return domain.Decided[Event](p, Established{Details: c.Details, EstablishedOn: c.EstablishedOn, Targets: targets.WithDefaults()})
	case ChangeDetails:
		checkDetails(&p, c.Details, env)
		if reflect.DeepEqual(c.Details, s.Details) {
			return nil, p.Err() // nothing changes
		}
		return domain.Decided[Event](p, DetailsChanged{c.Details})
	case SetTargets:
		checkTargets(&p, "targets", c.Targets)
		return domain.Decided[Event](p, TargetsSet{c.Targets.WithDefaults()})
	case Close:
		domain.CheckDate(&p, "closedOn", c.ClosedOn, true, env)
		if !c.ClosedOn.IsZero() && c.ClosedOn.Before(s.EstablishedOn) {
			p.Add("closedOn", "is before the space was established (%s)", s.EstablishedOn)
		}
		domain.Note(&p, "reason", c.Reason, false, 1000)
		return domain.Decided[Event](p, Closed{ClosedOn: c.ClosedOn, Reason: c.Reason})
	}
	panic("space: unknown command") // sealed: unreachable
}

func ptr[T any](v T) *T { return &v }

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Established:
		s.Exists, s.Details, s.EstablishedOn, s.Targets = true, e.Details, e.EstablishedOn, e.Targets
	case DetailsChanged:
		s.Details = e.Details
	case TargetsSet:
		s.Targets = e.Targets
	case Closed:
		s.Closed = true
	}
	return s
}
