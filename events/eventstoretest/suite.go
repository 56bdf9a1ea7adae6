// Package eventstoretest is the conformance suite every events.Store
// implementation passes. It lives in a regular file so that the embedded
// store's tests and the KurrentDB integration tests run the same checks.
package eventstoretest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
)

// Features describe behaviour that legitimately differs between stores.
type Features struct {
	// ContiguousPositions: consecutive events of $all have consecutive
	// commit positions (the embedded store; not KurrentDB).
	ContiguousPositions bool
	// SharedAll: $all may hold events other tests wrote (a long-lived
	// server), so checks on $all look only at this test's streams.
	SharedAll bool
}

// Run runs the suite. open returns a store for one subtest; it may be
// fresh or shared, and the suite closes nothing it did not open.
func Run(t *testing.T, open func(t *testing.T) events.Store, features Features) {
	s := suite{open: open, features: features}
	t.Run("expected revisions", s.expectedRevisions)
	t.Run("concurrent appends at the same revision: exactly one wins", s.concurrentAppends)
	t.Run("reading streams", s.readingStreams)
	t.Run("events round-trip with their metadata", s.roundTrip)
	t.Run("$all is strictly increasing", s.allIsOrdered)
	t.Run("subscriptions", s.subscriptions)
	t.Run("idempotent retries", s.idempotentRetries)
	t.Run("a cancelled context stops every call", s.cancelledContext)
	t.Run("malformed appends are rejected", s.malformedAppends)
}

type suite struct {
	open     func(t *testing.T) events.Store
	features Features
}

// category returns a stream category no other test uses, so tests can
// share a store.
func category() string {
	return "t" + strings.ToLower(ulid.Make().String()) + "-"
}

// NewEvent returns an event of the given type with a fresh id, numbered
// JSON data, and palabre's envelope as its metadata, numbered too (its
// time of recording is i seconds into 2026, its command hash i).
func NewEvent(eventType string, i int) events.EventData {
	id := ulid.MustNew(ulid.Now(), rand.Reader)
	md, err := events.Metadata{
		CommandID: id, CorrelationID: id, CausationID: id, RecordedBy: "eventstoretest",
		RecordedAt: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), CommandHash: fmt.Sprintf("%064x", i), SchemaVersion: 1,
	}.Marshal()
	if err != nil {
		panic(err) // a whole envelope always encodes
	}
	return events.EventData{
		ID:       events.ID(id),
		Type:     eventType,
		Data:     fmt.Appendf(nil, `{"n":%d,"text":"événement %d"}`, i, i),
		Metadata: md,
	}
}

// NewEvents returns n events made by NewEvent.
func NewEvents(eventType string, n int) []events.EventData {
	out := make([]events.EventData, n)
	for i := range out {
		out[i] = NewEvent(eventType, i)
	}
	return out
}

func mustAppend(t *testing.T, s events.Store, stream string, expected events.ExpectedRevision, evs ...events.EventData) events.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), stream, expected, evs...)
	if err != nil {
		t.Fatalf("append %d events to %s expecting %s: %v", len(evs), stream, expected, err)
	}
	return res
}

