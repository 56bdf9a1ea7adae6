package domain

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Aggregate is how an aggregate describes itself, once, in its own
// package. The registry lists every aggregate's; the codec, the command
// handler's aggregates, histories, event schemas and the vocabulary are
// derived from that list, the read service's kinds are checked against
// it, and its tests fail when a part is missing.
//
// C is any type rather than Command so that code generic over an
// aggregate's types (C any) can name one; every command has a
// CommandName, which the registry's tests check.
type Aggregate[S any, C any, E Event] struct {
	// Category names its streams: "category-<ULID>".
	Category string
	// Events are its event types at their current versions, with their
	// decoders, and Upcasters lift each older version to the next.
	Events    []EventType
	Upcasters []Upcaster
	// Commands are its sealed set of commands, one zero value of each.
	Commands []C
	// Creation is the command that creates it (its id is then the
	// command's id).
	Creation C

	Decide func(S, C, Env) ([]E, error)
	Evolve func(S, E) S
	// Refs names the other aggregates a command refers to, whose facts
	// the handler loads before deciding.
	Refs   func(C) []Ref
	Exists func(S) bool
	// Facts are what other aggregates' deciders may check of it (a
	// SpaceFacts, a DialogueFacts…: a Fact of its category, which they
	// read with LookUp); nil when none refers to it.
	Facts func(S) any
	// Where is the region it is in, as far as its own stream knows.
	Where func(S) Where
	// Puts is where a command puts it, and the command's field that says
	// so; ok is false for a command that leaves it where it was.
	Puts func(C) (w Where, field string, ok bool)
	// Place is a command that Puts in a region of its own with that
	// region set to another: a region a person named by its name, given
	// as its code before the command is decided. Required when a command
	// puts a region itself.
	Place func(C, string) C

	// Summaries say in a line what each event type means, by its name,
	// in French and English: a history shows them in its reader's
	// language. Never a value, which could hold a name.
	Summaries map[string]Label
	// On is the business date an event is about, zero for none; nil when
	// no event has one.
	On func(E) Date
	// Vocabularies are the closed sets of codes its commands take.
	Vocabularies []Vocabulary
}

// Where is the region an object is in: a region code, or that of another
// object it belongs to (a dialogue is of its space's region), or neither:
// an object of no region (a national stakeholder) is everyone's.
type Where struct {
	Region string
	Of     *Ref
}

// Label is a code's label in the languages palabre speaks: French, then
// English.
type Label [2]string

func (l Label) French() string  { return l[0] }
func (l Label) English() string { return l[1] }

// In is the label in a language ("fr" or "en"); French otherwise.
func (l Label) In(language string) string {
	if language == "en" {
		return l.English()
	}
	return l.French()
}

// Vocabulary is a closed set of codes the domain stores, with the label
// people read in each language, so that no client hard-codes one.
type Vocabulary struct {
	Name   string // the GraphQL enum's, e.g. "SpaceKind"
	Codes  []string
	Labels map[string]Label
}

// Pillars are the programme's three areas of work, shared by spaces,
// dialogues and commitments.
var Pillars = []string{"security", "justice", "inclusion"}

// ChangeTypes are the kinds of change outcome harvesting names: an
// outcome has one, and a results framework counts the outcomes of one.
var ChangeTypes = []string{"policy", "practice", "relationship", "agenda", "action"}

// PillarVocabulary labels the pillars.
var PillarVocabulary = Vocabulary{"Pillar", Pillars, map[string]Label{
	"security": {"Sécurité", "Security"}, "justice": {"Justice", "Justice"}, "inclusion": {"Inclusion", "Inclusion"}}}

// Description is an aggregate's description without its Go types: what
// the lists derived from every aggregate need.
type Description struct {
	Category     string
	Events       []EventType
	Upcasters    []Upcaster
	Commands     []string // their names
	Creation     string
	Summaries    map[string]Label
	Vocabularies []Vocabulary
}

