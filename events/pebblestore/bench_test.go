package pebblestore_test

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
)

// benchEvent is about 325 bytes once encoded, the size of a typical
// palabre event with its metadata.
func benchEvent(i uint64) events.EventData {
	var id events.ID
	id[0] = 1
	for b := range 8 {
		id[8+b] = byte(i >> (8 * b))
	}
	return events.EventData{
		ID:       id,
		Type:     "DialogueHeld",
		Data:     fmt.Appendf(nil, `{"space":"space-01HZY3M8K2Q7R5T9V0W4X6Y8Z1","heldOn":"2026-03-14","format":"community-dialogue","topics":["security","justice"],"attendees":%d,"headcount":{"women":12,"men":9}}`, i%97),
		Metadata: []byte(`{"commandId":"01HZY3M8K2Q7R5T9V0W4X6Y8Z1","correlationId":"01HZY3M8K2Q7R5T9V0W4X6Y8Z1","recordedBy":"tok-3"}`),
	}
}

// BenchmarkAppend measures durable appends of one event each, from one
// writer and from 64 concurrent writers each on its own stream.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openStore(b, "", nil)
			var next atomic.Uint64
			var wg sync.WaitGroup
			per := b.N/writers + 1
			b.ResetTimer()
			start := time.Now()
			for w := range writers {
				wg.Go(func() {
					stream := fmt.Sprintf("bench-%d", w)
					var expected events.ExpectedRevision = events.NoStream{}
					for range per {
						res, err := s.Append(context.Background(), stream, expected, benchEvent(next.Add(1)))
						if err != nil {
							b.Error(err)
							return
						}
						expected = events.Exact(res.NextExpected)
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(per*writers)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// BenchmarkReadAll measures reading $all from a warm cache.
func BenchmarkReadAll(b *testing.B) {
	const total = 200_000
	s := openStore(b, "", nil)
	batch := make([]events.EventData, 100)
	for i := uint64(0); i < total; i += uint64(len(batch)) {
		for j := range batch {
			batch[j] = benchEvent(i + uint64(j))
		}
		if _, err := s.Append(context.Background(), fmt.Sprintf("bench-%d", i/1000), events.Any{}, batch...); err != nil {
			b.Fatal(err)
		}
	}
	readAll := func() int {
		n := 0
		for _, err := range s.ReadAll(context.Background(), events.Start, 0) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	}
	readAll() // warm the cache
	b.ResetTimer()
	start := time.Now()
	read := 0
	for b.Loop() {
		read += readAll()
	}
	b.ReportMetric(float64(read)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkFsyncBaseline is the disk's raw limit for the same records: an
// append-only file synced once per 64 records, with no store at all.
func BenchmarkFsyncBaseline(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "baseline"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	e := benchEvent(1)
	record := make([]byte, 0, 400)
	record = append(record, e.ID[:]...)
	record = append(record, e.Type...)
	record = append(record, e.Data...)
	record = append(record, e.Metadata...)
	group := make([]byte, 0, 64*len(record))
	for range 64 {
		group = append(group, record...)
	}
	b.ResetTimer()
	start := time.Now()
	groups := b.N/64 + 1
	for range groups {
		if _, err := f.Write(group); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(groups*64)/time.Since(start).Seconds(), "records/s")
	b.ReportMetric(float64(len(record)), "bytes/record")
}
