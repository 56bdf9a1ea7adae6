// Package pace bounds how often one client may do a thing: a token
// bucket per key (a token, a client's address), a burst at once and then
// one more every period. It paces work no budget can price in advance
// (replaying the log for a past view) and attempts that must stay rare
// (signing in).
//
// # Caveats
//
// Buckets live in memory: a restart refills them all. The number of keys
// is bounded (full buckets are forgotten first, then the longest idle),
// so that a flood of new keys costs memory only up to the bound.
package pace
