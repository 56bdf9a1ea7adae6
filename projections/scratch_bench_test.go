package projections_test

import (
	"testing"
	"time"

	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

func BenchmarkScratchReplay(b *testing.B) {
	s := benchStore(b)
	for b.Loop() {
		start, cpu := time.Now(), cpuTime(b)
		n := replay(b, s, []projections.Projection{inclusion.New()})
		b.Logf("inclusion alone: %d events in %s, cpu %s", n, time.Since(start), cpuTime(b)-cpu)
	}
}
