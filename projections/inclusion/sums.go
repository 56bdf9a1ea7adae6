package inclusion

import "slices"

// monthSums are the published sums of one space's (or one region's)
// cells month by month, kept sorted by month in one block of memory. A
// table by space adds up twelve months of each of hundreds of spaces: as
// a map of pointers to each month's sum, every month cost a few cache
// misses (~0.5 µs at 1M events, most of the table's time); adjacent
// months in one block are read as one stream.
type monthSums struct {
	months []int32 // sorted
	// values hold a row of width entries per month, in months' order:
	// its dialogues, its measures, then its groups by Model.groups index.
	values []int32
	width  int
}

// sumsHead is a row's entries before its groups.
const sumsHead = 1 + nMeasures

// add adds sign × t to a month's sums. A month left without dialogues
// has no row, as after a restore: its cells are gone, and their published
// values with them (a cell's published values are zero without records).
func (s *monthSums) add(month int32, t *tally, sign int) {
	if t.isZero() {
		return
	}
	if w := sumsHead + len(t.groups); w > s.width {
		s.widen(w)
	}
	i, found := slices.BinarySearch(s.months, month)
	if !found {
		s.months = slices.Insert(s.months, i, month)
		s.values = slices.Insert(s.values, i*s.width, make([]int32, s.width)...)
	}
	row := s.values[i*s.width : (i+1)*s.width]
	row[0] += int32(sign * t.dialogues)
	for k, n := range t.measures {
		row[1+k] += int32(sign * n)
	}
	for g, n := range t.groups {
		row[sumsHead+g] += int32(sign * n)
	}
	if row[0] == 0 {
		s.months = slices.Delete(s.months, i, i+1)
		s.values = slices.Delete(s.values, i*s.width, (i+1)*s.width)
	}
}

// widen makes room for groups interned since the rows were laid out.
func (s *monthSums) widen(width int) {
	values := make([]int32, len(s.months)*width)
	for i := range s.months {
		copy(values[i*width:], s.values[i*s.width:(i+1)*s.width])
	}
	s.values, s.width = values, width
}

// each calls f, in order, with each month from lo to hi that has sums and
// those sums, read into part: f has them only for the call.
func (s *monthSums) each(lo, hi int32, part *tally, f func(month int32, sums *tally)) {
	if s == nil {
		return
	}
	start, _ := slices.BinarySearch(s.months, lo)
	groups := max(s.width-sumsHead, 0)
	part.groups = slices.Grow(part.groups[:0], groups)[:groups]
	for i := start; i < len(s.months) && s.months[i] <= hi; i++ {
		row := s.values[i*s.width : (i+1)*s.width]
		part.dialogues = int(row[0])
		for k := range part.measures {
			part.measures[k] = int(row[1+k])
		}
		for g := range part.groups {
			part.groups[g] = int(row[sumsHead+g])
		}
		f(s.months[i], part)
	}
}

// isZero reports whether a tally adds nothing.
func (t *tally) isZero() bool {
	return t.dialogues == 0 && t.measures == [nMeasures]int{} && !slices.ContainsFunc(t.groups, func(n int) bool { return n != 0 })
}

// sumsIn is key's sums in by, made if missing.
func sumsIn[K comparable](by map[K]*monthSums, key K) *monthSums {
	s := by[key]
	if s == nil {
		s = &monthSums{}
		by[key] = s
	}
	return s
}
