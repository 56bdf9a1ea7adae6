package jetstore_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
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

// The routes speak mutual TLS under the cluster's authority: a server that
// knows the route password but holds no certificate of that authority (one
// of another authority, or none, speaking in clear) is refused, while one
// with the authority's certificate joins (the check can fail).
func TestAServerWithoutTheClusterAuthorityCannotJoin(t *testing.T) {
	nodes := startCluster(t, 3)
	for _, tc := range []struct {
		name   string
		secret string // the authority's secret; "" for no TLS
		joins  bool
	}{
		{"with the cluster's authority", "test-secret", true},
		{"with an authority of its own", "another-secret", false},
		{"in clear", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			intruder := startRouter(t, nodes, tc.secret)
			deadline := time.Now().Add(5 * time.Second)
			for intruder.NumRoutes() == 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if joined := intruder.NumRoutes() > 0; joined != tc.joins {
				t.Fatalf("joined the cluster: %v, want %v", joined, tc.joins)
			}
		})
	}
}

// startRouter starts a bare nats-server routed to nodes with the route
// password the cluster's nodes use ("test-secret"), under the authority
// derived from secret, or in clear.
func startRouter(t *testing.T, nodes []*jetstore.Node, secret string) *server.Server {
	t.Helper()
	opts := &server.Options{ServerName: "intruder", DontListen: false, Host: "127.0.0.1", Port: server.RANDOM_PORT, NoSigs: true, NoLog: true}
	addr := freeAddrs(t, 1)[0]
	host, port, _ := net.SplitHostPort(addr)
	opts.Cluster = server.ClusterOpts{Name: "palabre", Host: host, Username: "palabre", Password: "test-secret", TLSTimeout: 5}
	opts.Cluster.Port, _ = strconv.Atoi(port)
	if secret != "" {
		cfg, err := jetstore.ClusterTLS(secret, "intruder")
		if err != nil {
			t.Fatal(err)
		}
		opts.Cluster.TLSConfig = cfg
	}
	for _, n := range nodes {
		opts.Routes = append(opts.Routes, &url.URL{Scheme: "nats-route", Host: n.ClusterAddr(), User: url.UserPassword("palabre", "test-secret")})
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(srv.Shutdown)
	return srv
}

// A client port beyond the loopback is refused: clients speak in clear.
func TestTheClientPortStaysOnTheLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:4222": true, "[::1]:4222": true, "localhost:4222": true, "0.0.0.0:4222": false, "10.0.0.1:4222": false} {
		err := jetstore.NodeConfig{DataDir: t.TempDir(), ClientListen: addr}.Validate()
		if (err == nil) != ok {
			t.Errorf("client port on %s: %v, want accepted %v", addr, err, ok)
		}
	}
}

// Found in review3: a node whose route port was taken failed after 30s
// with only "not ready": it says at once that the address is in use.
func TestANodeSaysItsRoutePortIsInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	peers := append(freeAddrs(t, 2), taken.Addr().String())
	start := time.Now()
	node, err := jetstore.StartNode(jetstore.NodeConfig{Name: "gao-3", DataDir: t.TempDir(), Listen: taken.Addr().String(), Peers: peers, RouteSecret: "review3"})
	if err == nil {
		node.Shutdown()
		t.Fatal("a node started on a route port in use")
	}
	if !strings.Contains(err.Error(), "in use") || !strings.Contains(err.Error(), taken.Addr().String()) || time.Since(start) > 5*time.Second {
		t.Fatalf("after %s: %v, want at once the address in use", time.Since(start).Round(time.Millisecond), err)
	}
}
