package integration

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access/accesstest"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/jetstore"
)

// Tokens and sessions kept in the JetStream engine hold across nodes: the
// shared tokens' suite, each of its nodes a store on a node of its own of
// a three-node cluster.
func TestJetStreamSharesTokensAndSessions(t *testing.T) {
	addrs := make([]string, 3)
	for i := range addrs {
		addrs[i] = freeRoute(t)
	}
	var nodes []*jetstore.Node
	for i := range 3 {
		n, err := jetstore.StartNode(jetstore.NodeConfig{Name: string(rune('a' + i)), DataDir: filepath.Join(t.TempDir(), "nats"), Listen: addrs[i], Peers: addrs, RouteSecret: "test"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Shutdown)
		nodes = append(nodes, n)
	}
	i := 0
	accesstest.Run(t, func(t *testing.T) events.Store {
		i++
		nc, err := nodes[i%3].Connect()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := jetstore.Open(ctx, nc, jetstore.Options{Replicas: 3})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
