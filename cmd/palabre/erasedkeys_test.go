package main

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

// Found in review 3 (by reading, reproduced here): the participants' keys
// of DIR/keys are moved into a JetStream node's vault at every start, and
// the vault keeps no trace of a key it destroyed, so a key file of an
// erased participant (an old backup's keys/, a directory put back) is
// taken again and the erased name opens once more.
func TestStartDoesNotBringBackAnErasedKey(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
	id, err := domain.ParseID("id", "0KV6PEDH6MPJE7067XHA2TVS34")
	if err != nil {
		t.Fatal(err)
	}
	wrapped := make([]byte, 60)
	rand.Read(wrapped)
	ctx := context.Background()
	first := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	d, err := first.openNATS(dir, natsSettings{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.vault.Create(ctx, id, wrapped); err != nil {
		t.Fatal(err)
	}
	if err := d.vault.Destroy(ctx, id); err != nil { // the erasure
		t.Fatal(err)
	}
	first.Close()
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keystore.Path(filepath.Join(dir, "keys"), id), wrapped, 0o600); err != nil {
		t.Fatal(err)
	}
	again := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer again.Close()
	d, err = again.openNATS(dir, natsSettings{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.openKeys(ctx, d, zerolog.Nop()); err != nil {
		t.Logf("start refused the old key: %v", err)
		return
	}
	if _, err := d.vault.Load(ctx, id); !errors.Is(err, keystore.ErrNoKey) {
		t.Fatalf("an erased participant's key is in the vault again after a start (load: %v)", err)
	}
}
