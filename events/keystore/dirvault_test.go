package keystore_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/keystore/vaulttest"
)

func TestTheKeyDirectoryIsAVault(t *testing.T) {
	vaulttest.Run(t, func(t *testing.T) keystore.Vault {
		v, err := keystore.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}, vaulttest.Features{Stored: func(t *testing.T, v keystore.Vault) []string { return []string{v.(*keystore.DirVault).Dir()} }})
}

// A node moving to a vault in its engine brings its keys along and keeps
// none on its disk; names sealed before open after.
func TestAKeyDirectoryIsAdoptedByAVault(t *testing.T) {
	ctx, master := context.Background(), bytes.Repeat([]byte{4}, 32)
	dir := t.TempDir()
	before, err := keystore.Open(dir, master)
	if err != nil {
		t.Fatal(err)
	}
	id := ulid.Make()
	sealed, err := before.Seal(ctx, id, keystore.Identity{Name: "Hawa"})
	if err != nil {
		t.Fatal(err)
	}
	vault, err := keystore.OpenDir(t.TempDir()) // standing in for an engine's
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{1, 0} {
		if done, err := keystore.Adopt(ctx, dir, vault); err != nil || done.Moved != want {
			t.Fatalf("adopted %+v, %v; want %d moved", done, err, want)
		}
	}
	if ids, strays, err := keystore.List(dir); err != nil || len(ids) != 0 || len(strays) != 0 {
		t.Fatalf("left on the node's disk: %v %v %v", ids, strays, err)
	}
	after, err := keystore.New(vault, master)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := after.Open(ctx, id, sealed); err != nil || who.Name != "Hawa" {
		t.Fatalf("a name sealed before, opened through the vault: %+v, %v", who, err)
	}
}

// An erased key's file is overwritten before it is unlinked: a hard link
// to it, made beforehand, sees the same blocks, and finds zeros there.
func TestAnErasedKeysBytesAreOverwrittenBeforeItsFileGoes(t *testing.T) {
	ctx, dir := context.Background(), t.TempDir()
	ks, err := keystore.Open(dir, bytes.Repeat([]byte{6}, 32))
	if err != nil {
		t.Fatal(err)
	}
	id := ulid.Make()
	if _, err := ks.Seal(ctx, id, keystore.Identity{Name: "Oumou"}); err != nil {
		t.Fatal(err)
	}
	witness := filepath.Join(t.TempDir(), "witness")
	if err := os.Link(keystore.Path(dir, id), witness); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	if err := ks.Forget(ctx, id); err != nil {
		t.Fatal(err)
	}
	left, err := os.ReadFile(witness)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) == 0 || !bytes.Equal(left, make([]byte, len(left))) {
		t.Fatalf("the erased key's blocks hold %x, want zeros", left)
	}
}

// An erased participant's key file (an old backup's, a directory put
// back) is shredded by Adopt, not taken into a vault that destroyed it;
// a tombstone of the directory is carried into the vault.
func TestAdoptShredsTheKeyOfAnErasedParticipant(t *testing.T) {
	ctx, dir := context.Background(), t.TempDir()
	vault, err := keystore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	erasedInVault, erasedHere := ulid.Make(), ulid.Make()
	if err := vault.Destroy(ctx, erasedInVault); err != nil {
		t.Fatal(err)
	}
	here, err := keystore.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := here.Destroy(ctx, erasedHere); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keystore.Path(dir, erasedInVault), []byte("wrapped"), 0o600); err != nil {
		t.Fatal(err)
	}
	done, err := keystore.Adopt(ctx, dir, vault)
	if err != nil || done.Moved != 0 || len(done.Shredded) != 1 || done.Shredded[0] != erasedInVault {
		t.Fatalf("adopted %+v, %v; want %s shredded", done, err, erasedInVault)
	}
	if _, err := os.Stat(keystore.Path(dir, erasedInVault)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the erased participant's key file is still there: %v", err)
	}
	if _, err := vault.Create(ctx, erasedHere, []byte("wrapped")); !errors.Is(err, keystore.ErrDestroyed) {
		t.Fatalf("the directory's erasure did not reach the vault: create %v", err)
	}
}
