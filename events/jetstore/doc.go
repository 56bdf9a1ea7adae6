// Package jetstore keeps palabre's events, and participants' keys, in NATS
// JetStream, so that several palabre nodes share one replicated log.
//
// A palabre stream is a subject of one JetStream stream (PALABRE_EVENTS):
// palabre.ev.<name>, the name escaped byte by byte (~XX) so that any
// stream name is one subject token and maps back. The stream sequence is
// the position in $all. Each message carries its event id as its message
// id (Nats-Msg-Id: JetStream drops a retried write within two minutes) and
// its revision in the palabre stream (Palabre-Revision), so that an
// expected revision becomes an expected last subject sequence
// (Nats-Expected-Last-Subject-Sequence) on the first message of an atomic
// batch (Nats-Batch-Id, -Sequence, -Commit) that holds a command's events.
//
// Reads use direct gets, answered by whichever replica is nearest; a store
// makes the replica hold everything it has written or seen before it
// reads, so that it reads its own writes. Subscriptions catch up with
// direct gets and follow with an ordered consumer.
//
// Node embeds a JetStream server: three palabre processes given each
// other's route addresses are the whole cluster. Vault keeps participants'
// keys in a second stream, deleted with secure erase.
//
// # Caveats
//
//   - A node reads another node's writes once its replica has applied
//     them (milliseconds), as read models do; an append decided on a stale
//     read fails its expected revision and is retried by the caller.
//   - One append is at most 1000 events (JetStream's atomic batch limit).
//   - A destroyed key's bytes leave the raft log (WAL) of the keys stream
//     only once that log has moved past them and been compacted: see Vault.
package jetstore
