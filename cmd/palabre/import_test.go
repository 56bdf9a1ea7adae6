package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// Found in review3: a node of a cluster copies any embedded log it finds
// in DIR/events at any start. A log that holds no master-key record is
// copied unchecked, so a log made without the master key (a backup file
// edited by whoever holds it, or an events/ put in a node's directory)
// adds an admin token that then works on every node: reproduced with the
// binary on a three-node cluster and on a restored backup.
func TestImportRefusesALogNoMasterKeyVouchesFor(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
	writeLog(t, dir, adminTokenEvent(t))
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer m.Close()
	if _, err := m.openNATS(dir, natsSettings{}, zerolog.Nop()); err == nil {
		t.Fatal("a log no master key vouches for, holding an admin token, was copied into the replicated log")
	}
}

// A log restored from another deployment (its keys wrapped under another
// master key) is refused, naming the directory, and none of its keys
// reaches the vault.
func TestImportRefusesAnotherDeploymentsLog(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}
	writeLog(t, dir, noted())
	foreign := make([]byte, 32)
	rand.Read(foreign)
	keys, err := keystore.Open(filepath.Join(dir, "keys"), foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Seal(context.Background(), ulid.Make(), keystore.Identity{Name: "Awa"}); err != nil {
		t.Fatal(err)
	}
	if err := markRestored(dir, "demo.tar"); err != nil {
		t.Fatal(err)
	}
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer m.Close()
	_, err = m.openNATS(dir, natsSettings{}, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("another deployment's log and keys were taken in, or refused without naming %s: %v", dir, err)
	}
}

// A log palabre restore put in the directory, its keys this master key's,
// is copied once, without the node's own streams (tokens, sessions): those
// are the cluster's.
func TestImportCopiesARestoredLogWithoutTheNodeStreams(t *testing.T) {
	dir := t.TempDir()
	key, _, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	writeLog(t, dir, adminTokenEvent(t), noted())
	keys, err := keystore.Open(filepath.Join(dir, "keys"), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Seal(context.Background(), ulid.Make(), keystore.Identity{Name: "Awa"}); err != nil {
		t.Fatal(err)
	}
	if err := markRestored(dir, "backup.tar"); err != nil {
		t.Fatal(err)
	}
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer m.Close()
	d, err := m.openNATS(dir, natsSettings{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	var streams []string
	for _, r := range recordsOf(t, d.store) {
		streams = append(streams, r.stream)
	}
	if len(streams) != 1 || streams[0] != "space-a" {
		t.Fatalf("copied streams %v, want only space-a", streams)
	}
	if _, err := os.Stat(filepath.Join(dir, restoreMarker)); err == nil {
		t.Fatal("the restore's marker outlived the import: a log put in the directory later would be copied")
	}
}

// writeLog writes an embedded log into dir/events: a token in the node's
// tokens stream, any other event in space-a.
func writeLog(t *testing.T, dir string, evs ...events.EventData) {
	t.Helper()
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		stream := "space-a"
		if e.Type == "TokenCreated" {
			stream = events.NodeStreamPrefix + "tokens"
		}
		if _, err := s.Append(context.Background(), stream, events.Any{}, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// adminTokenEvent is an admin token anyone can write without the key.
func adminTokenEvent(t *testing.T) events.EventData {
	t.Helper()
	now := time.Now().UTC()
	data, err := json.Marshal(map[string]any{"id": "01M8YBYY3QWF22M366AP3S6SH5", "subject": "restored-ops", "role": "admin",
		"created": now, "expires": now.AddDate(1, 0, 0), "hash": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"})
	if err != nil {
		t.Fatal(err)
	}
	token := events.EventData{Type: "TokenCreated", Data: data}
	rand.Read(token.ID[:])
	return token
}
