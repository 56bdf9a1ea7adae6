// Package stakeholders is the stakeholders read model: every organisation
// or office with its engagement history — the dialogues it attended and
// the commitments it made, kept, broke or withdrew.
package stakeholders

import (
	"encoding/json"
	fastjson "github.com/goccy/go-json"
	"io"
	"maps"
	"slices"
	"sync"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/internal/compact"
)

// Stakeholder is one stakeholder and its engagement.
type Stakeholder struct {
	ID      domain.ID           `json:"id"`
	Profile stakeholder.Profile `json:"profile"`
	// Dialogues attended (not retracted), oldest first.
	Dialogues []domain.ID `json:"dialogues"`
	// Commitments made, by their current status.
	Commitments map[commitment.Status][]domain.ID `json:"commitments"`
	// LastEngagedOn is the latest dialogue attended or commitment made.
	LastEngagedOn domain.Date `json:"lastEngagedOn"`
}

// Model is the stakeholders read model; it implements projections.Projection.
type Model struct {
	mu           sync.RWMutex
	stakeholders map[domain.ID]*Stakeholder
	// attendedBy and madeBy remember, per dialogue and commitment, whose
	// history to change on a retraction or a settlement.
	attendedBy map[domain.ID][]domain.ID
	made       madeIndex
}

// madeIndex remembers each commitment's maker and status in a 36-byte
// record by dense index, found through a compact index of ids, where two
// maps from ids held about 130 bytes a commitment (issue 26).
type madeIndex struct {
	list     compact.Column[made]
	ids      compact.Index
	statuses compact.Table[commitment.Status]
}

type made struct {
	id, maker domain.ID
	status    uint32 // statuses
}

// find returns the record of commitment id, nil if none.
func (x *madeIndex) find(id domain.ID) *made {
	i, ok := x.ids.Find(compact.HashID(id), func(i int32) bool { return x.list.At(i).id == id })
	if !ok {
		return nil
	}
	return x.list.At(i)
}

// set records a commitment's maker and status.
func (x *madeIndex) set(id, maker domain.ID, status commitment.Status) {
	if c := x.find(id); c != nil {
		c.maker, c.status = maker, x.statuses.Of(status)
		return
	}
	i := x.list.Append(made{id, maker, x.statuses.Of(status)})
	x.ids.Add(compact.HashID(id), i, func(j int32) uint64 { return compact.HashID(x.list.At(j).id) })
}

// New returns an empty model.
func New() *Model {
	m := &Model{}
	m.Reset()
	return m
}

func (m *Model) Name() string { return "stakeholders" }
func (m *Model) Version() int { return 1 }

func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stakeholders = map[domain.ID]*Stakeholder{}
	m.attendedBy, m.made = map[domain.ID][]domain.ID{}, madeIndex{}
}

func (m *Model) get(id domain.ID) *Stakeholder {
	s := m.stakeholders[id]
	if s == nil {
		s = &Stakeholder{ID: id, Commitments: map[commitment.Status][]domain.ID{}}
		m.stakeholders[id] = s
	}
	return s
}

func (s *Stakeholder) engaged(on domain.Date) {
	if on.After(s.LastEngagedOn) {
		s.LastEngagedOn = on
	}
}

// Apply implements projections.Projection.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	e, id := ev.Domain, ev.AggregateID
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := e.(type) {
	case stakeholder.Registered:
		m.get(id).Profile = e.Profile
	case stakeholder.DetailsChanged:
		m.get(id).Profile = e.Profile
	case dialogue.Held:
		m.attend(id, e.Record)
	case dialogue.Corrected:
		m.unattend(id)
		m.attend(id, e.Record)
	case dialogue.Retracted:
		m.unattend(id)
	case commitment.Made:
		m.made.set(id, e.StakeholderID, commitment.Open)
		s := m.get(e.StakeholderID)
		s.Commitments[commitment.Open] = append(s.Commitments[commitment.Open], id)
		s.engaged(e.MadeOn)
	case commitment.FulfilledEvent:
		m.settle(id, commitment.Fulfilled)
	case commitment.BrokenEvent:
		m.settle(id, commitment.Broken)
	case commitment.WithdrawnEvent:
		m.settle(id, commitment.Withdrawn)
	}
	return nil
}

// attend adds a dialogue to the histories of the stakeholders it names.
func (m *Model) attend(id domain.ID, r dialogue.Record) {
	if len(r.StakeholderIDs) > 0 { // most dialogues name none
		m.attendedBy[id] = r.StakeholderIDs
	}
	for _, sid := range r.StakeholderIDs {
		s := m.get(sid)
		s.Dialogues = append(s.Dialogues, id)
		s.engaged(r.HeldOn)
	}
}

