package durable

// canSyncDirs: a directory opened on Windows has no handle
// FlushFileBuffers accepts.
const canSyncDirs = false
