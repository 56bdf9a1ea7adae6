package inclusion

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
)

// recordKeys give every counted record — a registered attendance, one
// person of a headcount, a participant counted once — a key that looks
// random to anyone without the model's secret, and is the same each time
// it is computed: AES under a key derived from the secret, a
// pseudo-random function of what identifies the record's content, never
// of a dialogue's id. A dialogue entered twice (a duplicate) thus brings
// the same records' keys as the first entry, and once either is
// retracted its cell is published exactly as before, not as a fresh
// noisy view of the same people. Cell keys are sums of these (see
// core/disclosure).
type recordKeys struct {
	block cipher.Block
	// fingerprint names the secret in snapshots, whose key sums are
	// worthless under another one.
	fingerprint uint64
}

func newRecordKeys(secret []byte) recordKeys {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("palabre cell keys v2")) // v2: keys from the records' content
	sum := m.Sum(nil)
	block, err := aes.NewCipher(sum[:16])
	if err != nil {
		panic(err) // 16 bytes is always a valid AES key
	}
	return recordKeys{block: block, fingerprint: binary.LittleEndian.Uint64(sum[16:24])}
}

// cellSeed is a base cell's own pseudo-random block, from its
// coordinates (space, calendar month, format, pillar): the block a
// dialogue's records' keys come from, the same for every dialogue of the
// cell, so that the same people entered again make the same keys.
func (k recordKeys) cellSeed(b *blocks, spaceID domain.ID, month int32, format, pillar string) [16]byte {
	var room [128]byte // most cells' coordinates fit: no allocation
	in := append(room[:0], spaceID[:]...)
	in = binary.LittleEndian.AppendUint32(in, uint32(month))
	in = binary.LittleEndian.AppendUint32(in, uint32(len(format)))
	in = append(append(in, format...), pillar...)
	sum := sha256.Sum256(in)
	copy(b.in[:], sum[:16])
	k.block.Encrypt(b.out[:], b.in[:])
	return b.out
}

// person is a participant's key, from their id.
func (k recordKeys) person(b *blocks, id domain.ID) uint32 {
	b.in = id
	k.block.Encrypt(b.out[:], b.in[:])
	return binary.LittleEndian.Uint32(b.out[:4])
}

// blocks is room for an AES block in and out. Arrays handed to a
// cipher.Block, an interface, escape to the heap: counting reuses one pair
// per goroutine, where it would allocate two per record it keys.
type blocks struct{ in, out [16]byte }

// attendance is the key of a person's attendance in a base cell: the
// same for each dialogue of the cell they attend.
func (k recordKeys) attendance(b *blocks, cellSeed [16]byte, person uint32) uint32 {
	b.in = cellSeed
	b.in[0] ^= 1 // apart from the headcount's records
	binary.LittleEndian.PutUint32(b.in[12:], binary.LittleEndian.Uint32(b.in[12:])^person)
	k.block.Encrypt(b.out[:], b.in[:])
	return binary.LittleEndian.Uint32(b.out[:4])
}

// headcount sums the keys of each category's unregistered people: the
// n-th of a category in a dialogue has the key of its cell and rank.
func (k recordKeys) headcount(b *blocks, cellSeed [16]byte, h dialogue.Headcount) units {
	sum := func(category byte, n int) int {
		b.in = cellSeed
		b.in[0] ^= 2
		b.in[1] ^= category
		base := binary.LittleEndian.Uint32(b.in[12:])
		total := uint32(0)
		for j := range n {
			binary.LittleEndian.PutUint32(b.in[12:], base^uint32(j))
			k.block.Encrypt(b.out[:], b.in[:])
			total += binary.LittleEndian.Uint32(b.out[:4])
		}
		return int(total)
	}
	return units{sum(1, h.YoungWomen), sum(2, h.AdultWomen), sum(3, h.YoungMen), sum(4, h.AdultMen), sum(5, h.WithDisabilities), sum(6, h.Displaced)}
}
