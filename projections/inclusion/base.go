package inclusion

import (
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// The base table is what roles without access to identities are
// published from: the finest cells — one space, one calendar month, one
// format, one pillar — each published once from its true counts and its
// cell key, and every larger figure the sum of those published cells
// (see Published). Two answers then differ only by whole published cells,
// never by a fresh noise on the same records.
//
// The model keeps the cells current as events arrive: a dialogue held,
// corrected, recounted after a profile correction or retracted moves its
// counts and key sums in or out of its cell, and each space and each
// region keep the sums of their cells' published values month by month
// (monthSums), so that a region over a year is twelve additions and a
// space over a year twelve adjacent rows.

// Perturbation publishes one count of a base cell from its true value
// and its cell key; nil publishes true values. It is injected so that
// projections need not depend on the disclosure rules. It is called from
// several goroutines at once (republishAll), so it must keep no state.
type Perturbation func(value int, key uint32) int

// The measures of a base cell, in this order.
const (
	mAttendance = iota
	mRegistered
	mUnregistered
	mWomen
	mMen
	mYouth
	mYoungWomen
	mYoungMen
	mAgeUnknown
	mDisabilities
	mDisplaced
	nMeasures
)

// measuresOf lists a dialogue's counts (or key sums) as measures.
func measuresOf(c *counts) [nMeasures]int {
	return [nMeasures]int{c.registered + c.unregistered, c.registered, c.unregistered, c.women, c.men,
		c.youth, c.youngWomen, c.youngMen, c.ageUnknown, c.disabilities, c.displaced}
}

// baseCell is one cell of the base table. Its counts and key sums are
// the sums of its members' shares, added up when it is published: a cell
// holds a dialogue or a few, and keeping the sums as well made the base
// table as large as the dialogues themselves.
type baseCell struct {
	format, pillar uint32 // symbols
	// members are its dialogues' indexes in Model.records: a cell whose
	// dialogues are all one entry repeated is published from one copy.
	members []uint32
}

// sum is the sum of a cell's members' shares, key sums modulo 2³².
func (m *Model) sum(c *baseCell) cellSum {
	var s cellSum
	for _, i := range c.members {
		d := &m.records.at(i).share
		for k := range s.values {
			s.values[k] += d.values[k]
			s.keys[k] += d.keys[k]
		}
		groups := m.words.Get(d.groups)
		if len(s.groups) < len(groups) {
			s.groups = append(s.groups, make([]uint32, len(groups)-len(s.groups))...)
		}
		for g, n := range groups {
			s.groups[g] += n
		}
	}
	return s
}

// cellSum is a sum of shares, their groups as Model.words holds them.
type cellSum struct {
	values [nMeasures]int32
	keys   [nMeasures]uint32
	groups []uint32
}

// tally is a sum of published cells.
type tally struct {
	dialogues int
	measures  [nMeasures]int
	groups    []int // by Model.groups index
}

func (t *tally) add(o *tally, sign int) {
	t.dialogues += sign * o.dialogues
	for i, n := range o.measures {
		t.measures[i] += sign * n
	}
	if len(t.groups) < len(o.groups) {
		t.groups = append(t.groups, make([]int, len(o.groups)-len(t.groups))...)
	}
	for i, n := range o.groups {
		t.groups[i] += sign * n
	}
}

// spaceMonth holds one space's cells of one month; the sum of their
// published values is in the space's monthSums.
type spaceMonth struct {
	cells []baseCell
}

// monthIndex numbers calendar months: year × 12 + month − 1.
func monthIndex(d domain.Date) int32 { return int32(d.Year()*12 + int(d.Month()) - 1) }

func firstDayOfMonth(month int32) domain.Date {
	return domain.NewDate(int(month/12), time.Month(month%12+1), 1)
}

// UsePerturbation makes the base table publish through p from now on,
// republishing every cell; nil publishes true values. Blank models carry
// it, so past views publish the same cells the same way.
func (m *Model) UsePerturbation(p Perturbation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.perturb = p
	m.republishAll()
}

// republishAll recomputes every space-month's published sum, and the
// regions', on every core: publishing a cell only reads the model, and
// each goroutine sums its share of the spaces apart (a restart and the
// end of a replay publish every cell, 300,000 space-months at 1M
// events). m.mu is held.
func (m *Model) republishAll() {
	spaces := make([]domain.ID, 0, len(m.base))
	for id := range m.base {
		spaces = append(spaces, id)
	}
	type sums struct {
		spaces  map[domain.ID]*monthSums
		regions map[string]*monthSums
	}
	workers := runtime.GOMAXPROCS(0)
	parts := make([]sums, workers)
	var wg sync.WaitGroup
	for w := range parts {
		part := &parts[w]
		part.spaces, part.regions = map[domain.ID]*monthSums{}, map[string]*monthSums{}
		wg.Go(func() {
			for _, id := range spaces[len(spaces)*w/workers : len(spaces)*(w+1)/workers] {
				for month, sm := range m.base[id] {
					var sum tally
					for i := range sm.cells {
						c := m.publishCell(&sm.cells[i])
						sum.add(&c, 1)
					}
					sumsIn(part.spaces, id).add(month, &sum, 1)
					sumsIn(part.regions, m.regionOf(id)).add(month, &sum, 1)
				}
			}
		})
	}
	wg.Wait()
	m.spaceSums, m.regionSums = parts[0].spaces, parts[0].regions
	for _, part := range parts[1:] {
		maps.Copy(m.spaceSums, part.spaces) // each space's sums are one part's
		for region, s := range part.regions {
			into := sumsIn(m.regionSums, region)
			s.each(math.MinInt32, math.MaxInt32, &tally{}, func(month int32, t *tally) { into.add(month, t, 1) })
		}
	}
}

// publishMonth adds a change of a space-month's published sum to the
// space's sums and its region's. m.mu is held.
func (m *Model) publishMonth(id domain.ID, month int32, change *tally) {
	sumsIn(m.spaceSums, id).add(month, change, 1)
	sumsIn(m.regionSums, m.regionOf(id)).add(month, change, 1)
}

// regionOf is a space's region, "" while the space is unknown.
func (m *Model) regionOf(id domain.ID) string {
	if s := m.spaces[id]; s != nil {
		return s.Region
	}
	return ""
}

// moveRegion moves a space's published sums from one region's to
// another's, when its details change its region, and forgets both
// regions' unique participants of its years. m.mu is held.
func (m *Model) moveRegion(id domain.ID, from, to string) {
	if from == to {
		return
	}
	m.exactMonths.regionsChanged(from, to)
	m.spaceSums[id].each(math.MinInt32, math.MaxInt32, &tally{}, func(month int32, sums *tally) {
		sumsIn(m.regionSums, from).add(month, sums, -1)
		sumsIn(m.regionSums, to).add(month, sums, 1)
		m.uniques.changed(int(month / 12)) // both regions' people of that year change
	})
}

// publishCell is a cell's published values: each measure perturbed once
// by its own cell key, but attendance and youth, the sums of their parts'
// published values (registered and unregistered; young women, young men
// and youth of no recorded sex). The dialogue count is not perturbed:
// dialogues are records, not people.
//
// A cell whose dialogues are all the same entry repeated (a dialogue
// entered twice, before one is retracted) publishes copies × the one
// entry's published values: its records' keys come from their content,
// so the one entry alone is the cell as it was before the duplicate, and
// the doubled cell, perturbed afresh, would be a second noisy view of the
// same people — of twice their count, with half the relative noise.
func (m *Model) publishCell(c *baseCell) tally {
	dialogues, copies := len(c.members), 1
	if one := m.repeatedEntry(c); one != nil {
		copies, c = len(c.members), &baseCell{members: c.members[:1]}
	}
	sum := m.sum(c)
	publish := func(value int32, key uint32) int {
		if m.perturb == nil {
			return copies * int(value)
		}
		return copies * m.perturb(int(value), key)
	}
	t := tally{dialogues: dialogues}
	for i := range t.measures {
		t.measures[i] = publish(sum.values[i], sum.keys[i])
	}
	// A measure that is the sum of others is published as the sum of their
	// published values: perturbed on its own, it would be a second noisy
	// view of each part ("attendance − unregistered" of the registered),
	// and two views at opposite extremes of the noise can leave one or two
	// values (a registered attendee of 1 known to be 1 or 2).
	t.measures[mAttendance] = t.measures[mRegistered] + t.measures[mUnregistered]
	otherYouth := publish(sum.values[mYouth]-sum.values[mYoungWomen]-sum.values[mYoungMen], sum.keys[mYouth]-sum.keys[mYoungWomen]-sum.keys[mYoungMen])
	t.measures[mYouth] = t.measures[mYoungWomen] + t.measures[mYoungMen] + otherYouth
	if groups := len(sum.groups) / 2; groups > 0 {
		t.groups = make([]int, groups)
		for g := range groups {
			t.groups[g] = publish(int32(sum.groups[2*g]), sum.groups[2*g+1])
		}
	}
	return t
}

// repeatedEntry is the one dialogue a cell of two or more holds copies
// of, when all its dialogues count the same records; nil otherwise. It
// stops at the first that differs, so a cell of distinct dialogues costs
// one comparison.
func (m *Model) repeatedEntry(c *baseCell) *record {
	if len(c.members) < 2 {
		return nil
	}
	one := m.records.at(c.members[0])
	for _, i := range c.members[1:] {
		if !m.sameRecords(one, m.records.at(i)) {
			return nil
		}
	}
	return one
}

// sameRecords reports whether two dialogues count the same records: the
// same counts under the same keys.
func (m *Model) sameRecords(a, b *record) bool {
	return a.share.values == b.share.values && a.share.keys == b.share.keys && slices.Equal(m.words.Get(a.share.groups), m.words.Get(b.share.groups))
}

// enterBase adds a dialogue's current counts to its cell (sign 1) or
// takes them out (sign −1), and moves the change of the cell's published
// values into its space's and its region's sums. m.mu is held.
func (m *Model) enterBase(d *record, sign int) {
	months := m.base[d.spaceID]
	if months == nil {
		months = map[int32]*spaceMonth{}
		m.base[d.spaceID] = months
	}
	month := monthOfDay(d.day)
	sm := months[month]
	if sm == nil {
		sm = &spaceMonth{}
		months[month] = sm
	}
	k := -1
	for i := range sm.cells {
		if sm.cells[i].format == d.format && sm.cells[i].pillar == d.pillar {
			k = i
			break
		}
	}
	if k < 0 {
		sm.cells = append(sm.cells, baseCell{format: d.format, pillar: d.pillar})
		k = len(sm.cells) - 1
	}
	c := &sm.cells[k]
	var before tally
	if !m.restoring {
		before = m.publishCell(c)
	}
	if sign > 0 {
		c.members = append(c.members, d.index)
	} else if i := slices.Index(c.members, d.index); i >= 0 {
		c.members = slices.Delete(c.members, i, i+1)
	}
	if !m.restoring { // a restore publishes every cell once, at its end
		change := m.publishCell(c)
		change.add(&before, -1)
		m.publishMonth(d.spaceID, month, &change)
	}
	if len(c.members) == 0 {
		sm.cells[k] = sm.cells[len(sm.cells)-1]
		sm.cells = sm.cells[:len(sm.cells)-1]
		if len(sm.cells) == 0 {
			delete(months, month) // a month left empty lists no row, as after a restore
		}
	}
	if !m.restoring { // a restored model has kept nothing yet
		m.uniques.changed(int(month / 12))
		if m.exactMonths.any() {
			m.exactMonths.changed(m.regionOf(d.spaceID), month)
		}
	}
}

// moveBase takes a dialogue's counts out of the base table before they
// change, runs change, and puts them back unless the dialogue is
// retracted. m.mu is held.
func (m *Model) moveBase(d *record, change func()) {
	if d.inBase {
		m.enterBase(d, -1)
		d.inBase = false
	}
	change()
	if !d.retracted && !m.batching {
		m.enterBase(d, 1)
		d.inBase = true
	}
}
