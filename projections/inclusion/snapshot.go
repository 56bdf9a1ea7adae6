package inclusion

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/internal/binsnap"
)

// Snapshot implements projections.Projection in a compact binary form:
// spaces, then participants (whose order gives the indexes dialogues use),
// then dialogues, each list sorted by id so the same events always give
// the same bytes.
func (m *Model) Snapshot(out io.Writer) error {
	m.readLock()
	defer m.mu.RUnlock()
	w := binsnap.NewWriter(out)
	// The dialogues' key sums are worthless under another secret.
	w.Uint(m.keys.fingerprint)
	m.writeSpaces(w)
	rank := m.writePeople(w)
	dialogueRank := m.writeDialogues(w, rank)
	m.writeLinks(w, dialogueRank)
	return w.Flush()
}

func (m *Model) writeSpaces(w *binsnap.Writer) {
	spaces := make([]*Space, 0, len(m.spaces))
	for _, s := range m.spaces {
		spaces = append(spaces, s)
	}
	slices.SortFunc(spaces, func(a, b *Space) int { return a.ID.Compare(b.ID) })
	w.Uint(uint64(len(spaces)))
	for _, s := range spaces {
		w.ID(s.ID)
		w.String(s.Name)
		w.String(s.Region)
		w.String(s.Pillar)
		for _, t := range []*float64{s.Targets.Women, s.Targets.Youth, s.Targets.Disability, s.Targets.Displaced} {
			w.Bool(t != nil)
			if t != nil {
				w.Float(*t)
			}
		}
		w.Bool(s.Closed)
		w.String(s.Kind)
		w.String(s.Locality)
		w.Bool(s.ConvenorID != nil)
		if s.ConvenorID != nil {
			w.ID(*s.ConvenorID)
		}
		w.Date(s.EstablishedOn)
		w.Date(s.ClosedOn)
	}
}

// writePeople writes the people sorted by id and returns rank, which maps
// a person's dense index to its place in that order, for the dialogues.
func (m *Model) writePeople(w *binsnap.Writer) (rank []uint32) {
	order := make([]uint32, m.people.len())
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return m.people.ids[a].Compare(m.people.ids[b]) })
	rank = make([]uint32, m.people.len())
	w.Uint(uint64(len(order)))
	for r, i := range order {
		rank[i] = uint32(r)
		w.ID(m.people.ids[i])
		w.Uint(uint64(m.people.traits[i] &^ inGroups))
		w.Int(int64(m.people.birthYear[i]))
		groups := m.people.groups[i]
		w.Uint(uint64(len(groups)))
		for _, g := range groups {
			w.String(m.groups[g])
		}
		w.Uint(uint64(m.people.lastLink[i]))
	}
	return rank
}

// writeDialogues writes the dialogues sorted by id, their attendees by
// rank, and returns each dialogue's place in that order by its index.
func (m *Model) writeDialogues(w *binsnap.Writer, rank []uint32) (dialogueRank []uint32) {
	// A dialogue held twice under one id (never by the deciders) is the
	// later one.
	dialogues := make([]*record, 0, m.dialogueIDs.Len())
	for i := range uint32(m.records.len()) {
		if d := m.records.at(i); m.dialogue(d.id) == d {
			dialogues = append(dialogues, d)
		}
	}
	slices.SortFunc(dialogues, func(a, b *record) int { return a.id.Compare(b.id) })
	dialogueRank = make([]uint32, m.records.len())
	for r, d := range dialogues {
		dialogueRank[d.index] = uint32(r)
	}
	w.Uint(uint64(len(dialogues)))
	byCode := m.groupsByCode()
	w.InParts(len(dialogues), snapshotPart, func(part *binsnap.Writer, from, to int) {
		for _, d := range dialogues[from:to] {
			m.writeDialogue(part, d, rank, byCode)
		}
	})
	return dialogueRank
}

// snapshotPart is how many dialogues one goroutine encodes at a time.
const snapshotPart = 4096