func readStream(t *testing.T, s events.Store, stream string, opts events.ReadStreamOptions) ([]events.RecordedEvent, error) {
	t.Helper()
	var out []events.RecordedEvent
	for e, err := range s.ReadStream(context.Background(), stream, opts) {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

func mustReadStream(t *testing.T, s events.Store, stream string, opts events.ReadStreamOptions) []events.RecordedEvent {
	t.Helper()
	out, err := readStream(t, s, stream, opts)
	if err != nil {
		t.Fatalf("read %s: %v", stream, err)
	}
	return out
}

func revisions(evs []events.RecordedEvent) []events.Revision {
	out := make([]events.Revision, len(evs))
	for i, e := range evs {
		out[i] = e.Revision
	}
	return out
}

func wantWrongRevision(t *testing.T, err error, expected, actual events.ExpectedRevision) {
	t.Helper()
	var wrong *events.WrongExpectedRevisionError
	if !errors.As(err, &wrong) || !errors.Is(err, events.ErrWrongExpectedRevision) {
		t.Fatalf("got error %v, want a *WrongExpectedRevisionError", err)
	}
	if wrong.Expected != expected || wrong.Actual != actual {
		t.Fatalf("got expected %s actual %s, want expected %s actual %s", wrong.Expected, wrong.Actual, expected, actual)
	}
}

func (s suite) expectedRevisions(t *testing.T) {
	store := s.open(t)
	c := category()
	fresh := func() string { return c + ulid.Make().String() }

	t.Run("any appends to a new and to an existing stream", func(t *testing.T) {
		stream := fresh()
		mustAppend(t, store, stream, events.Any{}, NewEvent("A", 0))
		res := mustAppend(t, store, stream, events.Any{}, NewEvent("A", 1))
		if res.NextExpected != 1 {
			t.Fatalf("got next expected %d, want 1", res.NextExpected)
		}
	})
	t.Run("no stream appends to a new stream and fails once it exists", func(t *testing.T) {
		stream := fresh()
		res := mustAppend(t, store, stream, events.NoStream{}, NewEvent("A", 0), NewEvent("A", 1))
		if res.NextExpected != 1 {
			t.Fatalf("got next expected %d, want 1", res.NextExpected)
		}
		_, err := store.Append(context.Background(), stream, events.NoStream{}, NewEvent("A", 2))
		wantWrongRevision(t, err, events.NoStream{}, events.Exact(1))
	})
	t.Run("stream exists fails on a new stream and appends to an existing one", func(t *testing.T) {
		stream := fresh()
		_, err := store.Append(context.Background(), stream, events.StreamExists{}, NewEvent("A", 0))
		wantWrongRevision(t, err, events.StreamExists{}, events.NoStream{})
		mustAppend(t, store, stream, events.NoStream{}, NewEvent("A", 0))
		res := mustAppend(t, store, stream, events.StreamExists{}, NewEvent("A", 1))
		if res.NextExpected != 1 {
			t.Fatalf("got next expected %d, want 1", res.NextExpected)
		}
	})
	t.Run("exact appends only at the stream's last revision", func(t *testing.T) {
		stream := fresh()
		_, err := store.Append(context.Background(), stream, events.Exact(0), NewEvent("A", 0))
		wantWrongRevision(t, err, events.Exact(0), events.NoStream{})
		mustAppend(t, store, stream, events.NoStream{}, NewEvents("A", 3)...)
		_, err = store.Append(context.Background(), stream, events.Exact(1), NewEvent("A", 3))
		wantWrongRevision(t, err, events.Exact(1), events.Exact(2))
		_, err = store.Append(context.Background(), stream, events.Exact(7), NewEvent("A", 3))
		wantWrongRevision(t, err, events.Exact(7), events.Exact(2))
		res := mustAppend(t, store, stream, events.Exact(2), NewEvent("A", 3))
		if res.NextExpected != 3 {
			t.Fatalf("got next expected %d, want 3", res.NextExpected)
		}
		if got := revisions(mustReadStream(t, store, stream, events.ReadStreamOptions{})); fmt.Sprint(got) != "[0 1 2 3]" {
			t.Fatalf("got revisions %v, want [0 1 2 3]", got)
		}
	})
}

func (s suite) concurrentAppends(t *testing.T) {
	store := s.open(t)
	stream := category() + ulid.Make().String()
	mustAppend(t, store, stream, events.NoStream{}, NewEvents("A", 2)...)
	const writers = 16
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = store.Append(context.Background(), stream, events.Exact(1), NewEvent("B", i), NewEvent("B", i))
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, events.ErrWrongExpectedRevision):
			wantWrongRevision(t, err, events.Exact(1), events.Exact(3))
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d concurrent appends at the same revision won, want exactly 1", wins, writers)
	}
	if got := len(mustReadStream(t, store, stream, events.ReadStreamOptions{})); got != 4 {
		t.Fatalf("stream holds %d events, want 4", got)
	}
}

