package jetstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/jetstore"
)

// A node lost for good is removed from the cluster, and a node of another
// name that joins takes its replicas: the streams have three current
// replicas again, and the new node holds every event written before.
func TestALostNodeIsReplacedByANewOne(t *testing.T) {
	addrs := freeAddrs(t, 4)
	start := func(i int, peers []string) *jetstore.Node {
		node, err := jetstore.StartNode(jetstore.NodeConfig{Name: nodeName(i), DataDir: filepath.Join(t.TempDir(), "nats"), Listen: addrs[i], Peers: peers, RouteSecret: "test-secret"})
		if err != nil {
			t.Fatalf("start %s: %v", nodeName(i), err)
		}
		t.Cleanup(node.Shutdown)
		return node
	}
	var nodes []*jetstore.Node
	for i := range 3 {
		nodes = append(nodes, start(i, addrs[:3]))
	}
	store := openStore(t, nodes[0], 3)
	openVault(t, nodes[0], jetstore.VaultOptions{Replicas: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	appendN(t, store, "before", 20)

	nodes[2].Shutdown() // lost for good
	if err := nodes[0].RemovePeer(ctx, "nowhere"); !errors.Is(err, jetstore.ErrNotMember) {
		t.Fatalf("removing a name of no member: %v, want ErrNotMember", err)
	}
	if err := nodes[0].RemovePeer(ctx, nodeName(0)); err == nil {
		t.Fatal("a node removed itself")
	}
	if err := nodes[0].RemovePeer(ctx, nodeName(2)); err != nil {
		t.Fatal(err)
	}
	start(3, []string{addrs[0], addrs[1], addrs[3]})
	want := []string{nodeName(0), nodeName(1), nodeName(3)}
	for {
		st, err := jetstore.Inspect(ctx, connect(t, nodes[0]), nodes[0])
		if err != nil {
			t.Fatal(err)
		}
		if every(st.Streams, func(s jetstore.Stream) bool { return currentOn(s, want) }) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the streams have not three current replicas on %v: %+v", want, st.Streams)
		}
		time.Sleep(200 * time.Millisecond)
	}
	appendN(t, store, "after", 5) // a majority again, with the new node
}

func nodeName(i int) string { return "n" + string(rune('1'+i)) }

func every[T any](items []T, ok func(T) bool) bool {
	return !slices.ContainsFunc(items, func(it T) bool { return !ok(it) })
}

// currentOn reports whether s is led by one of names and its other
// replicas are the rest of names, all current.
func currentOn(s jetstore.Stream, names []string) bool {
	if s.Err != "" || !slices.Contains(names, s.Leader) || len(s.Replicas) != len(names)-1 {
		return false
	}
	return every(s.Replicas, func(r jetstore.Replica) bool { return r.Current && slices.Contains(names, r.Name) })
}

func appendN(t *testing.T, store *jetstore.Store, stream string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range n {
		e := events.EventData{Type: "Noted", Data: []byte(`{}`)}
		rand.Read(e.ID[:])
		if _, err := store.Append(ctx, stream, events.Any{}, e); err != nil {
			t.Fatalf("append %d to %s: %v", i, stream, err)
		}
	}
}
