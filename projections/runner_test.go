package projections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/palabre/palabre/events/domain"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
)

// counter counts events by type: the smallest honest read model.
type counter struct {
	name    string
	version int
	strict  bool // fails on types it does not know

	mu      sync.Mutex
	counts  map[string]int
	applied int // Apply calls since creation, to see what a restart replays
}

func newCounter(name string) *counter {
	return &counter{name: name, version: 1, counts: map[string]int{}}
}

func (c *counter) Name() string { return c.name }
func (c *counter) Version() int { return c.version }
func (c *counter) Apply(e projections.Event) error {
	if c.strict && errors.Is(e.Err, domain.ErrUnknownEventType) {
		return e.Err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[e.Record.Type]++
	c.applied++
	return nil
}
func (c *counter) Snapshot(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return json.NewEncoder(w).Encode(c.counts) // maps encode sorted: deterministic
}
func (c *counter) Restore(r io.Reader) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = map[string]int{}
	return json.NewDecoder(r).Decode(&c.counts)
}
func (c *counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = map[string]int{}
}
func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

type fixture struct {
	t     *testing.T
	store *pebblestore.Store
	dir   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &fixture{t: t, store: s, dir: t.TempDir()}
}

func (f *fixture) append(stream, eventType string, n int) events.Position {
	f.t.Helper()
	res, err := f.store.Append(context.Background(), stream, events.Any{}, eventstoretest.NewEvents(eventType, n)...)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Position
}

// start runs a runner until the test ends or stop is called.
func (f *fixture) start(opts *projections.Options, ps ...projections.Projection) (*projections.Runner, func()) {
	f.t.Helper()
	r, err := projections.NewRunner(f.store, f.dir, opts, ps...)
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	f.t.Cleanup(stop)
	return r, stop
}

// startUntil starts a runner of ps and waits until it has applied last.
func (f *fixture) startUntil(last events.Position, ps ...projections.Projection) (*projections.Runner, func()) {
	f.t.Helper()
	r, stop := f.start(nil, ps...)
	if err := waitFor(f.t, r, last); err != nil {
		f.t.Fatal(err)
	}
	return r, stop
}

func waitFor(t *testing.T, r *projections.Runner, p events.Position) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.WaitFor(ctx, p)
}

func TestProjectionsCatchUpThenFollowAndReadTheirWrites(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 100)
	c := newCounter("counter")
	r, _ := f.start(nil, c)
	last := f.append("dialogue-1", "DialogueHeld", 1)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	if c.total() != 101 {
		t.Fatalf("after WaitFor the read model holds %d events, want 101", c.total())
	}
	for i := range 20 {
		p := f.append(fmt.Sprintf("dialogue-%d", i), "DialogueHeld", 1)
		if err := waitFor(t, r, p); err != nil {
			t.Fatal(err)
		}
		if got := c.total(); got != 102+i {
			t.Fatalf("write %d not read back: %d events", i, got)
		}
	}
	if st := r.Status(); !st[0].CaughtUp || st[0].Err != nil {
		t.Fatalf("status %+v", st)
	}
}

func TestARestartResumesFromTheSnapshot(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 95)
	c := newCounter("counter")
	r, stop := f.start(&projections.Options{SnapshotEvery: 10, SnapshotInterval: -1}, c)
	if err := waitFor(t, r, f.append("space-1", "SpaceTargetsSet", 5)); err != nil {
		t.Fatal(err)
	}
	stop() // writes a final snapshot at position 100

	last := f.append("space-2", "SpaceEstablished", 7)
	again := newCounter("counter")
	r, _ = f.start(nil, again)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	if again.total() != 107 || again.applied != 7 {
		t.Fatalf("after restart: %d events in the model, %d replayed; want 107 and 7", again.total(), again.applied)
	}
}

// inMemory is a counter that restores from memory
// (projections.InMemoryRestorer), noting what it was handed.
type inMemory struct {
	*counter
	handed string
}

func (m *inMemory) RestoresInMemory() {}
func (m *inMemory) Restore(r io.Reader) error {
	m.handed = fmt.Sprintf("%T", r)
	return m.counter.Restore(r)
}

// setSnapshotLength rewrites the length a snapshot's header gives.
func setSnapshotLength(path string, length int64) {
	b, _ := os.ReadFile(path)
	end := bytes.IndexByte(b, '\n')
	var h map[string]any
	json.Unmarshal(b[:end], &h)
	h["length"] = length
	line, _ := json.Marshal(h)
	header := append(line, bytes.Repeat([]byte{' '}, end-len(line))...)
	os.WriteFile(path, append(header, b[end:]...), 0o600)
}