func (s suite) readingStreams(t *testing.T) {
	store := s.open(t)
	c := category()
	stream := c + ulid.Make().String()
	mustAppend(t, store, stream, events.NoStream{}, NewEvents("A", 3)...)
	mustAppend(t, store, stream, events.Exact(2), NewEvents("B", 4)...)
	// Another stream in between must not show up.
	mustAppend(t, store, c+ulid.Make().String(), events.NoStream{}, NewEvent("C", 0))

	cases := []struct {
		name string
		opts events.ReadStreamOptions
		want string
	}{
		{"forwards from the start", events.ReadStreamOptions{}, "[0 1 2 3 4 5 6]"},
		{"forwards from a revision", events.ReadStreamOptions{From: 4}, "[4 5 6]"},
		{"forwards with a maximum", events.ReadStreamOptions{From: 1, Max: 2}, "[1 2]"},
		{"forwards past the end", events.ReadStreamOptions{From: 7}, "[]"},
		{"backwards from the end", events.ReadStreamOptions{Direction: events.Backwards, From: events.EndOfStream}, "[6 5 4 3 2 1 0]"},
		{"the last event", events.ReadStreamOptions{Direction: events.Backwards, From: events.EndOfStream, Max: 1}, "[6]"},
		{"backwards from a revision", events.ReadStreamOptions{Direction: events.Backwards, From: 2}, "[2 1 0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(revisions(mustReadStream(t, store, stream, tc.opts))); got != tc.want {
				t.Fatalf("got revisions %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("a missing stream is not found, in both directions", func(t *testing.T) {
		for _, opts := range []events.ReadStreamOptions{{}, {Direction: events.Backwards, From: events.EndOfStream}} {
			got, err := readStream(t, store, c+ulid.Make().String(), opts)
			if !errors.Is(err, events.ErrStreamNotFound) || len(got) != 0 {
				t.Fatalf("got %d events and error %v, want ErrStreamNotFound", len(got), err)
			}
		}
	})
	t.Run("breaking out of a read stops it", func(t *testing.T) {
		n := 0
		for _, err := range store.ReadStream(context.Background(), stream, events.ReadStreamOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 2 {
				break
			}
		}
		if n != 2 {
			t.Fatalf("read %d events, want 2", n)
		}
	})
}

func (s suite) roundTrip(t *testing.T) {
	store := s.open(t)
	stream := category() + ulid.Make().String()
	sent := []events.EventData{
		NewEvent("ParticipantEnrolled", 0),
		{ID: NewEvent("X", 0).ID, Type: "Empty"},
		{ID: NewEvent("X", 0).ID, Type: "Nested", Data: []byte(`{"a":[1,2,{"b":null}],"s":"Tombouctou – Ségou"}`), Metadata: []byte(`{"correlationId":"x","recordedBy":"tok"}`)},
	}
	before := time.Now().Add(-time.Minute)
	res := mustAppend(t, store, stream, events.NoStream{}, sent...)
	after := time.Now().Add(time.Minute)
	got := mustReadStream(t, store, stream, events.ReadStreamOptions{})
	if len(got) != len(sent) {
		t.Fatalf("read %d events, want %d", len(got), len(sent))
	}
	for i, e := range got {
		w := sent[i]
		if e.ID != w.ID || e.Type != w.Type || string(e.Data) != string(w.Data) || string(e.Metadata) != string(w.Metadata) {
			t.Errorf("event %d: got %s %s %s %s, want %s %s %s %s", i, e.ID, e.Type, e.Data, e.Metadata, w.ID, w.Type, w.Data, w.Metadata)
		}
		if e.Stream != stream || e.Revision != events.Revision(i) {
			t.Errorf("event %d: got %s@%d, want %s@%d", i, e.Stream, e.Revision, stream, i)
		}
		if e.RecordedAt.Before(before) || e.RecordedAt.After(after) {
			t.Errorf("event %d: recorded at %s, not around now", i, e.RecordedAt)
		}
	}
	if last := got[len(got)-1]; last.Position != res.Position {
		t.Errorf("last event at position %s, append reported %s", last.Position, res.Position)
	}
	t.Run("reading $all gives the same events", func(t *testing.T) {
		var fromAll []events.RecordedEvent
		for e, err := range store.ReadAll(context.Background(), got[0].Position, 0) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Stream == stream {
				fromAll = append(fromAll, e)
			}
			if len(fromAll) == len(got) {
				break
			}
		}
		if fmt.Sprint(fromAll) != fmt.Sprint(got) {
			t.Fatalf("$all gave\n%v\nthe stream gave\n%v", fromAll, got)
		}
	})
}

