package inclusion

import (
	"context"
	"slices"
	"sync"

	"github.com/palabre/palabre/events/domain"
)

// An exact view of a region, or of every space, is summed from month
// figures: a region's exact figures of each day of a calendar month and
// the days each person attended, made once from the month's dialogues
// and dropped when one of them changes. Any range of dates is then, per
// month, the sums of its days and the people who attended on one of
// them: a region's year is twelve months of sums and a union of twelve
// lists of people. Walking its dialogues instead read each one's record,
// groups and attendees from all over the heap: 56 ms for a region's year
// at 1M demo events, and 518 ms for five times as many at 5M, the heap's
// size costing as much as the dialogues' number.

// monthFigures are the exact figures of one region's dialogues of one
// month.
type monthFigures struct {
	days     [31]dayFigures // by day of the month, from the first
	people   []uint32       // who attended, each once
	attended []uint32       // for each of people, bit d set if they attended on day d+1
}

// dayFigures are a day's dialogues' counts and their key sums.
type dayFigures struct{ values, keys counts }

// bytes is about what the figures hold.
func (f *monthFigures) bytes() int {
	n := 256 + 8*cap(f.people)
	for i := range f.days {
		n += 200 + 16*len(f.days[i].values.groups)
	}
	return n
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

// any reports whether any month's figures are kept: none during a
// replay, or before a view asks.
func (u *monthMemos) any() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.memo) > 0
}

// changed forgets a region's figures of a month, and every space's.
func (u *monthMemos) changed(region string, month int32) {
	u.mu.Lock()
	defer u.mu.Unlock()
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
	months, err := m.monthFigures(ctx, q.Region, lo, hi)
	if err != nil {
		return View{}, err
	}
	all := getBitmap(m.people.len())
	defer all.release()
	inBucket := getBitmap(m.people.len())
	defer inBucket.release()
	var total, current bucketSum
	width := monthsPer(q.Bucket)
	for month := lo; month <= hi; month++ {
		f, days := months[month-lo], daysWithin(month, q)
		total.add(f, days, all, m.people.keys)
		if q.Bucket == NoBucket {
			continue
		}
		current.add(f, days, inBucket, m.people.keys)
		if month == hi || (month+1)%width == 0 { // the bucket's last month
			period := clip(bucketPeriod(month-month%width, q.Bucket), q)
			v.Rows = append(v.Rows, Row{Period: period, Figures: m.keyedFigures(&current.values, &current.keys, inBucket.count, current.uniqueKey)})
			current = bucketSum{}
			inBucket.reset()
		}
	}
	v.Total = m.keyedFigures(&total.values, &total.keys, all.count, total.uniqueKey)
	return v, nil
}

// bucketSum sums month figures over some of their days.
type bucketSum struct {
	values, keys counts
	uniqueKey    int // the sum of the keys of the people seen
}

// add adds a month's figures of the days set in days, and the people who
// attended on one of them to seen.
func (b *bucketSum) add(f *monthFigures, days uint32, seen *bitmap, keys []uint32) {
	for d := range f.days {
		if days&(1<<d) != 0 {
			b.values.add(&f.days[d].values)
			b.keys.add(&f.days[d].keys)
		}
	}
	for k, i := range f.people {
		if f.attended[k]&days != 0 && seen.add(i) {
			b.uniqueKey += int(keys[i])
		}
	}
}

// daysWithin sets bit d for each day d+1 of a month within q's dates.
func daysWithin(month int32, q Query) uint32 {
	first, last := dayOf(firstDayOfMonth(month)), dayOf(lastDayOfMonth(month))
	from, to := max(first, dayOf(q.From)), min(last, dayOf(q.To))
	if from > to {
		return 0
	}
	return (uint32(1)<<(to-from+1) - 1) << (from - first)
}

// monthFigures are a region's figures of each month from lo to hi, kept
// or made from the dialogues of the months not kept. m.mu is held.
func (m *Model) monthFigures(ctx context.Context, region string, lo, hi int32) ([]*monthFigures, error) {
	months := make([]*monthFigures, hi-lo+1)
	var missing []int32
	for month := lo; month <= hi; month++ {
		if months[month-lo] = m.exactMonths.get(regionMonth{region, month}); months[month-lo] == nil {
			missing = append(missing, month)
		}
	}
	if len(missing) == 0 {
		return months, nil
	}
	// One pass over the region's spaces, a range per run of adjacent
	// months.
	var ranges []Query
	for i := 0; i < len(missing); {
		j := i
		for j+1 < len(missing) && missing[j+1] == missing[j]+1 {
			j++
		}
		ranges = append(ranges, Query{From: firstDayOfMonth(missing[i]), To: lastDayOfMonth(missing[j])})
		i = j + 1
	}
	var days []dated
	m.eachSpaceIn(region, func(_ domain.ID, list []dated) {
		for _, r := range ranges {
			days = append(days, m.datedInRange(list, r)...)
		}
	})
	days = byBucket(days, Month)
	place := make([]int32, m.people.len()) // 1 + a person's place in a month's people, 0 for none
	for _, month := range missing {
		n := 0
		for n < len(days) && monthOfDay(days[n].day) == month {
			n++
		}
		f, err := m.monthFiguresOf(ctx, month, days[:n], place)
		if err != nil {
			return nil, err
		}
		days = days[n:]
		months[month-lo] = f
		m.exactMonths.put(regionMonth{region, month}, f)
	}
	return months, nil
}

// monthFiguresOf sums a month's dialogues by day and lists who attended
// on which days; place is all zeros, and left so. m.mu is held.
func (m *Model) monthFiguresOf(ctx context.Context, month int32, days []dated, place []int32) (*monthFigures, error) {
	f := &monthFigures{}
	defer func() {
		for _, i := range f.people {
			place[i] = 0
		}
	}()
	first := dayOf(firstDayOfMonth(month))
	for k, x := range days {
		if k%512 == 511 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d, day := m.records.at(x.index), x.day-first
		m.addShare(&f.days[day].values, &d.share, false)
		m.addShare(&f.days[day].keys, &d.share, true)
		for _, a := range m.words.Get(d.attendees) {
			i, _ := attendee(a)
			if place[i] == 0 {
				f.people = append(f.people, i)
				f.attended = append(f.attended, 0)
				place[i] = int32(len(f.people))
			}
			f.attended[place[i]-1] |= 1 << day
		}
	}
	f.people, f.attended = slices.Clip(f.people), slices.Clip(f.attended)
	return f, nil
}
