//go:build !windows

package durable

const canSyncDirs = true
