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
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/internal/compact"
)

// Model is the inclusion read model; it implements projections.Projection.
type Model struct {
	// secret keys the records' keys (nil: a fixed, public one, for tests
	// and tools); keys derives them.
	secret []byte
	keys   recordKeys
	mu     sync.RWMutex
	spaces map[domain.ID]*Space
	// spaceOrder holds the same spaces by id, so that listing a region's
	// spaces for every table does not sort them again.
	spaceOrder []*Space
	people     people
	// personIDs finds a person's dense index by id, in one cache miss
	// where a map took two: every attendance applied looks one up.
	personIDs compact.IDTable
	// links chain each person's attendances (see people.lastLink), so a
	// corrected profile recounts exactly the dialogues it touches without
	// a slice per person.
	links column[link]
	// records hold the dialogues by dense index, for links.
	records column[record]
	// groups interns excluded-group codes: tallies count them in slices.
	groups     []string
	groupIndex map[string]int
	// dialogueIDs find dialogues' dense indexes by id.
	dialogueIDs compact.IDTable
	// symbols intern formats, pillars and the details' words; the arenas
	// hold the dialogues' attendees and groups' counts (words) and packed
	// details; scratch is where details are packed before they are
	// copied into theirs.
	symbols          symbols
	words            compact.Arena[uint32]
	packed           compact.Arena[byte]
	scratch          []byte
	scratchAttendees []uint32
	counting         counting // where a recount counts; a batch's counting goroutines have their own
	// span is the first and last day any dialogue was held, kept as they
	// are added; spanStale when one at an end went, until Span looks.
	span      [2]int32
	spanStale bool
	// bySpace holds each space's dialogues sorted by date and id, for
	// range queries.
	bySpace map[domain.ID][]dated
	// regionSpaces are each region's spaces (regions.go).
	regionSpaces map[string][]domain.ID
	// base is the base table (see base.go): each space's cells by month.
	base map[domain.ID]map[int32]*spaceMonth
	// spaceSums and regionSums are the published sums of each space's and
	// each region's cells, month by month.
	spaceSums  map[domain.ID]*monthSums
	regionSums map[string]*monthSums
	perturb    Perturbation
	uniques    *uniqueMemos
	// exactMonths are regions' exact figures by month (monthly.go).
	exactMonths *monthMemos
	restoring   bool
	// batching defers counting during a replay into an empty model
	// (batch.go).
	batching bool
	// baseFilled is closed once a restore's base table is filled, which
	// runs beside the rest of the restore.
	baseFilled chan struct{}
}

// people are participants by dense index, so that dialogues hold small
// indexes and unique participants are counted in a bitmap. They are kept
// as columns: counting a dialogue reads a few bytes per attendee from
// columns small enough to stay in cache (a million events name ~250,000
// people). A dialogue may name someone before their enrolment is seen;
// they count without demographics until it is.
type people struct {
	ids       []domain.ID
	keys      []uint32 // each person's record key, for unique participants
	traits    []traits
	birthYear []int16 // 0 when only an age band is known
	// groups are the excluded groups (by Model.groups index) of the people
	// whose traits say inGroups.
	groups map[uint32][]uint32
	// lastLink is 1 + the index in Model.links of each person's latest
	// attendance, 0 when they attended nothing.
	lastLink []uint32
}

func (p *people) len() int { return len(p.ids) }

// reserve makes room for n more people.
func (p *people) reserve(n int) {
	p.ids = slices.Grow(p.ids, n)
	p.keys = slices.Grow(p.keys, n)
	p.traits = slices.Grow(p.traits, n)
	p.birthYear = slices.Grow(p.birthYear, n)
	p.lastLink = slices.Grow(p.lastLink, n)
}

func (p *people) add(id domain.ID, key uint32) uint32 {
	p.ids = append(p.ids, id)
	p.keys = append(p.keys, key)
	p.traits = append(p.traits, 0)
	p.birthYear = append(p.birthYear, 0)
	p.lastLink = append(p.lastLink, 0)
	return uint32(len(p.ids) - 1)
}

