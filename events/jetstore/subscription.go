package jetstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/palabre/palabre/events"
)

// subscription catches up with direct gets, then follows $all through an
// ordered consumer: JetStream recreates it at the next sequence if it
// misses a message, so delivery stays gap-free and in order.
type subscription struct {
	ctx    context.Context // the caller's
	cancel context.CancelFunc
	msgs   chan events.Message
	done   chan struct{} // closed when the producer has stopped

	mu  sync.Mutex
	err error // why the producer stopped
}

// consumerHeartbeat is how often an idle ordered consumer is heard from.
const consumerHeartbeat = time.Second

// SubscribeAll implements events.Store.
func (s *Store) SubscribeAll(ctx context.Context, opts events.SubscribeOptions) (events.Subscription, error) {
	if err := s.gate.Enter(ctx); err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	inner, cancel := context.WithCancel(ctx)
	sub := &subscription{ctx: ctx, cancel: cancel, msgs: make(chan events.Message, 256), done: make(chan struct{})}
	if !s.subs.Add(sub) {
		cancel()
		return nil, events.ErrClosed
	}
	go func() {
		defer close(sub.done)
		err := s.follow(inner, opts, sub.send)
		sub.mu.Lock()
		sub.err = err
		sub.mu.Unlock()
		s.subs.Remove(sub)
	}()
	return sub, nil
}

// send hands m to Next, or reports that the subscription ended.
func (sub *subscription) send(ctx context.Context, m events.Message) bool {
	select {
	case sub.msgs <- m:
		return true
	case <-ctx.Done():
		return false
	}
}

// follow delivers $all after opts.From until ctx ends or a read fails.
func (s *Store) follow(ctx context.Context, opts events.SubscribeOptions, send func(context.Context, events.Message) bool) error {
	deliver := func(e events.RecordedEvent) bool {
		if !opts.Filter.Matches(e.Stream, e.Type) {
			return true
		}
		return send(ctx, events.Message{Event: &e})
	}
	next, err := s.readAll(ctx, opts.From.Commit+1, deliver)
	if err != nil {
		return err
	}
	if !send(ctx, events.Message{CaughtUp: true}) {
		return ctx.Err()
	}
	cons, err := s.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{eventsAll},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    next,
	})
	if err != nil {
		return translate(ctx, "subscribe", false, err)
	}
	// The consumer lives on one of the stream's replicas: if that node dies,
	// missing two heartbeats makes the client recreate it elsewhere. At the
	// default (5 s) a read model, and every write waiting for it, stalled
	// 10 s after a node was killed.
	it, err := cons.Messages(jetstream.PullHeartbeat(consumerHeartbeat))
	if err != nil {
		return translate(ctx, "subscribe", false, err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return translate(ctx, "subscribe", false, err)
		}
		e, err := s.fromConsumer(m)
		if err != nil {
			return err
		}
		if !deliver(e) {
			return ctx.Err()
		}
	}
}

func (s *Store) fromConsumer(m jetstream.Msg) (events.RecordedEvent, error) {
	md, err := m.Metadata()
	if err != nil {
		return events.RecordedEvent{}, err
	}
	return recorded(stored{subject: m.Subject(), seq: md.Sequence.Stream, time: md.Timestamp.UTC(), header: m.Headers(), body: m.Data()})
}

// Next implements events.Subscription.
func (sub *subscription) Next() (events.Message, error) {
	select {
	case m := <-sub.msgs:
		return m, nil
	case <-sub.ctx.Done():
		return events.Message{}, sub.ctx.Err()
	case <-sub.done:
	}
	select {
	case m := <-sub.msgs: // delivered before the producer stopped
		return m, nil
	default:
	}
	if err := sub.ctx.Err(); err != nil {
		return events.Message{}, err
	}
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.err == nil || errors.Is(sub.err, context.Canceled) {
		return events.Message{}, events.ErrClosed
	}
	return events.Message{}, sub.err
}

// Close implements events.Subscription.
func (sub *subscription) Close() error {
	sub.cancel()
	<-sub.done
	return nil
}
