package synthetic_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
)

// A generated history stands in for real data in benchmarks and the demo:
// its events must carry the envelope a command gives them, field for field.
func TestGeneratedEventsCarryTheEnvelopeACommandWrites(t *testing.T) {
	handlers := handlerMetadata(t)
	generated := synthetic.Generate(synthetic.Config{Events: 100, Seed: 1})[0][0].Events[0].Metadata

	if got, want := keys(t, generated), keys(t, handlers); !slices.Equal(got, want) {
		t.Fatalf("the generator writes the fields %v, the command handler %v", got, want)
	}
	for name, blob := range map[string][]byte{"handler": handlers, "generator": generated} {
		m, err := events.UnmarshalMetadata(blob)
		if err != nil {
			t.Fatalf("%s's metadata %s: %v", name, blob, err)
		}
		if m.CommandID.IsZero() || m.CorrelationID.IsZero() || m.CausationID.IsZero() || m.RecordedBy == "" || m.RecordedAt.IsZero() || m.CommandHash == "" || m.SchemaVersion < 1 {
			t.Errorf("%s's metadata %s decodes with a field unset: %+v", name, blob, m)
		}
	}
}

// handlerMetadata runs one command and returns its event's metadata.
func handlerMetadata(t *testing.T) []byte {
	t.Helper()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h := commands.New(store, refdata.Default(), &commands.Options{Clock: func() time.Time { return time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC) }})
	meta := commands.Meta{CommandID: ulid.Make(), RecordedBy: "facilitator-1"}
	res, err := commands.Space.Execute(context.Background(), h, meta.CommandID, space.Establish{
		Details:       space.Details{Name: "Comité consultatif de Gao", Kind: "security-advisory-committee", Region: "gao", Pillar: "security"},
		EstablishedOn: domain.NewDate(2026, 1, 10),
	}, meta)
	if err != nil {
		t.Fatal(err)
	}
	for rec, err := range store.ReadStream(context.Background(), res.Stream, events.ReadStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		return rec.Metadata
	}
	t.Fatal("the command wrote no event")
	return nil
}

// keys lists a JSON object's keys, sorted.
func keys(t *testing.T, blob []byte) []string {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(blob, &fields); err != nil {
		t.Fatalf("metadata %s: %v", blob, err)
	}
	return slices.Sorted(maps.Keys(fields))
}
