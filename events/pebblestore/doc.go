// Package pebblestore is palabre's embedded event store: one data directory,
// no server, built on Pebble (github.com/cockroachdb/pebble/v2).
//
// Every append is durable when it returns: its batch has reached the
// write-ahead log and the log has been synced. Concurrent appends share
// syncs (group commit): one writer goroutine checks expected revisions
// against the streams' heads, assigns positions in order and applies each
// group of appends to Pebble without waiting; a second goroutine waits for
// each group's sync, in order, and only then acknowledges it and makes it
// visible to readers and subscribers. Readers therefore never see an event
// that a crash could take back.
//
// # Layout
//
// The data directory holds palabre.lock (held while a process has the store
// open) and events/, the Pebble database, with three key spaces:
//
//	'a' position(8, big-endian)           → the encoded event (see codec.go)
//	's' stream 0x00 revision(8, big-endian) → position(8, big-endian)
//	'm' name                               → store metadata (format version)
//
// Everything the store creates is its owner's only (directories 0700,
// files 0600, Pebble's too: see owner.go); OwnerOnly tightens a directory
// made beforehand and OpenToOthers lists what group or others may use.
// The lock is flock on Unix and LockFileEx on Windows.
//
// # Caveats
//
//   - A failed write or sync poisons the store: every later append returns
//     events.ErrStoreFailed until the store is reopened, because a retried
//     fsync can report success for data that never reached the disk.
//     Reading goes on working.
//   - The heads of streams written since opening are cached in memory.
//   - Close waits for reads in progress; a read loop that blocks forever
//     blocks Close.
package pebblestore
