package access_test

import (
	"context"
	"errors"
	"iter"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/access/accesstest"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/pebblestore"
)

func openStore(t *testing.T) *pebblestore.Store {
	t.Helper()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func TestNodesOnOneEmbeddedStoreShareTokensAndSessions(t *testing.T) {
	accesstest.Run(t, func(t *testing.T) events.Store { return openStore(t) })
}

// A node that cannot read what the others recorded refuses tokens
// rather than trust what it last read: a revocation may be in what it
// cannot read.
func TestANodeThatCannotReadTheTokensRefusesThem(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	store := openStore(t)
	tokens, err := access.NewTokens(ctx, access.NewLogKeeper(store, time.Second), func() time.Time { return now }, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := tokens.Create(ctx, access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if _, err := tokens.Authenticate(ctx, secret); err == nil || errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("with the store closed: %v, want the store's error", err)
	}
}

// A node moving from a token file to a shared engine keeps its tokens,
// revoked ones revoked, once however often it starts.
func TestTokensOfAFileAreAdoptedOnceByASharedStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file, err := access.OpenTokens(filepath.Join(dir, "tokens.json"), nil, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	_, live, err := file.Create(ctx, access.NewToken{Role: access.Admin, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	gone, revoked, err := file.Create(ctx, access.NewToken{Role: access.Analyst, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.Revoke(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	for _, want := range []int{2, 0} {
		shared, err := access.NewTokens(ctx, access.NewLogKeeper(store, time.Second), nil, refdata.Default())
		if err != nil {
			t.Fatal(err)
		}
		list, err := access.ReadTokenFile(filepath.Join(dir, "tokens.json"))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := shared.Adopt(ctx, list); err != nil || n != want {
			t.Fatalf("adopted %d, %v; want %d", n, err, want)
		}
		if _, err := shared.Authenticate(ctx, live); err != nil {
			t.Fatalf("an adopted token: %v", err)
		}
		if _, err := shared.Authenticate(ctx, revoked); !errors.Is(err, access.ErrRevoked) {
			t.Fatalf("an adopted revoked token: %v, want ErrRevoked", err)
		}
	}
}

// hangingStore never answers a read until its caller gives up, as a
// replica stuck in a read did.
type hangingStore struct {
	events.Store
	hang bool
}

func (s *hangingStore) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	if !s.hang {
		return s.Store.ReadStream(ctx, stream, opts)
	}
	return func(yield func(events.RecordedEvent, error) bool) {
		<-ctx.Done()
		yield(events.RecordedEvent{}, ctx.Err())
	}
}

// A read of the shared tokens that gets no answer ends within the
// keeper's ReadTimeout as unavailable (the API's 503 with Retry-After),
// so a request never waits without end holding the tokens' lock.
func TestATokensReadWithoutAnswerEndsAsUnavailable(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	store := &hangingStore{Store: openStore(t)}
	keeper := access.NewLogKeeper(store, time.Second)
	keeper.ReadTimeout = 200 * time.Millisecond
	tokens, err := access.NewTokens(ctx, keeper, func() time.Time { return now }, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := tokens.Create(ctx, access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	store.hang, now = true, now.Add(time.Second)
	start := time.Now()
	for range 2 { // the second waits on the lock the first held
		if _, err := tokens.Authenticate(ctx, secret); !errors.Is(err, events.ErrUnavailable) {
			t.Fatalf("a read without answer: %v, want unavailable", err)
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("two refusals took %s", took)
	}
}

// truncatingStore drops a stream's events before a revision, as
// KurrentDB's truncate-before does: reads start past them.
type truncatingStore struct {
	events.Store
	mu    sync.Mutex
	floor events.Revision
}

func (s *truncatingStore) TruncateBefore(_ context.Context, stream string, before events.Revision) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if stream == access.TokensStream {
		s.floor = max(s.floor, before)
	}
	return nil
}

func (s *truncatingStore) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	s.mu.Lock()
	floor := s.floor
	s.mu.Unlock()
	if stream != access.TokensStream {
		return s.Store.ReadStream(ctx, stream, opts)
	}
	if opts.Direction == events.Forwards {
		opts.From = max(opts.From, floor)
	}
	return func(yield func(events.RecordedEvent, error) bool) {
		for rec, err := range s.Store.ReadStream(ctx, stream, opts) {
			if err == nil && rec.Revision < floor {
				return
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// Where the engine drops the events before the previous snapshot, a node
// that did not read the tokens for longer than that starts again from the
// last snapshot: it misses no revocation in what was dropped.
func TestANodeBehindWhatTheEngineDroppedReadsFromTheLastSnapshot(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := &truncatingStore{Store: openStore(t)}
	node := func() *access.Tokens {
		keeper := access.NewLogKeeper(store, time.Second)
		keeper.SnapshotEvery = 4
		tokens, err := access.NewTokens(ctx, keeper, clock, refdata.Default())
		if err != nil {
			t.Fatal(err)
		}
		tokens.LimitSessions(access.SessionLimits{TokenBurst: 100, TokenEvery: time.Millisecond})
		return tokens
	}
	busy, behind := node(), node()
	revoked, revokedSecret, err := busy.Create(ctx, access.NewToken{Role: access.Analyst, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := busy.Create(ctx, access.NewToken{Role: access.Analyst, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if _, err := behind.Authenticate(ctx, revokedSecret); err != nil { // read once, then not for a while
		t.Fatal(err)
	}
	if _, err := busy.Revoke(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, _, _, err := busy.OpenSession(ctx, secret, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
	}
	if store.floor == 0 {
		t.Fatal("no event was dropped: the test shows nothing")
	}
	now = now.Add(time.Second)
	if _, err := behind.Authenticate(ctx, revokedSecret); !errors.Is(err, access.ErrRevoked) {
		t.Fatalf("a node behind the dropped events: %v, want ErrRevoked", err)
	}
	if _, err := behind.Authenticate(ctx, secret); err != nil {
		t.Fatalf("a node behind the dropped events, a live token: %v", err)
	}
}