// isYouth is participant.Profile.IsYouth over the columns.
func (p *people) isYouth(i uint32, on domain.Date) (youth, known bool) {
	if y := p.birthYear[i]; y != 0 {
		return participant.Profile{BirthYear: int(y)}.IsYouth(on)
	}
	t := p.traits[i]
	return t&youthByBand != 0, t&ageKnownByBand != 0
}

// traits are a person's demographics as flags.
type traits uint8

const (
	enrolled traits = 1 << iota
	female
	male
	disability
	displaced
	// youthByBand and ageKnownByBand answer IsYouth for people recorded
	// with an age band, whose answer does not depend on the day.
	youthByBand
	ageKnownByBand
	inGroups
)

// traitsOf derives a person's traits from their profile.
func traitsOf(p participant.Profile) (traits, int16) {
	t := enrolled
	switch p.Sex {
	case "female":
		t |= female
	case "male":
		t |= male
	}
	if p.Functioning.HasDisability() {
		t |= disability
	}
	if p.Displacement != "" && p.Displacement != "none" {
		t |= displaced
	}
	if p.BirthYear != 0 {
		return t, int16(p.BirthYear)
	}
	if youth, known := p.IsYouth(domain.Date{}); known {
		t |= ageKnownByBand
		if youth {
			t |= youthByBand
		}
	}
	return t, 0
}

// link is one attendance in a person's chain: a dialogue's dense index and
// 1 + the index of the person's previous link (0 ends the chain).
type link struct{ dialogue, next uint32 }

// Space is what the model keeps of a consultative space.
type Space struct {
	ID      domain.ID     `json:"id"`
	Name    string        `json:"name"`
	Region  string        `json:"region"`
	Pillar  string        `json:"pillar"`
	Targets space.Targets `json:"targets"`
	Closed  bool          `json:"closed"`

	Kind, Locality          string
	ConvenorID              *domain.ID
	EstablishedOn, ClosedOn domain.Date
}

func (s *Space) setDetails(d space.Details) {
	s.Name, s.Kind, s.Region, s.Locality, s.Pillar, s.ConvenorID = d.Name, d.Kind, d.Region, d.Locality, d.Pillar, d.ConvenorID
}

// Dialogue is a dialogue as the model lists it.
type Dialogue struct {
	ID        domain.ID          `json:"id"`
	SpaceID   domain.ID          `json:"spaceId"`
	HeldOn    domain.Date        `json:"heldOn"`
	Pillar    string             `json:"pillar"`
	Headcount dialogue.Headcount `json:"headcount"`
	Retracted bool               `json:"retracted"`

	Format, Title, Locality, Language string
	Topics                            []string
	DurationMinutes                   int
	Facilitators                      []string
	StakeholderIDs                    []domain.ID
	Concerns                          []dialogue.Concern
}

// record is what the model keeps of a dialogue: what its figures need in
// fixed-size fields (a day, symbols, 32-bit counts), and the rest packed
// (details.go). It is a fifth of a Dialogue's size, so that a node holds
// millions of events.
type record struct {
	id, spaceID    domain.ID
	day            int32  // held on, days since 1970-01-01
	index          uint32 // in Model.records
	format, pillar uint32 // symbols
	retracted      bool
	inBase         bool // its counts are in its base cell
	headcount      [6]int32
	// attendees are indexes into Model.people in attendance order, with
	// spokeBit set for those who spoke: 4 bytes per attendee, in
	// Model.words.
	attendees compact.Span
	share     share        // its contribution to the figures, kept current
	details   compact.Span // packed, in Model.packed
}

// share is a dialogue's contribution to the figures: its counts by
// measure and the sums, modulo 2³², of the keys of the records each
// counts (its cell keys).
type share struct {
	values [nMeasures]int32
	keys   [nMeasures]uint32
	// groups hold, in Model.words, for each excluded group by
	// Model.groups index, its count at 2g and its key sum at 2g+1; empty
	// when none attended.
	groups compact.Span
}