func (s suite) allIsOrdered(t *testing.T) {
	store := s.open(t)
	c := category()
	streams := []string{c + "a", c + "b", c + "c"}
	var wg sync.WaitGroup
	for _, stream := range streams {
		wg.Go(func() {
			expected := events.ExpectedRevision(events.NoStream{})
			for range 10 {
				res, err := store.Append(context.Background(), stream, expected, NewEvents("A", 3)...)
				if err != nil {
					t.Error(err)
					return
				}
				expected = events.Exact(res.NextExpected)
			}
		})
	}
	wg.Wait()
	var mine []events.RecordedEvent
	var prev events.Position
	first := true
	for e, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if !first && !prev.Less(e.Position) {
			t.Fatalf("position %s follows %s", e.Position, prev)
		}
		if !first && s.features.ContiguousPositions && !s.features.SharedAll && e.Position.Commit != prev.Commit+1 {
			t.Fatalf("position %s follows %s: not contiguous", e.Position, prev)
		}
		prev, first = e.Position, false
		if strings.HasPrefix(e.Stream, c) {
			mine = append(mine, e)
		}
	}
	if len(mine) != 90 {
		t.Fatalf("$all holds %d of this test's events, want 90", len(mine))
	}
	next := map[string]events.Revision{}
	for _, e := range mine {
		if e.Revision != next[e.Stream] {
			t.Fatalf("%s: revision %d in $all after %d", e.Stream, e.Revision, next[e.Stream])
		}
		next[e.Stream]++
	}
	t.Run("reading from a position includes it and honours the maximum", func(t *testing.T) {
		var got []events.RecordedEvent
		for e, err := range store.ReadAll(context.Background(), mine[10].Position, 3) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, e)
		}
		if len(got) != 3 || got[0].ID != mine[10].ID {
			t.Fatalf("got %d events starting %v, want 3 starting with %s", len(got), got, mine[10].ID)
		}
	})
}

// subscriber collects what a subscription delivers.
type subscriber struct {
	t   *testing.T
	sub events.Subscription
}

func (s suite) subscribe(t *testing.T, store events.Store, opts events.SubscribeOptions) *subscriber {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	sub, err := store.SubscribeAll(ctx, opts)
	if err != nil {
		cancel()
		t.Fatalf("subscribe: %v", err)
	}
	t.Cleanup(func() { sub.Close(); cancel() })
	return &subscriber{t: t, sub: sub}
}

// until reads events of streams with prefix until n have arrived, and says
// whether CaughtUp came first.
func (r *subscriber) until(prefix string, n int) (got []events.RecordedEvent, caughtUpAfter int) {
	r.t.Helper()
	caughtUpAfter = -1
	for len(got) < n {
		m, err := r.sub.Next()
		if err != nil {
			r.t.Fatalf("after %d events: %v", len(got), err)
		}
		switch {
		case m.CaughtUp:
			if caughtUpAfter >= 0 {
				r.t.Fatalf("caught up twice")
			}
			caughtUpAfter = len(got)
		case strings.HasPrefix(m.Event.Stream, prefix):
			got = append(got, *m.Event)
		}
	}
	return got, caughtUpAfter
}

