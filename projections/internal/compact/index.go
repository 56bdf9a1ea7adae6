package compact

import (
	"encoding/binary"
	"math/bits"

	"github.com/palabre/palabre/events/domain"
)

// Index finds records by key in 4 to 8 bytes a record, where a Go map
// from a 16-byte id to an index takes 40 to 70: its slots hold the
// records' dense indexes (open addressing, linear probing), and the keys
// stay in the records, which the caller's functions read. Records are
// never removed.
type Index struct {
	slots []int32 // a record's index + 1; 0 is empty
	n     int
}

// Find returns the index of the record of hash for which is returns true.
func (x *Index) Find(hash uint64, is func(int32) bool) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	for at := hash & mask; ; at = (at + 1) & mask {
		slot := x.slots[at]
		if slot == 0 {
			return 0, false
		}
		if is(slot - 1) {
			return slot - 1, true
		}
	}
}

// Add files record i under hash; hashOf gives the hash of any record
// added before, to grow the index. i must not be filed already.
func (x *Index) Add(hash uint64, i int32, hashOf func(int32) uint64) {
	if (x.n+1)*4 > len(x.slots)*3 { // at most three quarters full
		old := x.slots
		x.slots = make([]int32, max(64, 2*len(old)))
		for _, slot := range old {
			if slot != 0 {
				x.put(hashOf(slot-1), slot)
			}
		}
	}
	x.put(hash, i+1)
	x.n++
}

func (x *Index) put(hash uint64, slot int32) {
	mask := uint64(len(x.slots) - 1)
	at := hash & mask
	for x.slots[at] != 0 {
		at = (at + 1) & mask
	}
	x.slots[at] = slot
}

// Len is how many records the index holds.
func (x *Index) Len() int { return x.n }

// HashID is an id's hash for an Index: its two halves mixed, so that ids
// made in one millisecond, which differ in their last bits, and ids that
// differ only in their time spread alike.
func HashID(id domain.ID) uint64 {
	hi, lo := binary.LittleEndian.Uint64(id[:8]), binary.LittleEndian.Uint64(id[8:])
	h, l := bits.Mul64(hi^lo^0x9e3779b97f4a7c15, 0xff51afd7ed558ccd)
	return h ^ l
}
