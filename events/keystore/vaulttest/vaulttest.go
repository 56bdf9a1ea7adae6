// Package vaulttest is the conformance suite every keystore.Vault passes:
// the directory of the embedded default and the replicated engines'. It
// lives in a regular file so that each implementation's tests run the
// same checks.
package vaulttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

// Features describe what differs between vaults.
type Features struct {
	// Stored returns the directories where v keeps its bytes as its
	// storage holds them (after whatever compaction makes a destroyed
	// key's bytes go), so that the suite can look for a destroyed key
	// there. Nil skips that check.
	Stored func(t *testing.T, v keystore.Vault) []string
}

// Run runs the suite. open returns a vault for one subtest; it may be
// fresh or shared with other subtests (each uses ids of its own).
func Run(t *testing.T, open func(t *testing.T) keystore.Vault, f Features) {
	s := suite{open: open, features: f}
	t.Run("a key stored is loaded as stored", s.storedIsLoaded)
	t.Run("a key never stored is ErrNoKey", s.neverStored)
	t.Run("the first key stored wins", s.firstStoredWins)
	t.Run("the first key stored wins under concurrent creates", s.concurrentCreates)
	t.Run("a destroyed key is gone, and destroying is idempotent", s.destroyed)
	t.Run("a destroyed key is never created again", s.notCreatedAgain)
	t.Run("list names the keys held and no destroyed one", s.list)
	t.Run("a cancelled context stops every call", s.cancelled)
}

type suite struct {
	open     func(t *testing.T) keystore.Vault
	features Features
}

// wrapped is a stand-in for a wrapped key: a vault never looks inside.
func wrapped(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 60)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func (s suite) storedIsLoaded(t *testing.T) {
	ctx, v, id, key := context.Background(), s.open(t), ulid.Make(), wrapped(t)
	kept, err := v.Create(ctx, id, key)
	if err != nil || !bytes.Equal(kept, key) {
		t.Fatalf("create returned %x, %v; want %x", kept, err, key)
	}
	got, err := v.Load(ctx, id)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("load returned %x, %v; want %x", got, err, key)
	}
}

func (s suite) neverStored(t *testing.T) {
	if _, err := s.open(t).Load(context.Background(), ulid.Make()); !errors.Is(err, keystore.ErrNoKey) {
		t.Fatalf("load of a key never stored: %v, want ErrNoKey", err)
	}
}

func (s suite) firstStoredWins(t *testing.T) {
	ctx, v, id := context.Background(), s.open(t), ulid.Make()
	first, second := wrapped(t), wrapped(t)
	if _, err := v.Create(ctx, id, first); err != nil {
		t.Fatal(err)
	}
	kept, err := v.Create(ctx, id, second)
	if err != nil || !bytes.Equal(kept, first) {
		t.Fatalf("a second create returned %x, %v; want the first key %x", kept, err, first)
	}
	if got, err := v.Load(ctx, id); err != nil || !bytes.Equal(got, first) {
		t.Fatalf("load after a second create: %x, %v; want the first key", got, err)
	}
}