func (m *Model) writeDialogue(w *binsnap.Writer, d *record, rank []uint32, byCode []int) {
	w.ID(d.id)
	w.ID(d.spaceID)
	w.Date(dateOfDay(d.day))
	w.String(m.symbols.word(d.pillar))
	w.Bool(d.retracted)
	for _, n := range d.headcount {
		w.Uint(uint64(n))
	}
	dd := m.unpack(d.details)
	for _, x := range []string{m.symbols.word(d.format), dd.Title, dd.Locality, dd.Language} {
		w.String(x)
	}
	w.Uint(uint64(dd.DurationMinutes))
	writeStrings(w, dd.Topics)
	writeStrings(w, dd.Facilitators)
	w.Uint(uint64(len(dd.StakeholderIDs)))
	for _, id := range dd.StakeholderIDs {
		w.ID(id)
	}
	w.Uint(uint64(len(dd.Concerns)))
	for _, c := range dd.Concerns {
		w.String(c.Category)
		w.String(c.Summary)
	}
	w.Uint(uint64(d.attendees.Len()))
	for _, a := range m.words.Get(d.attendees) {
		i, spoke := attendee(a)
		r := uint64(rank[i]) << 1
		if spoke {
			r |= 1
		}
		w.Uint(r)
	}
	var c, k counts
	m.addShare(&c, &d.share, false)
	m.addShare(&k, &d.share, true)
	m.writeCounts(w, &c, byCode)
	m.writeCounts(w, &k, byCode)
}

// writeLinks writes the attendance chains as they are, with dialogues by
// rank, so that a restore copies them instead of rebuilding them from
// scattered reads.
func (m *Model) writeLinks(w *binsnap.Writer, dialogueRank []uint32) {
	w.Uint(uint64(m.links.len()))
	m.links.each(func(l *link) {
		w.Uint(uint64(dialogueRank[l.dialogue]))
		w.Uint(uint64(l.next))
	})
}

// groupsByCode is the groups' indexes in the order of their codes: a
// snapshot writes groups by code, since their indexes depend on the order
// codes were seen.
func (m *Model) groupsByCode() []int {
	byCode := make([]int, len(m.groups))
	for g := range byCode {
		byCode[g] = g
	}
	slices.SortFunc(byCode, func(a, b int) int { return strings.Compare(m.groups[a], m.groups[b]) })
	return byCode
}

// writeCounts writes counts, their groups in the order byCode gives.
func (m *Model) writeCounts(w *binsnap.Writer, c *counts, byCode []int) {
	for _, n := range []int{c.dialogues, c.registered, c.unregistered, c.women, c.men, c.youth, c.youngWomen, c.youngMen, c.ageUnknown, c.disabilities, c.displaced} {
		w.Uint(uint64(n))
	}
	counted := 0
	for _, n := range c.groups {
		if n > 0 {
			counted++
		}
	}
	w.Uint(uint64(counted))
	for _, g := range byCode {
		if g < len(c.groups) && c.groups[g] > 0 {
			w.String(m.groups[g])
			w.Uint(uint64(c.groups[g]))
		}
	}
}

func (m *Model) readCounts(r *binsnap.Reader, c *counts) {
	for _, n := range []*int{&c.dialogues, &c.registered, &c.unregistered, &c.women, &c.men, &c.youth, &c.youngWomen, &c.youngMen, &c.ageUnknown, &c.disabilities, &c.displaced} {
		*n = int(r.Uint() & (1<<40 - 1)) // a damaged count stays far from overflow
	}
	for range r.Count() {
		code, n := r.Symbol(), r.Uint()
		if r.Err() != nil {
			return
		}
		g := m.groupOf(code)
		if len(c.groups) <= g {
			c.groups = append(c.groups, make([]int, g+1-len(c.groups))...)
		}
		c.groups[g] = int(n & (1<<40 - 1))
	}
}

