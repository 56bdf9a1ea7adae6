package jetstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/jetstore"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/keystore/vaulttest"
)

func openVault(t testing.TB, node *jetstore.Node, opts jetstore.VaultOptions) *jetstore.Vault {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	v, err := jetstore.OpenVault(ctx, connect(t, node), opts)
	if err != nil {
		t.Fatalf("open vault on %s: %v", node.Name(), err)
	}
	return v
}

var filesHolding = vaulttest.FilesHolding

func randomKey(t testing.TB) []byte {
	key := make([]byte, 60)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

func TestVaultFirstKeyStoredWinsAcrossNodes(t *testing.T) {
	nodes := startCluster(t, 3)
	vaults := make([]*jetstore.Vault, 3)
	for i, n := range nodes {
		vaults[i] = openVault(t, n, jetstore.VaultOptions{Replicas: 3})
	}
	ctx := context.Background()
	id := ulid.Make()
	if _, err := vaults[2].Load(ctx, id); !errors.Is(err, keystore.ErrNoKey) {
		t.Fatalf("load before create: got %v, want ErrNoKey", err)
	}
	got := make([][]byte, 3)
	var wg sync.WaitGroup
	for i, v := range vaults {
		wg.Go(func() {
			var err error
			if got[i], err = v.Create(ctx, id, randomKey(t)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], got[0]) || len(got[i]) == 0 {
			t.Fatalf("node %d kept a key other than node 1's", i+1)
		}
		if k, err := vaults[i].Load(ctx, id); err != nil || !bytes.Equal(k, got[0]) {
			t.Fatalf("node %d loads %x, %v, want the winning key", i+1, k, err)
		}
	}
	ids, err := vaults[1].List(ctx)
	if err != nil || len(ids) != 1 || ids[0] != id {
		t.Fatalf("list: got %v, %v, want [%s]", ids, err, id)
	}
}

// The crypto-shredding guarantee: once Destroy returns, every node
// compacts its raft log as it learns of it (each process's vault is told),
// so that within seconds no file of any node holds the key.
func TestVaultDestroyErasesTheKeyFromEveryNodesFiles(t *testing.T) {
	nodes := startCluster(t, 3)
	vaults := make([]*jetstore.Vault, 3)
	for i, n := range nodes { // one vault per node, as three processes have
		vaults[i] = openVault(t, n, jetstore.VaultOptions{Replicas: 3, Nodes: []*jetstore.Node{n}})
	}
	ctx := context.Background()
	id, key, kept := createBetweenOthers(t, vaults[0])
	waitFor(t, 10*time.Second, "every node holds the key in its files", func() bool {
		for _, n := range nodes {
			if len(filesHolding(t, n.StoreDir(), key)) == 0 {
				return false
			}
		}
		return true
	})
	if err := vaults[1].Destroy(ctx, id); err != nil {
		t.Fatal(err)
	}
	destroyed := time.Now()
	if _, err := vaults[2].Load(ctx, id); !errors.Is(err, keystore.ErrNoKey) {
		t.Fatalf("load after destroy: got %v, want ErrNoKey", err)
	}
	waitFor(t, jetstore.ShredWithin, "no node holds the key in its files", func() bool {
		for _, n := range nodes {
			if files := filesHolding(t, n.StoreDir(), key); len(files) > 0 {
				t.Logf("%s still holds the key in %v", n.Name(), files)
				return false
			}
		}
		return true
	})
	t.Logf("the key left every node's files %s after Destroy returned", time.Since(destroyed).Round(10*time.Millisecond))
	if err := vaults[0].Destroy(ctx, id); err != nil {
		t.Fatalf("destroying a key already gone: %v", err)
	}
	for _, n := range nodes {
		if len(filesHolding(t, n.StoreDir(), kept)) == 0 {
			t.Fatalf("%s lost a key nobody destroyed", n.Name())
		}
	}
}

// createBetweenOthers creates a key with keys before and after it, so that
// erasing it leaves its storage block in use: deleting a block's only
// message removes the whole file, which would hide a delete that does not
// erase.
func createBetweenOthers(t testing.TB, vault *jetstore.Vault) (id domain.ID, key, kept []byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := vault.Create(ctx, ulid.Make(), randomKey(t)); err != nil {
		t.Fatal(err)
	}
	id, key = ulid.Make(), randomKey(t)
	if _, err := vault.Create(ctx, id, key); err != nil {
		t.Fatal(err)
	}
	kept = randomKey(t)
	if _, err := vault.Create(ctx, ulid.Make(), kept); err != nil {
		t.Fatal(err)
	}
	return id, key, kept
}

func TestVaultDestroyOnOneNodeOverwritesTheKey(t *testing.T) {
	nodes := startCluster(t, 1)
	vault := openVault(t, nodes[0], jetstore.VaultOptions{})
	ctx := context.Background()
	id, key, kept := createBetweenOthers(t, vault)
	if len(filesHolding(t, nodes[0].StoreDir(), key)) == 0 {
		t.Fatal("the key is in no file after Create: the search cannot see it")
	}
	if err := vault.Destroy(ctx, id); err != nil {
		t.Fatal(err)
	}
	if files := filesHolding(t, nodes[0].StoreDir(), key); len(files) > 0 {
		t.Fatalf("the key's bytes survive Destroy in %v", files)
	}
	if len(filesHolding(t, nodes[0].StoreDir(), kept)) == 0 {
		t.Fatal("a key nobody destroyed is gone")
	}
	if ids, err := vault.List(ctx); err != nil || len(ids) != 2 || slices.Contains(ids, id) {
		t.Fatalf("list after destroy: got %v, %v, want the two others", ids, err)
	}
}

func waitFor(t testing.TB, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not true after %s: %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestVaultConformanceOnOneNode(t *testing.T) {
	nodes := startCluster(t, 1)
	vaulttest.Run(t, func(t *testing.T) keystore.Vault {
		return openVault(t, nodes[0], jetstore.VaultOptions{Nodes: nodes})
	}, vaulttest.Features{Stored: storedIn(nodes)})
}

func TestVaultConformanceOnThreeReplicas(t *testing.T) {
	nodes := startCluster(t, 3)
	i := 0
	vaulttest.Run(t, func(t *testing.T) keystore.Vault {
		i++
		return openVault(t, nodes[i%3], jetstore.VaultOptions{Replicas: 3, Nodes: nodes})
	}, vaulttest.Features{Stored: storedIn(nodes)})
}

// storedIn gives the suite every node's directory, after compacting the
// keys stream's raft log on each as its timer would.
func storedIn(nodes []*jetstore.Node) func(t *testing.T, v keystore.Vault) []string {
	return func(t *testing.T, v keystore.Vault) []string {
		var dirs []string
		for _, n := range nodes {
			_ = n.CompactLog(jetstore.KeysStream)
			dirs = append(dirs, n.StoreDir())
		}
		time.Sleep(500 * time.Millisecond) // followers apply the erase
		return dirs
	}
}