// Described is any aggregate's descriptor, whatever its types: an entry
// of the registry's list.
type Described interface {
	Describe() Description
	// FactsOf folds an object's events and returns its facts, and whether
	// it exists. It fails on an event of another aggregate.
	FactsOf(events []Event) (facts any, exists bool, err error)
	// OnOf is the business date an event of this aggregate is about;
	// false for another aggregate's event.
	OnOf(e Event) (Date, bool)
	// Owns reports whether a command is one of this aggregate's.
	Owns(cmd any) bool
	// IsCreation reports whether a command is the one that creates it.
	IsCreation(cmd any) bool
	// DecideAny, EvolveAny, RefsAny and WhereAny are Decide, Evolve, Refs
	// and Where over values of any type, for the command handler, which
	// runs every aggregate's commands with one Execute. A nil state is
	// the zero state; a value of another aggregate's type is refused.
	DecideAny(state, cmd any, env Env) ([]Event, error)
	EvolveAny(state any, e Event) (any, error)
	RefsAny(cmd any) []Ref
	WhereAny(state any) Where
	// PutsOf is where one of its commands puts it (see Aggregate.Puts);
	// ok is false too for another aggregate's command.
	PutsOf(cmd any) (w Where, field string, ok bool)
	// PlaceAny is Place over a command of any type; ok is false for a
	// command that puts no region of its own, or another aggregate's.
	PlaceAny(cmd any, region string) (placed any, ok bool)
	// Missing names every part the descriptor lacks; none when complete.
	Missing() []string
}

var _ Described = (*Aggregate[struct{}, Command, Event])(nil)

// Describe returns the description.
func (a *Aggregate[S, C, E]) Describe() Description {
	names := make([]string, len(a.Commands))
	for i, c := range a.Commands {
		names[i] = CommandName(c)
	}
	return Description{Category: a.Category, Events: slices.Clone(a.Events), Upcasters: slices.Clone(a.Upcasters), Commands: names,
		Creation: CommandName(a.Creation), Summaries: maps.Clone(a.Summaries), Vocabularies: slices.Clone(a.Vocabularies)}
}

// CommandName is a command's name; "" for a value that is no Command.
func CommandName(c any) string {
	if named, ok := c.(Command); ok {
		return named.CommandName()
	}
	return ""
}

// Owns reports whether a command is one of this aggregate's.
func (a *Aggregate[S, C, E]) Owns(cmd any) bool {
	_, ok := cmd.(C)
	return ok
}

// puts is Puts, or nothing without it.
func (a *Aggregate[S, C, E]) puts(c C) (Where, string, bool) {
	if a.Puts == nil {
		return Where{}, "", false
	}
	return a.Puts(c)
}

// PutsOf is where a command puts the object.
func (a *Aggregate[S, C, E]) PutsOf(cmd any) (Where, string, bool) {
	c, ok := cmd.(C)
	if !ok {
		return Where{}, "", false
	}
	return a.Puts(c)
}

// PlaceAny is a command with the region it puts the object in set.
func (a *Aggregate[S, C, E]) PlaceAny(cmd any, region string) (any, bool) {
	c, ok := cmd.(C)
	if !ok || a.Place == nil {
		return cmd, false
	}
	if w, _, puts := a.Puts(c); !puts || w.Of != nil {
		return cmd, false
	}
	return a.Place(c, region), true
}

// IsCreation reports whether a command is the one that creates it.
func (a *Aggregate[S, C, E]) IsCreation(cmd any) bool {
	c, ok := cmd.(C)
	return ok && a.Creates(c)
}

// ErrOtherAggregate: a command, an event or a state given to an
// aggregate that is another's.
var ErrOtherAggregate = errors.New("of another aggregate")

// DecideAny decides a command of this aggregate.
func (a *Aggregate[S, C, E]) DecideAny(state, cmd any, env Env) ([]Event, error) {
	s, err := a.stateOf(state)
	if err != nil {
		return nil, err
	}
	c, ok := cmd.(C)
	if !ok {
		return nil, fmt.Errorf("%s: command %T: %w", a.Category, cmd, ErrOtherAggregate)
	}
	decided, err := a.Decide(s, c, env)
	out := make([]Event, len(decided))
	for i, e := range decided {
		out[i] = e
	}
	return out, err
}

// EvolveAny folds one event of this aggregate into a state.
func (a *Aggregate[S, C, E]) EvolveAny(state any, e Event) (any, error) {
	s, err := a.stateOf(state)
	if err != nil {
		return nil, err
	}
	own, ok := e.(E)
	if !ok {
		return nil, fmt.Errorf("%s: event %s: %w", a.Category, e.EventType(), ErrOtherAggregate)
	}
	return a.Evolve(s, own), nil
}

// RefsAny names what a command of this aggregate refers to; nothing for
// another's.
func (a *Aggregate[S, C, E]) RefsAny(cmd any) []Ref {
	if c, ok := cmd.(C); ok {
		return a.Refs(c)
	}
	return nil
}

