package inclusion

import (
	"sync"

	"github.com/palabre/palabre/events/domain"
)

// counts are one dialogue's contribution to the figures, or a sum of them.
// UniqueParticipants is not among them: it is counted over a range.
type counts struct {
	dialogues, registered, unregistered     int
	women, men                              int
	youth, youngWomen, youngMen, ageUnknown int
	disabilities, displaced                 int
	groups                                  []int // by Model.groups index
}

func (c *counts) add(o *counts) {
	c.dialogues += o.dialogues
	c.registered += o.registered
	c.unregistered += o.unregistered
	c.women += o.women
	c.men += o.men
	c.youth += o.youth
	c.youngWomen += o.youngWomen
	c.youngMen += o.youngMen
	c.ageUnknown += o.ageUnknown
	c.disabilities += o.disabilities
	c.displaced += o.displaced
	if len(c.groups) < len(o.groups) {
		c.groups = append(c.groups, make([]int, len(o.groups)-len(c.groups))...)
	}
	for i, n := range o.groups {
		c.groups[i] += n
	}
}

// recount computes a dialogue's contribution from its attendance and its
// attendees' current profiles, on the dialogue's date: its counts, and
// the sums of the keys of the records each count counts (its cell keys).
func (m *Model) recount(d *record) {
	m.moveBase(d, func() { d.share = m.countShare(d) })
}

// countShare is a dialogue's contribution, counted afresh.
func (m *Model) countShare(d *record) share {
	c, k := m.count(d, &m.counting)
	return m.shareOf(&c, &k)
}

// counting is one goroutine's room to count dialogues in: the AES blocks
// it keys records with, and the groups' counts of the dialogue it counts,
// which would otherwise be allocated afresh for each.
type counting struct {
	blocks            blocks
	groups, groupKeys []int
	words             []uint32 // groups as the arena holds them, before they are put there
}

// count counts a dialogue's attendance: its counts, and the sums of the
// keys of the records each count counts. It only reads the model, and
// counts in r, its caller's; the counts' groups are r's until its next
// count.
func (m *Model) count(d *record, r *counting) (c, k counts) {
	c.dialogues = 1
	c.groups, k.groups = r.groups[:0], r.groupKeys[:0]
	on, seed := dateOfDay(d.day), m.seed(d, &r.blocks)
	for _, a := range m.words.Get(d.attendees) {
		i, _ := attendee(a)
		in := m.membershipOn(i, on)
		c.addMember(in, 1)
		k.addMember(in, int(m.keys.attendance(&r.blocks, seed, m.people.keys[i])))
	}
	h := d.headcountAsRecorded()
	countHeadcount(&c, units{h.YoungWomen, h.AdultWomen, h.YoungMen, h.AdultMen, h.WithDisabilities, h.Displaced})
	countHeadcount(&k, m.keys.headcount(&r.blocks, seed, h))
	r.groups, r.groupKeys = c.groups, k.groups // as they grew
	return c, k
}

// shareOf holds counts and their key sums in 32 bits.
func (m *Model) shareOf(c, k *counts) share {
	s := measuresOf32(c, k)
	if groups := appendGroupWords(m.counting.words[:0], c, k); len(groups) > 0 {
		s.groups = m.words.Put(groups)
		m.counting.words = groups
	}
	return s
}

// measuresOf32 is a share without its groups.
func measuresOf32(c, k *counts) share {
	var s share
	values, keys := measuresOf(c), measuresOf(k)
	for i := range values {
		s.values[i], s.keys[i] = int32(values[i]), uint32(keys[i])
	}
	return s
}

// appendGroupWords appends a share's groups as the words arena holds
// them: each group's count and key sum, up to the last group counted;
// nothing for none.
func appendGroupWords(words []uint32, c, k *counts) []uint32 {
	n := len(c.groups)
	for n > 0 && c.groups[n-1] == 0 {
		n--
	}
	for g := range n {
		key := 0
		if g < len(k.groups) {
			key = k.groups[g]
		}
		words = append(words, uint32(c.groups[g]), uint32(key))
	}
	return words
}

// addShare adds a dialogue's counts (or, keys, its key sums) to a sum.
func (m *Model) addShare(c *counts, s *share, keys bool) {
	var n [nMeasures]int
	for i := range n {
		if keys {
			n[i] = int(s.keys[i])
		} else {
			n[i] = int(s.values[i])
		}
	}
	if !keys {
		c.dialogues++
	}
	c.registered += n[mRegistered]
	c.unregistered += n[mUnregistered]
	c.women += n[mWomen]
	c.men += n[mMen]
	c.youth += n[mYouth]
	c.youngWomen += n[mYoungWomen]
	c.youngMen += n[mYoungMen]
	c.ageUnknown += n[mAgeUnknown]
	c.disabilities += n[mDisabilities]
	c.displaced += n[mDisplaced]
	groups := m.words.Get(s.groups)
	if len(c.groups) < len(groups)/2 {
		c.groups = append(c.groups, make([]int, len(groups)/2-len(c.groups))...)
	}
	at := 0
	if keys {
		at = 1
	}
	for g := range len(groups) / 2 {
		c.groups[g] += int(groups[2*g+at])
	}
}

// membership is which counts a registered attendee of a dialogue is in,
// besides registered: the measures' bits and the person's groups. It is
// found once per attendance and added twice, to the counts and to their
// key sums.
type membership struct {
	in     uint8
	groups []uint32
}

