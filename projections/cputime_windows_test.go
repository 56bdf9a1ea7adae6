package projections_test

import (
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// cpuTime is the CPU time the process has used, on every thread.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user); err != nil {
		b.Fatal(err)
	}
	return spent(kernel) + spent(user)
}

// spent reads a FILETIME that counts time spent, in 100 ns, not a date
// (Filetime.Nanoseconds counts from 1970).
func spent(ft windows.Filetime) time.Duration {
	return time.Duration(int64(ft.HighDateTime)<<32|int64(ft.LowDateTime)) * 100
}
