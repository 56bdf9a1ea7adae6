package projections_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/projections"
)

// droppingStore is the embedded store whose subscriptions fail with drop
// after deliver messages each, while failing is set.
type droppingStore struct {
	events.Store
	deliver int
	drop    error
	failing atomic.Bool
	subs    atomic.Int32
}

func (s *droppingStore) SubscribeAll(ctx context.Context, opts events.SubscribeOptions) (events.Subscription, error) {
	s.subs.Add(1)
	sub, err := s.Store.SubscribeAll(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &droppingSubscription{Subscription: sub, store: s}, nil
}

type droppingSubscription struct {
	events.Subscription
	store *droppingStore
	n     int
}

func (s *droppingSubscription) Next() (events.Message, error) {
	if s.store.failing.Load() && s.n >= s.store.deliver {
		return events.Message{}, s.store.drop
	}
	s.n++
	return s.Subscription.Next()
}

func TestADroppedSubscriptionIsResubscribedFromTheLastEventFed(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 10)
	store := &droppingStore{Store: f.store, drop: &events.UnavailableError{Reason: events.ReasonUnreachable}}
	store.failing.Store(true)
	c := newCounter("counter")
	r, err := projections.NewRunner(store, f.dir, &projections.Options{RetryWait: 10 * time.Millisecond}, c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	var last events.Position
	for range 6 { // writes while every subscription drops at once
		last = f.append("dialogue-1", "DialogueHeld", 1)
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.Following() == nil || store.subs.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the feed never said it dropped: following %v, %d subscriptions", r.Following(), store.subs.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := r.WaitFor(context.Background(), last); !errors.Is(err, projections.ErrNotFollowing) && err != nil {
		t.Fatalf("WaitFor while the feed is down: %v", err)
	}
	store.failing.Store(false) // the node is back
	for r.Following() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the feed did not resume: %v", r.Following())
		}
		time.Sleep(5 * time.Millisecond)
	}
	last = f.append("dialogue-2", "DialogueHeld", 1)
	if err := waitFor(t, r, last); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	applied := c.applied
	c.mu.Unlock()
	if c.total() != 17 || applied != 17 {
		t.Fatalf("the read model holds %d events (%d applied), want each of the 17 once", c.total(), applied)
	}
	if st := r.Status(); st[0].Err != nil {
		t.Fatalf("a transport error failed the projection: %v", st[0].Err)
	}
}

func TestARunnerThatCannotFollowTheLogStopsWithTheReason(t *testing.T) {
	f := newFixture(t)
	f.append("space-1", "SpaceEstablished", 2)
	store := &droppingStore{Store: f.store, drop: errors.New("access denied")}
	store.failing.Store(true)
	r, err := projections.NewRunner(store, f.dir, &projections.Options{RetryWait: time.Millisecond}, newCounter("counter"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = r.Run(ctx)
	if err == nil || ctx.Err() != nil || !errors.Is(err, store.drop) {
		t.Fatalf("Run: %v, want the reason it cannot follow", err)
	}
	if store.subs.Load() != 6 {
		t.Fatalf("%d subscriptions, want the first and 5 retries", store.subs.Load())
	}
}
