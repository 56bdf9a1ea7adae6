package pebblestore

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// lockedRange is the byte range locked, far past the end of the file:
// Windows locks are mandatory, and the pid written at the start must stay
// readable by the process told who holds the directory.
var lockedRange = windows.Overlapped{OffsetHigh: 1 << 30}

// lockDir takes an exclusive LockFileEx lock on a file in the data
// directory. Windows drops it when the process dies, so a crash never
// leaves a stale lock.
func lockDir(path string) (*dirLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	ol := lockedRange
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
			return nil, lockedBy(path, holder)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return holding(f), nil
}

func (l *dirLock) release() {
	ol := lockedRange
	_ = windows.UnlockFileEx(windows.Handle(l.f.Fd()), 0, 1, 0, &ol)
	_ = l.f.Close()
}