// WhereAny is where an object in this state is.
func (a *Aggregate[S, C, E]) WhereAny(state any) Where {
	s, _ := a.stateOf(state)
	return a.Where(s)
}

func (a *Aggregate[S, C, E]) stateOf(state any) (S, error) {
	var zero S
	if state == nil {
		return zero, nil
	}
	s, ok := state.(S)
	if !ok {
		return zero, fmt.Errorf("%s: state %T: %w", a.Category, state, ErrOtherAggregate)
	}
	return s, nil
}

// Creates reports whether a command creates the aggregate.
func (a *Aggregate[S, C, E]) Creates(c C) bool { return CommandName(c) == CommandName(a.Creation) }

// Fold folds events into a state.
func (a *Aggregate[S, C, E]) Fold(s S, events []E) S {
	for _, e := range events {
		s = a.Evolve(s, e)
	}
	return s
}

// FactsOf folds an object's events into its facts.
func (a *Aggregate[S, C, E]) FactsOf(events []Event) (any, bool, error) {
	var s S
	for _, e := range events {
		own, ok := e.(E)
		if !ok {
			return nil, false, fmt.Errorf("%s: event %s belongs to another aggregate", a.Category, e.EventType())
		}
		s = a.Evolve(s, own)
	}
	if !a.Exists(s) || a.Facts == nil {
		return nil, a.Exists(s), nil
	}
	return a.Facts(s), true, nil
}

// OnOf is the business date an event is about.
func (a *Aggregate[S, C, E]) OnOf(e Event) (Date, bool) {
	own, ok := e.(E)
	if !ok {
		return Date{}, false
	}
	if a.On == nil {
		return Date{}, true
	}
	return a.On(own), true
}

// WhereAfter is the region an object is in once a command is done: the
// command decided against its state, its events folded. A command that
// is refused returns the refusal.
func (a *Aggregate[S, C, E]) WhereAfter(s S, c C, env Env) (Where, error) {
	events, err := a.Decide(s, c, env)
	if err != nil {
		return Where{}, err
	}
	return a.Where(a.Fold(s, events)), nil
}

// Missing names every part the descriptor lacks: a function, a command's
// name, the creation among the commands, an event's summary, a code's
// label. The registry's tests call it for every aggregate.
func (a *Aggregate[S, C, E]) Missing() []string {
	var out []string
	need := func(ok bool, part string, args ...any) {
		if !ok {
			out = append(out, fmt.Sprintf(part, args...))
		}
	}
	need(a.Category != "", "Category")
	need(len(a.Events) > 0, "Events")
	need(len(a.Commands) > 0, "Commands")
	for name, given := range map[string]bool{"Decide": a.Decide != nil, "Evolve": a.Evolve != nil, "Refs": a.Refs != nil,
		"Exists": a.Exists != nil, "Where": a.Where != nil, "Puts": a.Puts != nil} {
		need(given, "%s", name)
	}
	if a.Facts != nil {
		var zero S
		f, ok := a.Facts(zero).(Fact)
		need(ok && f.FactsCategory() == a.Category, "Facts of a type whose FactsCategory is %q", a.Category)
	}
	d := a.Describe()
	for i, name := range d.Commands {
		need(name != "", "a CommandName for command %d (%T)", i, a.Commands[i])
		if w, _, puts := a.puts(a.Commands[i]); puts && w.Of == nil {
			need(a.Place != nil, "Place, since %s puts a region of its own", name)
		}
	}
	need(d.Creation != "" && slices.Contains(d.Commands, d.Creation), "Creation among Commands")
	names := map[string]bool{}
	for _, t := range a.Events {
		names[t.Name] = true
		need(a.Summaries[t.Name].French() != "" && a.Summaries[t.Name].English() != "", "a summary of %s in French and English", t.Name)
		for from := 1; from < t.Version; from++ {
			need(slices.ContainsFunc(a.Upcasters, func(u Upcaster) bool { return u.Type == t.Name && u.From == from }),
				"an upcaster of %s from version %d", t.Name, from)
		}
	}
	for name := range a.Summaries {
		need(names[name], "an event type %s, which Summaries names", name)
	}
	for _, v := range a.Vocabularies {
		for _, code := range v.Codes {
			l := v.Labels[code]
			need(l.French() != "" && l.English() != "", "%s's labels of %q", v.Name, code)
		}
		need(len(v.Labels) == len(v.Codes), "%s: a label for each code and no other", v.Name)
	}
	return out
}
