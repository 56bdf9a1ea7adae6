// Package commitment is the commitment aggregate: a promise a stakeholder
// makes — often in a dialogue — and what became of it: progress reports,
// revised due dates, and finally fulfilment, breach or withdrawal.
package commitment

import (
	"fmt"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "commitment-<ULID>".
const Category = "commitment"

// Closed vocabularies.
var (
	ProgressStatuses = []string{"on-track", "at-risk", "stalled"}
	// Beneficiaries, besides the deployment's excluded groups.
	Beneficiaries = []string{"women", "youth", "persons-with-disabilities", "displaced", "community"}
)

// Status of a commitment.
type Status string

const (
	Open      Status = "open"
	Fulfilled Status = "fulfilled"
	Broken    Status = "broken"
	Withdrawn Status = "withdrawn"
)

// Statuses are every status, as codes.
var Statuses = []string{string(Open), string(Fulfilled), string(Broken), string(Withdrawn)}

// Promise is what was committed to, by whom, where and when.
type Promise struct {
	StakeholderID domain.ID   `json:"stakeholderId"`
	SpaceID       *domain.ID  `json:"spaceId,omitempty"`
	DialogueID    *domain.ID  `json:"dialogueId,omitempty"`
	Text          string      `json:"text"`
	Pillar        string      `json:"pillar"`
	MadeOn        domain.Date `json:"madeOn"`
	DueOn         domain.Date `json:"dueOn,omitempty"`
	Benefits      []string    `json:"benefits,omitempty"`
}

func checkPromise(p *domain.Problems, pr Promise, env domain.Env) {
	if _, ok := domain.LookUp[domain.StakeholderFacts](env.Lookup, pr.StakeholderID); !ok {
		p.Add("stakeholderId", "stakeholder %s is not registered", pr.StakeholderID)
	}
	if pr.SpaceID != nil {
		if _, ok := domain.LookUp[domain.SpaceFacts](env.Lookup, *pr.SpaceID); !ok {
			p.Add("spaceId", "space %s does not exist", pr.SpaceID)
		}
	}
	if pr.DialogueID != nil {
		d, ok := domain.LookUp[domain.DialogueFacts](env.Lookup, *pr.DialogueID)
		switch {
		case !ok:
			p.Add("dialogueId", "dialogue %s does not exist", pr.DialogueID)
		case d.Retracted:
			p.Add("dialogueId", "dialogue %s has been retracted", pr.DialogueID)
		case pr.SpaceID != nil && d.SpaceID != *pr.SpaceID:
			p.Add("dialogueId", "dialogue %s was held in another space", pr.DialogueID)
		}
	}
	domain.Note(p, "text", pr.Text, true, 2000)
	domain.OneOf(p, "pillar", pr.Pillar, true, domain.Pillars)
	domain.CheckDate(p, "madeOn", pr.MadeOn, true, env)
	if !pr.DueOn.IsZero() && !pr.MadeOn.IsZero() && pr.DueOn.Before(pr.MadeOn) {
		p.Add("dueOn", "%s is before the commitment was made (%s)", pr.DueOn, pr.MadeOn)
	}
	seen := map[string]bool{}
	for i, b := range pr.Benefits {
		field := fmt.Sprintf("benefits[%d]", i)
		known := env.Reference.HasGroup(b)
		for _, k := range Beneficiaries {
			known = known || k == b
		}
		switch {
		case !known:
			p.Add(field, "%q is neither %v nor an excluded group of this deployment", b, Beneficiaries)
		case seen[b]:
			p.Add(field, "%q is listed twice", b)
		}
		seen[b] = true
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

	Make           struct{ Promise }
	ReportProgress struct {
		ReportedOn domain.Date `json:"reportedOn"`
		Status     string      `json:"status"`
		Note       string      `json:"note,omitempty"`
		Evidence   []string    `json:"evidence,omitempty"`
	}
	ReviseDueDate struct {
		DueOn  domain.Date `json:"dueOn"`
		Reason string      `json:"reason"`
	}
	Fulfil struct {
		On       domain.Date `json:"on"`
		Evidence []string    `json:"evidence,omitempty"`
	}
	Break struct {
		On   domain.Date `json:"on"`
		Note string      `json:"note,omitempty"`
	}
	Withdraw struct {
		On   domain.Date `json:"on"`
		Note string      `json:"note,omitempty"`
	}
)

func (Make) isCommand()                    {}
func (ReportProgress) isCommand()          {}
func (ReviseDueDate) isCommand()           {}
func (Fulfil) isCommand()                  {}
func (Break) isCommand()                   {}
func (Withdraw) isCommand()                {}
func (Make) CommandName() string           { return "MakeCommitment" }
func (ReportProgress) CommandName() string { return "ReportCommitmentProgress" }
func (ReviseDueDate) CommandName() string  { return "ReviseCommitmentDueDate" }
func (Fulfil) CommandName() string         { return "FulfilCommitment" }
func (Break) CommandName() string          { return "BreakCommitment" }
func (Withdraw) CommandName() string       { return "WithdrawCommitment" }

// Events. Event is sealed.
type (
	Event interface {
		domain.Event
		isEvent()
	}
	Made             struct{ Promise }
	ProgressReported ReportProgress
	DueDateRevised   ReviseDueDate
	FulfilledEvent   Fulfil
	BrokenEvent      Break
	WithdrawnEvent   Withdraw
)

func (Made) EventType() string             { return "CommitmentMade" }
func (ProgressReported) EventType() string { return "CommitmentProgressReported" }
func (DueDateRevised) EventType() string   { return "CommitmentDueDateRevised" }
func (FulfilledEvent) EventType() string   { return "CommitmentFulfilled" }
func (BrokenEvent) EventType() string      { return "CommitmentBroken" }
func (WithdrawnEvent) EventType() string   { return "CommitmentWithdrawn" }
func (Made) isEvent()                      {}
func (ProgressReported) isEvent()          {}
func (DueDateRevised) isEvent()            {}
func (FulfilledEvent) isEvent()            {}
func (BrokenEvent) isEvent()               {}
func (WithdrawnEvent) isEvent()            {}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{
	domain.TypeOf[Made](1), domain.TypeOf[ProgressReported](1), domain.TypeOf[DueDateRevised](1),
	domain.TypeOf[FulfilledEvent](1), domain.TypeOf[BrokenEvent](1), domain.TypeOf[WithdrawnEvent](1),
}

// State is what decisions need to know of one commitment.
type State struct {
	Exists  bool
	Promise Promise
	Status  Status
	Reports int // progress reports, for an outcome's evidence
}

// Facts are what an outcome's evidence checks of a commitment.
func (s State) Facts() domain.CommitmentFacts {
	return domain.CommitmentFacts{StakeholderID: s.Promise.StakeholderID, Status: string(s.Status), Reports: s.Reports}
}

// Refs names the aggregates a command refers to.
func Refs(c Command) []domain.Ref {
	m, ok := c.(Make)
	if !ok {
		return nil
	}
	refs := []domain.Ref{{Category: "stakeholder", ID: m.StakeholderID}}
	if m.SpaceID != nil {
		refs = append(refs, domain.Ref{Category: "space", ID: *m.SpaceID})
	}
	if m.DialogueID != nil {
		refs = append(refs, domain.Ref{Category: "dialogue", ID: *m.DialogueID})
	}
	return refs
}

// Decide returns the events a command produces, or every reason it is
// refused.
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	var p domain.Problems
	if _, isNew := c.(Make); !isNew {
		switch {
		case !s.Exists:
			return nil, domain.Reject("commitmentId", "no such commitment")
		case s.Status != Open:
			return nil, domain.Reject("commitmentId", "the commitment is %s and takes no further change", s.Status)
		}
	}
	// onOrAfterMade checks the date of anything that happens to the
	// commitment.
	onOrAfterMade := func(field string, d domain.Date) {
		domain.CheckDate(&p, field, d, true, env)
		if !d.IsZero() && d.Before(s.Promise.MadeOn) {
			p.Add(field, "%s is before the commitment was made (%s)", d, s.Promise.MadeOn)
		}
	}
	evidence := func(ev []string) {
		for i, e := range ev {
			domain.Text(&p, fmt.Sprintf("evidence[%d]", i), e, true, 1000)
		}
	}
	switch c := c.(type) {
	case Make:
		if s.Exists {
			return nil, domain.Reject("commitmentId", "the commitment is already recorded")
		}
		checkPromise(&p, c.Promise, env)
		return domain.Decided[Event](p, Made(c))
	case ReportProgress:
		onOrAfterMade("reportedOn", c.ReportedOn)
		domain.OneOf(&p, "status", c.Status, true, ProgressStatuses)
		domain.Note(&p, "note", c.Note, false, 2000)
		evidence(c.Evidence)
		return domain.Decided[Event](p, ProgressReported(c))
	case ReviseDueDate:
		if c.DueOn.IsZero() {
			p.Add("dueOn", "is required")
		} else if c.DueOn.Before(s.Promise.MadeOn) {
			p.Add("dueOn", "%s is before the commitment was made (%s)", c.DueOn, s.Promise.MadeOn)
		}
		domain.Note(&p, "reason", c.Reason, true, 2000)
		return domain.Decided[Event](p, DueDateRevised(c))
	case Fulfil:
		onOrAfterMade("on", c.On)
		evidence(c.Evidence)
		return domain.Decided[Event](p, FulfilledEvent(c))
	case Break:
		onOrAfterMade("on", c.On)
		domain.Note(&p, "note", c.Note, false, 2000)
		return domain.Decided[Event](p, BrokenEvent(c))
	case Withdraw:
		onOrAfterMade("on", c.On)
		domain.Note(&p, "note", c.Note, false, 2000)
		return domain.Decided[Event](p, WithdrawnEvent(c))
	}
	panic("commitment: unknown command")
}

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Made:
		s.Exists, s.Promise, s.Status = true, e.Promise, Open
	case DueDateRevised:
		s.Promise.DueOn = e.DueOn
	case FulfilledEvent:
		s.Status = Fulfilled
	case BrokenEvent:
		s.Status = Broken
	case WithdrawnEvent:
		s.Status = Withdrawn
	case ProgressReported:
		s.Reports++
	}
	return s
}
