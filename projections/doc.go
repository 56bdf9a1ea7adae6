// Package projections folds the event log into read models and keeps them
// current.
//
// A Runner restores each Projection's last snapshot (if it is intact and
// of the current version), subscribes once to $all from the earliest
// restored position, decodes every event once and hands each page of
// events to every projection's lane, a goroutine that applies what its
// projection has not seen, then follows live appends. Each lane writes
// its projection's snapshots to disk atomically, streamed, so a restart
// replays only what came after, and it can rebuild a projection from
// position 0. WaitFor lets a command's caller read its own write.
//
// # Caveats
//
//   - A projection that fails (an unknown event type, a corrupt event)
//     stops alone and loudly; the others go on. WaitFor then reports its
//     error rather than waiting forever.
//   - A projection may keep nothing of an Event's Record.Data or Metadata
//     without copying it: they may be views of a page the feed reuses.
//   - Snapshots are a cache: anything odd about one (damage, another
//     version, another projection's name) and it is discarded and the
//     projection rebuilt from the log.
package projections
