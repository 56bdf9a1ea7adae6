package inclusion

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/space"
)

// Bucket is how a view splits its date range.
type Bucket int

const (
	NoBucket Bucket = iota
	Month
	Quarter
	Year
)

// Query selects dialogues by space, region, pillar and business date. Zero
// fields select everything; From and To are inclusive.
type Query struct {
	SpaceID *domain.ID
	Region  string
	// Spaces, when not nil, selects these spaces' dialogues alone,
	// whatever region each had: how a past model is read for a viewer
	// scoped to regions, who sees the spaces in their regions today
	// (core/read). View, Selected and List take it; the base table's
	// views (Published, PublishedEach), for those who see every region,
	// refuse it.
	Spaces map[domain.ID]bool
	Pillar string
	// Format selects dialogues of one format.
	Format   string
	From, To domain.Date
	Bucket   Bucket
}

// selects reports whether q's region and spaces take a space's
// dialogues; s is nil for a space the model does not know.
func (q Query) selects(id domain.ID, s *Space) bool {
	return q.inSpaces(id) && (q.Region == "" || s != nil && s.Region == q.Region)
}

// inSpaces reports whether q's spaces, if it lists them, hold a space.
func (q Query) inSpaces(id domain.ID) bool { return q.Spaces == nil || q.Spaces[id] }

// Figures are the inclusion counts over a set of dialogues.
type Figures struct {
	Dialogues int
	// Attendance is registered attendees plus the unregistered headcount.
	Attendance, Registered, Unregistered int
	// UniqueParticipants counts registered people once however often they
	// came.
	UniqueParticipants int
	Women, Men         int
	// Youth are aged 15–35 on the day; AgeUnknown registered attendees
	// have an age band that straddles the limit or none.
	Youth, YoungWomen, YoungMen, AgeUnknown int
	PersonsWithDisabilities, Displaced      int
	// Groups counts registered attendees per excluded group.
	Groups map[string]int
	// Keys are these figures' cell keys, for perturbation (see
	// core/disclosure): each count's field holds the sum, modulo 2³²,
	// of the keys of the records it counts. Nil within Keys.
	Keys *Figures
}

// Share is n as a fraction of attendance, 0 when nobody attended.
func (f Figures) Share(n int) float64 {
	if f.Attendance == 0 {
		return 0
	}
	return float64(n) / float64(f.Attendance)
}

// Period is a bucket's first and last day, narrowed to the query's range.
type Period struct{ From, To domain.Date }

// Row is one bucket of a view.
type Row struct {
	Period  Period
	Figures Figures
}

// View answers a Query.
type View struct {
	// From and To are the dates the figures cover: the query's, widened
	// to whole months by Published.
	From, To domain.Date
	Rows     []Row
	Total    Figures
	// Targets and Met are set for a view of one space: whether the total's
	// shares reach the space's targets, by target name.
	Targets *space.Targets
	Met     map[string]bool
}

// View computes the figures a query selects. It returns an error for a
// space that does not exist or a range that ends before it starts, and
// the context's error when it ends first (checked every few hundred
// dialogues, so an abandoned request stops working).
func (m *Model) View(ctx context.Context, q Query) (View, error) {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return View{}, fmt.Errorf("to (%s) is before from (%s)", q.To, q.From)
	}
	m.readLock()
	defer m.mu.RUnlock()
	v := View{From: q.From, To: q.To}
	if q.SpaceID != nil {
		s, ok := m.spaces[*q.SpaceID]
		if !ok {
			return View{}, fmt.Errorf("no space %s", q.SpaceID)
		}
		t := s.Targets
		v.Targets = &t
		var selected []dated
		if q.selects(s.ID, s) { // filters combine: a space and another region select nothing
			selected = m.datedInRange(m.bySpace[s.ID], q) // in order already
		}
		return m.walkView(ctx, q, v, selected)
	}
	if byMonths(q) {
		return m.viewByMonths(ctx, q, v)
	}
	selected := m.acrossSpaces(q)
	if q.Bucket != NoBucket {
		selected = byBucket(selected, q.Bucket)
	}
	return m.walkView(ctx, q, v, selected)
}

// walkView answers q from the dialogues it selects, into v: each
// bucket's dialogues are contiguous. m.mu is held.
func (m *Model) walkView(ctx context.Context, q Query, v View, selected []dated) (View, error) {
	// One bitmap counts the whole range's unique participants, another
	// each bucket's, cleared between buckets.
	var total, current, totalKeys, currentKeys counts
	uniqueKey, bucketUniqueKey := 0, 0
	all := getBitmap(m.people.len())
	defer all.release()
	inBucket := getBitmap(m.people.len())
	defer inBucket.release()
	var period Period
	open, bucket := false, int32(0)
	closeBucket := func() {
		if open {
			v.Rows = append(v.Rows, Row{Period: clip(period, q), Figures: m.keyedFigures(&current, &currentKeys, inBucket.count, bucketUniqueKey)})
			current, currentKeys, bucketUniqueKey = counts{}, counts{}, 0
			inBucket.reset()
		}
	}
	for i, x := range selected {
		if i%512 == 511 && ctx.Err() != nil {
			return View{}, ctx.Err()
		}
		d := m.records.at(x.index)
		if !m.isSymbol(d.pillar, q.Pillar) || !m.isSymbol(d.format, q.Format) {
			continue
		}
		m.addShare(&total, &d.share, false)
		m.addShare(&totalKeys, &d.share, true)
		attendees := m.words.Get(d.attendees)
		for _, a := range attendees {
			if i, _ := attendee(a); all.add(i) {
				uniqueKey += int(m.people.keys[i])
			}
		}
		if q.Bucket == NoBucket {
			continue
		}
		if b := bucketStart(x.day, q.Bucket); !open || b != bucket {
			closeBucket()
			period, open, bucket = bucketPeriod(b, q.Bucket), true, b
		}
		m.addShare(&current, &d.share, false)
		m.addShare(&currentKeys, &d.share, true)
		for _, a := range attendees {
			if i, _ := attendee(a); inBucket.add(i) {
				bucketUniqueKey += int(m.people.keys[i])
			}
		}
	}
	closeBucket()
	if q.Bucket != NoBucket && !q.From.IsZero() && !q.To.IsZero() {
		// List every bucket of the range, empty ones too.
		have := map[domain.Date]bool{}
		for _, r := range v.Rows {
			have[r.Period.From] = true
		}
		for p := bucketOf(q.From, q.Bucket); !q.To.Before(p.From); p = bucketOf(domain.DateOf(p.To.Time().AddDate(0, 0, 1)), q.Bucket) {
			if c := clip(p, q); !have[c.From] {
				v.Rows = append(v.Rows, Row{Period: c, Figures: m.keyedFigures(&counts{}, &counts{}, 0, 0)})
			}
		}
		slices.SortFunc(v.Rows, func(a, b Row) int { return a.Period.From.Time().Compare(b.Period.From.Time()) })
	}
	v.Total = m.keyedFigures(&total, &totalKeys, all.count, uniqueKey)
	if v.Targets != nil {
		v.Met = Met(*v.Targets, v.Total)
	}
	return v, nil
}

// acrossSpaces returns the dialogues of every space of q's region (every
// space for none) within q's dates, in no order: a sort would cost more
// than the view (a third of a region's, growing faster than the data),
// and only buckets need one (byBucket). m.mu is held.
func (m *Model) acrossSpaces(q Query) []dated {
	var days []dated
	m.eachSpaceIn(q.Region, func(id domain.ID, list []dated) {
		if q.inSpaces(id) {
			days = append(days, m.datedInRange(list, q)...)
		}
	})
	return days
}

// byBucket orders dialogues by bucket, in one counting pass: buckets are
// months apart, so there are few of them however many dialogues.
func byBucket(days []dated, b Bucket) []dated {
	if len(days) == 0 {
		return days
	}
	width := monthsPer(b)
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, x := range days {
		k := bucketStart(x.day, b)
		lo, hi = min(lo, k), max(hi, k)
	}
	starts := make([]int, (hi-lo)/width+2)
	for _, x := range days {
		starts[(bucketStart(x.day, b)-lo)/width+1]++
	}
	for k := 1; k < len(starts); k++ {
		starts[k] += starts[k-1]
	}
	out := make([]dated, len(days))
	for _, x := range days {
		k := (bucketStart(x.day, b) - lo) / width
		out[starts[k]] = x
		starts[k]++
	}
	return out
}

// bucketStart is the month index (monthIndex) that starts the bucket of
// kind b holding a day.
func bucketStart(day int32, b Bucket) int32 {
	month := monthOfDay(day)
	return month - month%monthsPer(b)
}

// bucketPeriod is the bucket of kind b that starts at a month.
func bucketPeriod(start int32, b Bucket) Period {
	return Period{firstDayOfMonth(start), lastDayOfMonth(start + monthsPer(b) - 1)}
}

// Selected counts the dialogues a query's space, region and dates select,
// before its pillar and format narrow them: how many a view scans, found
// by a binary search in each space's list, for pricing a view before it
// runs.
func (m *Model) Selected(q Query) int {
	m.readLock()
	defer m.mu.RUnlock()
	within := func(list []dated) int { return len(m.datedInRange(list, q)) }
	if q.SpaceID != nil {
		return within(m.bySpace[*q.SpaceID]) // one space: no pass over the others
	}
	n := 0
	m.eachSpaceIn(q.Region, func(id domain.ID, list []dated) {
		if q.inSpaces(id) {
			n += within(list)
		}
	})
	return n
}

