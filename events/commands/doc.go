// Package commands runs palabre's commands against the event store: read
// the aggregate's stream, fold it, load what the command refers to, decide,
// and append with the exact expected revision — retrying a bounded number
// of times when another writer got there first.
//
// # Idempotency
//
// Every command carries a command id (a ULID). Its events record it in
// their metadata together with a hash of the command, and their event ids
// are derived from the command id, that hash and the event's index. A
// command repeated with the same id and payload therefore returns the first
// result without appending — also after a restart, since the proof is in
// the stream itself — and one repeated with a different payload is refused
// with ErrCommandIDReused. Commands that create an aggregate use the command
// id as the new aggregate's id, so a retried creation finds its own stream.
//
// # Caveats
//
//   - References to other aggregates are checked against their state when
//     the command is decided; nothing locks them until the append.
//   - A command id reused on a different aggregate is not detected here.
package commands
