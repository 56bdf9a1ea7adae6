package compact

import "github.com/palabre/palabre/events/domain"

// IDTable finds dense indexes by id, each id kept in its own slot: a
// lookup that finds its id reads one cache line, where an Index reads two
// (its slot, then the record's id) and a Go map two (a control word, then
// a slot). It is for the ids looked up most often: the inclusion model
// looks up every attendee of every dialogue it applies. Ids are never
// removed.
type IDTable struct {
	slots []idSlot
	n     int
}

type idSlot struct {
	id    domain.ID
	index uint32 // + 1; 0 is empty
}

// Find returns the index filed under id.
func (t *IDTable) Find(id domain.ID) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for at := HashID(id) & mask; ; at = (at + 1) & mask {
		s := &t.slots[at]
		if s.index == 0 {
			return 0, false
		}
		if s.id == id {
			return s.index - 1, true
		}
	}
}

// Put files index i under id, in place of any index filed under it.
func (t *IDTable) Put(id domain.ID, i uint32) {
	if at, found := t.slotOf(id); found {
		t.slots[at].index = i + 1
		return
	}
	t.insert(id, i)
}

// Add files index i under id unless an index is filed under it already,
// and reports whether it did: a lookup and a Put in one probe.
func (t *IDTable) Add(id domain.ID, i uint32) bool {
	if _, found := t.slotOf(id); found {
		return false
	}
	t.insert(id, i)
	return true
}

// insert files i under id, not filed yet.
func (t *IDTable) insert(id domain.ID, i uint32) {
	t.Reserve(t.n + 1)
	t.put(idSlot{id, i + 1})
	t.n++
}

// slotOf is where id is filed, if it is. Find probes the same way
// without it: a call there cost the inclusion model's hottest lookup.
func (t *IDTable) slotOf(id domain.ID) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for at := HashID(id) & mask; t.slots[at].index != 0; at = (at + 1) & mask {
		if t.slots[at].id == id {
			return at, true
		}
	}
	return 0, false
}

// Reserve makes room for n ids in all (at most three quarters full), so
// that a table filled to n known beforehand (a snapshot's) moves its
// slots once, not at each doubling.
func (t *IDTable) Reserve(n int) {
	if n*4 <= len(t.slots)*3 {
		return
	}
	size := max(64, len(t.slots))
	for n*4 > size*3 {
		size *= 2
	}
	old := t.slots
	t.slots = make([]idSlot, size)
	for _, s := range old {
		if s.index != 0 {
			t.put(s)
		}
	}
}

func (t *IDTable) put(s idSlot) {
	mask := uint64(len(t.slots) - 1)
	at := HashID(s.id) & mask
	for t.slots[at].index != 0 {
		at = (at + 1) & mask
	}
	t.slots[at] = s
}

// Len is how many ids the table holds.
func (t *IDTable) Len() int { return t.n }
