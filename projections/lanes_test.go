package projections_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/projections"
)

// held is a counter whose Apply, or Snapshot, waits while its gate is
// shut: a read model slow to apply or to write its snapshot.
type held struct {
	*counter
	applyGate, snapshotGate chan struct{} // nil: open
	entered                 chan struct{} // told once when it first waits
}

func newHeld(name string) *held {
	return &held{counter: newCounter(name), entered: make(chan struct{}, 1)}
}

func (h *held) wait(gate chan struct{}) {
	if gate == nil {
		return
	}
	select {
	case h.entered <- struct{}{}:
	default:
	}
	<-gate
}

func (h *held) Apply(e projections.Event) error {
	h.wait(h.applyGate)
	return h.counter.Apply(e)
}

func (h *held) Snapshot(w io.Writer) error {
	h.wait(h.snapshotGate)
	return h.counter.Snapshot(w)
}

func statusOf(r *projections.Runner, name string) projections.Status {
	for _, st := range r.Status() {
		if st.Name == name {
			return st
		}
	}
	return projections.Status{}
}

// eventually waits up to 10 s for cond, then fails saying what.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s, still not: %s", what)
		}
	}
}

func TestASlowReadModelHoldsBackOnlyItselfAndIsNotCaughtUpUntilItIs(t *testing.T) {
	f := newFixture(t)
	last := f.append("space-1", "SpaceEstablished", 40)
	slow, quick := newHeld("slow"), newCounter("quick")
	slow.applyGate = make(chan struct{})
	r, _ := f.start(nil, slow, quick)
	<-slow.entered
	eventually(t, "the quick model caught up", func() bool { st := statusOf(r, "quick"); return st.CaughtUp && st.Position == last })
	if quick.total() != 40 {
		t.Fatalf("the quick model holds %d events, want 40", quick.total())
	}
	if st := statusOf(r, "slow"); st.CaughtUp || st.Position == last {
		t.Fatalf("the slow model, held on its first event, says %+v", st)
	}
	if v := r.Version(); v%2 == 0 {
		t.Fatalf("version %d is even while a model is applying", v)
	}
	close(slow.applyGate)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the slow model caught up", func() bool { return statusOf(r, "slow").CaughtUp })
	if slow.total() != 40 {
		t.Fatalf("the slow model holds %d events, want 40", slow.total())
	}
}

func TestASlowSnapshotPausesOnlyItsOwnModel(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 5)
	writing, quick := newHeld("writing"), newCounter("quick")
	writing.snapshotGate = make(chan struct{})
	r, _ := f.start(&projections.Options{SnapshotEvery: 5, SnapshotInterval: -1}, writing, quick)
	<-writing.entered // its catch-up snapshot, which waits
	// Fewer pages than a lane's queue holds: beyond, the feed waits.
	last := f.append("space-2", "SpaceEstablished", 5)
	eventually(t, "the other model followed", func() bool { return statusOf(r, "quick").Position == last })
	if writing.total() != 5 {
		t.Fatalf("the model writing its snapshot applied %d events meanwhile, want 5", writing.total())
	}
	close(writing.snapshotGate)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
}

func TestTheVersionMovesWithEveryChangeAndIsEvenAtRest(t *testing.T) {
	f := newFixture(t)
	last := f.append("space-1", "SpaceEstablished", 3)
	models := []projections.Projection{newCounter("a"), newCounter("b"), newCounter("c")}
	r, _ := f.start(nil, models...)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		eventually(t, "every lane at rest", func() bool { return r.Version()%2 == 0 })
		before := r.Version()
		last = f.append(fmt.Sprintf("dialogue-%d", i), "DialogueHeld", 1)
		if err := waitFor(t, r, last); err != nil {
			t.Fatal(err)
		}
		eventually(t, "every lane at rest", func() bool { return r.Version()%2 == 0 })
		if after := r.Version(); after <= before {
			t.Fatalf("write %d: the version stayed at %d after the models changed", i, after)
		}
	}
}

