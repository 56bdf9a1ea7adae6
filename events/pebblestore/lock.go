package pebblestore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/palabre/palabre/events"
)

// lockFile is the lock's name inside a data directory.
const lockFile = "palabre.lock"

// dirLock is an exclusive lock on a file in the data directory, which the
// operating system drops when the process dies, so a crash never leaves a
// stale lock: flock on Unix (lock_unix.go), LockFileEx on Windows
// (lock_windows.go).
type dirLock struct{ f *os.File }

// holding writes this process's id into the lock file it holds. The pid
// is only for the message of lockedBy; the lock is what protects.
func holding(f *os.File) *dirLock {
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &dirLock{f: f}
}

// lockedBy says which process holds a lock, from what it wrote.
func lockedBy(path string, holder []byte) error {
	pid := strings.TrimSpace(string(holder))
	if pid == "" {
		pid = "unknown"
	}
	return fmt.Errorf("%w: %s is locked by process %s; stop it or use another data directory", events.ErrLocked, path, pid)
}

// LockDir takes the lock the store takes on a data directory, for tools
// that use the directory without opening the store (token files, or a
// server on KurrentDB). It fails with events.ErrLocked while another
// process holds it.
func LockDir(dir string) (io.Closer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, err
	}
	return closerFunc(func() error { l.release(); return nil }), nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
