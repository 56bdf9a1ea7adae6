package jetstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/palabre/palabre/events"
)

var _ events.Store = (*Store)(nil)

// EventsStream is the JetStream stream that holds palabre's events.
const EventsStream = "PALABRE_EVENTS"

// Options tune a Store. The zero value is one replica.
type Options struct {
	// Replicas is how many nodes hold each event: 1 on one node, 3 in a
	// cluster of three (a write is acknowledged once two hold it).
	Replicas int
}

// Store is an events.Store over a JetStream stream: a subject per palabre
// stream, the stream sequence as the position in $all.
type Store struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	name   string

	tails tails

	gate events.Gate
	subs events.Subscriptions[*subscription]
}

// Open makes sure the events stream exists with the given replicas and
// returns a store on it. It waits, within ctx, for a cluster still
// electing its leaders. The store does not own nc: close it after the
// store.
func Open(ctx context.Context, nc *nats.Conn, opts Options) (*Store, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	cfg := jetstream.StreamConfig{
		Name:               EventsStream,
		Subjects:           []string{eventsAll},
		Storage:            jetstream.FileStorage,
		Replicas:           max(opts.Replicas, 1),
		Retention:          jetstream.LimitsPolicy,
		Discard:            jetstream.DiscardNew,
		Duplicates:         2 * time.Minute,
		AllowDirect:        true,
		AllowAtomicPublish: true,
		DenyDelete:         true,
		DenyPurge:          true,
	}
	stream, err := ensureStream(ctx, js, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{nc: nc, js: js, stream: stream, name: EventsStream}
	// The stream exists; wait until its leader answers, and a replica
	// answers direct gets, so that a store opened on a starting cluster
	// serves its first calls. A node that has just joined hears "no
	// responders" to direct gets until the replicas' interest reaches it.
	for {
		_, _, err := s.leaderGet(ctx, getRequest{LastFor: eventsAll})
		if err == nil {
			_, err = s.getBatch(ctx, getRequest{Seq: 1, Batch: 1})
		}
		if err == nil {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open stream %s: no leader, or no replica answering: %w", EventsStream, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ensureStream looks the stream up, and creates it when it does not exist
// yet, retrying while the cluster has no leader (the first seconds after
// its nodes start). An existing stream is used as it is, not updated: an
// update goes through the cluster's meta leader, which a node restarting
// under load waited on for longer than a start may take.
func ensureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	for {
		callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		stream, err := js.Stream(callCtx, cfg.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			stream, err = js.CreateStream(callCtx, cfg)
		}
		cancel()
		if err == nil {
			return stream, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open stream %s: %w (last: %w)", cfg.Name, ctx.Err(), err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Close ends every subscription and waits for calls in progress. It does
// not close the connection, which the caller owns.
func (s *Store) Close() error {
	if !s.gate.Close() {
		return nil
	}
	s.subs.CloseAll()
	s.gate.Wait()
	return nil
}

// unreachable wraps a failure to reach the cluster (no leader, no
// responders, a timeout) as ErrUnavailable: the caller may retry, appends
// being idempotent by event id.
func unreachable(op string, written bool, err error) error {
	return &events.UnavailableError{Reason: events.ReasonUnreachable, Written: written, RetryAfter: 2 * time.Second, Cause: fmt.Errorf("%s: %w", op, err)}
}

// translate maps a request's failure to the kernel's errors.
func translate(ctx context.Context, op string, written bool, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	switch {
	case errors.Is(err, nats.ErrNoResponders), errors.Is(err, nats.ErrTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrConnectionReconnecting), errors.Is(err, nats.ErrDisconnected):
		return unreachable(op, written, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
