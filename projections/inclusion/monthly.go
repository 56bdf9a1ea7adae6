package inclusion

import (
	"context"
	"slices"
	"sync"

	"github.com/palabre/palabre/events/domain"
)

// An exact view of a region, or of every space, is summed from month
// figures: each region's exact figures of one calendar month and the
// people who attended, made once from the month's dialogues and dropped
// when one of them changes. A region's year is then twelve sums and a
// union of twelve lists of people. Walking its dialogues instead read
// each one's record, groups and attendees from all over the heap: 56 ms
// for a region's year at 1M demo events, and more than five times that
// at 5M, the heap's size costing as much as the dialogues' number. Only
// the months the range covers in part are still walked.

// monthFigures are the exact figures of one region's dialogues of one
// month, or of some of its days.
type monthFigures struct {
	values, keys counts   // the dialogues' counts and their key sums
	people       []uint32 // who attended, each once
	uniqueKey    int      // the sum of their record keys
}

// bytes is about what the figures hold.
func (f *monthFigures) bytes() int {
	return 256 + 4*cap(f.people) + 16*len(f.values.groups)
}

type regionMonth struct {
	region string // "" for every space
	month  int32
}

// monthMemos keep month figures, at most maxBytes of them: a region's
// month at 5M demo events names about 50,000 people (200 kB).
type monthMemos struct {
	mu       sync.Mutex
	memo     map[regionMonth]*monthFigures
	held     int
	maxBytes int
}

// monthMemoBytes bounds the month figures a model keeps.
const monthMemoBytes = 64 << 20

func newMonthMemos() *monthMemos {
	return &monthMemos{memo: map[regionMonth]*monthFigures{}, maxBytes: monthMemoBytes}
}

func (u *monthMemos) get(k regionMonth) *monthFigures {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.memo[k]
}

// put keeps f, dropping others (any: the map's order) while it would hold
// more than its bound.
func (u *monthMemos) put(k regionMonth, f *monthFigures) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if f.bytes() > u.maxBytes {
		return
	}
	u.drop(k)
	for other := range u.memo {
		if u.held+f.bytes() <= u.maxBytes {
			break
		}
		u.drop(other)
	}
	u.memo[k] = f
	u.held += f.bytes()
}

// drop forgets one month's figures. u.mu is held.
func (u *monthMemos) drop(k regionMonth) {
	if f, ok := u.memo[k]; ok {
		u.held -= f.bytes()
		delete(u.memo, k)
	}
}

// changed forgets a region's figures of a month, and every space's.
func (u *monthMemos) changed(region string, month int32) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.memo) == 0 { // a replay, or nothing asked yet
		return
	}
	u.drop(regionMonth{region, month})
	u.drop(regionMonth{"", month})
}

// regionsChanged forgets every month of two regions, when a space moves
// from one to the other.
func (u *monthMemos) regionsChanged(a, b string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for k := range u.memo {
		if k.region == a || k.region == b {
			u.drop(k)
		}
	}
}

// byMonths reports whether a view is summed from month figures: a view
// of a region or of every space, between two dates, that no pillar,
// format or list of spaces narrows.
func byMonths(q Query) bool {
	return q.SpaceID == nil && q.Spaces == nil && q.Pillar == "" && q.Format == "" && !q.From.IsZero() && !q.To.IsZero()
}

