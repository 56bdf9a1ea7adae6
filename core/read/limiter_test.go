package read

import (
	"testing"
	"time"
)

func TestALimiterGivesABurstThenOneAPeriod(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(2, time.Minute, func() time.Time { return now })
	for i := range 2 {
		if _, ok := l.take("a"); !ok {
			t.Fatalf("take %d of the burst refused", i)
		}
	}
	if wait, ok := l.take("a"); ok || wait != time.Minute {
		t.Fatalf("past the burst: ok %v, wait %s", ok, wait)
	}
	if _, ok := l.take("b"); !ok {
		t.Fatal("another key was held back")
	}
	now = now.Add(time.Minute)
	if _, ok := l.take("a"); !ok {
		t.Fatal("a minute later: refused")
	}
}
