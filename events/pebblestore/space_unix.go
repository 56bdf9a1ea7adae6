//go:build unix

package pebblestore

import (
	"errors"
	"syscall"
)

// FreeSpace is what an unprivileged process may still write in dir.
func FreeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// diskFull: a write failed for want of space.
func diskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }
