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

// Found in review3: remove-peer took out a node that was up and current,
// and then a second one: an admin's token (or a typo in a name) left the
// cluster on one node, which went on acknowledging every write with one
// copy on one disk.
func TestRemovePeerRefusesANodeThatIsUp(t *testing.T) {
	nodes := startCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		st, err := jetstore.Inspect(ctx, connect(t, nodes[0]), nodes[0])
		if err == nil && st.MetaLeader != "" && len(st.Members) == 2 && !st.Members[0].Offline && !st.Members[1].Offline {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no cluster of three: %v %+v", err, st)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, name := range []string{"n3", "n2"} {
		err := nodes[0].RemovePeer(ctx, name)
		if err == nil {
			t.Fatalf("%s, up and current, was removed from the cluster", name)
		}
		t.Logf("%s: %v", name, err)
	}
}

// A node is removed only once the meta leader stopped hearing from it,
// and none while the nodes up besides it are too few for a log of three
// replicas (a second removal before the first's replacement is current).
func TestRemovalRefusalKeepsEnoughCopies(t *testing.T) {
	up := func(name string) jetstore.Replica {
		return jetstore.Replica{Name: name, Current: true, Seen: 200 * time.Millisecond}
	}
	lost := jetstore.Replica{Name: "n3", Offline: true, Seen: time.Minute}
	for _, tc := range []struct {
		name    string
		members []jetstore.Replica
		remove  string
		refused bool
	}{
		{"a lost node of three", []jetstore.Replica{up("n2"), lost}, "n3", false},
		{"a silent node not yet marked offline", []jetstore.Replica{up("n2"), {Name: "n3", Seen: 12 * time.Second}}, "n3", false},
		{"a node up", []jetstore.Replica{up("n2"), lost}, "n2", true},
		{"a node catching up, heard from just now", []jetstore.Replica{up("n2"), {Name: "n3", Lag: 40, Seen: time.Second}}, "n3", true},
		{"the leader", []jetstore.Replica{up("n2"), lost}, "n1", true},
		{"a second lost node before a replacement", []jetstore.Replica{{Name: "n2", Offline: true, Seen: time.Minute}}, "n2", true},
		{"a second lost node while the replacement catches up", []jetstore.Replica{{Name: "n2", Offline: true, Seen: time.Minute}, {Name: "n4", Lag: 900, Seen: time.Second}}, "n2", true},
		{"a second lost node once the replacement is current", []jetstore.Replica{{Name: "n2", Offline: true, Seen: time.Minute}, up("n4")}, "n2", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := jetstore.RemovalRefusal("n1", tc.members, tc.remove, 3)
			if (err != nil) != tc.refused {
				t.Fatalf("removing %s: %v, refused %v", tc.remove, err, tc.refused)
			}
		})
	}
}
