package keystore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// Nodes of one engine must seal under one master key: the first records
// its key's check value, a node with another key is refused.
func TestNodesOfOneStoreAgreeOnOneMasterKey(t *testing.T) {
	ctx := context.Background()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if known, err := keystore.KnownMasterKey(ctx, store); err != nil || known {
		t.Fatalf("a new store knows a master key: %v, %v", known, err)
	}
	first, other := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if err := keystore.AgreeOnMasterKey(ctx, store, first); err != nil {
		t.Fatal(err)
	}
	if known, err := keystore.KnownMasterKey(ctx, store); err != nil || !known {
		t.Fatalf("after the first node: %v, %v", known, err)
	}
	if err := keystore.AgreeOnMasterKey(ctx, store, first); err != nil {
		t.Fatalf("a second node with the same key: %v", err)
	}
	if err := keystore.AgreeOnMasterKey(ctx, store, other); !errors.Is(err, keystore.ErrOtherMasterKey) {
		t.Fatalf("a node with another key: %v, want ErrOtherMasterKey", err)
	}
}