func TestASnapshotIsStreamedWithItsHeaderAtTheHead(t *testing.T) {
	f := newFixture(t)
	last := f.append("space-1", "SpaceEstablished", 12)
	r, stop := f.start(nil, newCounter("counter"))
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	stop()
	b, err := os.ReadFile(filepath.Join(f.dir, "counter.snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	line, body, _ := bytes.Cut(b, []byte{'\n'})
	var h struct {
		Position events.Position
		Length   int
	}
	if err := json.Unmarshal(line, &h); err != nil || h.Position != last || h.Length != len(body) {
		t.Fatalf("header %q (%v): want position %s and length %d", line, err, last, len(body))
	}
	if want := `{"SpaceEstablished":12}` + "\n"; string(body) != want {
		t.Fatalf("body %q, want %q", body, want)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "counter.snapshot.tmp")); !os.IsNotExist(err) {
		t.Fatalf("the temporary file is left: %v", err)
	}
}

// Snapshots written before they were streamed have a header line without
// padding: a restart still resumes from them.
func TestASnapshotWithAnUnpaddedHeaderIsRestored(t *testing.T) {
	f := newFixture(t)
	at := f.append("space-1", "SpaceEstablished", 9)
	body := `{"SpaceEstablished":9}` + "\n"
	sum := sha256.Sum256([]byte(body))
	header, _ := json.Marshal(map[string]any{"format": 1, "name": "counter", "version": 1, "position": at, "sha256": hex.EncodeToString(sum[:]), "length": len(body)})
	if err := os.WriteFile(filepath.Join(f.dir, "counter.snapshot"), append(append(header, '\n'), body...), 0o600); err != nil {
		t.Fatal(err)
	}
	last := f.append("space-2", "SpaceEstablished", 2)
	c := newCounter("counter")
	r, _ := f.start(nil, c)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	if c.total() != 11 || c.applied != 2 {
		t.Fatalf("%d events in the model, %d applied; want 11 and 2", c.total(), c.applied)
	}
}

// A model restored from a later snapshot than another's skips what it
// holds: each model sees each event once.
func TestModelsRestoredAtDifferentPositionsEachSeeEveryEventOnce(t *testing.T) {
	f := newFixture(t)
	first := f.append("space-1", "SpaceEstablished", 600) // more than a page
	r, stop := f.start(nil, newCounter("early"))
	if err := waitFor(t, r, first); err != nil {
		t.Fatal(err)
	}
	stop()
	second := f.append("space-2", "SpaceEstablished", 700)
	r, stop = f.start(nil, newCounter("late"))
	if err := waitFor(t, r, second); err != nil {
		t.Fatal(err)
	}
	stop()
	last := f.append("space-3", "SpaceEstablished", 5)
	early, late := newCounter("early"), newCounter("late")
	r, _ = f.start(nil, early, late)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	if early.total() != 1305 || early.applied != 705 || late.total() != 1305 || late.applied != 5 {
		t.Fatalf("early: %d held, %d applied; late: %d held, %d applied; want 1305/705 and 1305/5",
			early.total(), early.applied, late.total(), late.applied)
	}
}

func TestACancelledRunnerStopsWithFinalSnapshots(t *testing.T) {
	f := newFixture(t)
	last := f.append("space-1", "SpaceEstablished", 1500)
	a, b := newCounter("a"), newCounter("b")
	r, err := projections.NewRunner(f.store, f.dir, nil, a, b)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	for _, c := range r.CheckSnapshots() {
		if c.Err != nil || c.Position != last {
			t.Fatalf("snapshot of %s: %+v, want one at %s", c.Name, c, last)
		}
	}
}

// recorder keeps a copy of every event it is given, as recorded.
type recorder struct {
	*counter
	slow bool
	got  []events.RecordedEvent
}

func (r *recorder) Apply(e projections.Event) error {
	if r.slow && len(r.got)%100 == 0 {
		time.Sleep(time.Millisecond) // so the feed runs ahead and reuses pages
	}
	rec := e.Record
	rec.Data, rec.Metadata = bytes.Clone(rec.Data), bytes.Clone(rec.Metadata)
	r.got = append(r.got, rec)
	return r.counter.Apply(e)
}

// The feed reuses its pages and the bytes it copies events into: every
// model, quick or slow, is still given each event as the store holds it.
func TestEveryModelIsGivenEachEventAsRecordedThoughPagesAreReused(t *testing.T) {
	f := newFixture(t)
	var last events.Position
	for i := range 12 {
		evs := eventstoretest.NewEvents(fmt.Sprintf("Type%d", i%5), 250)
		for j := range evs {
			evs[j].Data = fmt.Appendf(nil, `{"i":%d,"j":%d,"pad":%q}`, i, j, bytes.Repeat([]byte{'x'}, (i*j)%300))
		}
		res, err := f.store.Append(context.Background(), fmt.Sprintf("space-%d", i), events.Any{}, evs...)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	models := []*recorder{{counter: newCounter("quick")}, {counter: newCounter("slow"), slow: true}, {counter: newCounter("other")}}
	r, _ := f.start(nil, models[0], models[1], models[2])
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	var want []events.RecordedEvent
	for rec, err := range f.store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, rec)
	}
	for _, m := range models {
		if len(m.got) != len(want) {
			t.Fatalf("%s was given %d events, want %d", m.name, len(m.got), len(want))
		}
		for i := range want {
			g, w := m.got[i], want[i]
			if g.Stream != w.Stream || g.Type != w.Type || !bytes.Equal(g.Data, w.Data) || !bytes.Equal(g.Metadata, w.Metadata) || g.Position != w.Position {
				t.Fatalf("%s, event %d: %s %s %s, want %s %s %s", m.name, i, g.Stream, g.Type, g.Data, w.Stream, w.Type, w.Data)
			}
		}
	}
}