func writeStrings(w *binsnap.Writer, xs []string) {
	w.Uint(uint64(len(xs)))
	for _, x := range xs {
		w.String(x)
	}
}

// readStrings reads a list of symbols written by writeStrings; an empty
// list reads as nil, as JSON decoding gives it.
func readStrings(r *binsnap.Reader) []string {
	var xs []string
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		xs = append(xs, r.Symbol())
	}
	return xs
}

// RestoresInMemory implements projections.InMemoryRestorer: Restore
// decodes its snapshot from memory (binsnap.NewReader).
func (m *Model) RestoresInMemory() {}

var _ projections.InMemoryRestorer = (*Model)(nil)

// Restore implements projections.Projection.
func (m *Model) Restore(in io.Reader) error {
	r := binsnap.NewReader(in)
	m.Reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.restoring = true
	defer func() {
		if m.baseFilled != nil {
			<-m.baseFilled
			m.baseFilled = nil
		}
		m.restoring = false
		m.republishAll()
	}()
	if fp := r.Uint(); r.Err() == nil && fp != m.keys.fingerprint {
		return errors.New("the snapshot's cell keys were made under another secret")
	}
	// Each part returns early on what it finds corrupt; a short read
	// leaves r.Err set and the parts after it read nothing.
	for _, part := range []func(*binsnap.Reader) error{m.readSpaces, m.readPeople, m.readDialogues, m.readLinks} {
		if err := part(r); err != nil {
			return err
		}
	}
	return r.Err()
}

func (m *Model) readSpaces(r *binsnap.Reader) error {
	for range r.Count() {
		s := &Space{ID: r.ID(), Name: r.String(), Region: r.Symbol(), Pillar: r.Symbol()}
		for _, t := range []**float64{&s.Targets.Women, &s.Targets.Youth, &s.Targets.Disability, &s.Targets.Displaced} {
			if r.Bool() {
				v := r.Float()
				*t = &v
			}
		}
		s.Closed = r.Bool()
		s.Kind, s.Locality = r.Symbol(), r.String()
		if r.Bool() {
			id := domain.ID(r.ID())
			s.ConvenorID = &id
		}
		s.EstablishedOn, s.ClosedOn = r.Date(), r.Date()
		if r.Err() != nil {
			return r.Err()
		}
		m.addSpace(s)
	}
	return nil
}

// The fewest bytes a person and a dialogue take in a snapshot: an id, and
// a dialogue's own and its space's.
const minPersonBytes, minDialogueBytes = 16, 32

// readPeople reads the people in the order they were written, which
// gives each its dense index.
func (m *Model) readPeople(r *binsnap.Reader) error {
	n := r.Count()
	room := min(n, r.Left()/minPersonBytes) // what a damaged count can reserve
	m.people.reserve(room)
	m.personIDs.Reserve(room)
	var codes []string
	for range n {
		id := domain.ID(r.ID())
		i := uint32(m.people.len())
		if !m.personIDs.Add(id, i) {
			return fmt.Errorf("%w: participant %s appears twice", binsnap.ErrCorrupt, id)
		}
		m.addPerson(id)
		t, birthYear := r.Uint(), r.Int()
		if t >= uint64(inGroups) || birthYear < 0 || birthYear > math.MaxInt16 {
			return errorOr(r.Err(), binsnap.ErrCorrupt)
		}
		codes = codes[:0]
		for range r.Count() {
			if r.Err() != nil {
				break
			}
			codes = append(codes, r.Symbol())
		}
		if r.Err() != nil {
			return r.Err()
		}
		m.setGroups(i, codes)
		if len(codes) > 0 {
			t |= uint64(inGroups)
		}
		m.people.traits[i], m.people.birthYear[i] = traits(t), int16(birthYear)
		m.people.lastLink[i] = uint32(r.Uint()) // checked with the links
	}
	return nil
}