// headcountOf and its inverse hold a headcount in six 32-bit words
// (dialogue.MaxHeadcount bounds each).
func headcountOf(h dialogue.Headcount) [6]int32 {
	return [6]int32{int32(h.YoungWomen), int32(h.AdultWomen), int32(h.YoungMen), int32(h.AdultMen), int32(h.WithDisabilities), int32(h.Displaced)}
}

func (r *record) headcountAsRecorded() dialogue.Headcount {
	h := r.headcount
	return dialogue.Headcount{YoungWomen: int(h[0]), AdultWomen: int(h[1]), YoungMen: int(h[2]), AdultMen: int(h[3]), WithDisabilities: int(h[4]), Displaced: int(h[5])}
}

const spokeBit = 1 << 31

// attendee splits an entry of Dialogue.attendees.
func attendee(a uint32) (i uint32, spoke bool) { return a &^ spokeBit, a&spokeBit != 0 }

// New returns an empty model whose records' keys come from a fixed,
// public secret: for tests and tools, never for figures published with
// cell-key perturbation (their noise could be computed).
func New() *Model { return NewKeyed(nil) }

// NewKeyed returns an empty model whose records' keys derive from secret.
func NewKeyed(secret []byte) *Model {
	m := &Model{secret: secret, keys: newRecordKeys(secret)}
	m.Reset()
	return m
}

// Keyed reports whether the records' keys come from a secret.
func (m *Model) Keyed() bool { return len(m.secret) > 0 }

// Blank returns an empty model with the same secret: a past view must
// perturb the same cells as the live one the same way.
func (m *Model) Blank() *Model {
	b := NewKeyed(m.secret)
	m.mu.RLock()
	b.perturb = m.perturb
	m.mu.RUnlock()
	return b
}

// Name implements projections.Projection.
func (m *Model) Name() string { return "inclusion" }

// Version implements projections.Projection.
func (m *Model) Version() int { return 10 } // 7: women's target defaults per measure; 8: cell keys; 9: spaces' details; 10: record keys from content

// Reset implements projections.Projection.
func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spaces, m.spaceOrder = map[domain.ID]*Space{}, nil
	m.people, m.personIDs, m.links, m.records = people{groups: map[uint32][]uint32{}}, compact.IDTable{}, column[link]{}, column[record]{}
	m.groups, m.groupIndex = nil, map[string]int{}
	m.dialogueIDs = compact.IDTable{}
	m.symbols, m.words, m.packed = newSymbols(), compact.Arena[uint32]{}, compact.Arena[byte]{}
	m.span, m.spanStale = [2]int32{math.MaxInt32, math.MinInt32}, false
	m.bySpace, m.regionSpaces = map[domain.ID][]dated{}, map[string][]domain.ID{}
	m.base, m.uniques, m.exactMonths = map[domain.ID]map[int32]*spaceMonth{}, newUniqueMemos(), newMonthMemos()
	m.spaceSums, m.regionSums = map[domain.ID]*monthSums{}, map[string]*monthSums{}
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
		s := &Space{ID: id, Targets: e.Targets.WithDefaults(), EstablishedOn: e.EstablishedOn}
		s.setDetails(e.Details)
		m.addSpace(s)
		m.moveRegion(id, "", s.Region)
	case space.DetailsChanged:
		if s := m.spaces[id]; s != nil {
			before := s.Region
			s.setDetails(e.Details)
			m.moveRegion(id, before, s.Region)
			m.reindexSpace(id, before, s.Region)
		}
	case space.TargetsSet:
		if s := m.spaces[id]; s != nil {
			s.Targets = e.Targets.WithDefaults() // events recorded before women's default applied per measure
		}
	case space.Closed:
		if s := m.spaces[id]; s != nil {
			s.Closed, s.ClosedOn = true, e.ClosedOn
		}
	case participant.Enrolled:
		m.setProfile(id, e.Profile)
	case participant.ProfileCorrected:
		m.setProfile(id, e.Profile)
	case participant.Erased:
		// The demographics stay: aggregates still count the attendance.
	case dialogue.Held:
		d := m.add()
		d.id, d.spaceID, d.day, d.format, d.pillar = id, e.SpaceID, dayOf(e.HeldOn), m.symbols.of(e.Format), m.symbols.of(e.Pillar)
		dd := detailsOf(&e.Record)
		d.details = m.pack(&dd)
		m.dialogueIDs.Put(id, d.index)
		m.setAttendance(d, e.Attendance)
		m.index(d)
	case dialogue.AttendanceCorrected:
		if d := m.dialogue(id); d != nil {
			m.setAttendance(d, e.Attendance)
		}
	case dialogue.Corrected:
		if d := m.dialogue(id); d != nil {
			m.correct(d, e.Record)
		}
	case dialogue.Retracted:
		if d := m.dialogue(id); d != nil {
			m.moveBase(d, func() { d.retracted = true })
			m.unindex(d)
		}
	case participant.CodeClaimed:
		// Not about inclusion.
	default:
		// Only spaces, dialogues and participants are about inclusion: an
		// event of theirs without a case is one forgotten.
		if readsInclusion(ev.Domain) {
			return fmt.Errorf("inclusion: %w %q", domain.ErrUnknownEventType, ev.Record.Type)
		}
	}
	return nil
}

