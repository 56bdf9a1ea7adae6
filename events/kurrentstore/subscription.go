package kurrentstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/palabre/palabre/events"
)

// SubscribeAll implements events.Store with a server-side filter.
func (s *Store) SubscribeAll(ctx context.Context, opts events.SubscribeOptions) (events.Subscription, error) {
	if err := s.gate.Enter(ctx); err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	so := esdb.SubscribeToAllOptions{From: allPosition(opts.From), Filter: toFilter(opts.Filter)}
	ctx, cancel := context.WithCancel(ctx)
	inner, err := s.client.SubscribeToAll(ctx, so)
	if err != nil {
		cancel()
		return nil, translate(ctx, fmt.Errorf("subscribe to $all"), err)
	}
	sub := &subscription{store: s, inner: inner, ctx: ctx, cancel: cancel, filter: opts.Filter}
	if !s.subs.Add(sub) { // closed meanwhile
		sub.Close()
		return nil, events.ErrClosed
	}
	return sub, nil
}

func toFilter(f events.Filter) *esdb.SubscriptionFilter {
	switch f.Kind {
	case events.StreamNamePrefix:
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: f.Prefixes}
	case events.EventTypePrefix:
		return &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Prefixes: f.Prefixes}
	}
	return esdb.ExcludeSystemEventsFilter()
}

type subscription struct {
	store    *Store
	inner    *esdb.Subscription
	ctx      context.Context
	cancel   context.CancelFunc
	filter   events.Filter
	caughtUp bool
	closed   atomic.Bool
	once     sync.Once
}

func (sub *subscription) Next() (events.Message, error) {
	if err := sub.store.gate.Enter(context.Background()); err != nil {
		return events.Message{}, err
	}
	defer sub.store.gate.Leave()
	for {
		if sub.closed.Load() {
			return events.Message{}, events.ErrClosed
		}
		m := sub.inner.Recv()
		switch {
		case m.EventAppeared != nil:
			r := m.EventAppeared.OriginalEvent()
			if isSystem(r.StreamID, r.EventType) || !sub.filter.Matches(r.StreamID, r.EventType) {
				continue
			}
			e := fromRecorded(r)
			return events.Message{Event: &e}, nil
		case m.CaughtUp != nil:
			if !sub.caughtUp {
				sub.caughtUp = true
				return events.Message{CaughtUp: true}, nil
			}
		case m.SubscriptionDropped != nil:
			if sub.closed.Load() {
				return events.Message{}, events.ErrClosed
			}
			return events.Message{}, translate(sub.ctx, fmt.Errorf("subscription to $all dropped"), m.SubscriptionDropped.Error)
		}
	}
}

func (sub *subscription) Close() error {
	sub.once.Do(func() {
		sub.closed.Store(true)
		sub.inner.Close()
		sub.cancel()
		sub.store.subs.Remove(sub)
	})
	return nil
}
