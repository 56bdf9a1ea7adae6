package jetstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/palabre/palabre/events/jetstore"
)

// A node with the wrong route secret is refused by the cluster: it never
// sees its peers, so it cannot create, nor read, the events stream.
func TestANodeWithoutTheRouteSecretCannotJoin(t *testing.T) {
	nodes := startCluster(t, 3)
	addrs := freeAddrs(t, 1)
	peers := append([]string{addrs[0]}, clusterAddrs(nodes)...)
	intruder, err := jetstore.StartNode(jetstore.NodeConfig{Name: "intruder", DataDir: filepath.Join(t.TempDir(), "nats"), Listen: addrs[0], Peers: peers, RouteSecret: "guess"})
	if err != nil {
		t.Fatal(err)
	}
	defer intruder.Shutdown()
	openStore(t, nodes[0], 3) // the events stream exists in the cluster
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := jetstore.Open(ctx, connect(t, intruder), jetstore.Options{Replicas: 3}); err == nil {
		t.Fatal("a node with the wrong route secret opened the cluster's events stream")
	}
}

func clusterAddrs(nodes []*jetstore.Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.ClusterAddr())
	}
	return out
}

// The client port a clustered node opens on loopback refuses a client
// without the node's token.
func TestTheClientPortNeedsTheNodesToken(t *testing.T) {
	nodes := startCluster(t, 3)
	url := nodes[0].ClientURL()
	if !strings.HasPrefix(url, "nats://127.0.0.1:") {
		t.Fatalf("client URL %q, want loopback", url)
	}
	if nc, err := nats.Connect(url, nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Fatal(fmt.Sprintf("connected to %s without a token", url))
	}
}