// Span is the first and last day any dialogue was held (zero dates when
// none was), kept as dialogues are listed: looked up per request, it
// must not read every space.
func (m *Model) Span() (first, last domain.Date) {
	m.readLock()
	if m.spanStale {
		m.mu.RUnlock()
		m.mu.Lock()
		m.respan()
		m.mu.Unlock()
		m.mu.RLock()
	}
	defer m.mu.RUnlock()
	if m.span[0] > m.span[1] {
		return domain.Date{}, domain.Date{}
	}
	return dateOfDay(m.span[0]), dateOfDay(m.span[1])
}

// respan finds the span again, after a dialogue at one of its ends left.
// m.mu is held.
func (m *Model) respan() {
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, list := range m.bySpace {
		if len(list) > 0 {
			lo, hi = min(lo, list[0].day), max(hi, list[len(list)-1].day)
		}
	}
	m.span, m.spanStale = [2]int32{lo, hi}, false
}

// Buckets counts the buckets of kind b from one day to another, both
// included: how many rows a view over that range lists.
func Buckets(from, to domain.Date, b Bucket) int {
	if b == NoBucket || to.Before(from) {
		return 0
	}
	months := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month())
	switch b {
	case Month:
		return months + 1
	case Quarter:
		return (to.Year()*4 + (int(to.Month())-1)/3) - (from.Year()*4 + (int(from.Month())-1)/3) + 1
	}
	return to.Year() - from.Year() + 1
}

// datedInRange is the part of a date-sorted list within q's dates.
func (m *Model) datedInRange(list []dated, q Query) []dated {
	lo, hi := 0, len(list)
	if !q.From.IsZero() {
		from := dayOf(q.From)
		lo = sort.Search(len(list), func(i int) bool { return list[i].day >= from })
	}
	if !q.To.IsZero() {
		to := dayOf(q.To)
		hi = lo + sort.Search(len(list)-lo, func(i int) bool { return list[lo+i].day > to })
	}
	return list[lo:hi]
}

// bucketOf is the period of the given kind that contains d.
func bucketOf(d domain.Date, b Bucket) Period {
	y, m := d.Year(), d.Month()
	switch b {
	case Month:
		first := domain.NewDate(y, m, 1)
		return Period{first, domain.DateOf(first.Time().AddDate(0, 1, -1))}
	case Quarter:
		q := (int(m)-1)/3*3 + 1
		first := domain.NewDate(y, time.Month(q), 1)
		return Period{first, domain.DateOf(first.Time().AddDate(0, 3, -1))}
	}
	return Period{domain.NewDate(y, 1, 1), domain.NewDate(y, 12, 31)}
}

// clip narrows a bucket at the edges of a query's range to that range, so
// a row never claims days the query left out.
func clip(p Period, q Query) Period {
	if !q.From.IsZero() && p.From.Before(q.From) {
		p.From = q.From
	}
	if !q.To.IsZero() && p.To.After(q.To) {
		p.To = q.To
	}
	return p
}

// Met compares a total's shares, in percent, with a space's targets, by
// target name; a target not set has no entry.
func Met(t space.Targets, f Figures) map[string]bool {
	out := map[string]bool{}
	check := func(name string, target *float64, n int) {
		if target != nil {
			out[name] = space.Met(*target, n, f.Attendance)
		}
	}
	check("women", t.Women, f.Women)
	check("youth", t.Youth, f.Youth)
	check("disability", t.Disability, f.PersonsWithDisabilities)
	check("displaced", t.Displaced, f.Displaced)
	return out
}

// Extent is what a query's space or region holds, for sizing a view
// before it runs: its spaces and their regions, and the first and last
// months any of its dialogues was held in, as their first and last days
// (zero dates when none was). Selected counts its dialogues.
type Extent struct {
	Spaces, Regions int
	First, Last     domain.Date
}

// ExtentOf is q's extent, found from q's space's or region's monthly
// sums: nothing outside them is read, so a view's size, and the refusal
// of one too large, say nothing of what lies elsewhere.
func (m *Model) ExtentOf(q Query) Extent {
	var all Extent
	if q.SpaceID == nil && q.Region == "" {
		all.First, all.Last = m.Span()
	}
	var ext Extent
	m.readLock()
	defer m.mu.RUnlock()
	var months *monthSums
	switch {
	case q.SpaceID != nil:
		months, ext.Spaces, ext.Regions = m.spaceSums[*q.SpaceID], 1, 1
	case q.Region != "":
		months, ext.Spaces, ext.Regions = m.regionSums[q.Region], m.countSpaces(q.Region), 1
	default:
		ext.Spaces, ext.Regions = len(m.spaceOrder), m.countRegions()
		if !all.First.IsZero() {
			ext.First, ext.Last = firstDayOfMonth(monthIndex(all.First)), lastDayOfMonth(monthIndex(all.Last))
		}
		return ext
	}
	if months != nil && len(months.months) > 0 {
		ext.First, ext.Last = firstDayOfMonth(months.months[0]), lastDayOfMonth(months.months[len(months.months)-1])
	}
	return ext
}

// countRegions is how many regions the spaces are in. m.mu is held.
func (m *Model) countRegions() int {
	return len(m.regionSpaces) // a region is dropped when its last space moves out
}
