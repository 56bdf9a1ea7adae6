// Package durable writes the data directory's small files (the master
// key, participants' keys, tokens) so that a crash leaves the old file or
// the new one, never a torn one, and only their owner may read them.
//
// # Caveats
//
//   - On Windows a directory cannot be synced (FlushFileBuffers needs a
//     handle a directory does not give): SyncDir does nothing there, and
//     a rename is as durable as NTFS's journal makes it.
//   - Modes are Unix modes; on Windows access is the folder's ACL.
package durable