// A snapshot that cannot be trusted is discarded and the log replayed,
// whether the model streams its snapshot or is handed it in memory: its
// body's length and sum are checked before the model reads a byte, and
// a length beyond the file is refused before anything is allocated.
func TestUntrustworthySnapshotsAreDiscardedAndRebuilt(t *testing.T) {
	spoils := map[string]func(path string, c *counter){
		"a damaged snapshot": func(path string, _ *counter) {
			b, _ := os.ReadFile(path)
			b[len(b)-3] ^= 0x20
			os.WriteFile(path, b, 0o600)
		},
		"a body cut short": func(path string, _ *counter) {
			b, _ := os.ReadFile(path)
			os.WriteFile(path, b[:len(b)-5], 0o600)
		},
		"a length beyond the file":       func(path string, _ *counter) { setSnapshotLength(path, 1<<40) },
		"a snapshot of an older version": func(_ string, c *counter) { c.version = 2 },
		"a missing snapshot":             func(path string, _ *counter) { os.Remove(path) },
	}
	models := map[string]func(c *counter) projections.Projection{
		"streamed":  func(c *counter) projections.Projection { return c },
		"in memory": func(c *counter) projections.Projection { return &inMemory{counter: c} },
	}
	for kind, model := range models {
		for name, spoil := range spoils {
			t.Run(kind+"/"+name, func(t *testing.T) {
				f := newFixture(t)
				last := f.append("space-1", "SpaceEstablished", 30)
				_, stop := f.startUntil(last, model(newCounter("counter")))
				stop()
				again := newCounter("counter")
				spoil(filepath.Join(f.dir, "counter.snapshot"), again)
				f.startUntil(last, model(again))
				if again.total() != 30 || again.applied != 30 {
					t.Fatalf("got %d events from %d applied, want a full replay of 30", again.total(), again.applied)
				}
			})
		}
	}
}

// A model that restores from memory is handed the body the runner read
// to check its sum, not the file to read again.
func TestAnInMemoryModelIsHandedTheBodyAlreadyRead(t *testing.T) {
	f := newFixture(t)
	last := f.append("space-1", "SpaceEstablished", 30)
	_, stop := f.startUntil(last, &inMemory{counter: newCounter("counter")})
	stop()
	again := &inMemory{counter: newCounter("counter")}
	f.startUntil(last, again)
	if again.handed != "*bytes.Buffer" || again.total() != 30 || again.applied != 0 {
		t.Fatalf("restored from a %s, %d events of which %d applied: want a *bytes.Buffer, 30 and none", again.handed, again.total(), again.applied)
	}
}

// TestARebuildWaitsForTheLogsEndAndCountsIt: WaitCaughtUp returns once
// every model has applied what the log held, and Status counts the
// events each applied since the runner started (palabre rebuild says
// how many, without reading the log first to count them).
func TestARebuildWaitsForTheLogsEndAndCountsIt(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 30)
	last := f.append("space-2", "SpaceEstablished", 12)
	a, b := newCounter("a"), newCounter("b")
	r, stop := f.start(nil, a, b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, st := range r.Status() {
		if !st.CaughtUp || st.Applied != 42 || st.Position != last {
			t.Fatalf("%+v: want caught up at the last of 42 events, all applied", st)
		}
	}
	stop()
	r, _ = f.start(nil, newCounter("a"), newCounter("b")) // restored: nothing applied yet
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	more := f.append("space-3", "SpaceEstablished", 5)
	if err := waitFor(t, r, more); err != nil {
		t.Fatal(err)
	}
	if st := r.Status()[0]; st.Applied != 5 {
		t.Fatalf("after a restore and 5 more events, %d applied since the start", st.Applied)
	}
}

func TestAProjectionFailsAloneAndLoudlyOnAnUnknownEventType(t *testing.T) {
	f := newFixture(t)
	strict, lenient := newCounter("strict"), newCounter("lenient")
	strict.strict = true
	f.append("space-1", "SpaceEstablished", 3)
	r, _ := f.start(nil, strict, lenient)
	last := f.append("space-1", "MysteryHappened", 1)
	err := waitFor(t, r, last)
	if !errors.Is(err, projections.ErrFailed) || !strings.Contains(err.Error(), `"MysteryHappened"`) || !strings.Contains(err.Error(), "strict") {
		t.Fatalf("got %v, want ErrFailed naming the projection and the event type", err)
	}
	if lenient.total() != 4 {
		t.Fatalf("the other projection holds %d events, want 4", lenient.total())
	}
	for _, st := range r.Status() {
		if (st.Name == "strict") != (st.Err != nil) {
			t.Fatalf("status %+v", st)
		}
	}
}

