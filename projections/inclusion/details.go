package inclusion

import (
	"encoding/binary"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/projections/internal/compact"
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

// column holds values by dense index in blocks that never move: growing
// it copies nothing (a slice of five million attendances would be copied
// whole, twice its size at once, as it grows), and a pointer to a value
// stays valid while the model lives.
type column[T any] struct{ blocks [][]T }

const columnBlock = 1 << 10

func (c *column[T]) len() int {
	if len(c.blocks) == 0 {
		return 0
	}
	return (len(c.blocks)-1)*columnBlock + len(c.blocks[len(c.blocks)-1])
}

// add appends v and returns where it is.
func (c *column[T]) add(v T) *T {
	if last := len(c.blocks) - 1; last < 0 || len(c.blocks[last]) == columnBlock {
		c.blocks = append(c.blocks, make([]T, 0, columnBlock))
	}
	b := &c.blocks[len(c.blocks)-1]
	*b = append(*b, v)
	return &(*b)[len(*b)-1]
}

func (c *column[T]) at(i uint32) *T { return &c.blocks[i/columnBlock][i%columnBlock] }

// each calls f with every value in order.
func (c *column[T]) each(f func(*T)) {
	for _, b := range c.blocks {
		for i := range b {
			f(&b[i])
		}
	}
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
func (m *Model) pack(d *details) compact.Span {
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
	return m.packed.Put(b)
}

// unpack decodes what pack encoded; empty lists decode as nil, as JSON
// decoding gives them. m.mu is held (for reading).
func (m *Model) unpack(s compact.Span) details {
	var d details
	p := unpacker{b: m.packed.Get(s)}
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
