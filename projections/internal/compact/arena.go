package compact

import "slices"

// arenaBlock is an Arena block's size, in items: a Span's offset is 16
// bits.
const arenaBlock = 1 << 16

// Arena holds variable parts (codes, ciphertexts, lists of ids) in
// shared blocks, not an allocation each, and without pointers: a record
// names its part by a Span, so the garbage collector never scans the
// records. What is replaced stays in its block (Clear it if it must not
// be kept).
type Arena[T any] struct {
	blocks [][]T
	// filling is 1 + the index of the block small parts are added to, 0
	// before the first: a large part's block of its own is full at once,
	// and the one being filled stays the one to fill.
	filling int
}

// Span names a part of an arena: its block (high 16 bits of at) and
// offset (low 16 bits), and its length. The zero Span is empty.
type Span struct{ at, n uint32 }

// Len is the part's length.
func (s Span) Len() int { return int(s.n) }

// Put copies xs into the arena. Past 65,535 blocks (four billion items,
// far beyond what a node can hold) a Span could not name its block: that
// stops the model, as any failure of its Apply does, rather than read
// another's.
func (a *Arena[T]) Put(xs []T) Span {
	if len(xs) == 0 {
		return Span{}
	}
	if len(a.blocks) >= 1<<16-1 {
		panic("compact: an arena's blocks are all used")
	}
	if len(xs) > arenaBlock/4 { // a large one gets a block of its own, full at once
		a.blocks = append(a.blocks, slices.Clip(slices.Clone(xs)))
		return Span{at: uint32(len(a.blocks)-1) << 16, n: uint32(len(xs))}
	}
	if a.filling == 0 || len(a.blocks[a.filling-1])+len(xs) > arenaBlock {
		size := arenaBlock
		if a.filling == 0 {
			size = 256 // the first block grows as it fills: a small model holds little
		}
		a.blocks = append(a.blocks, make([]T, 0, size))
		a.filling = len(a.blocks)
	}
	b := &a.blocks[a.filling-1]
	at := len(*b)
	*b = append(*b, xs...)
	return Span{at: uint32(a.filling-1)<<16 | uint32(at), n: uint32(len(xs))}
}

// Get returns the part s names, where it lies: capped, so that appending
// to it copies instead of overwriting the next part.
func (a *Arena[T]) Get(s Span) []T {
	if s.n == 0 {
		return nil
	}
	b, at := a.blocks[s.at>>16], s.at&0xffff
	return b[at : at+s.n : at+s.n]
}

// Clear zeroes the part s names, for what must not stay in memory once
// replaced (a sealed identity after an erasure).
func (a *Arena[T]) Clear(s Span) { clear(a.Get(s)) }

// Footprint is what the arena holds and the capacity it reserved, in
// items, and its blocks: how much of its memory is in use.
func (a *Arena[T]) Footprint() (held, capacity, blocks int) {
	for _, b := range a.blocks {
		held, capacity = held+len(b), capacity+cap(b)
	}
	return held, capacity, len(a.blocks)
}
