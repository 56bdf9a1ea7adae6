// Package commitments is the commitments read model: every commitment a
// stakeholder made and what became of it, with figures by stakeholder,
// space, region, pillar and status — made, open, overdue, fulfilled,
// broken, withdrawn, the fulfilment rate and the median days to
// fulfilment. "Overdue" is judged against an injected clock.
package commitments

import (
	"bufio"
	"cmp"
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
	"github.com/palabre/palabre/projections/internal/compact"
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

	mu sync.RWMutex
	store
	// order lists the commitments by date made then id, for queries;
	// pending are those made since it was last merged, which the next
	// query does under orderMu (a query holds mu only to read).
	orderMu      sync.Mutex
	order        []int32
	pending      []int32
	spaceRegion  map[domain.ID]uint32 // words
	holderRegion map[domain.ID]uint32
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
	m.store = newStore()
	m.order, m.pending = nil, nil
	m.spaceRegion = map[domain.ID]uint32{}
	m.holderRegion = map[domain.ID]uint32{}
}

// Apply implements projections.Projection.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	e, id := ev.Domain, ev.AggregateID
	m.mu.Lock()
	defer m.mu.Unlock()
	r := &record{} // follow-ups of a commitment not seen made change nothing
	if i, ok := m.find(id); ok {
		r = m.list.At(i)
	}
	switch e := e.(type) {
	case space.Established:
		m.spaceRegion[id] = m.words.Of(e.Region)
	case space.DetailsChanged:
		m.spaceRegion[id] = m.words.Of(e.Region)
	case stakeholder.Registered:
		m.holderRegion[id] = m.words.Of(e.Region)
	case stakeholder.DetailsChanged:
		m.holderRegion[id] = m.words.Of(e.Region)
	case commitment.Made:
		m.made(Commitment{ID: id, StakeholderID: e.StakeholderID, SpaceID: e.SpaceID, DialogueID: e.DialogueID, Text: e.Text, Pillar: e.Pillar, MadeOn: e.MadeOn, DueOn: e.DueOn, Benefits: e.Benefits, Status: commitment.Open})
	case commitment.ProgressReported:
		r.progress = m.words.Of(e.Status)
		m.follow(r, Update{Kind: "progress", On: e.ReportedOn, Status: e.Status, Note: e.Note, Evidence: e.Evidence})
	case commitment.DueDateRevised:
		r.dueOn = compact.DayOf(e.DueOn)
		m.follow(r, Update{Kind: "due-date-revised", On: domain.DateOf(ev.Record.RecordedAt), DueOn: e.DueOn, Reason: e.Reason})
	case commitment.FulfilledEvent:
		m.settle(r, commitment.Fulfilled, Update{Kind: "fulfilled", On: e.On, Evidence: e.Evidence})
	case commitment.BrokenEvent:
		m.settle(r, commitment.Broken, Update{Kind: "broken", On: e.On, Note: e.Note})
	case commitment.WithdrawnEvent:
		m.settle(r, commitment.Withdrawn, Update{Kind: "withdrawn", On: e.On, Note: e.Note})
	default:
		// Another aggregate's event is not about commitments; a
		// commitment's without a case is one forgotten.
		if _, ours := ev.Domain.(commitment.Event); ours {
			return fmt.Errorf("commitments: %w %q", domain.ErrUnknownEventType, ev.Record.Type)
		}
	}
	return nil
}

func (m *Model) settle(r *record, to commitment.Status, u Update) {
	r.status, r.settledOn = m.words.Of(string(to)), compact.DayOf(u.On)
	m.follow(r, u)
}

// made files a commitment as it is, history included; one made twice
// (which its aggregate refuses) is replaced where it was filed. m.mu is
// held.
func (m *Model) made(c Commitment) {
	r := record{
		id: c.ID, stakeholderID: c.StakeholderID, spaceID: c.SpaceID, dialogueID: c.DialogueID, text: c.Text,
		madeOn: compact.DayOf(c.MadeOn), dueOn: compact.DayOf(c.DueOn), settledOn: compact.DayOf(c.SettledOn),
		pillar: m.words.Of(c.Pillar), status: m.words.Of(string(c.Status)), progress: m.words.Of(c.Progress), benefits: m.benefits.Of(c.Benefits),
	}
	i, known := m.find(c.ID)
	if known {
		kept := m.list.At(i)
		r.dialogueID = kept.dialogueID
		*kept = r
	} else {
		i = m.add(r)
		m.pending = append(m.pending, i)
	}
	history := slices.Clip(c.History) // a restored history: its own, decoded
	for k := range history {
		m.share(&history[k])
	}
	m.list.At(i).history = history
}

// MadeAt returns the commitments made at a dialogue, newest first
// (copies).
func (m *Model) MadeAt(dialogueID domain.ID) []Commitment {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []Commitment{}
	i, ok := m.firstAt(dialogueID)
	for ; ok && i >= 0; i = *m.nextAtDialogue.At(i) {
		out = append(out, m.commitment(m.list.At(i)))
	}
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b Commitment) int { return b.MadeOn.Time().Compare(a.MadeOn.Time()) })
	return out
}

// RegionOf is where a commitment counts, as its figures count it: its
// space's region, else its stakeholder's.
func (m *Model) RegionOf(c Commitment) string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.words.At(m.region(c.SpaceID, c.StakeholderID))
}