func TestTheSameEventsGiveAByteIdenticalSnapshot(t *testing.T) {
	f := newFixture(t)
	for i := range 50 {
		f.append(fmt.Sprintf("space-%d", i%7), []string{"SpaceEstablished", "DialogueHeld", "CommitmentMade"}[i%3], 1+i%4)
	}
	last := f.append("space-x", "SpaceClosed", 1)
	var snapshots [][]byte
	for range 2 {
		r, stop := f.start(nil, newCounter("counter"))
		if err := waitFor(t, r, last); err != nil {
			t.Fatal(err)
		}
		stop()
		b, err := os.ReadFile(filepath.Join(f.dir, "counter.snapshot"))
		if err != nil {
			t.Fatal(err)
		}
		snapshots = append(snapshots, b)
		if err := r.Rebuild("counter"); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(snapshots[0], snapshots[1]) {
		t.Fatalf("two rebuilds gave different snapshots:\n%s\n%s", snapshots[0], snapshots[1])
	}
}

// panicky panics on its first event: a bug in one read model.
type panicky struct{ *counter }

func (p panicky) Apply(projections.Event) error { panic("read model bug") }

func TestAPanickingProjectionFailsAloneInsteadOfCrashing(t *testing.T) {
	f := newFixture(t)
	healthy := newCounter("healthy")
	r, _ := f.start(nil, panicky{newCounter("panicky")}, healthy)
	err := waitFor(t, r, f.append("space-1", "SpaceEstablished", 2))
	if !errors.Is(err, projections.ErrFailed) || !strings.Contains(err.Error(), "read model bug") {
		t.Fatalf("got %v, want the panicking projection reported as failed", err)
	}
	if healthy.total() != 2 {
		t.Fatalf("the healthy projection holds %d events, want 2", healthy.total())
	}
}

// Tokens and sessions of nodes on a replicated engine are events of the
// nodes' own streams, in $all with the domain's: no projection is given
// them, and a model waiting for one of their positions is not stuck.
func TestTheNodesOwnStreamsAreGivenToNoProjection(t *testing.T) {
	f := newFixture(t)
	strict := newCounter("strict")
	strict.strict = true
	f.append("space-1", "SpaceEstablished", 2)
	r, _ := f.start(nil, strict)
	f.append(events.NodeStreamPrefix+"tokens", "TokenCreated", 3)
	last := f.append(events.NodeStreamPrefix+"tokens", "SessionsChanged", 1)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	if strict.total() != 2 {
		t.Fatalf("the model holds %d events, want the domain's 2", strict.total())
	}
	if n, _, err := projections.Replay(context.Background(), f.store, strict); err != nil || n != 6 {
		t.Fatalf("a replay: %d events, %v", n, err)
	}
}

// batching is a counter that is told the bounds of a replay into an
// empty model (projections.Batcher).
type batching struct {
	*counter
	begun, ended int // calls
	endedAt      int // events applied when EndBatch was called
	inBatch      int // snapshots written between BeginBatch and EndBatch
}

// Snapshot counts the snapshots taken within a batch: the inclusion model
// must do its deferred work to write one, which ends its batch.
func (b *batching) Snapshot(w io.Writer) error {
	b.mu.Lock()
	if b.begun > b.ended {
		b.inBatch++
	}
	b.mu.Unlock()
	return b.counter.Snapshot(w)
}

func (b *batching) BeginBatch() { b.mu.Lock(); b.begun++; b.mu.Unlock() }
func (b *batching) EndBatch() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.begun > b.ended {
		b.ended, b.endedAt = b.ended+1, b.applied
	}
}

// A projection started without a snapshot is told its replay is a batch,
// which ends before the runner says it is caught up: a reader that waits
// for readiness reads a model whose deferred work is done. A restart from
// a snapshot is no batch (its model is not empty).
func TestAFirstStartIsABatchThatEndsBeforeTheModelIsCaughtUp(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 120)
	b := &batching{counter: newCounter("counter")}
	r, stop := f.start(nil, b)
	for !r.Status()[0].CaughtUp {
		time.Sleep(time.Millisecond)
	}
	b.mu.Lock()
	begun, ended, endedAt := b.begun, b.ended, b.endedAt
	b.mu.Unlock()
	if begun != 1 || ended != 1 || endedAt != 120 {
		t.Fatalf("caught up after %d BeginBatch and %d EndBatch (at %d events), want 1, 1 and 120", begun, ended, endedAt)
	}
	stop()

	again := &batching{counter: newCounter("counter")}
	r, _ = f.start(nil, again)
	if err := waitFor(t, r, f.append("space-2", "SpaceEstablished", 3)); err != nil {
		t.Fatal(err)
	}
	if again.begun != 0 {
		t.Fatalf("a restart from a snapshot began %d batches", again.begun)
	}
}

// The snapshots taken every SnapshotEvery events leave a first start's
// batch alone while it is shorter than SnapshotInterval: the interval is
// counted from the replay's start. (A snapshot taken as soon as 50,000
// events were applied ended the inclusion model's batch, so that a first
// start and "palabre rebuild" applied all the rest one event at a time.)
func TestAFirstStartIsNotSnapshottedWithinItsBatchBeforeTheInterval(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 120)
	b := &batching{counter: newCounter("counter")}
	r, _ := f.start(&projections.Options{SnapshotEvery: 10, SnapshotInterval: time.Hour}, b)
	for !r.Status()[0].CaughtUp {
		time.Sleep(time.Millisecond)
	}
	b.mu.Lock()
	inBatch, endedAt := b.inBatch, b.endedAt
	b.mu.Unlock()
	if inBatch != 0 || endedAt != 120 {
		t.Fatalf("%d snapshots within the batch, which ended at %d events: want none, and the end at 120", inBatch, endedAt)
	}
}
