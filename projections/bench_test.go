package projections_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// histories caches one loaded store per size for the whole benchmark run.
var (
	historiesMu sync.Mutex
	histories   = map[int]*pebblestore.Store{}
	historyDirs []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range histories {
		s.Close()
	}
	for _, d := range historyDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func history(b *testing.B, n int) *pebblestore.Store {
	b.Helper()
	historiesMu.Lock()
	defer historiesMu.Unlock()
	if s, ok := histories[n]; ok {
		return s
	}
	dir, err := os.MkdirTemp("", "palabre-bench-")
	if err != nil {
		b.Fatal(err)
	}
	historyDirs = append(historyDirs, dir)
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	loaded, err := synthetic.Load(context.Background(), s, synthetic.Generate(synthetic.Config{Events: n, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d synthetic events in %s", loaded, time.Since(start).Round(time.Millisecond))
	histories[n] = s
	return s
}

func allProjections() []projections.Projection {
	return []projections.Projection{inclusion.New(), commitments.New(time.Now), stakeholders.New(), participants.New(nil)}
}

// replay applies $all to the projections, as a rebuild does.
func replay(b *testing.B, s events.Store, ps []projections.Projection) int {
	n, _, err := projections.Replay(context.Background(), s, ps...)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkRebuild replays synthetic histories into every projection and
// reports events/s and the memory the read models hold per event.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s := history(b, n)
			b.ResetTimer()
			start, replayed := time.Now(), 0
			cpu := cpuTime(b)
			var held uint64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				ps := allProjections()
				replayed += replay(b, s, ps)
				runtime.GC()
				runtime.ReadMemStats(&after)
				held = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
				runtime.KeepAlive(ps)
			}
			b.ReportMetric(float64(replayed)/time.Since(start).Seconds(), "events/s")
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(time.Microsecond)/float64(replayed), "cpu-µs/event")
			b.ReportMetric(float64(held)/float64(n), "bytes/event")
		})
	}
}

