package main

import (
	"context"
	"io/fs"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func TestTheMemoryLimitComesFromTheFlagThenTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PALABRE_DATA": dir, "PALABRE_MEMORY_LIMIT_MIB": "2048"}
	m := &Main{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(k string) string { return env[k] }}
	c, _, err := m.serveSettings(nil)
	if err != nil || c.MemoryLimitMiB != 2048 {
		t.Fatalf("from PALABRE_MEMORY_LIMIT_MIB: %d, %v; want 2048", c.MemoryLimitMiB, err)
	}
	c, _, err = m.serveSettings([]string{"--memory-limit-mib", "512"})
	if err != nil || c.MemoryLimitMiB != 512 {
		t.Fatalf("from --memory-limit-mib: %d, %v; want 512", c.MemoryLimitMiB, err)
	}
	delete(env, "PALABRE_MEMORY_LIMIT_MIB")
	if c, _, err = m.serveSettings(nil); err != nil || c.MemoryLimitMiB != 0 {
		t.Fatalf("by default: %d, %v; want 0, the machine's share", c.MemoryLimitMiB, err)
	}
}

func TestAWrongMemoryLimitIsNamed(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"-1", "--memory-limit-mib (PALABRE_MEMORY_LIMIT_MIB): must be between 64 and 16777216 (MiB), or 0 for 75 % of the machine's memory, not -1"},
		{"10", "not 10"},
		{"lots", "memory-limit-mib"},
	} {
		m := &Main{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }}
		_, _, err := m.serveSettings([]string{"--data", t.TempDir(), "--memory-limit-mib", c.value})
		if err == nil || !strings.Contains(err.Error()+m.Stderr.(*strings.Builder).String(), c.want) {
			t.Errorf("--memory-limit-mib %s: %v, want an error with %q", c.value, err, c.want)
		}
	}
}

// files is a machine's files as machineMemory reads them.
type files map[string]string

func (f files) read(path string) ([]byte, error) {
	if s, ok := f[path]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func TestTheDefaultMemoryLimitIsThreeQuartersOfTheMachineOrItsCgroup(t *testing.T) {
	const meminfo = "MemTotal:       24576000 kB\nMemFree:        20000000 kB\n"
	for _, c := range []struct {
		name    string
		machine files
		flag    int
		want    int64
		from    string
	}{
		{"the machine's memory", files{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "max\n"}, 0, 24576000 << 10 * 3 / 4, "/proc/meminfo"},
		{"a cgroup's lower limit", files{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "4294967296\n"}, 0, 3 << 30, "memory.max"},
		{"a cgroup's limit above the machine's", files{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "1099511627776\n"}, 0, 24576000 << 10 * 3 / 4, "/proc/meminfo"},
		{"a cgroup without meminfo", files{"/sys/fs/cgroup/memory.max": "4294967296"}, 0, 3 << 30, "memory.max"},
		{"another system", files{}, 0, 0, ""},
		{"the flag", files{"/proc/meminfo": meminfo}, 1500, 1500 << 20, "--memory-limit-mib"},
	} {
		got, from := memoryLimit(c.flag, c.machine.read)
		if got != c.want || !strings.Contains(from, c.from) {
			t.Errorf("%s: %d bytes from %q, want %d from %q", c.name, got, from, c.want, c.from)
		}
	}
}

func TestMemTotalIsReadInBytes(t *testing.T) {
	if got := memTotal([]byte("MemFree: 3 kB\nMemTotal:   16 kB\n")); got != 16<<10 {
		t.Errorf("memTotal = %d, want %d", got, 16<<10)
	}
	if got := memTotal([]byte("MemTotal: many kB\n")); got != 0 {
		t.Errorf("an unreadable MemTotal gave %d, want 0", got)
	}
}

// Once the models are caught up, the collector keeps the heap nearer what
// is live; an operator's GOGC is kept. (The GC percent is the process's:
// this test restores it, and does not run in parallel.)
func TestMemorySettlesOnceTheModelsAreCaughtUp(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	ready := false
	calls := 0
	caughtUp := func() bool { calls++; ready = calls > 2; return ready }
	m := &Main{Getenv: func(string) string { return "" }}
	version := uint64(0)
	moving := func() uint64 { version++; return version / 4 } // moves, then stays for a while
	m.settleMemory(context.Background(), caughtUp, moving, time.Millisecond, zerolog.Nop())
	if got := debug.SetGCPercent(100); !ready || got != steadyGCPercent {
		t.Errorf("after catch-up: GC percent %d (caught up %v), want %d", got, ready, steadyGCPercent)
	}
	m.Getenv = func(k string) string { return map[string]string{"GOGC": "200"}[k] }
	debug.SetGCPercent(200)
	m.settleMemory(context.Background(), func() bool { return true }, func() uint64 { return 0 }, time.Millisecond, zerolog.Nop())
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("with GOGC=200: GC percent %d, want 200 kept", got)
	}
	// Cancelled before catch-up: nothing changes.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m.Getenv = func(string) string { return "" }
	m.settleMemory(ctx, func() bool { return false }, func() uint64 { return 0 }, time.Millisecond, zerolog.Nop())
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("cancelled before catch-up: GC percent %d, want 100 unchanged", got)
	}
}
