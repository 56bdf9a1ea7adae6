//go:build unix

package projections_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used, on every thread: on a
// shared machine it moves far less than the time a rebuild takes.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
