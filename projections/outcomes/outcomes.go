package outcomes

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// Outcome is one outcome as the model keeps it.
type Outcome struct {
	ID domain.ID `json:"id"`
	outcome.Record
	Public bool `json:"public"`
	// Requests are its substantiation requests, in the order made.
	Requests []Request `json:"requests,omitempty"`
}

// Request is one substantiation request and its answer.
type Request struct {
	ID          domain.ID   `json:"id"`
	RequestedOn domain.Date `json:"requestedOn"`
	// Verifier is sealed; nil once the verifier is erased.
	Verifier *domain.SealedIdentity `json:"verifier,omitempty"`
	Erased   bool                   `json:"erased,omitempty"`
	ErasedOn domain.Date            `json:"erasedOn"`
	Answer   *Answer                `json:"answer,omitempty"`
}

// Answer is a verifier's answer.
type Answer struct {
	On      domain.Date `json:"on"`
	Verdict string      `json:"verdict"`
	Comment string      `json:"comment,omitempty"`
}

// Substantiation states, from an outcome's requests (outcome.SubstantiationStates).
var (
	NotRequested  = outcome.SubstantiationStates[0]
	Requested     = outcome.SubstantiationStates[1] // asked, no answer yet
	Substantiated = outcome.SubstantiationStates[2]
)

// State is how far its substantiation went: not requested, requested
// (no answer yet), or substantiated (at least one answer).
func (o Outcome) State() string {
	switch {
	case len(o.Requests) == 0:
		return NotRequested
	case slices.ContainsFunc(o.Requests, func(r Request) bool { return r.Answer != nil }):
		return Substantiated
	}
	return Requested
}

// Model is the outcomes read model; it implements projections.Projection.
type Model struct {
	mu       sync.RWMutex
	outcomes map[domain.ID]*Outcome
}

// New returns an empty model.
func New() *Model {
	m := &Model{}
	m.Reset()
	return m
}

var _ projections.Projection = (*Model)(nil)

func (m *Model) Name() string { return "outcomes" }
func (m *Model) Version() int { return 1 }

func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes = map[domain.ID]*Outcome{}
}

// Apply implements projections.Projection.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.outcomes[ev.AggregateID]
	if o == nil {
		o = &Outcome{} // what follows an outcome not seen harvested changes nothing
	}
	switch e := ev.Domain.(type) {
	case outcome.Harvested:
		m.outcomes[ev.AggregateID] = &Outcome{ID: ev.AggregateID, Record: e.Record}
	case outcome.Revised:
		o.Record, o.Public = e.Record, false
	case outcome.MarkedPublic:
		o.Public = e.Public
	case outcome.SubstantiationRequested:
		o.Requests = append(o.Requests, Request{ID: e.RequestID, RequestedOn: e.RequestedOn, Verifier: e.Verifier})
	case outcome.SubstantiationRecorded:
		o.request(e.RequestID, func(r *Request) { r.Answer = &Answer{On: e.AnsweredOn, Verdict: e.Verdict, Comment: e.Comment} })
	case outcome.VerifierErased:
		o.request(e.RequestID, func(r *Request) { r.Verifier, r.Erased, r.ErasedOn = nil, true, e.ErasedOn })
	default:
		// Another aggregate's event is not about outcomes; an outcome's
		// without a case is one forgotten.
		if _, ours := ev.Domain.(outcome.Event); ours {
			return fmt.Errorf("outcomes: %w %q", domain.ErrUnknownEventType, ev.Record.Type)
		}
	}
	return nil
}

func (o *Outcome) request(id domain.ID, change func(*Request)) {
	for i := range o.Requests {
		if o.Requests[i].ID == id {
			change(&o.Requests[i])
		}
	}
}

// Query selects outcomes; zero fields select everything.
type Query struct {
	Region, ChangeType, Tag string
	ActorID                 *domain.ID
	// Cites selects those citing an object (a dialogue or a commitment).
	Cites *domain.ID
}

func (q Query) selects(o *Outcome) bool {
	switch {
	case q.Region != "" && o.Region != q.Region,
		q.ChangeType != "" && o.ChangeType != q.ChangeType,
		q.Tag != "" && !o.HasTag(q.Tag),
		q.ActorID != nil && o.ActorID != *q.ActorID,
		q.Cites != nil && !slices.ContainsFunc(o.Evidence, func(e outcome.Evidence) bool { return e.ID == *q.Cites }):
		return false
	}
	return true
}

// List returns the selected outcomes, newest change first (copies).
func (m *Model) List(q Query) []Outcome {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Outcome
	for _, o := range m.outcomes {
		if q.selects(o) {
			out = append(out, o.copy())
		}
	}
	slices.SortFunc(out, func(a, b Outcome) int {
		return cmp.Or(b.On.Time().Compare(a.On.Time()), b.ID.Compare(a.ID))
	})
	return out
}

// Get returns one outcome (a copy).
func (m *Model) Get(id domain.ID) (Outcome, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	o, ok := m.outcomes[id]
	if !ok {
		return Outcome{}, false
	}
	return o.copy(), true
}

// copy shares nothing a later event changes.
func (o *Outcome) copy() Outcome {
	c := *o
	c.Requests = slices.Clone(o.Requests)
	return c
}

// Erasures are the verifiers erased, as the erasure list names them: the
// outcome's id and the request's.
func (m *Model) Erasures() []participants.Erasure {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []participants.Erasure
	for _, o := range m.outcomes {
		for _, r := range o.Requests {
			if r.Erased {
				out = append(out, participants.Erasure{ID: o.ID, On: r.ErasedOn, Request: &r.ID})
			}
		}
	}
	participants.SortErasures(out)
	return out
}

// Snapshot implements projections.Projection, deterministically.
func (m *Model) Snapshot(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	list := make([]*Outcome, 0, len(m.outcomes))
	for _, o := range m.outcomes {
		list = append(list, o)
	}
	slices.SortFunc(list, func(a, b *Outcome) int { return a.ID.Compare(b.ID) })
	return json.NewEncoder(w).Encode(list)
}

// Restore implements projections.Projection.
func (m *Model) Restore(r io.Reader) error {
	var list []*Outcome
	if err := json.NewDecoder(r).Decode(&list); err != nil {
		return err
	}
	m.Reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range list {
		m.outcomes[o.ID] = o
	}
	return nil
}
