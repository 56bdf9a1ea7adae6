package projections_test

import (
	"context"
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
	m, err := asOf.At(ctx, report, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*counter).total(); got != 5 {
		t.Fatalf("as of the report date the model holds %d events, want 5", got)
	}
	if again, _ := asOf.At(ctx, report.Add(time.Hour), fresh); again != m {
		t.Fatal("a moment with nothing recorded since did not reuse the cached model")
	}
	before, _ := asOf.At(ctx, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), fresh)
	latest, _ := asOf.At(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), fresh)
	if before.(*counter).total() != 0 || latest.(*counter).total() != 9 {
		t.Fatalf("before anything: %d, after everything: %d", before.(*counter).total(), latest.(*counter).total())
	}
}
