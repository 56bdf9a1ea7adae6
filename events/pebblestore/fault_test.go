package pebblestore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
)

// walFault injects errorfs.ErrInjected into operations of the given kinds
// on the write-ahead log while it is switched on.
func walFault(kinds ...errorfs.OpKind) (*errorfs.Toggle, errorfs.Injector) {
	toggle := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !strings.HasSuffix(op.Path, ".log") {
			return nil
		}
		for _, k := range kinds {
			if op.Kind == k {
				return errorfs.ErrInjected
			}
		}
		return nil
	})}
	return toggle, toggle
}

func TestInjectedFaultsPoisonTheStore(t *testing.T) {
	cases := []struct {
		name  string
		kinds []errorfs.OpKind
	}{
		{"a failed write to the log", []errorfs.OpKind{errorfs.OpFileWrite, errorfs.OpFileWriteAt}},
		{"a failed sync of the log", []errorfs.OpKind{errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is never acknowledged and refuses later appends", func(t *testing.T) {
			dir := t.TempDir()
			toggle, injector := walFault(tc.kinds...)
			s, err := pebblestore.Open(dir, &pebblestore.Options{FS: errorfs.Wrap(vfs.Default, injector)})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			before := eventstoretest.NewEvents("Before", 3)
			if _, err := s.Append(ctx, "space-a", events.NoStream{}, before...); err != nil {
				t.Fatalf("append before the fault: %v", err)
			}

			toggle.On()
			_, err = s.Append(ctx, "space-a", events.Exact(2), eventstoretest.NewEvents("During", 2)...)
			if !errors.Is(err, events.ErrStoreFailed) || !errors.Is(err, errorfs.ErrInjected) {
				t.Fatalf("append during the fault: got %v, want ErrStoreFailed caused by the injected error", err)
			}
			toggle.Off()
			_, err = s.Append(ctx, "space-b", events.NoStream{}, eventstoretest.NewEvents("After", 1)...)
			if !errors.Is(err, events.ErrStoreFailed) {
				t.Fatalf("append after the fault: got %v, want ErrStoreFailed until reopened", err)
			}
			got := 0
			for _, err := range s.ReadStream(ctx, "space-a", events.ReadStreamOptions{}) {
				if err != nil {
					t.Fatalf("reads go on after a failure: %v", err)
				}
				got++
			}
			if got != 3 {
				t.Fatalf("readers see %d events, want the 3 acknowledged", got)
			}
			_ = s.Close() // may report the failure; must not hang or panic

			s = openStore(t, dir, nil)
			var ids []events.ID
			for e, err := range s.ReadStream(ctx, "space-a", events.ReadStreamOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, e.ID)
			}
			if len(ids) < 3 || ids[0] != before[0].ID || ids[2] != before[2].ID {
				t.Fatalf("after reopening, space-a holds %v; the acknowledged events are missing", ids)
			}
			if _, err := s.Append(ctx, "space-b", events.NoStream{}, eventstoretest.NewEvents("Reopened", 1)...); err != nil {
				t.Fatalf("append after reopening: %v", err)
			}
		})
	}
}
