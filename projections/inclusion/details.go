package inclusion

import (
	"encoding/binary"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
)

// A dialogue's details — its title, locality, language, duration,
// topics, facilitators, stakeholders and concerns — are read only to list
// it, never to count it. Held as Go values they cost more than the rest
// of the model (a million events hold half a million dialogues, each with
// a dozen headers and small strings); packed, they are one slice of a
// shared slab, with repeated words (localities, languages, topics,
// facilitators, concern categories) as indexes into the model's symbols.

// symbols interns the words records repeat: formats, pillars and the
// packed details' vocabulary.
type symbols struct {
	words []string
	index map[string]uint32
}

func newSymbols() symbols { return symbols{index: map[string]uint32{}} }

func (s *symbols) of(word string) uint32 {
	i, ok := s.index[word]
	if !ok {
		i = uint32(len(s.words))
		s.words = append(s.words, word)
		s.index[word] = i
	}
	return i
}

func (s *symbols) word(i uint32) string {
	if int(i) < len(s.words) {
		return s.words[i]
	}
	return ""
}

// slab hands out small slices of large shared blocks, so that half a
// million dialogues' attendees or details are a few hundred allocations,
// not half a million. Blocks grow from small (a past view's model holds
// little) to slabBlock. A block is freed once nothing points into it;
// what a correction replaces stays in its block until the next restore.
type slab[T any] struct {
	free []T
	size int // of the next block
}

const slabBlock = 1 << 16

// room makes room for n more in the current block, starting a new one
// when it has too little.
func (s *slab[T]) room(n int) {
	if cap(s.free)-len(s.free) >= n {
		return
	}
	s.size = min(max(s.size*2, 64), slabBlock)
	s.free = make([]T, 0, max(s.size, n))
}

// copyOf returns a copy of xs in the slab (nil for none).
func (s *slab[T]) copyOf(xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	if len(xs) > slabBlock/4 {
		return append([]T(nil), xs...) // a large one gets a block of its own
	}
	s.room(len(xs))
	at := len(s.free)
	s.free = append(s.free, xs...)
	return s.free[at:len(s.free):len(s.free)]
}

// next returns a new zero element in the slab.
func (s *slab[T]) next() *T {
	s.room(1)
	s.free = s.free[:len(s.free)+1]
	return &s.free[len(s.free)-1]
}

// details are what a dialogue's record says beyond the figures.
type details struct {
	Title, Locality, Language string
	DurationMinutes           int
	Topics, Facilitators      []string
	StakeholderIDs            []domain.ID
	Concerns                  []dialogue.Concern
}

func detailsOf(r *dialogue.Record) details {
	return details{Title: r.Title, Locality: r.Locality, Language: r.Language, DurationMinutes: r.DurationMinutes,
		Topics: r.Topics, Facilitators: r.Facilitators, StakeholderIDs: r.StakeholderIDs, Concerns: r.Concerns}
}

// pack encodes details into the model's slab: strings as a length and
// their bytes, words as symbols, numbers as varints. m.mu is held.
func (m *Model) pack(d *details) []byte {
	b := m.scratch[:0]
	text := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	word := func(s string) { b = binary.AppendUvarint(b, uint64(m.symbols.of(s))) }
	words := func(xs []string) {
		b = binary.AppendUvarint(b, uint64(len(xs)))
		for _, x := range xs {
			word(x)
		}
	}
	text(d.Title)
	word(d.Locality)
	word(d.Language)
	b = binary.AppendUvarint(b, uint64(max(d.DurationMinutes, 0)))
	words(d.Topics)
	words(d.Facilitators)
	b = binary.AppendUvarint(b, uint64(len(d.StakeholderIDs)))
	for _, id := range d.StakeholderIDs {
		b = append(b, id[:]...)
	}
	b = binary.AppendUvarint(b, uint64(len(d.Concerns)))
	for _, c := range d.Concerns {
		word(c.Category)
		text(c.Summary)
	}
	m.scratch = b
	return m.detailSlab.copyOf(b)
}

// unpack decodes what pack encoded; empty lists decode as nil, as JSON
// decoding gives them. m.mu is held (for reading).
func (m *Model) unpack(b []byte) details {
	var d details
	p := unpacker{b: b}
	d.Title = p.text()
	d.Locality, d.Language = m.symbols.word(p.uint()), m.symbols.word(p.uint())
	d.DurationMinutes = int(p.uint())
	d.Topics, d.Facilitators = p.words(&m.symbols), p.words(&m.symbols)
	for range p.count(16) {
		d.StakeholderIDs = append(d.StakeholderIDs, domain.ID(p.take(16)))
	}
	for range p.count(2) {
		d.Concerns = append(d.Concerns, dialogue.Concern{Category: m.symbols.word(p.uint()), Summary: p.text()})
	}
	return d
}

// unpacker reads packed details; past the end it reads zeros, which pack
// never lets happen.
type unpacker struct{ b []byte }

func (p *unpacker) uint() uint32 {
	v, n := binary.Uvarint(p.b)
	if n <= 0 {
		p.b = nil
		return 0
	}
	p.b = p.b[n:]
	return uint32(v)
}

// count reads a list's length, bounded by what is left at least per
// bytes each.
func (p *unpacker) count(per int) int { return min(int(p.uint()), len(p.b)/per) }

func (p *unpacker) take(n int) []byte {
	n = min(n, len(p.b))
	out := p.b[:n]
	p.b = p.b[n:]
	return out
}

func (p *unpacker) text() string { return string(p.take(int(p.uint()))) }

func (p *unpacker) words(s *symbols) []string {
	var out []string
	for range p.count(1) {
		out = append(out, s.word(p.uint()))
	}
	return out
}
