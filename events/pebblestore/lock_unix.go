//go:build unix

package pebblestore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/palabre/palabre/events"
)

// lockFile is the lock's name inside a data directory.
const lockFile = "palabre.lock"

// dirLock is an exclusive flock on a file in the data directory. The kernel
// drops it when the process dies, so a crash never leaves a stale lock.
type dirLock struct{ f *os.File }

func lockDir(path string) (*dirLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(holder))
			if pid == "" {
				pid = "unknown"
			}
			return nil, fmt.Errorf("%w: %s is locked by process %s; stop it or use another data directory", events.ErrLocked, path, pid)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for the message above; the flock is what protects.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
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