func ids(evs []events.RecordedEvent) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.ID.String()[:8] + " ")
	}
	return b.String()
}

func dataIDs(evs []events.EventData) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.ID.String()[:8] + " ")
	}
	return b.String()
}

func (s suite) subscriptions(t *testing.T) {
	store := s.open(t)
	s.subscriptionsDeliver(t, store)
	s.subscriptionsEnd(t, store, category())
	t.Run("many subscribers each receive every event in order", func(t *testing.T) { s.manySubscribers(t, store) })
}

// subscriptionsDeliver: what a subscription delivers, from where, through
// which filter.
func (s suite) subscriptionsDeliver(t *testing.T, store events.Store) {
	c := category()
	a, b := c+"a", c+"b"
	history := NewEvents("Old", 5)
	first := mustAppend(t, store, a, events.NoStream{}, history[:1]...)
	mustAppend(t, store, a, events.Exact(0), history[1:]...)
	filter := events.StreamPrefixFilter(c)

	t.Run("catch up, say so, then follow live appends", func(t *testing.T) {
		r := s.subscribe(t, store, events.SubscribeOptions{From: events.Start, Filter: filter})
		got, caughtUp := r.until(c, 5)
		if ids(got) != dataIDs(history) {
			t.Fatalf("caught up with %s, want %s", ids(got), dataIDs(history))
		}
		if caughtUp >= 0 {
			t.Fatalf("caught up after %d events, before the history ended", caughtUp)
		}
		m, err := r.sub.Next()
		if err != nil || !m.CaughtUp {
			t.Fatalf("got %+v, %v after the history, want CaughtUp", m, err)
		}
		live := NewEvents("New", 3)
		mustAppend(t, store, b, events.NoStream{}, live...)
		got, _ = r.until(c, 3)
		if ids(got) != dataIDs(live) {
			t.Fatalf("live: got %s, want %s", ids(got), dataIDs(live))
		}
	})
	t.Run("the start position is exclusive", func(t *testing.T) {
		r := s.subscribe(t, store, events.SubscribeOptions{From: first.Position, Filter: filter})
		got, _ := r.until(c, 4)
		if ids(got) != dataIDs(history[1:]) {
			t.Fatalf("got %s, want %s", ids(got), dataIDs(history[1:]))
		}
	})
	t.Run("a stream-name filter selects by prefix", func(t *testing.T) {
		r := s.subscribe(t, store, events.SubscribeOptions{Filter: events.StreamPrefixFilter(b)})
		got, _ := r.until(c, 3)
		for _, e := range got {
			if e.Stream != b {
				t.Fatalf("got an event of %s through a filter on %s", e.Stream, b)
			}
		}
	})
	t.Run("an event-type filter selects by prefix", func(t *testing.T) {
		typ := "T" + strings.ToLower(ulid.Make().String())
		want := []events.EventData{NewEvent(typ+"Made", 0), NewEvent(typ+"Kept", 1)}
		mustAppend(t, store, c+"typed", events.NoStream{}, NewEvent("Other", 0), want[0], NewEvent("Other", 1), want[1])
		r := s.subscribe(t, store, events.SubscribeOptions{Filter: events.EventTypePrefixFilter(typ)})
		got, _ := r.until(c, 2)
		if ids(got) != dataIDs(want) {
			t.Fatalf("got %s, want %s", ids(got), dataIDs(want))
		}
	})
}