// The measures an attendee can be in.
const (
	isWoman uint8 = 1 << iota
	isMan
	isYoung
	isAgeUnknown
	hasDisability
	isDisplaced
)

// membershipOn is what person i counts as at a dialogue held on.
func (m *Model) membershipOn(i uint32, on domain.Date) membership {
	t := m.people.traits[i]
	if t&enrolled == 0 {
		return membership{}
	}
	var a membership
	if t&female != 0 {
		a.in |= isWoman
	} else if t&male != 0 {
		a.in |= isMan
	}
	switch youth, known := m.people.isYouth(i, on); {
	case !known:
		a.in |= isAgeUnknown
	case youth:
		a.in |= isYoung
	}
	if t&disability != 0 {
		a.in |= hasDisability
	}
	if t&displaced != 0 {
		a.in |= isDisplaced
	}
	if t&inGroups != 0 {
		a.groups = m.people.groups[i]
	}
	return a
}

// addMember adds w to every count a registered attendee is in: 1 for
// the counts, the attendance's record key for the cell keys.
func (c *counts) addMember(a membership, w int) {
	c.registered += w
	if a.in&isWoman != 0 {
		c.women += w
	} else if a.in&isMan != 0 {
		c.men += w
	}
	switch {
	case a.in&isAgeUnknown != 0:
		c.ageUnknown += w
	case a.in&isYoung != 0:
		c.youth += w
		if a.in&isWoman != 0 {
			c.youngWomen += w
		} else if a.in&isMan != 0 {
			c.youngMen += w
		}
	}
	if a.in&hasDisability != 0 {
		c.disabilities += w
	}
	if a.in&isDisplaced != 0 {
		c.displaced += w
	}
	for _, g := range a.groups {
		if len(c.groups) <= int(g) {
			c.groups = append(c.groups, make([]int, int(g)+1-len(c.groups))...)
		}
		c.groups[g] += w
	}
}

// units are a headcount's six categories: how many people each holds, or
// the sum of their records' keys.
type units struct{ youngWomen, adultWomen, youngMen, adultMen, withDisabilities, displaced int }

func countHeadcount(c *counts, u units) {
	c.unregistered += u.youngWomen + u.adultWomen + u.youngMen + u.adultMen
	c.women += u.youngWomen + u.adultWomen
	c.men += u.youngMen + u.adultMen
	c.youth += u.youngWomen + u.youngMen
	c.youngWomen += u.youngWomen
	c.youngMen += u.youngMen
	c.disabilities += u.withDisabilities
	c.displaced += u.displaced
}

// keyedFigures turns summed counts and their key sums into Figures with
// their cell keys.
func (m *Model) keyedFigures(c, k *counts, unique, uniqueKey int) Figures {
	f := m.figures(c, unique)
	keys := m.figures(k, uniqueKey)
	keys.Dialogues = 0 // not perturbed: dialogues are records, not people
	for _, n := range []*int{&keys.Attendance, &keys.Registered, &keys.Unregistered, &keys.UniqueParticipants, &keys.Women, &keys.Men,
		&keys.Youth, &keys.YoungWomen, &keys.YoungMen, &keys.AgeUnknown, &keys.PersonsWithDisabilities, &keys.Displaced} {
		*n = int(uint32(*n))
	}
	for code, n := range keys.Groups {
		keys.Groups[code] = int(uint32(n))
	}
	f.Keys = &keys
	return f
}

// figures turns summed counts into Figures.
func (m *Model) figures(c *counts, unique int) Figures {
	f := Figures{
		Dialogues: c.dialogues, Registered: c.registered, Unregistered: c.unregistered,
		Attendance: c.registered + c.unregistered, UniqueParticipants: unique,
		Women: c.women, Men: c.men, Youth: c.youth, YoungWomen: c.youngWomen, YoungMen: c.youngMen,
		AgeUnknown: c.ageUnknown, PersonsWithDisabilities: c.disabilities, Displaced: c.displaced,
		Groups: map[string]int{},
	}
	for i, n := range c.groups {
		if n > 0 {
			f.Groups[m.groups[i]] = n
		}
	}
	return f
}

// bitmap counts distinct participant indexes; reset clears only the words
// it touched, so one bitmap serves many buckets cheaply.
type bitmap struct {
	words   []uint64
	touched []int
	count   int
}

var bitmaps = sync.Pool{New: func() any { return &bitmap{} }}

func getBitmap(size int) *bitmap {
	b := bitmaps.Get().(*bitmap)
	if n := (size + 63) / 64; len(b.words) < n {
		b.words = make([]uint64, n)
	}
	return b
}

// add adds i, reporting whether it was new.
func (b *bitmap) add(i uint32) bool {
	w, bit := int(i/64), uint64(1)<<(i%64)
	if b.words[w]&bit != 0 {
		return false
	}
	if b.words[w] == 0 {
		b.touched = append(b.touched, w)
	}
	b.words[w] |= bit
	b.count++
	return true
}

func (b *bitmap) reset() {
	for _, w := range b.touched {
		b.words[w] = 0
	}
	b.touched, b.count = b.touched[:0], 0
}

func (b *bitmap) release() {
	b.reset()
	bitmaps.Put(b)
}
