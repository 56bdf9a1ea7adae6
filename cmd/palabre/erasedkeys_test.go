package main

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

// Found in review 3: a backup through a node (GET /admin/backup) copies the
// participants' keys into DIR/backup-*/keys; a node killed meanwhile
// leaves them there for good: the next start neither shreds them nor
// says so (doctor is silent), so an erasure made later leaves the
// erased person's key on that node's disk.
func TestStartShredsABackupScratchLeftByACrash(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
	scratch := filepath.Join(dir, "backup-4040596780", "keys")
	if err := os.MkdirAll(scratch, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "0KV6PEDH6MPJE7067XHA2TVS34.key"), make([]byte, 60), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run(t, nil, "doctor", "--data", dir); !strings.Contains(out, filepath.Dir(scratch)) {
		t.Errorf("doctor does not name the backup's copy left in the data directory:\n%s", out)
	}
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer m.Close()
	if _, err := m.openNATS(dir, natsSettings{}, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(scratch)); err == nil {
		t.Fatal("the keys a crashed backup copied are still in the data directory after the node started again")
	}
}

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
