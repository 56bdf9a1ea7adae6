package outcome

import (
	"fmt"
	"slices"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "outcome-<ULID>".
const Category = "outcome"

// Closed vocabularies.
var (
	// ChangeTypes are the kinds of change outcome harvesting names.
	ChangeTypes = domain.ChangeTypes
	// Verdicts are a verifier's answers.
	Verdicts = []string{"agree", "partly", "disagree"}
	// SubstantiationStates are how far an outcome's substantiation went:
	// never asked, asked with no answer yet, answered at least once.
	SubstantiationStates = []string{"not-requested", "requested", "substantiated"}
	// EvidenceKinds are what in the log an outcome may cite.
	EvidenceKinds = []string{KindDialogue, KindCommitment, KindProgressReport}
)

// Evidence kinds.
const (
	KindDialogue       = "dialogue"
	KindCommitment     = "commitment"
	KindProgressReport = "progress-report"
)

// Evidence is one piece of the log an outcome cites: a dialogue, a
// commitment, or the Report-th progress report of a commitment.
type Evidence struct {
	Kind   string    `json:"kind"`
	ID     domain.ID `json:"id"`
	Report int       `json:"report,omitempty"`
}

// Ref is the object the evidence is of.
func (e Evidence) Ref() domain.Ref {
	if e.Kind == KindDialogue {
		return domain.Ref{Category: "dialogue", ID: e.ID}
	}
	return domain.Ref{Category: "commitment", ID: e.ID}
}

// Record is an outcome as harvested, or as revised.
type Record struct {
	// ActorID is the social actor who changed: a registered stakeholder.
	ActorID    domain.ID   `json:"actorId"`
	ChangeType string      `json:"changeType"`
	On         domain.Date `json:"on"`
	Region     string      `json:"region"`
	// Locality is private: never published.
	Locality     string `json:"locality,omitempty"`
	Description  string `json:"description"`
	Significance string `json:"significance"`
	Contribution string `json:"contribution"`
	// OthersContribution is what others than the alliance did towards it.
	OthersContribution string     `json:"othersContribution,omitempty"`
	Intended           bool       `json:"intended"`
	Tags               []string   `json:"tags,omitempty"`
	Evidence           []Evidence `json:"evidence,omitempty"`
}

func checkRecord(p *domain.Problems, r Record, env domain.Env) {
	if _, ok := domain.LookUp[domain.StakeholderFacts](env.Lookup, r.ActorID); !ok {
		p.Add("actorId", "stakeholder %s is not registered", r.ActorID)
	}
	domain.OneOf(p, "changeType", r.ChangeType, true, ChangeTypes)
	domain.CheckDate(p, "on", r.On, true, env)
	domain.CheckRegion(p, "region", r.Region, true, env)
	domain.Text(p, "locality", r.Locality, false, 200)
	domain.Note(p, "description", r.Description, true, 4000)
	domain.Note(p, "significance", r.Significance, true, 4000)
	domain.Note(p, "contribution", r.Contribution, true, 4000)
	domain.Note(p, "othersContribution", r.OthersContribution, false, 4000)
	for i, tag := range r.Tags {
		field := fmt.Sprintf("tags[%d]", i)
		domain.Text(p, field, tag, true, 60)
		if slices.Contains(r.Tags[:i], tag) {
			p.Add(field, "%q is listed twice", tag)
		}
	}
	for i, e := range r.Evidence {
		checkEvidence(p, fmt.Sprintf("evidence[%d]", i), e, env)
		if slices.Contains(r.Evidence[:i], e) {
			p.Add(fmt.Sprintf("evidence[%d]", i), "%q is listed twice", e.Kind+" "+e.ID.String())
		}
	}
}

// checkEvidence: what is cited exists in the log — as the sender may see
// it: another region's dialogue is decided as a missing one.
func checkEvidence(p *domain.Problems, field string, e Evidence, env domain.Env) {
	switch e.Kind {
	case KindDialogue:
		d, ok := domain.LookUp[domain.DialogueFacts](env.Lookup, e.ID)
		switch {
		case !ok:
			p.Add(field+".id", "dialogue %s does not exist", e.ID)
		case d.Retracted:
			p.Add(field+".id", "dialogue %s has been retracted", e.ID)
		}
	case KindCommitment, KindProgressReport:
		c, ok := domain.LookUp[domain.CommitmentFacts](env.Lookup, e.ID)
		switch {
		case !ok:
			p.Add(field+".id", "commitment %s does not exist", e.ID)
		case e.Kind == KindProgressReport && (e.Report < 1 || e.Report > c.Reports):
			p.Add(field+".report", "commitment %s has no progress report %d (it has %d)", e.ID, e.Report, c.Reports)
		}
	default:
		domain.OneOf(p, field+".kind", e.Kind, true, EvidenceKinds)
	}
	if e.Kind != KindProgressReport && e.Report != 0 {
		p.Add(field+".report", "is only for a progress report")
	}
}

// Commands. Command is sealed.
type (
	Command interface {
		isCommand()
		// CommandName names the command for good (the idempotency hash
		// covers it).
		CommandName() string
	}

	Harvest struct{ Record }
	Revise  struct{ Record }
	// MarkPublic sets whether the outcome may be published.
	MarkPublic struct {
		Public bool `json:"public"`
	}
	// RequestSubstantiation asks a verifier; the application seals their
	// identity under a key of this request's own (Verifier), never the
	// client.
	RequestSubstantiation struct {
		RequestID   domain.ID              `json:"requestId"`
		RequestedOn domain.Date            `json:"requestedOn"`
		Verifier    *domain.SealedIdentity `json:"verifier,omitempty"`
	}
	RecordSubstantiation struct {
		RequestID  domain.ID   `json:"requestId"`
		AnsweredOn domain.Date `json:"answeredOn"`
		Verdict    string      `json:"verdict"`
		Comment    string      `json:"comment,omitempty"`
	}
	// EraseVerifier records that a verifier's key was destroyed.
	EraseVerifier struct {
		RequestID domain.ID   `json:"requestId"`
		ErasedOn  domain.Date `json:"erasedOn"`
	}
)

func (Harvest) isCommand()                        {}
func (Revise) isCommand()                         {}
func (MarkPublic) isCommand()                     {}
func (RequestSubstantiation) isCommand()          {}
func (RecordSubstantiation) isCommand()           {}
func (EraseVerifier) isCommand()                  {}
func (Harvest) CommandName() string               { return "HarvestOutcome" }
func (Revise) CommandName() string                { return "ReviseOutcome" }
func (MarkPublic) CommandName() string            { return "MarkOutcomePublic" }
func (RequestSubstantiation) CommandName() string { return "RequestSubstantiation" }
func (RecordSubstantiation) CommandName() string  { return "RecordSubstantiation" }
func (EraseVerifier) CommandName() string         { return "EraseVerifier" }

// Fingerprint identifies a request without its sealed identity, whose
// nonce differs on every retry.
func (c RequestSubstantiation) Fingerprint() any { c.Verifier = nil; return c }

// Events. Event is sealed.
type (
	Event interface {
		domain.Event
		isEvent()
	}
	Harvested               struct{ Record }
	Revised                 struct{ Record }
	MarkedPublic            MarkPublic
	SubstantiationRequested RequestSubstantiation
	SubstantiationRecorded  RecordSubstantiation
	VerifierErased          EraseVerifier
)

func (Harvested) EventType() string               { return "OutcomeHarvested" }
func (Revised) EventType() string                 { return "OutcomeRevised" }
func (MarkedPublic) EventType() string            { return "OutcomeMarkedPublic" }
func (SubstantiationRequested) EventType() string { return "OutcomeSubstantiationRequested" }
func (SubstantiationRecorded) EventType() string  { return "OutcomeSubstantiationRecorded" }
func (VerifierErased) EventType() string          { return "OutcomeVerifierErased" }
func (Harvested) isEvent()                        {}
func (Revised) isEvent()                          {}
func (MarkedPublic) isEvent()                     {}
func (SubstantiationRequested) isEvent()          {}
func (SubstantiationRecorded) isEvent()           {}
func (VerifierErased) isEvent()                   {}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{
	domain.TypeOf[Harvested](1), domain.TypeOf[Revised](1), domain.TypeOf[MarkedPublic](1),
	domain.TypeOf[SubstantiationRequested](1), domain.TypeOf[SubstantiationRecorded](1), domain.TypeOf[VerifierErased](1),
}

// Request is one substantiation request as decisions know it.
type Request struct {
	ID          domain.ID
	RequestedOn domain.Date
	Verifier    *domain.SealedIdentity // nil once erased
	Answered    bool
}

// State is what decisions need to know of one outcome.
type State struct {
	Exists   bool
	Record   Record
	Public   bool
	Requests []Request
}

// request finds a request by id.
func (s State) request(id domain.ID) (Request, bool) {
	i := slices.IndexFunc(s.Requests, func(r Request) bool { return r.ID == id })
	if i < 0 {
		return Request{}, false
	}
	return s.Requests[i], true
}

// Refs names the stakeholder and the evidence a record refers to.
func Refs(c Command) []domain.Ref {
	var r Record
	switch c := c.(type) {
	case Harvest:
		r = c.Record
	case Revise:
		r = c.Record
	default:
		return nil
	}
	refs := []domain.Ref{{Category: "stakeholder", ID: r.ActorID}}
	for _, e := range r.Evidence {
		refs = append(refs, e.Ref())
	}
	return refs
}

// VerifierKeyID is the id the key store keeps a verifier's key under:
// derived from the outcome and the request, so that no client can make
// it name a participant's key (which an erasure would then destroy).
func VerifierKeyID(outcomeID, requestID domain.ID) domain.ID {
	return domain.DerivedID("outcome verifier", outcomeID[:], requestID[:])
}

// onOrAfter checks a date that may not precede another; the reason
// names what it may not precede.
func onOrAfter(p *domain.Problems, field string, d, first domain.Date, reason string, env domain.Env) {
	domain.CheckDate(p, field, d, true, env)
	if !d.IsZero() && !first.IsZero() && d.Before(first) {
		p.Add(field, reason, d, first)
	}
}

// Decide returns the events a command produces, or every reason it is
// refused.
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	var p domain.Problems
	if _, isNew := c.(Harvest); !isNew && !s.Exists {
		return nil, domain.Reject("outcomeId", "no such outcome")
	}
	switch c := c.(type) {
	case Harvest:
		if s.Exists {
			return nil, domain.Reject("outcomeId", "the outcome is already recorded")
		}
		checkRecord(&p, c.Record, env)
		return domain.Decided[Event](p, Harvested(c))
	case Revise:
		checkRecord(&p, c.Record, env)
		return domain.Decided[Event](p, Revised(c))
	case MarkPublic:
		if c.Public == s.Public {
			return nil, nil
		}
		return domain.Decided[Event](p, MarkedPublic(c))
	case RequestSubstantiation:
		return decideRequest(&p, s, c, env)
	case RecordSubstantiation:
		return decideAnswer(&p, s, c, env)
	case EraseVerifier:
		r, ok := s.request(c.RequestID)
		switch {
		case !ok:
			p.Add("requestId", "no such substantiation request")
		case r.Verifier == nil:
			return nil, nil // erased already: nothing more to record
		}
		domain.CheckDate(&p, "erasedOn", c.ErasedOn, true, env)
		return domain.Decided[Event](p, VerifierErased(c))
	}
	panic("outcome: unknown command")
}

