package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// Two nodes on one shared store (the embedded store standing in for a
// replicated engine): one master key, whose absence on the second node
// is refused rather than made up, and tokens made on one that sign in on
// the other, with nothing of them in either node's data directory.
func TestNodesOfASharedStoreAgreeOnTheMasterKeyAndShareTokens(t *testing.T) {
	t.Setenv(keystore.MasterKeyEnv, "")
	ctx, log := context.Background(), zerolog.Nop()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	first, second := dataDir{dir: t.TempDir(), store: store}, dataDir{dir: t.TempDir(), store: store}
	if _, err := m.openKeys(ctx, first, log); err != nil {
		t.Fatal(err)
	}
	if _, err := m.openKeys(ctx, second, log); err == nil || !strings.Contains(err.Error(), "give this node the same") {
		t.Fatalf("a second node without the master key: %v, want a refusal", err)
	}
	other := base64.StdEncoding.EncodeToString(make([]byte, 32))
	if err := os.WriteFile(second.path("master.key"), []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := m.openKeys(ctx, second, log); !errors.Is(err, keystore.ErrOtherMasterKey) {
		t.Fatalf("a second node with another master key: %v, want ErrOtherMasterKey", err)
	}
	t.Setenv(keystore.MasterKeyEnv, strings.TrimSpace(readFile(t, first.path("master.key"))))
	if _, err := m.openKeys(ctx, second, log); err != nil {
		t.Fatalf("a second node given the master key: %v", err)
	}

	a, err := m.openTokens(ctx, first, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.openTokens(ctx, second, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := a.Create(ctx, access.NewToken{Role: access.Admin, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(access.DefaultMaxAge / 5) // pasted on a device served by the second node
	if _, err := b.Authenticate(ctx, secret); err != nil {
		t.Fatalf("a token made on the first node, on the second: %v", err)
	}
	for _, d := range []dataDir{first, second} {
		if _, err := os.Stat(d.path("tokens.json")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a node of a shared store keeps tokens on its disk (%v)", d.path("tokens.json"), err)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
