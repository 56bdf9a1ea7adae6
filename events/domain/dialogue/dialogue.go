// Package dialogue is the dialogue aggregate: a community dialogue, a
// committee meeting, a workshop, a training, a radio debate or a mobile
// court session held in a consultative space, with who attended — the
// registered participants and a disaggregated headcount of everyone else.
package dialogue

import (
	"fmt"
	"slices"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "dialogue-<ULID>".
const Category = "dialogue"

// Closed vocabularies.
var (
	Formats = []string{
		"community-dialogue", "committee-meeting", "workshop", "training",
		"radio-debate", "mobile-court-session", "exchange-visit", "other",
	}
	ConcernCategories = []string{
		"security", "justice", "governance", "access-to-services", "land-and-resources",
		"gender-based-violence", "displacement", "livelihoods", "social-cohesion", "other",
	}
)

// Attendee is a registered participant present at the dialogue.
type Attendee struct {
	ParticipantID domain.ID `json:"participantId"`
	Spoke         bool      `json:"spoke"`
}

// Headcount counts attendees who were not registered, by sex and youth
// (15–35); WithDisabilities and Displaced are subsets of the total.
type Headcount struct {
	YoungWomen       int `json:"youngWomen"`
	AdultWomen       int `json:"adultWomen"`
	YoungMen         int `json:"youngMen"`
	AdultMen         int `json:"adultMen"`
	WithDisabilities int `json:"withDisabilities"`
	Displaced        int `json:"displaced"`
}

// Total is everyone the headcount counts.
func (h Headcount) Total() int { return h.YoungWomen + h.AdultWomen + h.YoungMen + h.AdultMen }

// MaxHeadcount bounds each count: no dialogue gathers a million people, and
// the bound keeps sums far from overflow.
const MaxHeadcount = 100_000

func checkHeadcount(p *domain.Problems, field string, h Headcount) {
	for name, n := range map[string]int{"youngWomen": h.YoungWomen, "adultWomen": h.AdultWomen, "youngMen": h.YoungMen, "adultMen": h.AdultMen, "withDisabilities": h.WithDisabilities, "displaced": h.Displaced} {
		if n < 0 || n > MaxHeadcount {
			p.Add(field+"."+name, "must be between 0 and %d, not %d", MaxHeadcount, n)
		}
	}
	if h.WithDisabilities > h.Total() {
		p.Add(field+".withDisabilities", "%d exceeds the headcount's total of %d", h.WithDisabilities, h.Total())
	}
	if h.Displaced > h.Total() {
		p.Add(field+".displaced", "%d exceeds the headcount's total of %d", h.Displaced, h.Total())
	}
}

// Concern is an issue raised during the dialogue. Summaries must not name
// or describe individuals.
type Concern struct {
	Category string `json:"category"`
	Summary  string `json:"summary,omitempty"`
}

// Attendance is who attended: registered participants and a headcount.
type Attendance struct {
	Attendees []Attendee `json:"attendees,omitempty"`
	Headcount Headcount  `json:"headcount"`
}

// checkAttendance checks who attended. An attendee already recorded (was)
// may stay after being erased: erased people keep counting, so a
// correction of the headcount must not have to drop them.
func checkAttendance(p *domain.Problems, a Attendance, was []Attendee, env domain.Env) {
	seen := map[domain.ID]bool{}
	for i, at := range a.Attendees {
		field := fmt.Sprintf("attendees[%d].participantId", i)
		f, ok := domain.LookUp[domain.ParticipantFacts](env.Lookup, at.ParticipantID)
		switch {
		case !ok:
			p.Add(field, "participant %s is not enrolled", at.ParticipantID)
		case f.Erased && !slices.ContainsFunc(was, func(w Attendee) bool { return w.ParticipantID == at.ParticipantID }):
			p.Add(field, "participant %s has been erased", at.ParticipantID)
		case seen[at.ParticipantID]:
			p.Add(field, "participant %s is listed twice", at.ParticipantID)
		}
		seen[at.ParticipantID] = true
	}
	checkHeadcount(p, "headcount", a.Headcount)
}

// Record is what a facilitator logs about a dialogue held.
type Record struct {
	SpaceID         domain.ID   `json:"spaceId"`
	HeldOn          domain.Date `json:"heldOn"`
	Format          string      `json:"format"`
	Title           string      `json:"title,omitempty"`
	Topics          []string    `json:"topics,omitempty"`
	Pillar          string      `json:"pillar"`
	Locality        string      `json:"locality,omitempty"`
	Language        string      `json:"language,omitempty"`
	DurationMinutes int         `json:"durationMinutes,omitempty"`
	// Facilitators are the subjects of the staff who ran it.
	Facilitators   []string    `json:"facilitators,omitempty"`
	StakeholderIDs []domain.ID `json:"stakeholderIds,omitempty"`
	Concerns       []Concern   `json:"concerns,omitempty"`
	Attendance
}

func checkRecord(p *domain.Problems, r Record, env domain.Env) {
	space, ok := domain.LookUp[domain.SpaceFacts](env.Lookup, r.SpaceID)
	switch {
	case !ok:
		p.Add("spaceId", "space %s does not exist", r.SpaceID)
	case space.Closed:
		p.Add("spaceId", "space %s is closed", r.SpaceID)
	}
	checkDetails(p, r, env)
	checkAttendance(p, r.Attendance, nil, env)
}

// checkDetails checks what a record says besides its space and attendance.
func checkDetails(p *domain.Problems, r Record, env domain.Env) {
	domain.CheckDate(p, "heldOn", r.HeldOn, true, env)
	domain.OneOf(p, "format", r.Format, true, Formats)
	domain.Text(p, "title", r.Title, false, 200)
	for i, t := range r.Topics {
		domain.Text(p, fmt.Sprintf("topics[%d]", i), t, true, 100)
	}
	domain.OneOf(p, "pillar", r.Pillar, true, domain.Pillars)
	domain.Text(p, "locality", r.Locality, false, 200)
	domain.Text(p, "language", r.Language, false, 50)
	if r.DurationMinutes < 0 || r.DurationMinutes > 7*24*60 {
		p.Add("durationMinutes", "must be between 0 and a week, not %d", r.DurationMinutes)
	}
	for i, f := range r.Facilitators {
		domain.Text(p, fmt.Sprintf("facilitators[%d]", i), f, true, 100)
	}
	seen := map[domain.ID]bool{}
	for i, id := range r.StakeholderIDs {
		field := fmt.Sprintf("stakeholderIds[%d]", i)
		if _, ok := domain.LookUp[domain.StakeholderFacts](env.Lookup, id); !ok {
			p.Add(field, "stakeholder %s is not registered", id)
		} else if seen[id] {
			p.Add(field, "stakeholder %s is listed twice", id)
		}
		seen[id] = true
	}
	for i, c := range r.Concerns {
		domain.OneOf(p, fmt.Sprintf("concerns[%d].category", i), c.Category, true, ConcernCategories)
		domain.Note(p, fmt.Sprintf("concerns[%d].summary", i), c.Summary, false, 1000)
	}
}

// Commands. Command is sealed.
type (
	Command interface {
		isCommand()
		// CommandName names the command for good: the idempotency hash
		// covers it, so renaming a Go type never changes a command.
		CommandName() string
	}

	Hold              struct{ Record }
	CorrectAttendance struct{ Attendance }
	// Correct replaces what was logged of a dialogue, attendance
	// included, as an edited form does (an import of an edited
	// submission). Its space stays: another space is another region's,
	// perhaps, and its dialogue another record.
	Correct struct{ Record }
	Retract struct {
		Reason string `json:"reason"`
	}
)

func (Hold) isCommand()                       {}
func (CorrectAttendance) isCommand()          {}
func (Retract) isCommand()                    {}
func (Correct) isCommand()                    {}
func (Correct) CommandName() string           { return "CorrectDialogue" }
func (Hold) CommandName() string              { return "HoldDialogue" }
func (CorrectAttendance) CommandName() string { return "CorrectDialogueAttendance" }
func (Retract) CommandName() string           { return "RetractDialogue" }

// Events. Event is sealed.
type (
	Event interface {
		domain.Event
		isEvent()
	}
	Held                struct{ Record }
	AttendanceCorrected struct{ Attendance }
	Corrected           struct{ Record }
	Retracted           struct {
		Reason string `json:"reason"`
	}
)

func (Held) EventType() string                { return "DialogueHeld" }
func (AttendanceCorrected) EventType() string { return "DialogueAttendanceCorrected" }
func (Retracted) EventType() string           { return "DialogueRetracted" }
func (Held) isEvent()                         {}
func (AttendanceCorrected) isEvent()          {}
func (Retracted) isEvent()                    {}
func (Corrected) EventType() string           { return "DialogueCorrected" }
func (Corrected) isEvent()                    {}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{domain.TypeOf[Held](1), domain.TypeOf[AttendanceCorrected](1), domain.TypeOf[Retracted](1), domain.TypeOf[Corrected](1)}

// State is what decisions need to know of one dialogue.
type State struct {
	Exists    bool
	Record    Record
	Retracted bool
}

// Facts are what other aggregates may check of this dialogue.
func (s State) Facts() domain.DialogueFacts {
	return domain.DialogueFacts{SpaceID: s.Record.SpaceID, HeldOn: s.Record.HeldOn, Retracted: s.Retracted}
}

// Refs names the aggregates a command refers to.
func Refs(c Command) []domain.Ref {
	var refs []domain.Ref
	var a *Attendance
	switch c := c.(type) {
	case Hold:
		refs = append(refs, domain.Ref{Category: "space", ID: c.SpaceID})
		for _, id := range c.StakeholderIDs {
			refs = append(refs, domain.Ref{Category: "stakeholder", ID: id})
		}
		a = &c.Attendance
	case CorrectAttendance:
		a = &c.Attendance
	case Correct:
		for _, id := range c.StakeholderIDs {
			refs = append(refs, domain.Ref{Category: "stakeholder", ID: id})
		}
		a = &c.Attendance
	}
	if a != nil {
		for _, at := range a.Attendees {
			refs = append(refs, domain.Ref{Category: "participant", ID: at.ParticipantID})
		}
	}
	return refs
}

// Decide returns the events a command produces, or every reason it is
// refused.
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	var p domain.Problems
	if _, isNew := c.(Hold); !isNew {
		switch {
		case !s.Exists:
			return nil, domain.Reject("dialogueId", "no such dialogue")
		case s.Retracted:
			return nil, domain.Reject("dialogueId", "the dialogue has been retracted")
		}
	}
	switch c := c.(type) {
	case Hold:
		if s.Exists {
			return nil, domain.Reject("dialogueId", "the dialogue is already recorded")
		}
		checkRecord(&p, c.Record, env)
		return domain.Decided[Event](p, Held(c))
	case CorrectAttendance:
		checkAttendance(&p, c.Attendance, s.Record.Attendees, env)
		return domain.Decided[Event](p, AttendanceCorrected(c))
	case Correct:
		if c.SpaceID != s.Record.SpaceID {
			return nil, domain.Reject("spaceId", "a dialogue stays in its space: retract it and log it in the other space")
		}
		checkDetails(&p, c.Record, env)
		checkAttendance(&p, c.Attendance, s.Record.Attendees, env)
		return domain.Decided[Event](p, Corrected(c))
	case Retract:
		domain.Note(&p, "reason", c.Reason, true, 1000)
		return domain.Decided[Event](p, Retracted(c))
	}
	panic("dialogue: unknown command")
}

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Held:
		s.Exists, s.Record = true, e.Record
	case AttendanceCorrected:
		s.Record.Attendance = e.Attendance
	case Corrected:
		s.Record = e.Record
	case Retracted:
		s.Retracted = true
	}
	return s
}
