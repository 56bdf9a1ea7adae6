//go:build unix

package projections

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the first n bytes of f to read in place: a large snapshot
// is read from the page cache where it lies, not copied into memory the
// process must first fault in and zero (at 5M events, a quarter of a
// restart's work). unmap releases it; nothing read from it may be kept.
func mapFile(f *os.File, n int64) (b []byte, unmap func(), err error) {
	b, err = unix.Mmap(int(f.Fd()), 0, int(n), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	_ = unix.Madvise(b, unix.MADV_WILLNEED) // read ahead from disk if not cached
	return b, func() { _ = unix.Munmap(b) }, nil
}