// viewByMonths answers a query byMonths selects, into v. m.mu is held.
func (m *Model) viewByMonths(ctx context.Context, q Query, v View) (View, error) {
	lo, hi := monthIndex(q.From), monthIndex(q.To)
	months := make([]*monthFigures, hi-lo+1)
	var walk []int32 // the months read from their dialogues
	for month := lo; month <= hi; month++ {
		if m.wholeMonth(month, q) {
			if f := m.exactMonths.get(regionMonth{q.Region, month}); f != nil {
				months[month-lo] = f
				continue
			}
		}
		walk = append(walk, month)
	}
	if err := m.walkMonths(ctx, q, lo, walk, months); err != nil {
		return View{}, err
	}
	all := getBitmap(m.people.len())
	defer all.release()
	inBucket := getBitmap(m.people.len())
	defer inBucket.release()
	var total, totalKeys, current, currentKeys counts
	uniqueKey, bucketUniqueKey := 0, 0
	width := monthsPer(q.Bucket)
	for month := lo; month <= hi; month++ {
		f := months[month-lo]
		total.add(&f.values)
		totalKeys.add(&f.keys)
		uniqueKey += union(all, f, m.people.keys)
		if q.Bucket == NoBucket {
			continue
		}
		current.add(&f.values)
		currentKeys.add(&f.keys)
		bucketUniqueKey += union(inBucket, f, m.people.keys)
		if month == hi || (month+1)%width == 0 { // the bucket's last month
			period := clip(bucketPeriod(month-month%width, q.Bucket), q)
			v.Rows = append(v.Rows, Row{Period: period, Figures: m.keyedFigures(&current, &currentKeys, inBucket.count, bucketUniqueKey)})
			current, currentKeys, bucketUniqueKey = counts{}, counts{}, 0
			inBucket.reset()
		}
	}
	v.Total = m.keyedFigures(&total, &totalKeys, all.count, uniqueKey)
	return v, nil
}

// union adds a month's people to seen, and gives the sum of the keys of
// those it did not hold yet.
func union(seen *bitmap, f *monthFigures, keys []uint32) int {
	sum := 0
	for _, i := range f.people {
		if seen.add(i) {
			sum += int(keys[i])
		}
	}
	return sum
}

// wholeMonth reports whether q's dates cover a month entirely.
func (m *Model) wholeMonth(month int32, q Query) bool {
	return !firstDayOfMonth(month).Before(q.From) && !q.To.Before(lastDayOfMonth(month))
}

// walkMonths makes the figures of the months listed, in order, from their
// dialogues within q's dates, and keeps those of whole months. m.mu is
// held.
func (m *Model) walkMonths(ctx context.Context, q Query, lo int32, walk []int32, into []*monthFigures) error {
	if len(walk) == 0 {
		return nil
	}
	// One pass over the region's spaces, a range per run of adjacent
	// months.
	var ranges []Query
	for i := 0; i < len(walk); {
		j := i
		for j+1 < len(walk) && walk[j+1] == walk[j]+1 {
			j++
		}
		ranges = append(ranges, clipQuery(Query{From: firstDayOfMonth(walk[i]), To: lastDayOfMonth(walk[j])}, q))
		i = j + 1
	}
	var days []dated
	m.eachSpaceIn(q.Region, func(_ domain.ID, list []dated) {
		for _, r := range ranges {
			days = append(days, m.datedInRange(list, r)...)
		}
	})
	days = byBucket(days, Month)
	seen := getBitmap(m.people.len())
	defer seen.release()
	for _, month := range walk {
		n := 0
		for n < len(days) && monthOfDay(days[n].day) == month {
			n++
		}
		f, err := m.monthFiguresOf(ctx, days[:n], seen)
		if err != nil {
			return err
		}
		days = days[n:]
		into[month-lo] = f
		if m.wholeMonth(month, q) {
			m.exactMonths.put(regionMonth{q.Region, month}, f)
		}
	}
	return nil
}

// clipQuery narrows a range to q's dates.
func clipQuery(r, q Query) Query {
	p := clip(Period{r.From, r.To}, q)
	return Query{From: p.From, To: p.To}
}

// monthFiguresOf sums dialogues' counts and lists their attendees, seen
// left empty. m.mu is held.
func (m *Model) monthFiguresOf(ctx context.Context, days []dated, seen *bitmap) (*monthFigures, error) {
	defer seen.reset()
	f := &monthFigures{}
	for k, x := range days {
		if k%512 == 511 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d := m.records.at(x.index)
		m.addShare(&f.values, &d.share, false)
		m.addShare(&f.keys, &d.share, true)
		for _, a := range m.words.Get(d.attendees) {
			if i, _ := attendee(a); seen.add(i) {
				f.people = append(f.people, i)
				f.uniqueKey += int(m.people.keys[i])
			}
		}
	}
	f.people = slices.Clip(f.people)
	return f, nil
}
