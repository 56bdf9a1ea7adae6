package pebblestore_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
)

func TestBackupWhileAppendingRestoresEveryAcknowledgedEvent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "", nil)
	var acked sync.Map // event id → stream
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			stream := fmt.Sprintf("dialogue-%d", w)
			var expected events.ExpectedRevision = events.NoStream{}
			for !stop.Load() {
				evs := eventstoretest.NewEvents("DialogueHeld", 2)
				res, err := s.Append(ctx, stream, expected, evs...)
				if err != nil {
					t.Error(err)
					return
				}
				for _, e := range evs {
					acked.Store(e.ID, stream)
				}
				expected = events.Exact(res.NextExpected)
			}
		})
	}
	for s.Stats().Appended < 500 {
		time.Sleep(time.Millisecond) // let the writers get going
	}
	var before []events.ID
	acked.Range(func(k, _ any) bool { before = append(before, k.(events.ID)); return true })
	var backup bytes.Buffer
	if err := s.Backup(ctx, &backup, ""); err != nil {
		t.Fatalf("backup: %v", err)
	}
	stop.Store(true)
	wg.Wait()

	restored := filepath.Join(t.TempDir(), "restored")
	if err := pebblestore.Restore(ctx, bytes.NewReader(backup.Bytes()), restored); err != nil {
		t.Fatalf("restore: %v", err)
	}
	r := openStore(t, restored, nil)
	present := map[events.ID]bool{}
	var prev uint64
	for e, err := range r.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Position.Commit != prev+1 {
			t.Fatalf("restored $all has position %d after %d", e.Position.Commit, prev)
		}
		prev = e.Position.Commit
		present[e.ID] = true
	}
	for _, id := range before {
		if !present[id] {
			t.Fatalf("event %s, acknowledged before the backup began, is missing from the restore", id)
		}
	}
	t.Logf("backup of %d bytes restored %d events; %d were acknowledged before it began", backup.Len(), len(present), len(before))
	if _, err := r.Append(ctx, "dialogue-0", events.Exact(events.Revision(countStream(t, r, "dialogue-0")-1)), eventstoretest.NewEvent("DialogueHeld", 0)); err != nil {
		t.Fatalf("append to the restored store: %v", err)
	}

	t.Run("restoring into a directory that is not empty is refused", func(t *testing.T) {
		err := pebblestore.Restore(ctx, bytes.NewReader(backup.Bytes()), restored)
		if err == nil {
			t.Fatal("restore over an existing store succeeded")
		}
	})
	t.Run("a damaged or truncated backup is refused and leaves nothing behind", func(t *testing.T) {
		damaged := bytes.Clone(backup.Bytes())
		damaged[len(damaged)/2] ^= 0xff
		for name, b := range map[string][]byte{"damaged": damaged, "truncated": backup.Bytes()[:backup.Len()/2], "empty": nil} {
			dir := filepath.Join(t.TempDir(), name)
			err := pebblestore.Restore(ctx, bytes.NewReader(b), dir)
			if !errors.Is(err, pebblestore.ErrBadBackup) {
				t.Fatalf("%s backup: got %v, want ErrBadBackup", name, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("%s backup left %d entries in %s", name, len(entries), dir)
			}
		}
	})
}

func countStream(t *testing.T, s events.Store, stream string) int {
	t.Helper()
	n := 0
	for _, err := range s.ReadStream(context.Background(), stream, events.ReadStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestADataDirectoryIsHeldByOneStoreAtATime(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, nil)
	_, err := pebblestore.Open(dir, nil)
	if !errors.Is(err, events.ErrLocked) {
		t.Fatalf("second open: got %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

func TestAClosedStoreRefusesEveryCall(t *testing.T) {
	s, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sub, err := s.SubscribeAll(ctx, events.SubscribeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := sub.Next(); err != nil || !m.CaughtUp {
		t.Fatalf("got %+v, %v, want CaughtUp", m, err)
	}
	done := make(chan error, 1)
	go func() { _, err := sub.Next(); done <- err }()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, events.ErrClosed) {
		t.Fatalf("waiting subscription: got %v, want ErrClosed", err)
	}
	if _, err := s.Append(ctx, "space-a", events.Any{}, eventstoretest.NewEvent("A", 0)); !errors.Is(err, events.ErrClosed) {
		t.Fatalf("append: got %v, want ErrClosed", err)
	}
	for _, err := range s.ReadAll(ctx, events.Start, 0) {
		if !errors.Is(err, events.ErrClosed) {
			t.Fatalf("read: got %v, want ErrClosed", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func TestABackupCarriesTheKeysDirectoryAndNothingElse(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "", nil)
	if _, err := s.Append(ctx, "participant-1", events.NoStream{}, eventstoretest.NewEvent("ParticipantEnrolled", 0)); err != nil {
		t.Fatal(err)
	}
	keys := t.TempDir()
	for name, body := range map[string]string{"01J000000000000000000000AA.key": "wrapped", ".hidden": "x", "half.key.tmp": "x"} {
		if err := os.WriteFile(filepath.Join(keys, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var backup bytes.Buffer
	if err := s.Backup(ctx, &backup, keys); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if err := pebblestore.Restore(ctx, bytes.NewReader(backup.Bytes()), restored); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadDir(filepath.Join(restored, "keys"))
	if err != nil || len(got) != 1 || got[0].Name() != "01J000000000000000000000AA.key" {
		t.Fatalf("restored keys/: %v (%v)", got, err)
	}
	if b, _ := os.ReadFile(filepath.Join(restored, "keys", got[0].Name())); string(b) != "wrapped" {
		t.Fatalf("the key restored as %q", b)
	}

	// A backup forged to climb out of keys/ or nest in it is refused.
	for _, name := range []string{"keys/../escape", "keys/sub/x.key", "keys/.x", "master.key", "keys/"} {
		var forged bytes.Buffer
		tw := tar.NewWriter(&forged)
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: 1, Mode: 0o600})
		tw.Write([]byte("x"))
		tw.Close()
		if err := pebblestore.Restore(ctx, &forged, filepath.Join(t.TempDir(), "r")); !errors.Is(err, pebblestore.ErrBadBackup) {
			t.Errorf("an entry %q: got %v, want ErrBadBackup", name, err)
		}
	}
}
