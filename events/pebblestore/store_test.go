package pebblestore_test

import (
	"testing"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
)

// openStore opens a fresh store in a temporary directory, closed when the
// test ends.
func openStore(t testing.TB, dir string, opts *pebblestore.Options) *pebblestore.Store {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := pebblestore.Open(dir, opts)
	if err != nil {
		t.Fatalf("open store in %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) events.Store {
		return openStore(t, "", nil)
	}, eventstoretest.Features{ContiguousPositions: true})
}

// The server runs the store as Resilient: it must keep the same contract,
// on a disk with room (a reserve of one byte, so that the free space is
// still read before every append).
func TestResilientConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) events.Store {
		r, err := pebblestore.OpenResilient(t.TempDir(), nil, 1)
		if err != nil {
			t.Fatalf("open resilient store: %v", err)
		}
		t.Cleanup(func() {
			if err := r.Close(); err != nil {
				t.Errorf("close store: %v", err)
			}
		})
		return r
	}, eventstoretest.Features{ContiguousPositions: true})
}