// A model caught up keeps its catch-up snapshot until every model has
// caught up: written at once, it would take a core from the others'
// catch-up (at a first start, the inclusion model's end of batch), and
// the server is ready only when all are.
func TestTheCatchUpSnapshotsWaitForEveryModelToCatchUp(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 5)
	slow, quick := newHeld("slow"), newCounter("quick")
	slow.applyGate = make(chan struct{})
	var release sync.Once
	open := func() { release.Do(func() { close(slow.applyGate) }) }
	defer open() // before the runner's stop, which waits for the slow lane
	r, _ := f.start(&projections.Options{SnapshotEvery: 5, SnapshotInterval: time.Hour}, slow, quick)
	eventually(t, "the quick model caught up", func() bool { return statusOf(r, "quick").CaughtUp })
	time.Sleep(200 * time.Millisecond) // time enough to write a snapshot of five events
	if _, err := os.Stat(filepath.Join(f.dir, "quick.snapshot")); !os.IsNotExist(err) {
		t.Fatalf("the quick model wrote its catch-up snapshot while the slow one was catching up (stat: %v)", err)
	}
	open()
	eventually(t, "the quick model's snapshot, once both caught up", func() bool {
		_, err := os.Stat(filepath.Join(f.dir, "quick.snapshot"))
		return err == nil && statusOf(r, "slow").CaughtUp
	})
}

// snapshotCounting counts the snapshots a counter writes.
type snapshotCounting struct {
	*counter
	written atomic.Int32
}

func (s *snapshotCounting) Snapshot(w io.Writer) error {
	s.written.Add(1)
	return s.counter.Snapshot(w)
}

// A stop writes no snapshot of a model that applied nothing since its
// last: a restart stopped at once does not rewrite a snapshot of the same
// position (hundreds of megabytes at a million events).
func TestAStopKeepsASnapshotThatIsStillCurrent(t *testing.T) {
	f := newFixture(t)
	last := f.append("space-1", "SpaceEstablished", 3)
	first := &snapshotCounting{counter: newCounter("counter")}
	_, stop := f.startUntil(last, first)
	stop()
	if first.written.Load() != 1 {
		t.Fatalf("the first run wrote %d snapshots, want 1 (at its stop)", first.written.Load())
	}
	again := &snapshotCounting{counter: newCounter("counter")}
	_, stop = f.startUntil(last, again)
	stop()
	if again.written.Load() != 0 {
		t.Fatalf("a restart that applied nothing wrote %d snapshots at its stop, want none", again.written.Load())
	}
	if again.total() != 3 {
		t.Fatalf("the restored model holds %d events, want 3", again.total())
	}
}
