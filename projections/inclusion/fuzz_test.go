package inclusion_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/palabre/palabre/events/domain/registry"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

// FuzzRestore feeds damaged snapshots to Restore: it must return an error
// or a model, never panic or exhaust memory. (The runner's checksum keeps
// damaged snapshots away in practice; this is the second line.)
func FuzzRestore(f *testing.F) {
	store, err := pebblestore.Open(f.TempDir(), nil)
	if err != nil {
		f.Fatal(err)
	}
	defer store.Close()
	if _, err := synthetic.Load(context.Background(), store, synthetic.Generate(synthetic.Config{Events: 300, Seed: 9})); err != nil {
		f.Fatal(err)
	}
	m := inclusion.New()
	for rec, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			f.Fatal(err)
		}
		if err := m.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
			f.Fatal(err)
		}
	}
	var snap bytes.Buffer
	if err := m.Snapshot(&snap); err != nil {
		f.Fatal(err)
	}
	f.Add(snap.Bytes())
	f.Add(snap.Bytes()[:snap.Len()/2])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = inclusion.New().Restore(bytes.NewReader(b))
	})
}