// unattend takes a dialogue out of the histories of the stakeholders it
// named, before a correction names them again.
func (m *Model) unattend(id domain.ID) {
	for _, sid := range m.attendedBy[id] {
		s := m.get(sid)
		s.Dialogues = slices.DeleteFunc(s.Dialogues, func(d domain.ID) bool { return d == id })
	}
	delete(m.attendedBy, id)
}

// settle moves a commitment to its final status in its maker's history.
func (m *Model) settle(id domain.ID, to commitment.Status) {
	c := m.made.find(id)
	if c == nil {
		return // settled but never seen made: nothing to move
	}
	s := m.get(c.maker)
	from := m.made.statuses.At(c.status)
	s.Commitments[from] = slices.DeleteFunc(s.Commitments[from], func(c domain.ID) bool { return c == id })
	if len(s.Commitments[from]) == 0 {
		delete(s.Commitments, from)
	}
	s.Commitments[to] = append(s.Commitments[to], id)
	c.status = m.made.statuses.Of(to)
}

// Get returns one stakeholder (a deep copy), if registered.
func (m *Model) Get(id domain.ID) (Stakeholder, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.stakeholders[id]
	if !ok || s.Profile.Name == "" {
		return Stakeholder{}, false
	}
	return copyOf(s), true
}

// Profile returns a registered stakeholder's profile without copying its
// lists, which grow with every dialogue it attends: what the write
// policy's region rule reads for each command naming it.
func (m *Model) Profile(id domain.ID) (stakeholder.Profile, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.stakeholders[id]
	if !ok || s.Profile.Name == "" {
		return stakeholder.Profile{}, false
	}
	return s.Profile, true
}

// List returns the registered stakeholders of a region ("" for all), by
// name then id.
func (m *Model) List(region string) []Stakeholder {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Stakeholder
	for _, s := range m.stakeholders {
		if s.Profile.Name != "" && (region == "" || s.Profile.Region == region) {
			out = append(out, copyOf(s))
		}
	}
	slices.SortFunc(out, func(a, b Stakeholder) int {
		if a.Profile.Name != b.Profile.Name {
			if a.Profile.Name < b.Profile.Name {
				return -1
			}
			return 1
		}
		return a.ID.Compare(b.ID)
	})
	return out
}

func copyOf(s *Stakeholder) Stakeholder {
	c := *s
	c.Dialogues = slices.Clone(s.Dialogues)
	c.Commitments = make(map[commitment.Status][]domain.ID, len(s.Commitments))
	for k, v := range s.Commitments {
		c.Commitments[k] = slices.Clone(v)
	}
	return c
}

// snapshot lists everything sorted by id, so equal models give equal bytes
// (encoding/json sorts map keys).
type snapshot struct {
	Stakeholders map[string]*Stakeholder      `json:"stakeholders"`
	AttendedBy   map[string][]domain.ID       `json:"attendedBy"`
	MadeBy       map[string]domain.ID         `json:"madeBy"`
	Status       map[string]commitment.Status `json:"status"`
}

func keyed[V any](m map[domain.ID]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k.String()] = v
	}
	return out
}

func unkeyed[V any](m map[string]V) (map[domain.ID]V, error) {
	out := make(map[domain.ID]V, len(m))
	for k, v := range m {
		id, err := domain.ParseID("id", k)
		if err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, nil
}

// Snapshot implements projections.Projection.
func (m *Model) Snapshot(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	madeBy := make(map[string]domain.ID, m.made.list.Len())
	status := make(map[string]commitment.Status, m.made.list.Len())
	for i := range int32(m.made.list.Len()) {
		c := m.made.list.At(i)
		madeBy[c.id.String()], status[c.id.String()] = c.maker, m.made.statuses.At(c.status)
	}
	return json.NewEncoder(w).Encode(snapshot{keyed(m.stakeholders), keyed(m.attendedBy), madeBy, status})
}

// Restore implements projections.Projection.
func (m *Model) Restore(r io.Reader) error {
	var s snapshot
	if err := fastjson.NewDecoder(r).Decode(&s); err != nil {
		return err
	}
	var errs [4]error
	var madeBy map[domain.ID]domain.ID
	var status map[domain.ID]commitment.Status
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stakeholders, errs[0] = unkeyed(s.Stakeholders)
	m.attendedBy, errs[1] = unkeyed(s.AttendedBy)
	madeBy, errs[2] = unkeyed(s.MadeBy)
	status, errs[3] = unkeyed(s.Status)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	m.made = madeIndex{}
	for _, id := range slices.SortedFunc(maps.Keys(madeBy), domain.ID.Compare) {
		m.made.set(id, madeBy[id], status[id])
	}
	for _, st := range m.stakeholders {
		if st.Commitments == nil {
			st.Commitments = map[commitment.Status][]domain.ID{}
		}
	}
	return nil
}
