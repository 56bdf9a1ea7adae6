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
// Appends decide on the stream leader's answer, and reads learn from it
// where a stream or $all ends; the events come in batches from direct
// gets, answered by the nearest replica, which a read waits for when it
// lags. So every node reads every acknowledged write. Subscriptions catch
// up with direct gets and follow with an ordered consumer.
//
// Node embeds a JetStream server: three palabre processes given each
// other's route addresses are the whole cluster, their routes speaking
// mutual TLS under an authority derived from the route secret. Vault keeps
// participants' keys in a second stream, deleted with secure erase.
// Inspect reports the streams' leaders and replicas, and Node.RemovePeer
// takes a node lost for good out of the cluster.
//
// # Caveats
//
//   - A replica that lags more than 10 s behind the leader (a node
//     restarting on a busy machine) makes reads answer ErrUnavailable.
//   - One append is at most 1000 events (JetStream's atomic batch limit).
//   - A destroyed key's bytes leave the raft log (WAL) of the keys stream
//     only once that log has moved past them and been compacted: every
//     running node compacts when it hears of the Destroy (ShredWithin); a
//     node down then, at its own timer once back. See Vault.
package jetstore