// subscriptionsEnd: a waiting subscription ends when its context is
// cancelled or it is closed.
func (s suite) subscriptionsEnd(t *testing.T, store events.Store, c string) {
	t.Run("cancelling the context ends a waiting subscription", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		sub, err := store.SubscribeAll(ctx, events.SubscribeOptions{Filter: events.StreamPrefixFilter(c + "nothing")})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if m, err := sub.Next(); err != nil || !m.CaughtUp {
			t.Fatalf("got %+v, %v, want CaughtUp", m, err)
		}
		done := make(chan error, 1)
		go func() { _, err := sub.Next(); done <- err }()
		time.Sleep(20 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Next still blocked 10s after its context was cancelled")
		}
	})
	t.Run("closing a subscription ends it", func(t *testing.T) {
		sub, err := store.SubscribeAll(context.Background(), events.SubscribeOptions{Filter: events.StreamPrefixFilter(c + "nothing")})
		if err != nil {
			t.Fatal(err)
		}
		if m, err := sub.Next(); err != nil || !m.CaughtUp {
			t.Fatalf("got %+v, %v, want CaughtUp", m, err)
		}
		done := make(chan error, 1)
		go func() { _, err := sub.Next(); done <- err }()
		time.Sleep(20 * time.Millisecond)
		sub.Close()
		select {
		case err := <-done:
			if !errors.Is(err, events.ErrClosed) {
				t.Fatalf("got %v, want ErrClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Next still blocked 10s after Close")
		}
	})
}

func (s suite) manySubscribers(t *testing.T, store events.Store) {
	cc := category()
	const subscribers, writers, appends = 8, 4, 10
	rs := make([]*subscriber, subscribers)
	for i := range rs {
		rs[i] = s.subscribe(t, store, events.SubscribeOptions{Filter: events.StreamPrefixFilter(cc)})
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("%s%d", cc, w)
			var expected events.ExpectedRevision = events.NoStream{}
			for range appends {
				res, err := store.Append(context.Background(), stream, expected, NewEvents("A", 2)...)
				if err != nil {
					t.Error(err)
					return
				}
				expected = events.Exact(res.NextExpected)
			}
		})
	}
	results := make([][]events.RecordedEvent, subscribers)
	for i, r := range rs {
		wg.Go(func() { results[i], _ = r.until(cc, writers*appends*2) })
	}
	wg.Wait()
	for i := 1; i < subscribers; i++ {
		if ids(results[i]) != ids(results[0]) {
			t.Fatalf("subscriber %d saw a different sequence from subscriber 0", i)
		}
	}
	for i := 1; i < len(results[0]); i++ {
		if !results[0][i-1].Position.Less(results[0][i].Position) {
			t.Fatalf("delivered out of order at %d", i)
		}
	}
}

