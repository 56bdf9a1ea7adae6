package jetstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
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
