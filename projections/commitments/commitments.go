// Package commitments is the commitments read model: every commitment a
// stakeholder made and what became of it, with figures by stakeholder,
// space, region, pillar and status — made, open, overdue, fulfilled,
// broken, withdrawn, the fulfilment rate and the median days to
// fulfilment. "Overdue" is judged against an injected clock.
package commitments

import (
	"encoding/json"
	"fmt"
	fastjson "github.com/goccy/go-json"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections"
)

// Commitment is one commitment as the model keeps it.
type Commitment struct {
	ID            domain.ID         `json:"id"`
	StakeholderID domain.ID         `json:"stakeholderId"`
	SpaceID       *domain.ID        `json:"spaceId,omitempty"`
	DialogueID    *domain.ID        `json:"dialogueId,omitempty"`
	Text          string            `json:"text"`
	Pillar        string            `json:"pillar"`
	MadeOn        domain.Date       `json:"madeOn"`
	DueOn         domain.Date       `json:"dueOn"`
	Benefits      []string          `json:"benefits,omitempty"`
	Status        commitment.Status `json:"status"`
	// Progress is the last reported progress status, if any.
	Progress  string      `json:"progress,omitempty"`
	SettledOn domain.Date `json:"settledOn"`
	// History is every follow-up, in the order recorded.
	History []Update `json:"history,omitempty"`
}

// Update is one follow-up of a commitment.
type Update struct {
	// Kind is progress, due-date-revised, fulfilled, broken or withdrawn.
	Kind     string      `json:"kind"`
	On       domain.Date `json:"on"`               // the business date: reported, revised… on
	Status   string      `json:"status,omitempty"` // a progress report's
	Note     string      `json:"note,omitempty"`
	Evidence []string    `json:"evidence,omitempty"`
	Reason   string      `json:"reason,omitempty"` // a revision's
	DueOn    domain.Date `json:"dueOn"`            // a revision's new due date
}

// UpdateKinds are the kinds of Update, in the order of events.
var UpdateKinds = []string{"progress", "due-date-revised", "fulfilled", "broken", "withdrawn"}

// Overdue reports whether an open commitment's due date has passed.
func (c *Commitment) Overdue(today domain.Date) bool {
	return c.Status == commitment.Open && !c.DueOn.IsZero() && c.DueOn.Before(today)
}

// Model is the commitments read model; it implements projections.Projection.
type Model struct {
	clock func() time.Time

	mu           sync.RWMutex
	commitments  map[domain.ID]*Commitment
	byDialogue   map[domain.ID][]*Commitment // commitments made at each dialogue
	spaceRegion  map[domain.ID]string
	holderRegion map[domain.ID]string
}

// New returns an empty model judging "overdue" by clock.
func New(clock func() time.Time) *Model {
	m := &Model{clock: clock}
	m.Reset()
	return m
}

func (m *Model) Name() string { return "commitments" }
func (m *Model) Version() int { return 2 } // 2: history

func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.commitments = map[domain.ID]*Commitment{}
	m.byDialogue = map[domain.ID][]*Commitment{}
	m.spaceRegion = map[domain.ID]string{}
	m.holderRegion = map[domain.ID]string{}
}

