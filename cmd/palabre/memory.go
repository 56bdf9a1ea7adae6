package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// The memory limit is a soft one (debug.SetMemoryLimit): the garbage
// collector works harder as the heap nears it instead of letting it grow
// to twice what is live, which is where a rebuild's peak came from. It
// never refuses memory: a server that needs more than its limit goes
// over it, collecting often.

const memoryLimitHelp = "soft memory limit (MiB) the server keeps its heap under by collecting garbage sooner; 0 is 75 % of the machine's memory, or of its cgroup's limit when lower"

// memoryLimitProblem says what is wrong with a limit of mib MiB, or "".
func memoryLimitProblem(mib int) string {
	if mib != 0 && (mib < 64 || mib > 1<<24) {
		return fmt.Sprintf("must be between 64 and 16777216 (MiB), or 0 for 75 %% of the machine's memory, not %d", mib)
	}
	return ""
}

// defaultMemoryLimitShare is the part of the machine's memory a server
// takes for its limit by default, leaving the rest to the store's cache,
// the system and a backup.
const defaultMemoryLimitShare = 0.75

// machineMemory is the memory the server may use: its cgroup's limit
// (cgroup v2's memory.max) when set and lower than the machine's
// (MemTotal in /proc/meminfo). It says where the figure came from, or
// returns 0 when neither can be read (on other systems than Linux).
func machineMemory(readFile func(string) ([]byte, error)) (bytes int64, from string) {
	if b, err := readFile("/proc/meminfo"); err == nil {
		bytes, from = memTotal(b), "/proc/meminfo"
	}
	if b, err := readFile("/sys/fs/cgroup/memory.max"); err == nil {
		limit, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64) // "max" when none
		if err == nil && limit > 0 && (bytes == 0 || limit < bytes) {
			bytes, from = limit, "/sys/fs/cgroup/memory.max"
		}
	}
	return bytes, from
}

// memTotal reads MemTotal, in bytes, from /proc/meminfo's text; 0 if none.
func memTotal(meminfo []byte) int64 {
	lines := bufio.NewScanner(bytes.NewReader(meminfo))
	for lines.Scan() {
		rest, ok := strings.CutPrefix(lines.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kib << 10
	}
	return 0
}

// memoryLimit is the limit a server sets itself, in bytes: mib MiB when
// given, else 75 % of machineMemory. It returns 0 when there is none to
// set (no flag and the machine's memory unknown) and says where the
// figure came from.
func memoryLimit(mib int, readFile func(string) ([]byte, error)) (limit int64, from string) {
	if mib > 0 {
		return int64(mib) << 20, "--memory-limit-mib"
	}
	total, source := machineMemory(readFile)
	if total == 0 {
		return 0, ""
	}
	return int64(float64(total) * defaultMemoryLimitShare), fmt.Sprintf("75 %% of %d MiB (%s)", total>>20, source)
}

// setMemoryLimit sets the process's soft memory limit from
// --memory-limit-mib, or by default from the machine's memory, and logs
// it. Without the flag, a GOMEMLIMIT already in the environment is kept.
func (m *Main) setMemoryLimit(mib int, log zerolog.Logger) {
	if mib == 0 && m.Getenv("GOMEMLIMIT") != "" {
		log.Info().Str("GOMEMLIMIT", m.Getenv("GOMEMLIMIT")).Msg("memory limit from GOMEMLIMIT")
		return
	}
	limit, from := memoryLimit(mib, os.ReadFile)
	if limit == 0 {
		log.Info().Msg("no memory limit: the machine's memory is unknown here; set --memory-limit-mib")
		return
	}
	debug.SetMemoryLimit(limit)
	log.Info().Int64("memoryLimitMiB", limit>>20).Str("from", from).Msg("memory limit set")
}

// steadyGCPercent is the garbage collector's target once the read models
// have caught up: a heap may grow this much over what is live before a
// collection. A rebuild allocates fast and collects at Go's default
// (100); serving allocates little, and the models are mostly columns
// without pointers, cheap to mark, so collecting sooner costs little
// and keeps the process near the models' own size.
const steadyGCPercent = 30

// settleMemory waits until the read models are caught up and quiet (their
// version unchanged for quietFor: a first start's claims of legacy codes
// are applied by then; on a server written to without pause, for 30
// periods at most after catch-up), then collects at steadyGCPercent and returns the
// catch-up's free memory to the system. A GOGC in the environment is
// kept.
func (m *Main) settleMemory(ctx context.Context, caughtUp func() bool, version func() uint64, quietFor time.Duration, log zerolog.Logger) {
	for seen, waited := version(), 0; ; seen = version() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(quietFor):
		}
		if !caughtUp() {
			continue
		}
		if waited++; version() == seen || waited >= 30 {
			break
		}
	}
	if m.Getenv("GOGC") == "" {
		debug.SetGCPercent(steadyGCPercent)
	}
	debug.FreeOSMemory()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	log.Info().Uint64("heapMiB", stats.HeapAlloc>>20).Msg("read models caught up; memory returned to the system")
}