// concurrentCreates races two goroutines creating the same ids, as two
// nodes enrolling one participant at once: both must end with one key.
func (s suite) concurrentCreates(t *testing.T) {
	ctx, v := context.Background(), s.open(t)
	ids := make([]domain.ID, 32)
	for i := range ids {
		ids[i] = ulid.Make()
	}
	var kept [2][][]byte
	var errs [2]error
	var wg sync.WaitGroup
	for g := range 2 {
		kept[g] = make([][]byte, len(ids))
		wg.Go(func() {
			for i, id := range ids {
				if kept[g][i], errs[g] = v.Create(ctx, id, wrapped(t)); errs[g] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		stored, err := v.Load(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(kept[0][i], kept[1][i]) || !bytes.Equal(kept[0][i], stored) {
			t.Fatalf("key %d: the creators got %x and %x, the vault holds %x: one key must win", i, kept[0][i], kept[1][i], stored)
		}
	}
}

func (s suite) destroyed(t *testing.T) {
	ctx, v, id, key := context.Background(), s.open(t), ulid.Make(), wrapped(t)
	if _, err := v.Create(ctx, id, key); err != nil {
		t.Fatal(err)
	}
	if err := v.Destroy(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Load(ctx, id); !errors.Is(err, keystore.ErrNoKey) {
		t.Fatalf("load after destroy: %v, want ErrNoKey", err)
	}
	if err := v.Destroy(ctx, id); err != nil {
		t.Fatalf("destroying twice: %v", err)
	}
	if err := v.Destroy(ctx, ulid.Make()); err != nil {
		t.Fatalf("destroying a key never made: %v", err)
	}
	if s.features.Stored != nil {
		assertAbsent(t, s.features.Stored(t, v), key)
	}
}

// notCreatedAgain: an erased participant's key (an old backup's, a
// directory put back) must not make their name open again, nor may a
// key be made for someone erased before they had one.
func (s suite) notCreatedAgain(t *testing.T) {
	ctx, v := context.Background(), s.open(t)
	had, never := ulid.Make(), ulid.Make()
	key := wrapped(t)
	if _, err := v.Create(ctx, had, key); err != nil {
		t.Fatal(err)
	}
	for _, id := range []domain.ID{had, never} {
		if err := v.Destroy(ctx, id); err != nil {
			t.Fatal(err)
		}
		for _, again := range [][]byte{key, wrapped(t)} {
			if kept, err := v.Create(ctx, id, again); !errors.Is(err, keystore.ErrDestroyed) {
				t.Fatalf("create after destroy returned %x, %v; want ErrDestroyed", kept, err)
			}
		}
		if _, err := v.Load(ctx, id); !errors.Is(err, keystore.ErrNoKey) {
			t.Fatalf("load after destroy and create: %v, want ErrNoKey", err)
		}
		if err := v.Destroy(ctx, id); err != nil {
			t.Fatalf("destroying an erased key again: %v", err)
		}
	}
	if ids, err := v.List(ctx); err != nil || slices.Contains(ids, had) || slices.Contains(ids, never) {
		t.Fatalf("list %v, %v: names an erased participant", ids, err)
	}
}

func (s suite) list(t *testing.T) {
	ctx, v := context.Background(), s.open(t)
	held, gone := ulid.Make(), ulid.Make()
	for _, id := range []domain.ID{held, gone} {
		if _, err := v.Create(ctx, id, wrapped(t)); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Destroy(ctx, gone); err != nil {
		t.Fatal(err)
	}
	ids, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ids, held) || slices.Contains(ids, gone) {
		t.Fatalf("list %v: want %s in it and not %s", ids, held, gone)
	}
}

func (s suite) cancelled(t *testing.T) {
	v := s.open(t)
	id := ulid.Make()
	if _, err := v.Create(context.Background(), id, wrapped(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]error{}
	_, calls["Load"] = v.Load(ctx, id)
	_, calls["Create"] = v.Create(ctx, ulid.Make(), wrapped(t))
	calls["Destroy"] = v.Destroy(ctx, id)
	_, calls["List"] = v.List(ctx)
	for call, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", call, err)
		}
	}
	if _, err := v.Load(context.Background(), id); err != nil {
		t.Fatalf("a destroy with a cancelled context destroyed the key: %v", err)
	}
}

// assertAbsent fails when any file under dirs holds needle.
func assertAbsent(t *testing.T, dirs []string, needle []byte) {
	t.Helper()
	for _, dir := range dirs {
		for _, p := range FilesHolding(t, dir, needle) {
			t.Errorf("a destroyed key's bytes are still in %s", p)
		}
	}
}

// FilesHolding lists the files under dir whose bytes contain needle: a
// destroyed key's, as the storage holds it. A file removed while it
// looks (a compaction) holds nothing.
func FilesHolding(t testing.TB, dir string, needle []byte) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
