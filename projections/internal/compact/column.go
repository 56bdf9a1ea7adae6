package compact

// columnBlock is how many records a Column block holds.
const columnBlock = 4096

// Column holds records by dense index in blocks of 4,096 that never
// move: a record's address stays valid as the column grows, and growing
// copies nothing but the list of blocks.
type Column[T any] struct {
	blocks [][]T
	n      int
}

// Append adds a record and returns its index.
func (c *Column[T]) Append(v T) int32 {
	if c.n%columnBlock == 0 {
		c.blocks = append(c.blocks, make([]T, 0, columnBlock))
	}
	b := &c.blocks[len(c.blocks)-1]
	*b = append(*b, v)
	c.n++
	return int32(c.n - 1)
}

// At returns the record of index i, which must be below Len.
func (c *Column[T]) At(i int32) *T {
	return &c.blocks[i/columnBlock][i%columnBlock]
}

// Len is how many records the column holds.
func (c *Column[T]) Len() int { return c.n }
