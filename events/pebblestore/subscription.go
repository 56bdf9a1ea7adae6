package pebblestore

import (
	"context"
	"sync/atomic"

	"github.com/palabre/palabre/events"
)

// subscriptionPage bounds how many positions one catch-up read covers, so a
// subscriber far behind holds neither a long iterator nor a large buffer.
const subscriptionPage = 1024

// SubscribeAll implements events.Store. A subscription is pulled: each Next
// reads from Pebble what became durable since the last, so a slow
// subscriber costs the writers nothing.
func (s *Store) SubscribeAll(ctx context.Context, opts events.SubscribeOptions) (events.Subscription, error) {
	if err := s.gate.Enter(ctx); err != nil {
		return nil, err
	}
	s.gate.Leave()
	ctx, cancel := context.WithCancel(ctx)
	return &subscription{store: s, ctx: ctx, cancel: cancel, filter: opts.Filter, last: opts.From.Commit}, nil
}

type subscription struct {
	store  *Store
	ctx    context.Context
	cancel context.CancelFunc
	filter events.Filter

	last     uint64 // last position read, delivered or filtered out
	buffer   []events.RecordedEvent
	next     int  // index in buffer of the next event to deliver
	caughtUp bool // the CaughtUp message was delivered

	closed atomic.Bool
}

func (sub *subscription) Next() (events.Message, error) {
	for {
		if sub.closed.Load() {
			return events.Message{}, events.ErrClosed
		}
		if sub.next < len(sub.buffer) {
			e := sub.buffer[sub.next]
			sub.next++
			return events.Message{Event: &e}, nil
		}
		if err := sub.ctx.Err(); err != nil {
			return events.Message{}, err
		}
		wake := sub.store.changed() // before reading durable, so no advance is missed
		durable := sub.store.durable.Load()
		if sub.last < durable {
			if err := sub.fill(min(durable, sub.last+subscriptionPage)); err != nil {
				return events.Message{}, err
			}
			continue
		}
		if !sub.caughtUp {
			sub.caughtUp = true
			return events.Message{CaughtUp: true}, nil
		}
		select {
		case <-wake:
		case <-sub.ctx.Done():
		case <-sub.store.done:
			return events.Message{}, events.ErrClosed
		}
	}
}

// fill reads positions after last up to upTo into the buffer.
func (sub *subscription) fill(upTo uint64) error {
	s := sub.store
	if err := s.gate.Enter(sub.ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	sub.buffer, sub.next = sub.buffer[:0], 0
	err := s.scanAll(sub.ctx, sub.last+1, upTo, 0, sub.filter, decodeRecord, func(r events.RecordedEvent) bool {
		sub.buffer = append(sub.buffer, r)
		return true
	})
	if err != nil {
		sub.buffer = sub.buffer[:0]
		return err
	}
	sub.last = upTo
	return nil
}

// Close ends the subscription; it may be called from any goroutine.
func (sub *subscription) Close() error {
	sub.closed.Store(true)
	sub.cancel()
	return nil
}
