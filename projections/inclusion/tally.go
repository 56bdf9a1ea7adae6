package inclusion

import (
	"sync"
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
// attendees' current profiles, on the dialogue's date.
func (m *Model) recount(d *Dialogue) {
	c := counts{dialogues: 1}
	for _, a := range d.attendees {
		c.registered++
		i, _ := attendee(a)
		t := m.people.traits[i]
		if t&enrolled == 0 {
			continue
		}
		if t&female != 0 {
			c.women++
		} else if t&male != 0 {
			c.men++
		}
		switch youth, known := m.people.isYouth(i, d.HeldOn); {
		case !known:
			c.ageUnknown++
		case youth:
			c.youth++
			if t&female != 0 {
				c.youngWomen++
			} else if t&male != 0 {
				c.youngMen++
			}
		}
		if t&disability != 0 {
			c.disabilities++
		}
		if t&displaced != 0 {
			c.displaced++
		}
		if t&inGroups == 0 {
			continue
		}
		for _, g := range m.people.groups[i] {
			if len(c.groups) <= int(g) {
				c.groups = append(c.groups, make([]int, int(g)+1-len(c.groups))...)
			}
			c.groups[g]++
		}
	}
	h := d.Headcount
	c.unregistered = h.Total()
	c.women += h.YoungWomen + h.AdultWomen
	c.men += h.YoungMen + h.AdultMen
	c.youth += h.YoungWomen + h.YoungMen
	c.youngWomen += h.YoungWomen
	c.youngMen += h.YoungMen
	c.disabilities += h.WithDisabilities
	c.displaced += h.Displaced
	d.counts = c
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

func (b *bitmap) add(i uint32) {
	w, bit := int(i/64), uint64(1)<<(i%64)
	if b.words[w]&bit != 0 {
		return
	}
	if b.words[w] == 0 {
		b.touched = append(b.touched, w)
	}
	b.words[w] |= bit
	b.count++
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
