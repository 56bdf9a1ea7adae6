// Package kurrentstore adapts a KurrentDB (EventStoreDB) node or cluster to
// events.Store, through the official client
// github.com/EventStore/EventStore-Client-Go/v4. An alliance switches to it
// when one machine is no longer enough.
//
// # Caveats
//
// The adapter works around known traps of client v4.2.0:
//
//   - The client's default expected revision is Any, which disables the
//     concurrency check; the adapter always passes the caller's.
//   - esdb.FromError has inverted semantics and misses wrapped errors; the
//     adapter uses errors.As.
//   - esdb.Position is passed by value (a pointer compiles and sends none).
//   - Closing the client while a call or subscription is in flight can
//     panic; Close ends subscriptions and waits for calls first.
//   - A wrong expected version's details arrive only as text; the adapter
//     parses them, and reads the stream's head when the text is not as
//     expected.
//   - An idempotent retry is answered without a position; the adapter reads
//     the event back to report it.
//
// The store's Vault keeps participants' keys in KurrentDB, a stream each,
// for every palabre node on the cluster. Destroying a key tombstones its
// stream: it is unreadable at once on every node, but its bytes stay in
// the chunk files until a scavenge runs on each node; schedule one
// (POST /admin/scavenge) so that an erasure completes.
//
// Only esdb://host:2113?tls=false-style connection strings are accepted.
// $all's positions are byte offsets: strictly increasing, not contiguous.
// System events (types and streams starting with "$") are never returned.
package kurrentstore
