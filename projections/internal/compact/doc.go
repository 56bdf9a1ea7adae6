// Package compact holds the building blocks of read models laid out for
// millions of events (issue 26): values interned once and named by a
// dense 32-bit index (Table), records in fixed blocks that never move
// (Column), variable parts copied into shared blocks and named by a span
// (Arena), and dates as 32-bit day numbers (Day).
//
// What they have in common is what the garbage collector and the
// allocator see: a few large blocks without pointers instead of a small
// allocation, or a pointer, per record. A rebuild never copies a block
// to grow it.
//
// # Caveats
//
// None of them is safe for concurrent use: the read models hold their
// own locks. What an Arena holds is never freed, only cleared; a model
// drops it at its next Reset or Restore.
package compact
