package graphql_test

import (
	"time"

	"golang.org/x/sys/windows"
)

// cpuTime is the CPU time the process has used, on every core.
func cpuTime() time.Duration {
	var created, exited, kernel, user windows.Filetime
	_ = windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user)
	return spent(kernel) + spent(user)
}

// spent reads a FILETIME that counts time spent, in 100 ns, not a date
// (Filetime.Nanoseconds counts from 1970).
func spent(ft windows.Filetime) time.Duration {
	return time.Duration(int64(ft.HighDateTime)<<32|int64(ft.LowDateTime)) * 100
}
