package framework

import (
	"reflect"
	"slices"

	"github.com/palabre/palabre/events/domain"
)

// Commands. Command is sealed.
type (
	Command interface {
		isCommand()
		// CommandName names the command for good: the idempotency hash
		// covers it.
		CommandName() string
	}
	Define        struct{ Programme }
	ChangeDetails struct{ Programme }
	SetOutcome    struct{ Outcome }
	SetResult     struct{ Result }
	SetIndicator  struct{ Indicator }
	RecordValue   struct{ Value }
)

func (Define) isCommand()                 {}
func (ChangeDetails) isCommand()          {}
func (SetOutcome) isCommand()             {}
func (SetResult) isCommand()              {}
func (SetIndicator) isCommand()           {}
func (RecordValue) isCommand()            {}
func (Define) CommandName() string        { return "DefineFramework" }
func (ChangeDetails) CommandName() string { return "ChangeFrameworkDetails" }
func (SetOutcome) CommandName() string    { return "SetFrameworkOutcome" }
func (SetResult) CommandName() string     { return "SetFrameworkResult" }
func (SetIndicator) CommandName() string  { return "SetFrameworkIndicator" }
func (RecordValue) CommandName() string   { return "RecordIndicatorValue" }

// Events. Event is sealed.
type (
	Event interface {
		domain.Event
		isEvent()
	}
	Defined        struct{ Programme }
	DetailsChanged struct{ Programme }
	OutcomeSet     struct{ Outcome }
	ResultSet      struct{ Result }
	IndicatorSet   struct{ Indicator }
	ValueRecorded  struct{ Value }
)

func (Defined) EventType() string        { return "FrameworkDefined" }
func (DetailsChanged) EventType() string { return "FrameworkDetailsChanged" }
func (OutcomeSet) EventType() string     { return "FrameworkOutcomeSet" }
func (ResultSet) EventType() string      { return "FrameworkResultSet" }
func (IndicatorSet) EventType() string   { return "FrameworkIndicatorSet" }
func (ValueRecorded) EventType() string  { return "IndicatorValueRecorded" }
func (Defined) isEvent()                 {}
func (DetailsChanged) isEvent()          {}
func (OutcomeSet) isEvent()              {}
func (ResultSet) isEvent()               {}
func (IndicatorSet) isEvent()            {}
func (ValueRecorded) isEvent()           {}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{
	domain.TypeOf[Defined](1), domain.TypeOf[DetailsChanged](1), domain.TypeOf[OutcomeSet](1),
	domain.TypeOf[ResultSet](1), domain.TypeOf[IndicatorSet](1), domain.TypeOf[ValueRecorded](1),
}

// State is a whole framework, in the order its parts were first set:
// the read model keeps it as it is, and reports list it in that order.
type State struct {
	Exists     bool
	Programme  Programme
	Outcomes   []Outcome
	Results    []Result
	Indicators []Indicator
	// Values entered by hand, the latest for each indicator, year and
	// partner.
	Values []Value
}

// Outcome is the outcome of that key.
func (s State) Outcome(key string) (Outcome, bool) { return find(s.Outcomes, key, Outcome.key) }

// Result is the result of that key.
func (s State) Result(key string) (Result, bool) { return find(s.Results, key, Result.key) }

// Indicator is the indicator of that key.
func (s State) Indicator(key string) (Indicator, bool) { return find(s.Indicators, key, Indicator.key) }

// Partner is the partner of that key.
func (s State) Partner(key string) (Partner, bool) {
	return find(s.Programme.Partners, key, Partner.key)
}

func (o Outcome) key() string   { return o.Key }
func (r Result) key() string    { return r.Key }
func (i Indicator) key() string { return i.Key }
func (p Partner) key() string   { return p.Key }

func find[T any](list []T, key string, keyOf func(T) string) (T, bool) {
	i := slices.IndexFunc(list, func(x T) bool { return keyOf(x) == key })
	if i < 0 {
		var zero T
		return zero, false
	}
	return list[i], true
}

// put replaces the element of x's key, or appends it.
func put[T any](list []T, x T, keyOf func(T) string) []T {
	i := slices.IndexFunc(list, func(y T) bool { return keyOf(y) == keyOf(x) })
	if i < 0 {
		return append(slices.Clone(list), x)
	}
	out := slices.Clone(list)
	out[i] = x
	return out
}

func (v Value) slot() string { return v.IndicatorKey + "\x00" + itoa(v.Year) + "\x00" + v.PartnerKey }

// Refs names the aggregates a command refers to: an indicator's space.
func Refs(c Command) []domain.Ref {
	if i, ok := c.(SetIndicator); ok && i.Params.SpaceID != nil {
		return []domain.Ref{{Category: "space", ID: *i.Params.SpaceID}}
	}
	return nil
}

// Decide returns the events a command produces, or every reason it is
// refused; setting a part to what it already is produces none.
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	if _, creates := c.(Define); creates == s.Exists {
		if s.Exists {
			return nil, domain.Reject("frameworkId", "the framework is already defined")
		}
		return nil, domain.Reject("frameworkId", "no such framework")
	}
	var p domain.Problems
	var e Event
	switch c := c.(type) {
	case Define:
		checkProgramme(&p, c.Programme, env)
		e = Defined(c)
	case ChangeDetails:
		checkProgramme(&p, c.Programme, env)
		checkPartnersKept(&p, s, c.Programme)
		e = DetailsChanged(c)
	case SetOutcome:
		checkOutcome(&p, c.Outcome)
		e = OutcomeSet(c)
	case SetResult:
		checkResult(&p, s, c.Result)
		e = ResultSet(c)
	case SetIndicator:
		checkIndicator(&p, s, c.Indicator, env)
		e = IndicatorSet(c)
	case RecordValue:
		checkValue(&p, s, c.Value)
		e = ValueRecorded(c)
	default:
		panic("framework: unknown command")
	}
	if err := p.Err(); err != nil || unchanged(s, e) {
		return nil, err
	}
	return []Event{e}, nil
}

// unchanged: the event would leave the state as it is.
func unchanged(s State, e Event) bool {
	return s.Exists && reflect.DeepEqual(Evolve(s, e), s)
}

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Defined:
		s.Exists, s.Programme = true, e.Programme
	case DetailsChanged:
		s.Programme = e.Programme
	case OutcomeSet:
		s.Outcomes = put(s.Outcomes, e.Outcome, Outcome.key)
	case ResultSet:
		s.Results = put(s.Results, e.Result, Result.key)
	case IndicatorSet:
		s.Indicators = put(s.Indicators, e.Indicator, Indicator.key)
	case ValueRecorded:
		s.Values = put(s.Values, e.Value, Value.slot)
	}
	return s
}
