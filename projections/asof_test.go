package projections_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
)

func TestAModelAsOfAPastMomentIgnoresWhatCameLater(t *testing.T) {
	now := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	s, err := pebblestore.Open(t.TempDir(), &pebblestore.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	appendAt := func(at time.Time, typ string, n int) {
		now = at
		if _, err := s.Append(ctx, "space-x", events.Any{}, eventstoretest.NewEvents(typ, n)...); err != nil {
			t.Fatal(err)
		}
	}
	report := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	appendAt(time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC), "DialogueHeld", 3)
	appendAt(report, "DialogueHeld", 2)
	appendAt(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "DialogueAttendanceCorrected", 4)

	asOf := projections.NewAsOf(s, 2)
	fresh := func() projections.Projection { return newCounter("counter") }
	m, err := asOf.At(ctx, report, fresh, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*counter).total(); got != 5 {
		t.Fatalf("as of the report date the model holds %d events, want 5", got)
	}
	if again, _ := asOf.At(ctx, report.Add(time.Hour), fresh, nil); again != m {
		t.Fatal("a moment with nothing recorded since did not reuse the cached model")
	}
	before, _ := asOf.At(ctx, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), fresh, nil)
	latest, _ := asOf.At(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), fresh, nil)
	if before.(*counter).total() != 0 || latest.(*counter).total() != 9 {
		t.Fatalf("before anything: %d, after everything: %d", before.(*counter).total(), latest.(*counter).total())
	}
}

func TestAMomentIsFoundThroughTheIndexAsAScanWouldFindIt(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	s, err := pebblestore.Open(t.TempDir(), &pebblestore.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// 3,000 events a second apart, in batches of 7 (several to a moment).
	const n = 3000
	for i := 0; i < n; i += 7 {
		now = start.Add(time.Duration(i) * time.Second)
		if _, err := s.Append(ctx, "space-x", events.Any{}, eventstoretest.NewEvents("DialogueHeld", min(7, n-i))...); err != nil {
			t.Fatal(err)
		}
	}
	asOf := projections.NewAsOf(s, 64)
	fresh := func() projections.Projection { return newCounter("counter") }
	replays := 0
	admit := func() error { replays++; return nil }
	for _, sec := range []int{-1, 0, 6, 7, 1023, 1024, 1030, 2047, 2999, 5000} {
		at := start.Add(time.Duration(sec)*time.Second + 500*time.Millisecond)
		want := 0
		for i := 0; i < n; i += 7 {
			if !start.Add(time.Duration(i) * time.Second).After(at) {
				want += min(7, n-i)
			}
		}
		m, err := asOf.At(ctx, at, fresh, admit)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.(*counter).total(); got != want {
			t.Errorf("as of second %d: %d events, want %d", sec, got, want)
		}
	}
	// Events recorded later extend the index.
	now = start.Add(10000 * time.Second)
	if _, err := s.Append(ctx, "space-x", events.Any{}, eventstoretest.NewEvents("DialogueHeld", 5)...); err != nil {
		t.Fatal(err)
	}
	if m, _ := asOf.At(ctx, now, fresh, admit); m.(*counter).total() != n+5 {
		t.Errorf("after a later append: %d events, want %d", m.(*counter).total(), n+5)
	}
	before := replays
	if _, err := asOf.At(ctx, now.Add(time.Minute), fresh, func() error { return errors.New("refused") }); err != nil {
		t.Errorf("a cached moment asked admission: %v", err)
	}
	if replays != before {
		t.Error("admit was called for a cached model")
	}
}

// Past models are whole read models: eight of a large log would hold
// eight times the live ones' memory. The cache holds no more events, all
// its models together, than three times the log: three moments compared
// side by side (a report before and after a correction, and now) stay
// cached, and a fourth near the log's end evicts the oldest.
func TestPastModelsHoldNoMoreEventsThanThreeLogs(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	s, err := pebblestore.Open(t.TempDir(), &pebblestore.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for day := range 10 { // ten days of ten events
		now = start.AddDate(0, 0, day)
		if _, err := s.Append(ctx, "space-x", events.Any{}, eventstoretest.NewEvents("DialogueHeld", 10)...); err != nil {
			t.Fatal(err)
		}
	}
	asOf := projections.NewAsOf(s, 8)
	fresh := func() projections.Projection { return newCounter("counter") }
	replays := 0
	admit := func() error { replays++; return nil }
	at := func(day int) int {
		m, err := asOf.At(ctx, start.AddDate(0, 0, day).Add(time.Hour), fresh, admit)
		if err != nil {
			t.Fatal(err)
		}
		return m.(*counter).total()
	}
	// 90 + 80 + 70 events fit in three logs of 100.
	if at(8) != 90 || at(7) != 80 || at(6) != 70 {
		t.Fatal("the past models do not hold their events")
	}
	at(8)
	at(7)
	at(6)
	if replays != 3 {
		t.Errorf("%d replays for three moments asked twice each: they were not all kept", replays)
	}
	// 60 more make 300: still kept; 50 more evict the oldest, of 90.
	at(5)
	at(4)
	before := replays
	at(7)
	at(6)
	at(5)
	at(4)
	if replays != before {
		t.Error("a model of the last four was evicted")
	}
	at(8)
	if replays != before+1 {
		t.Error("past models of 90, 80, 70, 60 and 50 events were all kept for a log of 100")
	}
}
