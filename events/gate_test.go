package events_test

import (
	"testing"

	"github.com/palabre/palabre/events"
)

type closeCounter struct{ closed *int }

func (c *closeCounter) Close() error { *c.closed++; return nil }

// TestSubscriptionsCloseAll: Close ends the live subscriptions, not the
// removed ones, and refuses any added after.
func TestSubscriptionsCloseAll(t *testing.T) {
	var subs events.Subscriptions[*closeCounter]
	var live, removed, late int
	if !subs.Add(&closeCounter{&live}) {
		t.Fatal("an open set refused a subscription")
	}
	gone := &closeCounter{&removed}
	subs.Add(gone)
	subs.Remove(gone)
	subs.CloseAll()
	if live != 1 || removed != 0 {
		t.Fatalf("closed live %d times, removed %d times; want 1 and 0", live, removed)
	}
	if subs.Add(&closeCounter{&late}) {
		t.Fatal("a closed set kept a subscription")
	}
	subs.CloseAll()
	if live != 1 || late != 0 {
		t.Fatalf("a second CloseAll closed again: live %d, late %d", live, late)
	}
}
