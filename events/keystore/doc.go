// Package keystore keeps the per-participant keys that seal names and phone
// numbers, outside the event log, where deleting a key truly deletes it.
//
// Each participant's key is 32 random bytes, kept wrapped (AES-256-GCM)
// under a master key in a Vault (vault.go), durable before any event
// uses it. A Store seals and opens identities over any vault; the vault
// decides where the wrapped keys live and what erasing one takes. When
// two callers make a participant's key at once (two nodes enrolling
// them), the vault keeps the first and both seal under it.
//
// The embedded default's vault is a DirVault (dirvault.go): a file of its
// own per participant, keys/<participant ULID>.key, written durably
// (file and directory synced). Keys made at the same time (an import's
// newcomers) are written in batches: the files synced side by side, the
// directory once per batch, each Create returning only once its batch is
// durable. Erasure overwrites the file with zeros, syncs it and unlinks
// it, after leaving a tombstone, keys/<participant ULID>.erased, so that
// no key is ever taken for them again (ErrDestroyed): the events keep
// their ciphertext, which nobody can open any more — crypto-shredding.
// A replicated
// engine's vault keeps them in the engine, so that every node of a
// cluster opens the same names; every vault passes vaulttest.
//
// The device key (devicekey.go) is what devices seal names and phones to
// before they keep or send them: a P-256 key derived from the master key,
// whose public half the API publishes; only the server opens what a
// device sealed, and the device never can. Each envelope is sealed for one
// command (a Binding: the command's name, the record's ids, the region),
// and opens in no other; Envelopes (envelopes.go) also opens, for a while
// and for one command each, the old envelopes that were bound to nothing
// (released again when that command is refused).
//
// # Caveats
//
//   - The master key is never in a backup: keep a copy of it apart from
//     the backups. Losing it loses every name; nothing else is lost.
//     Whoever holds a backup and the master key holds the names.
//   - Backups carry the keys: the embedded store's backup holds this
//     directory's files as they are, still wrapped by the master key,
//     under keys/ (pebblestore's Store.Backup), so that a restored log's
//     names can be opened. A key erased after a backup is still in it:
//     restoring, the binary deletes the key of everyone erased in the
//     restored log or on the erasure list it is given (Remove, which
//     needs no master key), and an erasure is complete only once every
//     backup made before it is gone or restored that way. A vault kept
//     in a replicated engine is in that engine's backups.
//   - One file per participant suits the tens of thousands of people a
//     programme meets, not hundreds of millions.
package keystore
