package pace

import (
	"strconv"
	"testing"
	"time"
)

func TestALimiterGivesABurstThenOneAPeriod(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(2, time.Minute, func() time.Time { return now })
	for i := range 2 {
		if _, ok := l.Take("a"); !ok {
			t.Fatalf("take %d of the burst refused", i)
		}
	}
	if wait, ok := l.Take("a"); ok || wait != time.Minute {
		t.Fatalf("past the burst: ok %v, wait %s", ok, wait)
	}
	if _, ok := l.Take("b"); !ok {
		t.Fatal("another key was held back")
	}
	now = now.Add(time.Minute)
	if _, ok := l.Take("a"); !ok {
		t.Fatal("a minute later: refused")
	}
}

func TestALimiterRemembersABoundedNumberOfKeysAndKeepsTheRecentOnes(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(1, time.Hour, func() time.Time { return now })
	l.most = 100
	for i := range 1000 {
		now = now.Add(time.Millisecond)
		l.Take(strconv.Itoa(i))
	}
	if len(l.buckets) > l.most {
		t.Errorf("%d keys remembered, want at most %d", len(l.buckets), l.most)
	}
	if _, ok := l.Take("999"); ok {
		t.Error("the key used last was forgotten: a second try within its hour")
	}
}
