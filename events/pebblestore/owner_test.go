//go:build unix

package pebblestore_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/pebblestore"
)

// A data directory made beforehand with 0755 and files of 0644 (an
// operator's mkdir, a copy) is made owner-only when the store opens it,
// and what the store writes afterwards is owner-only too.
func TestADataDirectoryMadeBeforehandIsMadeOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	for _, name := range []string{"tokens.json", "keys/01J00000000000000000000000.key"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loose, err := pebblestore.OpenToOthers(dir)
	if err != nil || len(loose) != 4 { // dir, keys/ and the two files
		t.Fatalf("OpenToOthers = %v, %v; want the directory, keys/ and two files", loose, err)
	}
	tightened, err := pebblestore.OwnerOnly(dir)
	if err != nil || len(tightened) != 4 {
		t.Fatalf("OwnerOnly = %v, %v", tightened, err)
	}
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(context.Background(), "space-1", events.NoStream{}, eventstoretest.NewEvent("X", 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkOwnerOnly(t, dir)
	if loose, err := pebblestore.OpenToOthers(dir); err != nil || len(loose) != 0 {
		t.Fatalf("after opening, OpenToOthers = %v, %v", loose, err)
	}
}

// A new data directory is owner-only whatever the process's umask lets
// through: Pebble's own files included.
func TestEveryFileTheStoreMakesIsOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(context.Background(), "space-1", events.NoStream{}, eventstoretest.NewEvent("X", 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkOwnerOnly(t, dir)
}

func checkOwnerOnly(t *testing.T, dir string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		n++
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: open to group or others", p, info.Mode().Perm())
		}
		return nil
	})
	if err != nil || n < 5 {
		t.Fatalf("walked %d paths: %v", n, err)
	}
}
