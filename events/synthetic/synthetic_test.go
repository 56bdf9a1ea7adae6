package synthetic_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/palabre/palabre/events"
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