// BenchmarkInclusionQuery asks for one space's figures over 12 months,
// bucketed by month, with 1M events loaded.
func BenchmarkInclusionQuery(b *testing.B) {
	s := history(b, 1_000_000)
	model := inclusion.New()
	replay(b, s, []projections.Projection{model})
	var spaceID domain.ID
	for rec, err := range s.ReadAll(context.Background(), events.Start, 1) {
		if err != nil {
			b.Fatal(err)
		}
		spaceID = mustID(b, rec.Stream)
	}
	q := inclusion.Query{SpaceID: &spaceID, From: domain.NewDate(2024, 1, 1), To: domain.NewDate(2024, 12, 31), Bucket: inclusion.Month}
	v, err := model.View(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("one space, 12 months: %d dialogues, attendance %d", v.Total.Dialogues, v.Total.Attendance)
	runtime.GC() // the replay's garbage is not the query's cost
	b.ResetTimer()
	for b.Loop() {
		if _, err := model.View(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestoreSnapshot measures a restart: restoring every read model
// from its snapshot, side by side as the runner does.
func BenchmarkRestoreSnapshot(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s := history(b, n)
			ps := allProjections()
			replay(b, s, ps)
			snaps := make([][]byte, len(ps))
			size := 0
			for i, p := range ps {
				var buf bytes.Buffer
				if err := p.Snapshot(&buf); err != nil {
					b.Fatal(err)
				}
				snaps[i], size = buf.Bytes(), size+buf.Len()
				b.Logf("%s: %.1f MB", p.Name(), float64(buf.Len())/1e6)
			}
			b.ResetTimer()
			for b.Loop() {
				// Side by side, as the runner restores them.
				var wg sync.WaitGroup
				for i, p := range allProjections() {
					wg.Go(func() {
						if err := p.Restore(bytes.NewBuffer(snaps[i])); err != nil { // as the runner hands them
							b.Error(err)
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(size)/1e6, "MB-snapshots")
		})
	}
}

func mustID(b *testing.B, stream string) domain.ID {
	id, err := domain.ParseID("stream", stream[len(stream)-26:])
	if err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkAsOfMoment finds the position of a past moment in a 1M-event
// log and answers from the cache: the index makes it a lookup instead of
// a scan of $all from the start.
func BenchmarkAsOfMoment(b *testing.B) {
	s := history(b, 1_000_000)
	var last time.Time
	for rec, err := range s.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			b.Fatal(err)
		}
		last = rec.RecordedAt
	}
	asOf := projections.NewAsOf(s, 2)
	fresh := func() projections.Projection { return inclusion.New() }
	if _, err := asOf.At(context.Background(), last, fresh, nil); err != nil { // builds the index and the model
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := asOf.At(context.Background(), last, fresh, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplayStore is a first start without snapshots: the real
// Runner replays an existing store into the six read models a server
// keeps, until each has caught up. PALABRE_BENCH_STORE names the
// embedded store's data directory, e.g. one made by
// "palabre demo --data DIR --events 1000000"; the store is opened, so
// give a copy of one a server is using. It reports events/s, CPU cores
// used and the peak of the heap (sampled every 20 ms).
func BenchmarkReplayStore(b *testing.B) {
	s := benchStore(b)
	n := 0
	for _, err := range s.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ResetTimer()
	var took, cpu time.Duration
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		stopSampling := sampleHeapPeak(&peak)
		b.StartTimer()
		start, startCPU := time.Now(), cpuTime(b)
		stop := replayThroughRunner(b, s)
		took, cpu = took+time.Since(start), cpu+cpuTime(b)-startCPU
		b.StopTimer()
		stopSampling()
		stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/took.Seconds(), "events/s")
	b.ReportMetric(float64(cpu)/float64(took), "cores")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkRestartStore is a restart: the six read models restored from
// their snapshots of the store named by PALABRE_BENCH_STORE (written by a
// replay first), until each has caught up.
func BenchmarkRestartStore(b *testing.B) {
	s := benchStore(b)
	snapshots := b.TempDir()
	runUntilCaughtUp(b, s, snapshots)() // a first start, which writes the snapshots
	b.ResetTimer()
	for b.Loop() {
		stop := runUntilCaughtUp(b, s, snapshots)
		b.StopTimer()
		stop()
		b.StartTimer()
	}
}

// replayThroughRunner runs a Runner with no snapshots over s until every
// model has caught up; stop stops it (writing its final snapshots).
func replayThroughRunner(b testing.TB, s events.Store) (stop func()) {
	snapshots, err := os.MkdirTemp("", "palabre-replay-")
	if err != nil {
		b.Fatal(err)
	}
	stopRunner := runUntilCaughtUp(b, s, snapshots)
	return func() {
		stopRunner()
		os.RemoveAll(snapshots)
	}
}

// runUntilCaughtUp runs a Runner of the six read models, with snapshots in
// dir, until every model has caught up; stop stops it, writing their
// snapshots.
func runUntilCaughtUp(b testing.TB, s events.Store, snapshots string) (stop func()) {
	return runModelsUntilCaughtUp(b, s, snapshots, inclusion.New(), commitments.New(time.Now), stakeholders.New(),
		participants.New(nil), outcomes.New(), frameworks.New())
}

// runModelsUntilCaughtUp is runUntilCaughtUp for the models given.
func runModelsUntilCaughtUp(b testing.TB, s events.Store, snapshots string, models ...projections.Projection) (stop func()) {
	r, err := projections.NewRunner(s, snapshots, nil, models...)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	for caughtUp := false; !caughtUp; time.Sleep(10 * time.Millisecond) {
		caughtUp = true
		for _, st := range r.Status() {
			if st.Err != nil {
				b.Fatalf("%s: %v", st.Name, st.Err)
			}
			caughtUp = caughtUp && st.CaughtUp
		}
	}
	return func() {
		start := time.Now()
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
		b.Logf("final snapshots, side by side: %s", time.Since(start).Round(time.Millisecond))
	}
}

// sampleHeapPeak raises *peak to the largest heap (objects live and not
// yet collected) seen until the returned function is called.
func sampleHeapPeak(peak *uint64) (stop func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// BenchmarkExactRegionView is an admin's or a facilitator's view of one
// region ("gao", the demo's) over the last 12 months by month, from the
// 2nd of the first month to the day before the last month's end (so the
// range cuts two months), in the inclusion model alone, after a replay of
// the store PALABRE_BENCH_STORE names (a data directory made by palabre
// demo). first-ms is the first view, which makes the region's month
// figures; ns/op, the views after it.
func BenchmarkExactRegionView(b *testing.B) {
	s := benchStore(b)
	model := inclusion.New()
	replay(b, s, []projections.Projection{model})
	now := time.Now().UTC()
	q := inclusion.Query{Region: "gao", Bucket: inclusion.Month,
		From: domain.NewDate(now.Year()-1, now.Month(), 2), To: domain.NewDate(now.Year(), now.Month(), -1)}
	runtime.GC() // the replay's garbage is not the view's cost
	start := time.Now()
	v, err := model.View(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	b.ResetTimer()
	for b.Loop() {
		if _, err := model.View(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
	b.ReportMetric(float64(v.Total.Dialogues), "dialogues")
}

// benchStore opens the embedded store PALABRE_BENCH_STORE names (a data
// directory made by palabre demo), closed when the benchmark ends, or
// skips the benchmark without one.
func benchStore(b *testing.B) *pebblestore.Store {
	dir := os.Getenv("PALABRE_BENCH_STORE")
	if dir == "" {
		b.Skip("PALABRE_BENCH_STORE names no store to replay (a data directory made by palabre demo)")
	}
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkInclusionRestore restores the inclusion model from a snapshot
// of the store PALABRE_BENCH_STORE names, in memory: a restart's longest
// part (the other models restore beside it, on the other core).
func BenchmarkInclusionRestore(b *testing.B) {
	model := inclusion.New()
	replay(b, benchStore(b), []projections.Projection{model})
	var snap bytes.Buffer
	if err := model.Snapshot(&snap); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		if err := inclusion.New().Restore(bytes.NewReader(snap.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(snap.Len())/1e6, "MB-snapshot")
}
