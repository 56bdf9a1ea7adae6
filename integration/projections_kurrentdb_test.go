package integration

import (
	"context"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/kurrentstore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
)

// TestTheRunnerFollowsKurrentDB loads one synthetic history into KurrentDB
// and into the embedded store, keeps read models current over KurrentDB
// with the runner (catch-up, then live), and checks they answer as a
// replay of the embedded store does.
func TestTheRunnerFollowsKurrentDB(t *testing.T) {
	if os.Getenv("PALABRE_KURRENTDB_URL") != "" {
		// The read models stop on the conformance suite's test event types.
		t.Skip("needs a KurrentDB of its own: $all of a shared server holds other tests' events")
	}
	url := kurrentDBURL(t)
	kurrent, err := kurrentstore.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer kurrent.Close()
	embedded, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer embedded.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	phases := synthetic.Generate(synthetic.Config{Events: 3_000, Seed: 7})
	// Half before the runner starts (catch-up), half while it runs (live).
	half := len(phases) / 2
	for _, s := range []events.Store{kurrent, embedded} {
		if _, err := synthetic.Load(ctx, s, phases[:half]); err != nil {
			t.Fatal(err)
		}
	}
	clock := func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }
	live := []projections.Projection{inclusion.New(), commitments.New(clock)}
	runner, err := projections.NewRunner(kurrent, t.TempDir(), nil, live...)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runner.Run(runCtx) }()
	for _, s := range []events.Store{kurrent, embedded} {
		if _, err := synthetic.Load(ctx, s, phases[half:]); err != nil {
			t.Fatal(err)
		}
	}
	var last events.Position
	for rec, err := range kurrent.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		last = rec.Position
	}
	if err := runner.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	stop()
	<-done

	replayed := []projections.Projection{inclusion.New(), commitments.New(clock)}
	if _, _, err := projections.Replay(ctx, embedded, replayed...); err != nil {
		t.Fatal(err)
	}
	got, want := live[0].(*inclusion.Model), replayed[0].(*inclusion.Model)
	for _, q := range []inclusion.Query{{}, {Region: "gao"}, {Pillar: domain.Pillars[0], Bucket: inclusion.Quarter}} {
		a, errA := got.View(context.Background(), q)
		b, errB := want.View(context.Background(), q)
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("inclusion %+v over KurrentDB:\n%+v (%v)\nreplayed from the embedded store:\n%+v (%v)", q, a, errA, b, errB)
		}
	}
	if a, b := live[1].(*commitments.Model).Figures(commitments.Query{}), replayed[1].(*commitments.Model).Figures(commitments.Query{}); !reflect.DeepEqual(a, b) {
		t.Errorf("commitment figures over KurrentDB %+v, replayed %+v", a, b)
	}
}
