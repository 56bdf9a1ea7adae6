// Package inclusion is the inclusion read model: who took part in the
// dialogues of each consultative space — women, youth, young women and
// men, persons with disabilities, displaced people, each excluded group —
// as counts over any range of business dates, bucketed by month, quarter
// or year, per space or rolled up by region, pillar or overall, with each
// space's targets and whether they are met.
//
// Figures are computed when asked from the dialogues in range and the
// participants' current profiles, so a corrected profile or attendance
// counts everywhere at once. Erased participants keep counting: erasure
// removes who they are, not that someone attended.
//
// Small counts are not suppressed here; that is the API's duty for roles
// that must not see them.
package inclusion

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections"
)

// Model is the inclusion read model; it implements projections.Projection.
type Model struct {
	mu     sync.RWMutex
	spaces map[domain.ID]*Space
	// people are participants by dense index, so that dialogues hold small
	// indexes and unique participants are counted in a bitmap.
	people      []*person
	personIndex map[domain.ID]uint32
	// groups interns excluded-group codes: tallies count them in slices.
	groups     []string
	groupIndex map[string]int
	dialogues  map[domain.ID]*Dialogue
	// bySpace holds each space's dialogues sorted by date, for range queries.
	bySpace map[domain.ID][]*Dialogue
}

// person is a participant as the model counts them. A dialogue may name
// someone before their enrolment is seen; they count without demographics
// until it is.
type person struct {
	id        domain.ID
	profile   participant.Profile
	enrolled  bool
	dialogues []*Dialogue // attended, to recount when the profile changes
}

// Space is what the model keeps of a consultative space.
type Space struct {
	ID      domain.ID     `json:"id"`
	Name    string        `json:"name"`
	Region  string        `json:"region"`
	Pillar  string        `json:"pillar"`
	Targets space.Targets `json:"targets"`
	Closed  bool          `json:"closed"`
}

// Dialogue is what the model keeps of a dialogue.
type Dialogue struct {
	ID         domain.ID           `json:"id"`
	SpaceID    domain.ID           `json:"spaceId"`
	HeldOn     domain.Date         `json:"heldOn"`
	Pillar     string              `json:"pillar"`
	Attendance dialogue.Attendance `json:"attendance"`
	Retracted  bool                `json:"retracted"`

	Format, Title, Locality, Language string
	Topics                            []string
	DurationMinutes                   int
	Facilitators                      []string
	StakeholderIDs                    []domain.ID
	Concerns                          []dialogue.Concern

	attendees []uint32 // indexes into Model.people
	counts    counts   // this dialogue's contribution, kept current
}

// New returns an empty model.
func New() *Model {
	m := &Model{}
	m.Reset()
	return m
}

// Name implements projections.Projection.
func (m *Model) Name() string { return "inclusion" }

// Version implements projections.Projection.
func (m *Model) Version() int { return 3 }

// Reset implements projections.Projection.
func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spaces = map[domain.ID]*Space{}
	m.people, m.personIndex = nil, map[domain.ID]uint32{}
	m.groups, m.groupIndex = nil, map[string]int{}
	m.dialogues = map[domain.ID]*Dialogue{}
	m.bySpace = map[domain.ID][]*Dialogue{}
}

// Apply implements projections.Projection. An event type no aggregate
// declares is an error naming it.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	e, id := ev.Domain, ev.AggregateID
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := e.(type) {
	case space.Established:
		m.spaces[id] = &Space{ID: id, Name: e.Name, Region: e.Region, Pillar: e.Pillar, Targets: e.Targets}
	case space.DetailsChanged:
		if s := m.spaces[id]; s != nil {
			s.Name, s.Region, s.Pillar = e.Name, e.Region, e.Pillar
		}
	case space.TargetsSet:
		if s := m.spaces[id]; s != nil {
			s.Targets = e.Targets
		}
	case space.Closed:
		if s := m.spaces[id]; s != nil {
			s.Closed = true
		}
	case participant.Enrolled:
		m.setProfile(id, e.Profile)
	case participant.ProfileCorrected:
		m.setProfile(id, e.Profile)
	case participant.Erased:
		// The demographics stay: aggregates still count the attendance.
	case dialogue.Held:
		d := &Dialogue{ID: id, SpaceID: e.SpaceID, HeldOn: e.HeldOn, Pillar: e.Pillar,
			Format: e.Format, Title: e.Title, Locality: e.Locality, Language: e.Language, Topics: e.Topics,
			DurationMinutes: e.DurationMinutes, Facilitators: e.Facilitators, StakeholderIDs: e.StakeholderIDs, Concerns: e.Concerns}
		m.dialogues[id] = d
		m.setAttendance(d, e.Attendance)
		m.index(d)
	case dialogue.AttendanceCorrected:
		if d := m.dialogues[id]; d != nil {
			m.setAttendance(d, e.Attendance)
		}
	case dialogue.Retracted:
		if d := m.dialogues[id]; d != nil {
			d.Retracted = true
			list := m.bySpace[d.SpaceID]
			m.bySpace[d.SpaceID] = slices.DeleteFunc(list, func(x *Dialogue) bool { return x == d })
		}
	case stakeholder.Event, commitment.Event:
		// Not about inclusion.
	default:
		return fmt.Errorf("inclusion: %w %q", domain.ErrUnknownEventType, ev.Record.Type)
	}
	return nil
}

// personOf returns a participant's dense index, adding them if new.
func (m *Model) personOf(id domain.ID) uint32 {
	i, ok := m.personIndex[id]
	if !ok {
		i = uint32(len(m.people))
		m.people = append(m.people, &person{id: id})
		m.personIndex[id] = i
	}
	return i
}

// setProfile records a participant's demographics and recounts the
// dialogues they attended: a correction counts everywhere at once.
func (m *Model) setProfile(id domain.ID, p participant.Profile) {
	who := m.people[m.personOf(id)]
	who.profile, who.enrolled = p, true
	for _, g := range p.Groups {
		m.groupOf(g)
	}
	for _, d := range who.dialogues {
		m.recount(d)
	}
}

func (m *Model) groupOf(code string) int {
	i, ok := m.groupIndex[code]
	if !ok {
		i = len(m.groups)
		m.groups = append(m.groups, code)
		m.groupIndex[code] = i
	}
	return i
}

// setAttendance replaces a dialogue's attendance and recounts it.
func (m *Model) setAttendance(d *Dialogue, a dialogue.Attendance) {
	for _, i := range d.attendees {
		who := m.people[i]
		who.dialogues = slices.DeleteFunc(who.dialogues, func(x *Dialogue) bool { return x == d })
	}
	d.Attendance, d.attendees = a, d.attendees[:0]
	for _, at := range a.Attendees {
		i := m.personOf(at.ParticipantID)
		d.attendees = append(d.attendees, i)
		m.people[i].dialogues = append(m.people[i].dialogues, d)
	}
	m.recount(d)
}

// index inserts a dialogue into its space's list, kept sorted by date and
// then id so the order never depends on arrival.
func (m *Model) index(d *Dialogue) {
	list := m.bySpace[d.SpaceID]
	i := sort.Search(len(list), func(i int) bool { return !dialogueBefore(list[i], d) })
	m.bySpace[d.SpaceID] = slices.Insert(list, i, d)
}

func dialogueBefore(a, b *Dialogue) bool {
	if a.HeldOn != b.HeldOn {
		return a.HeldOn.Before(b.HeldOn)
	}
	return a.ID.Compare(b.ID) < 0
}