// Apply implements projections.Projection.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	e, id := ev.Domain, ev.AggregateID
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.commitments[id]
	if c == nil {
		// Follow-ups of a commitment not seen made change nothing.
		c = &Commitment{}
	}
	switch e := e.(type) {
	case space.Established:
		m.spaceRegion[id] = e.Region
	case space.DetailsChanged:
		m.spaceRegion[id] = e.Region
	case stakeholder.Registered:
		m.holderRegion[id] = e.Region
	case stakeholder.DetailsChanged:
		m.holderRegion[id] = e.Region
	case commitment.Made:
		m.add(&Commitment{ID: id, StakeholderID: e.StakeholderID, SpaceID: e.SpaceID, DialogueID: e.DialogueID, Text: e.Text, Pillar: e.Pillar, MadeOn: e.MadeOn, DueOn: e.DueOn, Benefits: e.Benefits, Status: commitment.Open})
	case commitment.ProgressReported:
		c.Progress = e.Status
		c.History = append(c.History, Update{Kind: "progress", On: e.ReportedOn, Status: e.Status, Note: e.Note, Evidence: e.Evidence})
	case commitment.DueDateRevised:
		c.DueOn = e.DueOn
		c.History = append(c.History, Update{Kind: "due-date-revised", On: domain.DateOf(ev.Record.RecordedAt), DueOn: e.DueOn, Reason: e.Reason})
	case commitment.FulfilledEvent:
		c.Status, c.SettledOn = commitment.Fulfilled, e.On
		c.History = append(c.History, Update{Kind: "fulfilled", On: e.On, Evidence: e.Evidence})
	case commitment.BrokenEvent:
		c.Status, c.SettledOn = commitment.Broken, e.On
		c.History = append(c.History, Update{Kind: "broken", On: e.On, Note: e.Note})
	case commitment.WithdrawnEvent:
		c.Status, c.SettledOn = commitment.Withdrawn, e.On
		c.History = append(c.History, Update{Kind: "withdrawn", On: e.On, Note: e.Note})
	default:
		// Another aggregate's event is not about commitments; a
		// commitment's without a case is one forgotten.
		if _, ours := ev.Domain.(commitment.Event); ours {
			return fmt.Errorf("commitments: %w %q", domain.ErrUnknownEventType, ev.Record.Type)
		}
	}
	return nil
}

func (m *Model) add(c *Commitment) {
	m.commitments[c.ID] = c
	if c.DialogueID != nil {
		m.byDialogue[*c.DialogueID] = append(m.byDialogue[*c.DialogueID], c)
	}
}

// MadeAt returns the commitments made at a dialogue, newest first
// (copies).
func (m *Model) MadeAt(dialogueID domain.ID) []Commitment {
	m.mu.RLock()
	defer m.mu.RUnlock()
	list := m.byDialogue[dialogueID]
	out := make([]Commitment, len(list))
	for i, c := range list {
		out[len(list)-1-i] = *c
	}
	slices.SortStableFunc(out, func(a, b Commitment) int { return b.MadeOn.Time().Compare(a.MadeOn.Time()) })
	return out
}

// RegionOf is where a commitment counts, as its figures count it: its
// space's region, else its stakeholder's.
func (m *Model) RegionOf(c Commitment) string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.region(&c)
}

// region is where a commitment counts: its space's region, else its
// stakeholder's.
func (m *Model) region(c *Commitment) string {
	if c.SpaceID != nil {
		if r, ok := m.spaceRegion[*c.SpaceID]; ok {
			return r
		}
	}
	return m.holderRegion[c.StakeholderID]
}

// Query selects commitments; zero fields select everything. MadeFrom and
// MadeTo bound the date made, inclusive.
type Query struct {
	StakeholderID, SpaceID *domain.ID
	Region, Pillar         string
	Status                 commitment.Status
	Overdue                bool // only open commitments past their due date
	MadeFrom, MadeTo       domain.Date
}

func (m *Model) selected(q Query, today domain.Date) []*Commitment {
	var out []*Commitment
	for _, c := range m.commitments {
		switch {
		case q.StakeholderID != nil && c.StakeholderID != *q.StakeholderID,
			q.SpaceID != nil && (c.SpaceID == nil || *c.SpaceID != *q.SpaceID),
			q.Region != "" && m.region(c) != q.Region,
			q.Pillar != "" && c.Pillar != q.Pillar,
			q.Status != "" && c.Status != q.Status,
			q.Overdue && !c.Overdue(today),
			!q.MadeFrom.IsZero() && c.MadeOn.Before(q.MadeFrom),
			!q.MadeTo.IsZero() && c.MadeOn.After(q.MadeTo):
			continue
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Commitment) int {
		if a.MadeOn != b.MadeOn {
			return a.MadeOn.Time().Compare(b.MadeOn.Time())
		}
		return a.ID.Compare(b.ID)
	})
	return out
}