// region is where a commitment counts, as a word: its space's region,
// else its stakeholder's. m.mu is held.
func (m *Model) region(spaceID *domain.ID, stakeholderID domain.ID) uint32 {
	if spaceID != nil {
		if r, ok := m.spaceRegion[*spaceID]; ok {
			return r
		}
	}
	if r, ok := m.holderRegion[stakeholderID]; ok {
		return r
	}
	return noWord
}

// noWord is the index of no word: the words table gives "" for it.
const noWord = ^uint32(0)

// wordOf is the index of a word, noWord if no commitment has it.
func (m *Model) wordOf(w string) uint32 {
	if i, ok := m.words.Find(w); ok {
		return i
	}
	return noWord
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

// selected returns the selected commitments by date made then id; m.mu
// is held.
func (m *Model) selected(q Query, today domain.Date) []*record {
	region, pillar, status := m.wordOf(q.Region), m.wordOf(q.Pillar), m.wordOf(string(q.Status))
	from, to, day := compact.DayOf(q.MadeFrom), compact.DayOf(q.MadeTo), compact.DayOf(today)
	var out []*record
	for _, i := range m.sorted() {
		r := m.list.At(i)
		switch {
		case q.StakeholderID != nil && r.stakeholderID != *q.StakeholderID,
			q.SpaceID != nil && (r.spaceID == nil || *r.spaceID != *q.SpaceID),
			q.Region != "" && m.region(r.spaceID, r.stakeholderID) != region,
			q.Pillar != "" && r.pillar != pillar,
			q.Status != "" && r.status != status,
			q.Overdue && !m.overdue(r, day),
			from != compact.NoDay && r.madeOn < from,
			to != compact.NoDay && r.madeOn > to:
			continue
		}
		out = append(out, r)
	}
	return out
}

// madeBefore orders commitments by date made, then id.
func (m *Model) madeBefore(i, j int32) int {
	a, b := m.list.At(i), m.list.At(j)
	if a.madeOn != b.madeOn {
		return cmp.Compare(a.madeOn, b.madeOn)
	}
	return a.id.Compare(b.id)
}

// sorted returns every commitment by date made then id: the order kept,
// with those made since merged in, so that a query after a change costs
// a pass, not a sort. m.mu is held, for reading at least.
func (m *Model) sorted() []int32 {
	m.orderMu.Lock()
	defer m.orderMu.Unlock()
	if len(m.pending) == 0 {
		return m.order
	}
	slices.SortFunc(m.pending, m.madeBefore)
	merged := make([]int32, 0, len(m.order)+len(m.pending))
	a, b := m.order, m.pending
	for len(a) > 0 && len(b) > 0 {
		if m.madeBefore(a[0], b[0]) <= 0 {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	m.order, m.pending = append(append(merged, a...), b...), nil
	return m.order
}

// List returns the selected commitments, oldest first (copies).
func (m *Model) List(q Query) []Commitment {
	m.mu.RLock()
	defer m.mu.RUnlock()
	sel := m.selected(q, domain.DateOf(m.clock()))
	out := make([]Commitment, len(sel))
	for i, r := range sel {
		m.fill(&out[i], r)
	}
	return out
}

// Get returns one commitment.
func (m *Model) Get(id domain.ID) (Commitment, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.find(id)
	if !ok {
		return Commitment{}, false
	}
	return m.commitment(m.list.At(i)), true
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
	for _, r := range m.selected(q, today) {
		f.Made++
		switch commitment.Status(m.words.At(r.status)) {
		case commitment.Open:
			f.Open++
			if m.overdue(r, compact.DayOf(today)) {
				f.Overdue++
			}
		case commitment.Fulfilled:
			f.Fulfilled++
			days = append(days, r.madeOn.Date().DaysUntil(r.settledOn.Date()))
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

func (m *Model) sortedRegions(regions map[domain.ID]uint32) []idRegion {
	out := make([]idRegion, 0, len(regions))
	for id, r := range regions {
		out = append(out, idRegion{id, m.words.At(r)})
	}
	slices.SortFunc(out, func(a, b idRegion) int { return a.ID.Compare(b.ID) })
	return out
}

// Snapshot implements projections.Projection, deterministically: the
// JSON of a snapshot value, written a commitment at a time so that the
// model's compact records are never all built at once.
func (m *Model) Snapshot(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	byID := make([]int32, m.list.Len())
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return m.list.At(a).id.Compare(m.list.At(b).id) })
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(`{"commitments":`)
	if len(byID) == 0 {
		bw.WriteString("null")
	}
	for n, i := range byID {
		bw.WriteString(map[bool]string{true: "[", false: ","}[n == 0])
		b, err := json.Marshal(m.commitment(m.list.At(i)))
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	if len(byID) > 0 {
		bw.WriteString("]")
	}
	for _, regions := range []struct {
		name string
		of   map[domain.ID]uint32
	}{{"spaceRegion", m.spaceRegion}, {"holderRegion", m.holderRegion}} {
		b, err := json.Marshal(m.sortedRegions(regions.of))
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, `,"%s":%s`, regions.name, b)
	}
	bw.WriteString("}\n")
	return bw.Flush()
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
		m.made(*c)
	}
	for _, x := range s.SpaceRegion {
		m.spaceRegion[x.ID] = m.words.Of(x.Region)
	}
	for _, x := range s.HolderRegion {
		m.holderRegion[x.ID] = m.words.Of(x.Region)
	}
	return nil
}
