package jetstore_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/palabre/palabre/events/jetstore"
)

// freeAddrs returns n loopback addresses nothing listens on now.
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		out[i] = l.Addr().String()
		l.Close()
	}
	return out
}

// startCluster starts n embedded nodes routed to each other, each in its
// own temporary directory, shut down when the test ends.
func startCluster(t testing.TB, n int) []*jetstore.Node {
	t.Helper()
	addrs := freeAddrs(t, n)
	nodes := make([]*jetstore.Node, n)
	for i := range nodes {
		cfg := jetstore.NodeConfig{Name: fmt.Sprintf("n%d", i+1), DataDir: filepath.Join(t.TempDir(), "nats"), Listen: addrs[i], Peers: addrs, RouteSecret: "test-secret"}
		if n == 1 {
			cfg.Listen, cfg.Peers, cfg.RouteSecret = "", nil, ""
		}
		node, err := jetstore.StartNode(cfg)
		if err != nil {
			t.Fatalf("start node %d: %v", i+1, err)
		}
		t.Cleanup(node.Shutdown)
		nodes[i] = node
	}
	return nodes
}

func connect(t testing.TB, node *jetstore.Node) *nats.Conn {
	t.Helper()
	nc, err := node.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// openStore opens a store on node, closed when the test ends.
func openStore(t testing.TB, node *jetstore.Node, replicas int) *jetstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := jetstore.Open(ctx, connect(t, node), jetstore.Options{Replicas: replicas})
	if err != nil {
		t.Fatalf("open store on %s: %v", node.Name(), err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}
