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
	if t.n > 0 {
		mask := uint64(len(t.slots) - 1)
		for at := HashID(id) & mask; t.slots[at].index != 0; at = (at + 1) & mask {
			if t.slots[at].id == id {
				t.slots[at].index = i + 1
				return
			}
		}
	}
	if (t.n+1)*4 > len(t.slots)*3 { // at most three quarters full
		old := t.slots
		t.slots = make([]idSlot, max(64, 2*len(old)))
		for _, s := range old {
			if s.index != 0 {
				t.put(s)
			}
		}
	}
	t.put(idSlot{id, i + 1})
	t.n++
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
