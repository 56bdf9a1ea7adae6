package projections_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
)

// TestARestoreFromAMappedSnapshotKeepsNothingOfIt: the models restored in
// memory are handed their snapshot's body mapped from its file, which is
// unmapped once they are restored. A model that kept a slice of it would
// fault, or read what the memory holds next, when it is read again: here
// when each writes its snapshot again, which must be the file's body.
// (The synthetic participants have sealed identities: their bytes are
// the binsnap strings most likely to be kept as they lie.)
func TestARestoreFromAMappedSnapshotKeepsNothingOfIt(t *testing.T) {
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := synthetic.Load(context.Background(), store, synthetic.Generate(synthetic.Config{Events: 3000, Seed: 7})); err != nil {
		t.Fatal(err)
	}
	snapshots := t.TempDir()
	runModelsUntilCaughtUp(t, store, snapshots, inclusion.New(), participants.New(nil))() // writes the snapshots
	restored := []projections.Projection{inclusion.New(), participants.New(nil)}
	runModelsUntilCaughtUp(t, store, snapshots, restored...)()
	for _, m := range restored {
		if _, inMemory := m.(projections.InMemoryRestorer); !inMemory {
			t.Fatalf("%s does not restore in memory", m.Name())
		}
		file, err := os.ReadFile(filepath.Join(snapshots, m.Name()+".snapshot"))
		if err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := m.Snapshot(&again); err != nil {
			t.Fatal(err)
		}
		if body := file[bytes.IndexByte(file, '\n')+1:]; !bytes.Equal(again.Bytes(), body) {
			t.Fatalf("%s restored writes %d bytes unlike the %d it was restored from", m.Name(), again.Len(), len(body))
		}
	}
}
