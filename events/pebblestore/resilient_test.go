package pebblestore_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
)

func count(t *testing.T, s events.Store, stream string) int {
	t.Helper()
	n := 0
	for _, err := range s.ReadStream(context.Background(), stream, events.ReadStreamOptions{}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestAppendsAreRefusedUnderTheReserveAndResumeWhenSpaceIsFreed(t *testing.T) {
	r, err := pebblestore.OpenResilient(t.TempDir(), nil, 100<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var free atomic.Uint64
	free.Store(1 << 30)
	r.Free = func() (uint64, error) { return free.Load(), nil }
	ctx := context.Background()
	if _, err := r.Append(ctx, "space-a", events.NoStream{}, eventstoretest.NewEvents("Before", 2)...); err != nil {
		t.Fatal(err)
	}
	free.Store(99 << 20)
	_, err = r.Append(ctx, "space-a", events.Exact(1), eventstoretest.NewEvents("Full", 1)...)
	var u *events.UnavailableError
	if !errors.As(err, &u) || u.Reason != events.ReasonDiskFull || u.Written || !strings.Contains(err.Error(), "99 MiB free, under the reserve of 100 MiB") {
		t.Fatalf("an append under the reserve: %v", err)
	}
	if r.Unavailable() == nil {
		t.Fatal("the store says it is available under its reserve")
	}
	if n := count(t, r, "space-a"); n != 2 {
		t.Fatalf("space-a holds %d events after a refusal, want 2", n)
	}
	free.Store(1 << 30)
	if _, err := r.Append(ctx, "space-a", events.Exact(1), eventstoretest.NewEvents("After", 1)...); err != nil || r.Unavailable() != nil {
		t.Fatalf("space freed: %v, %v", err, r.Unavailable())
	}
}

func TestAStoreWhoseDiskFilledReopensItselfWithEveryAcknowledgedWrite(t *testing.T) {
	dir := t.TempDir()
	full := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind == errorfs.OpFileWrite || op.Kind == errorfs.OpFileWriteAt || op.Kind == errorfs.OpCreate {
			return syscall.ENOSPC
		}
		return nil
	})}
	r, err := pebblestore.OpenResilient(dir, &pebblestore.Options{FS: errorfs.Wrap(vfs.Default, full)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	acknowledged := 0
	for i := range 5 {
		if _, err := r.Append(ctx, "space-a", events.Any{}, eventstoretest.NewEvents("Before", 1)...); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		acknowledged++
	}
	sub, err := r.SubscribeAll(ctx, events.SubscribeOptions{From: events.Start})
	if err != nil {
		t.Fatal(err)
	}
	full.On()
	_, err = r.Append(ctx, "space-a", events.Any{}, eventstoretest.NewEvents("During", 1)...)
	var u *events.UnavailableError
	if !errors.As(err, &u) || u.Reason != events.ReasonDiskFull || !u.Written {
		t.Fatalf("an append as the disk fills: %v", err)
	}
	if _, err := r.Append(ctx, "space-b", events.NoStream{}, eventstoretest.NewEvents("Meanwhile", 1)...); !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("an append while the store reopens: %v", err)
	}
	for {
		if _, err := sub.Next(); err != nil {
			if !errors.Is(err, events.ErrUnavailable) {
				t.Fatalf("a subscription the reopening ended: %v, want ErrUnavailable", err)
			}
			break
		}
	}
	time.Sleep(500 * time.Millisecond) // a reopening tried while the disk is still full
	full.Off()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := r.Append(ctx, "space-b", events.NoStream{}, eventstoretest.NewEvents("After", 1)...)
		if err == nil {
			break
		}
		if !errors.Is(err, events.ErrUnavailable) || time.Now().After(deadline) {
			t.Fatalf("writes did not resume by themselves: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := count(t, r, "space-a"); n < acknowledged {
		t.Fatalf("space-a holds %d events after the reopening, want the %d acknowledged", n, acknowledged)
	}
	if r.Unavailable() != nil {
		t.Fatalf("still unavailable: %v", r.Unavailable())
	}
}
