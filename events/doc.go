// Package events is palabre's event kernel: the vocabulary every store and
// every domain package shares.
//
// Events are the only source of truth. They live in streams named
// "category-<ULID>", each a gapless sequence of revisions starting at 0, and
// in one global order, $all, whose positions strictly increase. A command is
// appended with an [ExpectedRevision] so that two writers deciding on the
// same state cannot both win.
//
// Every event palabre writes carries one envelope, [Metadata], as its
// metadata: the command that recorded it, who recorded it and when, and
// the schema version of its data. Stores keep it as opaque bytes.
//
// The semantics mirror KurrentDB (EventStoreDB) so that the embedded store
// (package pebblestore) and the KurrentDB adapter (package kurrentstore) are
// interchangeable; both pass the conformance suite in package eventstoretest.
//
// # Caveats
//
//   - Positions are comparable only within one store. The embedded store's
//     are contiguous (1, 2, 3…); KurrentDB's are byte offsets with gaps.
//   - Idempotent retries (re-appending the same event ids) are guaranteed
//     only with an [Exact] or [NoStream] expectation, as in KurrentDB.
//   - An append whose context is cancelled may or may not have been written;
//     retry it with the same event ids and expectation to find out safely.
package events
