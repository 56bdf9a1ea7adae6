package compact

// Table interns values: each distinct value is kept once and named by
// its dense index, in the order first seen, so a record holds 4 bytes
// for a region, a kind or a set of traits that thousands share.
type Table[T comparable] struct {
	values []T
	index  map[T]uint32
}

// Of returns v's index, adding v if it is new.
func (t *Table[T]) Of(v T) uint32 {
	if i, ok := t.index[v]; ok {
		return i
	}
	if t.index == nil {
		t.index = map[T]uint32{}
	}
	i := uint32(len(t.values))
	t.values = append(t.values, v)
	t.index[v] = i
	return i
}

// Find returns v's index, and false if v was never added.
func (t *Table[T]) Find(v T) (uint32, bool) {
	i, ok := t.index[v]
	return i, ok
}

// At returns the value of index i, the zero value for an index the table
// never gave.
func (t *Table[T]) At(i uint32) T {
	if int(i) < len(t.values) {
		return t.values[i]
	}
	var zero T
	return zero
}

// Len is how many distinct values the table holds.
func (t *Table[T]) Len() int { return len(t.values) }