// List returns the selected commitments, oldest first (copies).
func (m *Model) List(q Query) []Commitment {
	m.mu.RLock()
	defer m.mu.RUnlock()
	sel := m.selected(q, domain.DateOf(m.clock()))
	out := make([]Commitment, len(sel))
	for i, c := range sel {
		out[i] = *c
	}
	return out
}

// Get returns one commitment.
func (m *Model) Get(id domain.ID) (Commitment, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.commitments[id]
	if !ok {
		return Commitment{}, false
	}
	return *c, true
}

// Figures summarise a set of commitments.
type Figures struct {
	Made, Open, Overdue, Fulfilled, Broken, Withdrawn int
	// FulfilmentRate is fulfilled ÷ (fulfilled + broken): of the
	// commitments settled either way, the share kept. Open and withdrawn
	// ones do not count; it is 0 when none is settled.
	FulfilmentRate float64
	// MedianDaysToFulfilment is the median of days from made to fulfilled;
	// 0 when none is fulfilled.
	MedianDaysToFulfilment float64
}

// Figures summarises the selected commitments.
func (m *Model) Figures(q Query) Figures {
	m.mu.RLock()
	defer m.mu.RUnlock()
	today := domain.DateOf(m.clock())
	var f Figures
	var days []int
	for _, c := range m.selected(q, today) {
		f.Made++
		switch c.Status {
		case commitment.Open:
			f.Open++
			if c.Overdue(today) {
				f.Overdue++
			}
		case commitment.Fulfilled:
			f.Fulfilled++
			days = append(days, c.MadeOn.DaysUntil(c.SettledOn))
		case commitment.Broken:
			f.Broken++
		case commitment.Withdrawn:
			f.Withdrawn++
		}
	}
	if settled := f.Fulfilled + f.Broken; settled > 0 {
		f.FulfilmentRate = float64(f.Fulfilled) / float64(settled)
	}
	f.MedianDaysToFulfilment = median(days)
	return f
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}

type snapshot struct {
	Commitments  []*Commitment `json:"commitments"`
	SpaceRegion  []idRegion    `json:"spaceRegion"`
	HolderRegion []idRegion    `json:"holderRegion"`
}

type idRegion struct {
	ID     domain.ID `json:"id"`
	Region string    `json:"region"`
}

func sortedRegions(m map[domain.ID]string) []idRegion {
	out := make([]idRegion, 0, len(m))
	for id, r := range m {
		out = append(out, idRegion{id, r})
	}
	slices.SortFunc(out, func(a, b idRegion) int { return a.ID.Compare(b.ID) })
	return out
}

// Snapshot implements projections.Projection, deterministically.
func (m *Model) Snapshot(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := snapshot{SpaceRegion: sortedRegions(m.spaceRegion), HolderRegion: sortedRegions(m.holderRegion)}
	for _, c := range m.commitments {
		s.Commitments = append(s.Commitments, c)
	}
	slices.SortFunc(s.Commitments, func(a, b *Commitment) int { return a.ID.Compare(b.ID) })
	return json.NewEncoder(w).Encode(s)
}

// Restore implements projections.Projection.
func (m *Model) Restore(r io.Reader) error {
	var s snapshot
	if err := fastjson.NewDecoder(r).Decode(&s); err != nil {
		return err
	}
	m.Reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range s.Commitments {
		m.add(c)
	}
	for _, x := range s.SpaceRegion {
		m.spaceRegion[x.ID] = x.Region
	}
	for _, x := range s.HolderRegion {
		m.holderRegion[x.ID] = x.Region
	}
	return nil
}