// readDialogues reads the dialogues, their attendees by the people's
// order, and indexes them by space.
func (m *Model) readDialogues(r *binsnap.Reader) error {
	n := r.Count()
	m.dialogueIDs.Reserve(min(n, r.Left()/minDialogueBytes))
	for range n {
		d := m.add()
		m.readDialogueRecord(r, d)
		k := r.Count()
		if r.Err() != nil || k > m.people.len() {
			return errorOr(r.Err(), binsnap.ErrCorrupt)
		}
		if !m.dialogueIDs.Add(d.id, d.index) {
			return fmt.Errorf("%w: dialogue %s appears twice", binsnap.ErrCorrupt, d.id)
		}
		if err := m.readAttendees(r, d, k); err != nil {
			return err
		}
		var c, keys counts
		m.readCounts(r, &c)
		m.readCounts(r, &keys)
		d.share = m.shareOf(&c, &keys)
		if !d.retracted {
			m.bySpace[d.spaceID] = append(m.bySpace[d.spaceID], dated{d.day, d.index})
			m.span = [2]int32{min(m.span[0], d.day), max(m.span[1], d.day)}
		}
	}
	if r.Err() != nil {
		return r.Err()
	}
	// The lists are sorted and the base table filled beside the links'
	// reading, on the other core: a restart waited for the inclusion
	// model alone, on one core, most of its time (Restore waits for it).
	m.baseFilled = make(chan struct{})
	go func() {
		defer close(m.baseFilled)
		m.sortLists()
		m.fillBase()
	}()
	return nil
}

// readDialogueRecord reads what was recorded of a dialogue, up to its
// attendees.
func (m *Model) readDialogueRecord(r *binsnap.Reader, d *record) {
	d.id, d.spaceID = r.ID(), r.ID()
	d.day = dayOf(r.Date())
	d.pillar, d.retracted = m.symbols.of(r.Symbol()), r.Bool()
	for i := range d.headcount {
		d.headcount[i] = int32(min(r.Uint(), dialogue.MaxHeadcount))
	}
	d.format = m.symbols.of(r.Symbol())
	dd := details{Title: r.String(), Locality: r.Symbol(), Language: r.Symbol(), DurationMinutes: int(min(r.Uint(), math.MaxInt32))}
	dd.Topics, dd.Facilitators = readStrings(r), readStrings(r)
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		dd.StakeholderIDs = append(dd.StakeholderIDs, r.ID())
	}
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		dd.Concerns = append(dd.Concerns, dialogue.Concern{Category: r.Symbol(), Summary: r.String()})
	}
	d.details = m.pack(&dd)
}

// readAttendees reads a dialogue's k attendees, each a person's rank and
// whether they spoke, into the attendee slab.
func (m *Model) readAttendees(r *binsnap.Reader, d *record, k int) error {
	attendees := m.scratchAttendees[:0]
	for range k {
		a := r.Uint()
		if r.Err() != nil || a>>1 >= uint64(m.people.len()) {
			return errorOr(r.Err(), binsnap.ErrCorrupt)
		}
		attendees = append(attendees, uint32(a>>1)|uint32(a&1)<<31)
	}
	m.scratchAttendees = attendees
	d.attendees = m.words.Put(attendees)
	return nil
}

// readLinks reads the attendance chains and checks that every person's
// last link is one of them.
func (m *Model) readLinks(r *binsnap.Reader) error {
	n := r.Count()
	for k := range n {
		d, next := r.Uint(), r.Uint()
		// A chain only points back, so a damaged one cannot loop.
		if r.Err() != nil || d >= uint64(m.records.len()) || next > uint64(k) {
			return errorOr(r.Err(), binsnap.ErrCorrupt)
		}
		m.links.add(link{dialogue: uint32(d), next: uint32(next)})
	}
	for _, l := range m.people.lastLink {
		if int(l) > m.links.len() {
			return errorOr(r.Err(), binsnap.ErrCorrupt)
		}
	}
	return nil
}

func errorOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
