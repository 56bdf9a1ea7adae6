package jetstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/jetstore"
)

// BenchmarkDurableAppends64Writers: 64 writers, each on a stream of its
// own, append through the three nodes of an in-process cluster (a third
// of the writers each), every append acknowledged by a majority and
// synced to disk. events/s counts acknowledged events.
func BenchmarkDurableAppends64Writers(b *testing.B) {
	for _, perAppend := range []int{1, 3} {
		b.Run(fmt.Sprintf("%d events per append", perAppend), func(b *testing.B) {
			nodes := startCluster(b, 3)
			stores := make([]events.Store, 3)
			for i, n := range nodes {
				stores[i] = openStore(b, n, 3)
			}
			benchmarkAppends(b, stores, 64, perAppend)
		})
	}
}

func benchmarkAppends(b *testing.B, stores []events.Store, writers, perAppend int) {
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		store := stores[w%len(stores)]
		stream := fmt.Sprintf("bench-%d-%d", w, time.Now().UnixNano())
		wg.Go(func() {
			var expected events.ExpectedRevision = events.NoStream{}
			for left.Add(-1) >= 0 {
				res, err := store.Append(context.Background(), stream, expected, eventstoretest.NewEvents("Bench", perAppend)...)
				if err != nil {
					b.Error(err)
					return
				}
				expected = events.Exact(res.NextExpected)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N*perAppend)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "appends/s")
}

// BenchmarkCatchUpOfAnEmptiedNode: a three-node cluster holds a million
// events; one node is stopped, its data directory emptied, and started
// again under the same name: how long until its replica is current, and
// then how fast a store on it reads $all (what a palabre node's read
// models replay). Run it alone, once: -benchtime 1x.
func BenchmarkCatchUpOfAnEmptiedNode(b *testing.B) {
	const total, perAppend, writers = 1_000_000, 500, 16
	addrs := freeAddrs(b, 3)
	cfgs := make([]jetstore.NodeConfig, 3)
	nodes := make([]*jetstore.Node, 3)
	for i := range cfgs {
		cfgs[i] = jetstore.NodeConfig{Name: fmt.Sprintf("n%d", i+1), DataDir: filepath.Join(b.TempDir(), "nats"), Listen: addrs[i], Peers: addrs, RouteSecret: "bench"}
		node, err := jetstore.StartNode(cfgs[i])
		if err != nil {
			b.Fatal(err)
		}
		nodes[i] = node
		defer func() { nodes[i].Shutdown() }()
	}
	writeStart := time.Now()
	benchmarkFill(b, openStore(b, nodes[0], 3), total/perAppend/writers, perAppend, writers)
	b.Logf("wrote %d events in %s", total, time.Since(writeStart).Round(time.Millisecond))

	nodes[2].Shutdown()
	if err := os.RemoveAll(cfgs[2].DataDir); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	node, err := jetstore.StartNode(cfgs[2])
	if err != nil {
		b.Fatal(err)
	}
	nodes[2] = node
	store := openStore(b, node, 3)
	for !node.Current(jetstore.EventsStream) {
		time.Sleep(50 * time.Millisecond)
	}
	current := time.Since(start)
	read := 0
	for _, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			b.Fatal(err)
		}
		read++
	}
	ready := time.Since(start)
	if read != total {
		b.Fatalf("the emptied node reads %d events, want %d", read, total)
	}
	b.ReportMetric(current.Seconds(), "s-to-current")
	b.ReportMetric(ready.Seconds(), "s-to-read-all")
	b.ReportMetric(float64(total)/(ready-current).Seconds(), "events/s-read")
}

// benchmarkFill appends rounds batches of perAppend events from each of
// writers writers.
func benchmarkFill(b *testing.B, store events.Store, rounds, perAppend, writers int) {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("fill-%d", w)
			var expected events.ExpectedRevision = events.NoStream{}
			for range rounds {
				res, err := store.Append(context.Background(), stream, expected, eventstoretest.NewEvents("Fill", perAppend)...)
				if err != nil {
					b.Error(err)
					return
				}
				expected = events.Exact(res.NextExpected)
			}
		})
	}
	wg.Wait()
}

// BenchmarkReadAll reads $all, 200,000 events, through a store on a node
// that does not lead the stream (direct gets are answered by the nearest
// replica): what a palabre node's read models replay at start.
func BenchmarkReadAll(b *testing.B) {
	const total, perAppend, writers = 200_000, 500, 16
	nodes := startCluster(b, 3)
	stores := make([]*jetstore.Store, 3)
	for i, n := range nodes {
		stores[i] = openStore(b, n, 3)
	}
	benchmarkFill(b, stores[0], total/perAppend/writers, perAppend, writers)
	b.ResetTimer()
	for b.Loop() {
		read := 0
		for _, err := range stores[2].ReadAll(context.Background(), events.Start, 0) {
			if err != nil {
				b.Fatal(err)
			}
			read++
		}
		if read != total {
			b.Fatalf("read %d events, want %d", read, total)
		}
	}
	b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "events/s")
}