func decideRequest(p *domain.Problems, s State, c RequestSubstantiation, env domain.Env) ([]Event, error) {
	if _, taken := s.request(c.RequestID); taken {
		p.Add("requestId", "is already a request of this outcome")
	}
	if c.Verifier == nil {
		p.Add("verifier", "is required")
	}
	domain.CheckSealed(p, "verifier", c.Verifier)
	onOrAfter(p, "requestedOn", c.RequestedOn, s.Record.On, "%s is before the change it substantiates (%s)", env)
	return domain.Decided[Event](*p, SubstantiationRequested(c))
}

func decideAnswer(p *domain.Problems, s State, c RecordSubstantiation, env domain.Env) ([]Event, error) {
	r, ok := s.request(c.RequestID)
	switch {
	case !ok:
		p.Add("requestId", "no such substantiation request")
	case r.Answered:
		p.Add("requestId", "the verifier's answer is already recorded")
	}
	onOrAfter(p, "answeredOn", c.AnsweredOn, r.RequestedOn, "%s is before the request (%s)", env)
	domain.OneOf(p, "verdict", c.Verdict, true, Verdicts)
	domain.Note(p, "comment", c.Comment, false, 4000)
	return domain.Decided[Event](*p, SubstantiationRecorded(c))
}

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Harvested:
		s.Exists, s.Record = true, e.Record
	case Revised:
		s.Record, s.Public = e.Record, false
	case MarkedPublic:
		s.Public = e.Public
	case SubstantiationRequested:
		s.Requests = append(slices.Clone(s.Requests), Request{ID: e.RequestID, RequestedOn: e.RequestedOn, Verifier: e.Verifier})
	case SubstantiationRecorded:
		s.Requests = updated(s.Requests, e.RequestID, func(r *Request) { r.Answered = true })
	case VerifierErased:
		s.Requests = updated(s.Requests, e.RequestID, func(r *Request) { r.Verifier = nil })
	}
	return s
}

// updated is requests with one changed, the others shared.
func updated(requests []Request, id domain.ID, change func(*Request)) []Request {
	out := slices.Clone(requests)
	for i := range out {
		if out[i].ID == id {
			change(&out[i])
		}
	}
	return out
}

// HasTag reports whether a record carries a tag, case aside.
func (r Record) HasTag(tag string) bool {
	return slices.ContainsFunc(r.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
}