func (s suite) idempotentRetries(t *testing.T) {
	store := s.open(t)
	c := category()
	t.Run("repeating an append at no stream succeeds without writing", func(t *testing.T) {
		stream := c + ulid.Make().String()
		evs := NewEvents("A", 3)
		first := mustAppend(t, store, stream, events.NoStream{}, evs...)
		again := mustAppend(t, store, stream, events.NoStream{}, evs...)
		if again != first {
			t.Fatalf("retry gave %+v, the first append %+v", again, first)
		}
		if n := len(mustReadStream(t, store, stream, events.ReadStreamOptions{})); n != 3 {
			t.Fatalf("stream holds %d events after a retry, want 3", n)
		}
	})
	t.Run("repeating an append at an exact revision succeeds without writing, even after later appends", func(t *testing.T) {
		stream := c + ulid.Make().String()
		mustAppend(t, store, stream, events.NoStream{}, NewEvent("A", 0))
		evs := NewEvents("B", 2)
		first := mustAppend(t, store, stream, events.Exact(0), evs...)
		mustAppend(t, store, stream, events.Exact(2), NewEvent("C", 0))
		again := mustAppend(t, store, stream, events.Exact(0), evs...)
		if again != first {
			t.Fatalf("retry gave %+v, the first append %+v", again, first)
		}
		if n := len(mustReadStream(t, store, stream, events.ReadStreamOptions{})); n != 4 {
			t.Fatalf("stream holds %d events after a retry, want 4", n)
		}
	})
	t.Run("a partial match is a wrong expected revision", func(t *testing.T) {
		stream := c + ulid.Make().String()
		evs := NewEvents("A", 2)
		mustAppend(t, store, stream, events.NoStream{}, evs...)
		_, err := store.Append(context.Background(), stream, events.NoStream{}, evs[0], NewEvent("A", 9))
		wantWrongRevision(t, err, events.NoStream{}, events.Exact(1))
		_, err = store.Append(context.Background(), stream, events.NoStream{}, append(evs, NewEvent("A", 9))...)
		wantWrongRevision(t, err, events.NoStream{}, events.Exact(1))
	})
	t.Run("concurrent retries of one append write it once", func(t *testing.T) {
		stream := c + ulid.Make().String()
		evs := NewEvents("A", 2)
		var wg sync.WaitGroup
		results := make([]events.AppendResult, 8)
		for i := range results {
			wg.Go(func() {
				var err error
				if results[i], err = store.Append(context.Background(), stream, events.NoStream{}, evs...); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for _, r := range results[1:] {
			if r != results[0] {
				t.Fatalf("retries disagree: %+v and %+v", r, results[0])
			}
		}
		if n := len(mustReadStream(t, store, stream, events.ReadStreamOptions{})); n != 2 {
			t.Fatalf("stream holds %d events, want 2", n)
		}
	})
}

func (s suite) cancelledContext(t *testing.T) {
	store := s.open(t)
	stream := category() + ulid.Make().String()
	mustAppend(t, store, stream, events.NoStream{}, NewEvent("A", 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := store.Append(ctx, stream, events.Exact(0), NewEvent("A", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("append: got %v, want context.Canceled", err)
	}
	for _, err := range store.ReadStream(ctx, stream, events.ReadStreamOptions{}) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("read stream: got %v, want context.Canceled", err)
		}
		break
	}
	for _, err := range store.ReadAll(ctx, events.Start, 0) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("read all: got %v, want context.Canceled", err)
		}
		break
	}
	if _, err := store.SubscribeAll(ctx, events.SubscribeOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("subscribe: got %v, want context.Canceled", err)
	}
	if got := mustReadStream(t, store, stream, events.ReadStreamOptions{}); len(got) != 1 {
		t.Errorf("a cancelled append wrote: stream holds %d events, want 1", len(got))
	}
}

func (s suite) malformedAppends(t *testing.T) {
	store := s.open(t)
	ok := category() + ulid.Make().String()
	valid := NewEvent("A", 0)
	cases := []struct {
		name   string
		stream string
		events []events.EventData
	}{
		{"no events", ok, nil},
		{"an empty stream name", "", []events.EventData{valid}},
		{"a system stream name", "$all", []events.EventData{valid}},
		{"a control character in the stream name", "space-\x00x", []events.EventData{valid}},
		{"an over-long stream name", strings.Repeat("s", events.MaxStreamNameLength+1), []events.EventData{valid}},
		{"a zero event id", ok, []events.EventData{{Type: "A"}}},
		{"an empty event type", ok, []events.EventData{{ID: valid.ID}}},
		{"a system event type", ok, []events.EventData{{ID: valid.ID, Type: "$metadata"}}},
		{"data that is not JSON", ok, []events.EventData{{ID: valid.ID, Type: "A", Data: []byte("{nope")}}},
		{"metadata that is not JSON", ok, []events.EventData{{ID: valid.ID, Type: "A", Metadata: []byte("nope")}}},
		{"one id twice", ok, []events.EventData{valid, valid}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.Append(context.Background(), tc.stream, events.Any{}, tc.events...)
			if !errors.Is(err, events.ErrInvalidAppend) {
				t.Fatalf("got %v, want ErrInvalidAppend", err)
			}
		})
	}
	if _, err := readStream(t, store, ok, events.ReadStreamOptions{}); !errors.Is(err, events.ErrStreamNotFound) {
		t.Fatalf("after only malformed appends, reading the stream gave %v, want ErrStreamNotFound", err)
	}
	if _, err := store.Append(context.Background(), ok, nil, valid); !errors.Is(err, events.ErrInvalidAppend) {
		t.Fatalf("a nil expected revision gave %v, want ErrInvalidAppend", err)
	}
}
