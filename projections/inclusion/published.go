package inclusion

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// Snapped widens a query's dates to whole calendar months, the finest
// period of the base table: From to the first day of its month, To to the
// last day of its. Open ends stay open.
func Snapped(q Query) Query {
	if !q.From.IsZero() {
		q.From = firstDayOfMonth(monthIndex(q.From))
	}
	if !q.To.IsZero() {
		q.To = lastDayOfMonth(monthIndex(q.To))
	}
	return q
}

func lastDayOfMonth(month int32) domain.Date {
	return domain.DateOf(firstDayOfMonth(month+1).Time().AddDate(0, 0, -1))
}

// monthsPer is how many months a bucket spans (0 for none).
func monthsPer(b Bucket) int32 {
	switch b {
	case Month:
		return 1
	case Quarter:
		return 3
	case Year:
		return 12
	}
	return 0
}

// Published answers a query from the base table: every figure is the sum
// of the published base cells it covers, so two answers differ only by
// whole cells. The dates are widened to whole months (Snapped; the view's
// From and To say which), and rows are whole buckets. UniqueParticipants
// is zero: it does not add across cells (see UniqueInYear). A space the
// model does not hold (a past view before it was established) selects
// nothing. Returns an error for a range that ends before it starts, and
// the context's error when it ends first.
func (m *Model) Published(ctx context.Context, q Query) (View, error) {
	views, err := m.PublishedEach(ctx, []Query{q})
	if err != nil {
		return View{}, err
	}
	return views[0], nil
}