// personOf returns a participant's dense index, adding them if new.
func (m *Model) personOf(id domain.ID) uint32 {
	if i, ok := m.personIDs.Find(id); ok {
		return i
	}
	i := m.addPerson(id)
	m.personIDs.Put(id, i)
	return i
}

// addPerson adds a participant's columns, and their key, at the next
// dense index; the caller files the id.
func (m *Model) addPerson(id domain.ID) uint32 {
	return m.people.add(id, m.keys.person(&m.counting.blocks, id))
}

// setProfile records a participant's demographics and recounts the
// dialogues they attended: a correction counts everywhere at once.
func (m *Model) setProfile(id domain.ID, p participant.Profile) {
	i := m.personOf(id)
	t, birthYear := traitsOf(p)
	m.setGroups(i, p.Groups)
	if len(p.Groups) > 0 {
		t |= inGroups
	}
	m.people.traits[i], m.people.birthYear[i] = t, birthYear
	if m.batching {
		return
	}
	for l := m.people.lastLink[i]; l != 0; l = m.links.at(l - 1).next {
		m.recount(m.records.at(m.links.at(l - 1).dialogue))
	}
}

// setGroups records the excluded groups of person i.
func (m *Model) setGroups(i uint32, codes []string) {
	if len(codes) == 0 {
		delete(m.people.groups, i)
		return
	}
	gs := make([]uint32, len(codes))
	for k, g := range codes {
		gs[k] = uint32(m.groupOf(g))
	}
	m.people.groups[i] = gs
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

// add returns a new record with its dense index.
func (m *Model) add() *record {
	d := m.records.add(record{index: uint32(m.records.len())})
	return d
}

// dialogue is the record of a dialogue, nil if none.
func (m *Model) dialogue(id domain.ID) *record {
	if i, ok := m.dialogueIDs.Find(id); ok {
		return m.records.at(i)
	}
	return nil
}

// correct replaces what a dialogue's record says, in place: its date
// may move it in its space's list, and its attendance is recounted (a
// date moves who was young on the day).
func (m *Model) correct(d *record, r dialogue.Record) {
	// Its counts leave the cell they are in before its month, format or
	// pillar can move it; setAttendance's recount enters the new one.
	if d.inBase {
		m.enterBase(d, -1)
		d.inBase = false
	}
	if day := dayOf(r.HeldOn); !d.retracted && day != d.day {
		m.unindex(d)
		d.day = day
		m.index(d)
	}
	d.day, d.format, d.pillar = dayOf(r.HeldOn), m.symbols.of(r.Format), m.symbols.of(r.Pillar)
	dd := detailsOf(&r)
	d.details = m.pack(&dd)
	m.setAttendance(d, r.Attendance)
}

// seed is a dialogue's cell's block for its records' keys: the same
// people entered again, or moved into the cell, make the same keys.
func (m *Model) seed(d *record, b *blocks) [16]byte {
	return m.keys.cellSeed(b, d.spaceID, monthOfDay(d.day), m.symbols.word(d.format), m.symbols.word(d.pillar))
}

// setAttendance replaces a dialogue's attendance and recounts it.
func (m *Model) setAttendance(d *record, a dialogue.Attendance) {
	for _, a := range m.words.Get(d.attendees) {
		i, _ := attendee(a)
		m.unlink(i, d.index)
	}
	d.headcount = headcountOf(a.Headcount)
	attendees := m.scratchAttendees[:0]
	for _, at := range a.Attendees {
		i := m.personOf(at.ParticipantID)
		if at.Spoke {
			i |= spokeBit
		}
		attendees = append(attendees, i)
	}
	m.scratchAttendees = attendees
	d.attendees = m.words.Put(attendees)
	for _, a := range attendees {
		i, _ := attendee(a)
		m.link(i, d.index)
	}
	if !m.batching {
		m.recount(d)
	}
}

// link adds an attendance of person i at dialogue di to the person's
// chain.
func (m *Model) link(i, di uint32) {
	m.links.add(link{dialogue: di, next: m.people.lastLink[i]})
	m.people.lastLink[i] = uint32(m.links.len())
}

// unlink removes one attendance of person i at dialogue di from the
// person's chain. The link's slot is left unused until the next restore.
func (m *Model) unlink(i, di uint32) {
	prev := &m.people.lastLink[i]
	for l := *prev; l != 0; l = *prev {
		if m.links.at(l-1).dialogue == di {
			*prev = m.links.at(l - 1).next
			return
		}
		prev = &m.links.at(l - 1).next
	}
}

// dated is an entry of a space's date-sorted list: the dialogue's day, to
// search and insert without reading the dialogue, and its dense index. It
// holds no pointer, so inserting moves memory without write barriers.
type dated struct {
	day   int32 // days since 1970-01-01
	index uint32
}

func dayOf(d domain.Date) int32 { return int32(d.Time().Unix() / 86400) }

// monthOfDay is monthIndex of a day, in integer arithmetic: views call it
// per dialogue. It is the civil calendar's conversion from days since
// 1970-01-01 (proleptic Gregorian, in eras of 400 years).
func monthOfDay(day int32) int32 {
	z := int64(day) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	month := mp + 3 // March = 3 … February = 14
	year := yoe + era*400
	if month > 12 {
		month -= 12
		year++
	}
	return int32(year*12 + month - 1)
}

func dateOfDay(day int32) domain.Date { return domain.DateOf(time.Unix(int64(day)*86400, 0).UTC()) }

// index inserts a dialogue into its space's list, kept sorted by date and
// then id so the order never depends on arrival, and widens the span.
func (m *Model) index(d *record) {
	list := m.bySpace[d.spaceID]
	entry := dated{d.day, d.index}
	if m.batching { // sorted once, at the batch's end
		m.bySpace[d.spaceID] = append(list, entry)
	} else {
		i := sort.Search(len(list), func(i int) bool { return !m.datedBefore(list[i], entry) })
		m.bySpace[d.spaceID] = slices.Insert(list, i, entry)
	}
	m.span = [2]int32{min(m.span[0], d.day), max(m.span[1], d.day)}
}

// unindex takes a dialogue out of its space's list. The span is looked at
// again only when the dialogue held one of its ends.
func (m *Model) unindex(d *record) {
	list := m.bySpace[d.spaceID]
	m.bySpace[d.spaceID] = slices.DeleteFunc(list, func(x dated) bool { return x.index == d.index })
	if d.day == m.span[0] || d.day == m.span[1] {
		m.spanStale = true
	}
}

func (m *Model) datedBefore(a, b dated) bool {
	if a.day != b.day {
		return a.day < b.day
	}
	return m.records.at(a.index).id.Compare(m.records.at(b.index).id) < 0
}

// recordBefore orders dialogues by day, then id: the lists' order.
func recordBefore(a, b *record) bool {
	if a.day != b.day {
		return a.day < b.day
	}
	return a.id.Compare(b.id) < 0
}

// readsInclusion reports whether an event is of an aggregate the
// inclusion model reads.
func readsInclusion(e domain.Event) bool {
	switch e.(type) {
	case space.Event, dialogue.Event, participant.Event:
		return true
	}
	return false
}
