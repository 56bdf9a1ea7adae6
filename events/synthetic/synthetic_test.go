package synthetic_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
)

func TestHistoriesAreDeterministicValidAndOfTheAskedSize(t *testing.T) {
	cfg := synthetic.Config{Events: 10_000, Seed: 42}
	a, b := synthetic.Generate(cfg), synthetic.Generate(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two histories")
	}
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n, err := synthetic.Load(context.Background(), store, a)
	if err != nil {
		t.Fatal(err)
	}
	if n < 9_000 || n > 11_000 {
		t.Fatalf("generated %d events for 10,000 asked", n)
	}
	codec := registry.Codec()
	types := map[string]int{}
	for rec, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		version, err := events.SchemaVersionOf(rec.Metadata)
		if err != nil {
			t.Fatalf("%s: %v", rec.Type, err)
		}
		if _, err := codec.Decode(rec.Type, version, rec.Data); err != nil {
			t.Fatalf("%s: %v", rec.Type, err)
		}
		types[rec.Type]++
	}
	for _, want := range []string{"SpaceEstablished", "StakeholderRegistered", "ParticipantEnrolled", "DialogueHeld", "CommitmentMade", "CommitmentProgressReported", "CommitmentFulfilled", "CommitmentBroken", "CommitmentWithdrawn"} {
		if types[want] == 0 {
			t.Errorf("no %s in the history", want)
		}
	}
	t.Logf("%d events: %v", n, types)
}

// A history ends on its last day: nothing in it — a commitment kept,
// broken or reported on — is dated after, or the demo, which ends today,
// would show commitments kept in months to come.
func TestNothingInAHistoryIsDatedAfterItsEnd(t *testing.T) {
	cfg := synthetic.Config{Events: 20_000, Seed: 7, Start: domain.NewDate(2025, 1, 1), Months: 12}
	end := domain.DateOf(cfg.Start.Time().AddDate(0, 0, cfg.Months*30))
	codec := registry.Codec()
	for _, phase := range synthetic.Generate(cfg) {
		for _, a := range phase {
			for _, data := range a.Events {
				version, err := events.SchemaVersionOf(data.Metadata)
				if err != nil {
					t.Fatal(err)
				}
				e, err := codec.Decode(data.Type, version, data.Data)
				if err != nil {
					t.Fatal(err)
				}
				for _, agg := range registry.Aggregates() {
					if on, ok := agg.OnOf(e); ok && end.Before(on) {
						t.Fatalf("%s of %s dated %s, after the history's end %s", data.Type, a.Stream, on, end)
					}
				}
			}
		}
	}
}