// PublishedEach answers each query as Published does, in one pass under
// one lock: a table's total and its groups, figures of the same moment
// however events arrive meanwhile. Returns an error for a range that ends
// before it starts, and the context's error when it ends first.
func (m *Model) PublishedEach(ctx context.Context, qs []Query) ([]View, error) {
	for _, q := range qs {
		if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
			return nil, fmt.Errorf("to (%s) is before from (%s)", q.To, q.From)
		}
		if q.Spaces != nil {
			return nil, errors.New("the base table is published by space or region, not by a list of spaces")
		}
	}
	m.readLock()
	defer m.mu.RUnlock()
	out := make([]View, len(qs))
	var part tally // each month's sums, read into one place
	var months monthRange
	for i, q := range qs {
		if i%256 == 255 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if i == 0 || q.From != qs[i-1].From || q.To != qs[i-1].To { // a table's groups share their dates
			months = monthsOf(q)
		}
		q.From, q.To = months.from, months.to
		v, err := m.published(ctx, q, months.lo, months.hi, &part)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// monthRange is a query's dates widened to whole months (Snapped), and
// the indexes of their first and last months (unbounded where open).
type monthRange struct {
	from, to domain.Date
	lo, hi   int32
}

func monthsOf(q Query) monthRange {
	q = Snapped(q)
	r := monthRange{from: q.From, to: q.To, lo: math.MinInt32, hi: math.MaxInt32}
	if !q.From.IsZero() {
		r.lo = monthIndex(q.From)
	}
	if !q.To.IsZero() {
		r.hi = monthIndex(q.To)
	}
	return r
}

// published is Published's answer to one query, its dates widened to
// months lo…hi, each month's sums read into part. m.mu is held.
func (m *Model) published(ctx context.Context, q Query, lo, hi int32, part *tally) (View, error) {
	v := View{From: q.From, To: q.To}
	var total tally
	var rows map[int32]*tally
	width := monthsPer(q.Bucket)
	if width > 0 {
		rows = map[int32]*tally{}
	}
	add := func(month int32, part *tally) {
		if month < lo || month > hi || part.dialogues == 0 { // no dialogue there (any more): no row
			return
		}
		total.add(part, 1)
		if width == 0 {
			return
		}
		start := month - month%width
		if rows[start] == nil {
			rows[start] = &tally{}
		}
		rows[start].add(part, 1)
	}
	if q.SpaceID == nil && q.Format == "" && q.Pillar == "" {
		// A region, or everything: the regions' kept sums.
		for region, sums := range m.regionSums {
			if q.Region == "" || region == q.Region {
				sums.each(lo, hi, part, add)
			}
		}
	} else {
		for n, id := range m.publishedSpaces(q, &v) {
			if n%256 == 255 && ctx.Err() != nil {
				return View{}, ctx.Err()
			}
			m.eachPublished(id, q, lo, hi, part, add)
		}
	}
	v.Total = m.publishedFigures(&total)
	v.Rows = m.publishedRows(rows, width, lo, hi)
	return v, nil
}

// eachPublished calls f with each month from lo to hi of a space's
// published sums, of its cells of q's format and pillar: the kept sums
// when neither narrows them.
func (m *Model) eachPublished(id domain.ID, q Query, lo, hi int32, part *tally, f func(int32, *tally)) {
	if q.Format == "" && q.Pillar == "" {
		m.spaceSums[id].each(lo, hi, part, f)
		return
	}
	eachMonth(m.base[id], lo, hi, func(month int32, sm *spaceMonth) { f(month, m.selectedCells(sm, q)) })
}

// eachMonth calls f with each of months within lo…hi: looked up month by
// month when the range is shorter than the map (a year of a space's ten),
// else in the map's order (open ends).
func eachMonth[T any](months map[int32]T, lo, hi int32, f func(int32, T)) {
	if int64(hi)-int64(lo) < int64(len(months)) {
		for month := lo; month <= hi; month++ {
			if v, ok := months[month]; ok {
				f(month, v)
			}
		}
		return
	}
	for month, v := range months {
		f(month, v)
	}
}

// publishedSpaces are the spaces a query selects; for one space, it sets
// the view's targets. m.mu is held.
func (m *Model) publishedSpaces(q Query, v *View) []domain.ID {
	if q.SpaceID != nil {
		s, ok := m.spaces[*q.SpaceID]
		if !ok {
			return nil // not yet established in a past view: nothing held there
		}
		t := s.Targets
		v.Targets = &t
		if q.Region != "" && s.Region != q.Region {
			return nil // filters combine: a space and another region select nothing
		}
		return []domain.ID{s.ID}
	}
	var out []domain.ID
	if q.Region == "" {
		for id := range m.base {
			out = append(out, id)
		}
		return out
	}
	for _, id := range m.regionSpaces[q.Region] {
		if m.base[id] != nil {
			out = append(out, id)
		}
	}
	return out
}

// selectedCells is the published sum of a space-month's cells of q's
// format and pillar.
func (m *Model) selectedCells(sm *spaceMonth, q Query) *tally {
	var sum tally
	for i := range sm.cells {
		c := &sm.cells[i]
		if m.isSymbol(c.format, q.Format) && m.isSymbol(c.pillar, q.Pillar) {
			p := m.publishCell(c)
			sum.add(&p, 1)
		}
	}
	return &sum
}

// isSymbol reports whether symbol i is word, or word is "" (any).
func (m *Model) isSymbol(i uint32, word string) bool {
	return word == "" || m.symbols.word(i) == word
}

// publishedRows lists a view's buckets in order: every bucket of a
// bounded range, empty ones too, or those holding dialogues.
func (m *Model) publishedRows(rows map[int32]*tally, width, lo, hi int32) []Row {
	if width == 0 {
		return nil
	}
	var starts []int32
	if lo != math.MinInt32 && hi != math.MaxInt32 {
		for s := lo - lo%width; s <= hi; s += width {
			starts = append(starts, s)
		}
	} else {
		for s := range rows {
			starts = append(starts, s)
		}
		slices.Sort(starts)
	}
	out := make([]Row, len(starts))
	for i, s := range starts {
		t := rows[s]
		if t == nil {
			t = &tally{}
		}
		out[i] = Row{Period: Period{From: firstDayOfMonth(s), To: lastDayOfMonth(s + width - 1)}, Figures: m.publishedFigures(t)}
	}
	return out
}

// publishedFigures turns a sum of published cells into Figures, without
// cell keys: they are published already.
func (m *Model) publishedFigures(t *tally) Figures {
	n := t.measures
	f := Figures{Dialogues: t.dialogues, Attendance: n[mAttendance], Registered: n[mRegistered], Unregistered: n[mUnregistered],
		Women: n[mWomen], Men: n[mMen], Youth: n[mYouth], YoungWomen: n[mYoungWomen], YoungMen: n[mYoungMen],
		AgeUnknown: n[mAgeUnknown], PersonsWithDisabilities: n[mDisabilities], Displaced: n[mDisplaced], Groups: map[string]int{}}
	for g, k := range t.groups {
		if k > 0 {
			f.Groups[m.groups[g]] = k
		}
	}
	return f
}

// IsWholeYear reports whether a period is exactly one calendar year.
func IsWholeYear(from, to domain.Date) bool {
	return !from.IsZero() && from == domain.NewDate(from.Year(), time.January, 1) && to == domain.NewDate(from.Year(), 12, 31)
}

// UniqueInYear counts the registered people who attended a dialogue of
// one space (spaceID), one region, or every space (neither), in one
// calendar year, with the sum of their keys: the only unique-participant
// cells roles without identities are published (unique participants do
// not add across cells, so they have cells of their own, fixed like the
// base table's). Counted once per year and scope until a dialogue of that
// year changes.
func (m *Model) UniqueInYear(spaceID *domain.ID, region string, year int) (count int, key uint32) {
	m.readLock()
	defer m.mu.RUnlock()
	scope := uniqueScope{region: region, year: year}
	if spaceID != nil {
		scope.space = *spaceID
	}
	if count, key, ok := m.uniques.get(scope); ok {
		return count, key
	}
	q := Query{SpaceID: spaceID, Region: region, From: domain.NewDate(year, 1, 1), To: domain.NewDate(year, 12, 31)}
	var selected []dated
	if spaceID != nil {
		if s, ok := m.spaces[*spaceID]; ok && (region == "" || s.Region == region) {
			selected = m.datedInRange(m.bySpace[*spaceID], q)
		}
	} else {
		selected = m.acrossSpaces(q) // in no order: a bitmap does not need one
	}
	seen := getBitmap(m.people.len())
	defer seen.release()
	for _, x := range selected {
		for _, a := range m.words.Get(m.records.at(x.index).attendees) {
			if i, _ := attendee(a); seen.add(i) {
				key += m.people.keys[i]
			}
		}
	}
	m.uniques.put(scope, seen.count, key)
	return seen.count, key
}

// uniqueMemos keep unique-participant cells until a dialogue of their
// year changes.
type uniqueMemos struct {
	mu   sync.Mutex
	gen  map[int]uint64 // by year
	memo map[uniqueScope]uniqueMemo
}

type uniqueScope struct {
	space  domain.ID
	region string
	year   int
}

type uniqueMemo struct {
	gen   uint64
	count int
	key   uint32
}

func newUniqueMemos() *uniqueMemos {
	return &uniqueMemos{gen: map[int]uint64{}, memo: map[uniqueScope]uniqueMemo{}}
}

func (u *uniqueMemos) changed(year int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.gen[year]++
}

func (u *uniqueMemos) get(s uniqueScope) (count int, key uint32, ok bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	m, ok := u.memo[s]
	if !ok || m.gen != u.gen[s.year] {
		return 0, 0, false
	}
	return m.count, m.key, true
}

func (u *uniqueMemos) put(s uniqueScope, count int, key uint32) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.memo[s] = uniqueMemo{gen: u.gen[s.year], count: count, key: key}
}
