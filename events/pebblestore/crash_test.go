package pebblestore_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/pebblestore"
)

// TestCrashKeepsEveryAcknowledgedAppend kills a writing process with
// SIGKILL at random moments, then checks the store after every kill.
// PALABRE_CRASH_CYCLES sets the number of kills (default 20; make
// crash-long runs 1,000).
func TestCrashKeepsEveryAcknowledgedAppend(t *testing.T) {
	cycles := 20
	if v := os.Getenv("PALABRE_CRASH_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PALABRE_CRASH_CYCLES=%q is not a positive number", v)
		}
		cycles = n
	}
	work := t.TempDir()
	bin := filepath.Join(work, "crashwriter")
	build := exec.Command("go", "build", "-o", bin, "./internal/crashwriter")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build crashwriter: %v\n%s", err, out)
	}
	dir, ackLog := filepath.Join(work, "data"), filepath.Join(work, "acks.log")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	total := 0
	for cycle := range cycles {
		cmd := exec.Command(bin, "-data", dir, "-log", ackLog, "-writers", "16")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("cycle %d: kill: %v", cycle, err)
		}
		err := cmd.Wait()
		if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !status.Signaled() {
			t.Fatalf("cycle %d: crashwriter ended before it was killed (%v): %s", cycle, err, stderr.String())
		}
		trimCutLine(t, ackLog)
		total = checkAfterCrash(t, cycle, dir, ackLog)
	}
	t.Logf("%d kills; %d acknowledged appends all present exactly once", cycles, total)
}

// trimCutLine drops a last line the kill cut short: a write to a file can
// stop part way when a fatal signal arrives, and the next cycle must not
// append to half a line. Its append was acknowledged, so it is in the
// store; the check just cannot name it.
func trimCutLine(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if whole := bytes.LastIndexByte(b, '\n') + 1; whole < len(b) {
		if err := os.Truncate(path, int64(whole)); err != nil {
			t.Fatal(err)
		}
	}
}

// acknowledged is one line of the crashwriter's log.
type acknowledged struct {
	stream string
	first  events.Revision
	ids    []events.ID
}

func readAcks(t *testing.T, path string) []acknowledged {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var acks []acknowledged
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			t.Fatalf("malformed ack line %q", sc.Text())
		}
		first, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		a := acknowledged{stream: fields[0], first: events.Revision(first)}
		for _, h := range strings.Split(fields[2], ",") {
			var id events.ID
			if b, err := hex.DecodeString(h); err != nil || len(b) != 16 {
				t.Fatalf("malformed id %q", h)
			} else {
				copy(id[:], b)
			}
			a.ids = append(a.ids, id)
		}
		acks = append(acks, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return acks
}

// checkAfterCrash reopens the store and checks it against the log: every
// acknowledged event present exactly once, streams gapless, $all strictly
// increasing and contiguous, and a retried append still idempotent.
func checkAfterCrash(t *testing.T, cycle int, dir, ackLog string) int {
	t.Helper()
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatalf("cycle %d: reopen after SIGKILL: %v", cycle, err)
	}
	defer s.Close()
	ctx := context.Background()

	type place struct {
		stream string
		rev    events.Revision
	}
	where := map[events.ID]place{}
	next := map[string]events.Revision{}
	var prev uint64
	for e, err := range s.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatalf("cycle %d: read $all: %v", cycle, err)
		}
		if e.Position.Commit != prev+1 {
			t.Fatalf("cycle %d: position %d follows %d", cycle, e.Position.Commit, prev)
		}
		prev = e.Position.Commit
		if _, dup := where[e.ID]; dup {
			t.Fatalf("cycle %d: event %s stored twice", cycle, e.ID)
		}
		if e.Revision != next[e.Stream] {
			t.Fatalf("cycle %d: %s has revision %d where %d was due", cycle, e.Stream, e.Revision, next[e.Stream])
		}
		next[e.Stream]++
		where[e.ID] = place{e.Stream, e.Revision}
	}
	acks := readAcks(t, ackLog)
	for _, a := range acks {
		for i, id := range a.ids {
			got, ok := where[id]
			if want := (place{a.stream, a.first + events.Revision(i)}); !ok || got != want {
				t.Fatalf("cycle %d: acknowledged event %s of %s@%d: found %v (present %v)", cycle, id, want.stream, want.rev, got, ok)
			}
		}
	}
	if len(acks) > 0 {
		retryAcknowledged(t, s, acks[rand.IntN(len(acks))], next)
	}
	return len(acks)
}

// retryAcknowledged re-appends an acknowledged append with its original
// expectation, as a client that never saw the answer would.
func retryAcknowledged(t *testing.T, s *pebblestore.Store, a acknowledged, next map[string]events.Revision) {
	t.Helper()
	ctx := context.Background()
	var evs []events.EventData
	for e, err := range s.ReadStream(ctx, a.stream, events.ReadStreamOptions{From: a.first, Max: len(a.ids)}) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e.EventData)
	}
	var expected events.ExpectedRevision = events.NoStream{}
	if a.first > 0 {
		expected = events.Exact(a.first - 1)
	}
	res, err := s.Append(ctx, a.stream, expected, evs...)
	if err != nil {
		t.Fatalf("retry of %s@%d: %v", a.stream, a.first, err)
	}
	if want := a.first + events.Revision(len(evs)) - 1; res.NextExpected != want {
		t.Fatalf("retry of %s@%d: next expected %d, want %d", a.stream, a.first, res.NextExpected, want)
	}
	n := 0
	for _, err := range s.ReadStream(ctx, a.stream, events.ReadStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if events.Revision(n) != next[a.stream] {
		t.Fatalf("retry of %s@%d wrote again: %d events, had %d", a.stream, a.first, n, next[a.stream])
	}
}
