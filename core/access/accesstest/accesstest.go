// Package accesstest checks that the tokens and sessions an
// access.LogKeeper keeps in an event store are shared by the nodes on it:
// two access.Tokens over one store stand for two palabre nodes. The
// embedded store's tests run it, and so may each replicated engine's.
package accesstest

import (
	"context"
	"errors"
	"iter"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/refdata"
)

// Run runs the scenarios. open returns a store for one subtest; it may be
// fresh or shared with other subtests (each makes tokens of its own).
func Run(t *testing.T, open func(t *testing.T) events.Store) {
	s := suite{open: open}
	t.Run("a token made on one node signs in on another, and its revocation reaches every node within MaxAge", s.revocation)
	t.Run("a token made on one node is revoked at once on another", s.revokeAtOnce)
	t.Run("a session opened on one node is known on another and ends everywhere", s.sessions)
	t.Run("the session cap holds across nodes signing in at once", s.sessionCap)
	t.Run("a token's sign-ins are paced across nodes", s.signInPace)
	t.Run("a node started after many sign-ins reads the last snapshot and what follows, and revocations hold across snapshots", s.snapshots)
}

type suite struct {
	open func(t *testing.T) events.Store
}

// cluster is two nodes' tokens over one event store, as two palabre
// servers on one replicated engine have them, on a clock the test moves.
type cluster struct {
	mu     sync.Mutex
	now    time.Time
	store  events.Store
	limits access.SessionLimits
	a, b   *access.Tokens
}

// maxAge is how long a node trusts what it read of the tokens.
const maxAge = time.Second

func newCluster(t *testing.T, store events.Store, limits access.SessionLimits) *cluster {
	t.Helper()
	c := &cluster{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), store: store, limits: limits}
	c.a, c.b = c.node(t, 0), c.node(t, 0)
	return c
}

// node starts a node on the cluster's store, snapshotting the tokens
// every so many changes (0: the keeper's default).
func (c *cluster) node(t *testing.T, snapshotEvery int) *access.Tokens {
	t.Helper()
	keeper := access.NewLogKeeper(c.store, maxAge)
	if snapshotEvery > 0 {
		keeper.SnapshotEvery = snapshotEvery
	}
	tokens, err := access.NewTokens(context.Background(), keeper, c.clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tokens.LimitSessions(c.limits)
	return tokens
}

func (c *cluster) clock() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// wait moves the clock on.
func (c *cluster) wait(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var ctx = context.Background()

func (s suite) revocation(t *testing.T) {
	c := newCluster(t, s.open(t), access.SessionLimits{})
	tok, secret, err := c.a.Create(ctx, access.NewToken{Role: access.Facilitator, Regions: []string{"gao"}, TTL: 24 * time.Hour, Subject: "aminata"})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(maxAge / 5) // the secret is pasted on a device served by the other node
	if who, err := c.b.Authenticate(ctx, secret); err != nil || who.TokenID != tok.ID || who.Subject != "aminata" {
		t.Fatalf("node B: %+v, %v", who, err)
	}
	if _, err := c.a.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if list, err := c.b.List(ctx); err != nil || !slices.ContainsFunc(list, func(l access.Token) bool { return l.ID == tok.ID }) {
		t.Fatalf("node B lists %v, %v; want %s in it", list, err, tok.ID)
	}

	if _, err := c.b.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.b.Authenticate(ctx, secret); !errors.Is(err, access.ErrRevoked) {
		t.Fatalf("the node that revoked: %v, want ErrRevoked", err)
	}
	c.wait(maxAge)
	if _, err := c.a.Authenticate(ctx, secret); !errors.Is(err, access.ErrRevoked) {
		t.Fatalf("node A %s after the revocation on B: %v, want ErrRevoked", maxAge, err)
	}
	// Revoking on A, which knows it is revoked, keeps B's moment.
	again, err := c.a.Revoke(ctx, tok.ID)
	if err != nil || again.Revoked == nil || !again.Revoked.Equal(c.now.Add(-maxAge)) {
		t.Fatalf("revoked again on A: %+v, %v", again, err)
	}
}

// revokeAtOnce: an admin who made a token by mistake revokes it on the
// node their next request reaches, before that node's knowledge is
// MaxAge old; a change is decided on what every node recorded, never on
// what this one read last.
func (s suite) revokeAtOnce(t *testing.T) {
	c := newCluster(t, s.open(t), access.SessionLimits{})
	if _, err := c.b.List(ctx); err != nil { // B has just read the tokens
		t.Fatal(err)
	}
	tok, secret, err := c.a.Create(ctx, access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour, Subject: "erreur"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.b.Revoke(ctx, tok.ID); err != nil {
		t.Fatalf("revoking on B a token just made on A: %v", err)
	}
	c.wait(maxAge)
	if _, err := c.a.Authenticate(ctx, secret); !errors.Is(err, access.ErrRevoked) {
		t.Fatalf("node A %s after B revoked: %v, want ErrRevoked", maxAge, err)
	}
}

func (s suite) sessions(t *testing.T) {
	c := newCluster(t, s.open(t), access.SessionLimits{})
	_, secret, err := c.a.Create(ctx, access.NewToken{Role: access.Advocacy, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(maxAge / 5)
	session, _, _, err := c.a.OpenSession(ctx, secret, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(maxAge / 5) // the next request goes to the other node
	if who, err := c.b.AuthenticateSession(ctx, session); err != nil || !who.Session {
		t.Fatalf("node B: %+v, %v", who, err)
	}
	if _, err := c.a.AuthenticateSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	if err := c.b.CloseSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	if _, err := c.b.AuthenticateSession(ctx, session); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("closed on B, B: %v", err)
	}
	c.wait(maxAge)
	if _, err := c.a.AuthenticateSession(ctx, session); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("closed on B, A %s later: %v, want ErrUnauthenticated", maxAge, err)
	}
}

// Sign-ins on both nodes at once: each is decided on the token's
// sessions as both nodes recorded them, so the cap holds for the pair.
func (s suite) sessionCap(t *testing.T) {
	const perToken = 4
	c := newCluster(t, s.open(t), access.SessionLimits{PerToken: perToken, TokenBurst: 100, TokenEvery: time.Second})
	_, secret, err := c.a.Create(ctx, access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(maxAge / 5)
	var mu sync.Mutex
	var sessions []string
	var wg sync.WaitGroup
	for _, node := range []*access.Tokens{c.a, c.b, c.a, c.b} {
		wg.Go(func() {
			for range 5 {
				s, _, _, err := node.OpenSession(ctx, secret, netip.Addr{})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				sessions = append(sessions, s)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	c.wait(maxAge)
	for name, node := range map[string]*access.Tokens{"A": c.a, "B": c.b} {
		open := 0
		for _, s := range sessions {
			if _, err := node.AuthenticateSession(ctx, s); err == nil {
				open++
			}
		}
		if open != perToken {
			t.Errorf("node %s: %d of the %d sessions open, want the cap, %d", name, open, len(sessions), perToken)
		}
	}
}

// A token's sign-ins are paced however many nodes they reach: its pace is
// kept with its sessions.
func (s suite) signInPace(t *testing.T) {
	const burst, every = 3, time.Minute
	c := newCluster(t, s.open(t), access.SessionLimits{TokenBurst: burst, TokenEvery: every})
	_, secret, err := c.a.Create(ctx, access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(maxAge / 5)
	for i, node := range []*access.Tokens{c.a, c.b, c.a} {
		if _, _, _, err := node.OpenSession(ctx, secret, netip.Addr{}); err != nil {
			t.Fatalf("sign-in %d of the burst: %v", i, err)
		}
	}
	for name, node := range map[string]*access.Tokens{"A": c.a, "B": c.b} {
		_, _, _, err := node.OpenSession(ctx, secret, netip.Addr{})
		var paced *access.TooManySignIns
		if !errors.As(err, &paced) || paced.ByAddress || paced.RetryAfter != every {
			t.Fatalf("a fourth sign-in at once, on node %s: %v; want paced by the token for %s", name, err, every)
		}
	}
	c.wait(every)
	if _, _, _, err := c.b.OpenSession(ctx, secret, netip.Addr{}); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

// countingStore counts the events of the tokens stream its reads yield.
type countingStore struct {
	events.Store
	read atomic.Int64
}

func (s *countingStore) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	return func(yield func(events.RecordedEvent, error) bool) {
		for rec, err := range s.Store.ReadStream(ctx, stream, opts) {
			if err == nil && stream == access.TokensStream {
				s.read.Add(1)
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// A busy alliance signs in thousands of times a day, each sign-in an
// event: a node starting reads the last snapshot and the changes after
// it, however many came before, and knows every revocation made before,
// between and after snapshots.
func (s suite) snapshots(t *testing.T) {
	const every, signIns, perToken = 16, 120, 10
	store := &countingStore{Store: s.open(t)}
	c := newCluster(t, store, access.SessionLimits{PerToken: perToken, TokenBurst: 1000, TokenEvery: time.Millisecond})
	c.a, c.b = c.node(t, every), c.node(t, every)
	create := func(node *access.Tokens) (access.Token, string) {
		t.Helper()
		tok, secret, err := node.Create(ctx, access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return tok, secret
	}
	revoke := func(node *access.Tokens, id string) {
		if _, err := node.Revoke(ctx, id); err != nil {
			t.Error(err)
		}
	}
	early, earlySecret := create(c.a)
	revoke(c.b, early.ID)
	midway, midwaySecret := create(c.b)
	tok, secret := create(c.a)
	c.wait(maxAge / 5) // the secret is pasted on devices served by both nodes
	sessions := c.signInAtOnce(t, secret, signIns, func() { revoke(c.a, midway.ID) })
	store.read.Store(0)
	late := c.node(t, every)
	// Both nodes snapshot as they go; one may find the other's change
	// appended first and leave the snapshot to the next change, so a node
	// may start after a few more than every changes.
	if n := store.read.Load(); n > 2*every+1 {
		t.Fatalf("a node starting after %d sign-ins read %d events of the tokens stream, want at most %d (a snapshot and the changes after it)", signIns, n, 2*every+1)
	} else {
		t.Logf("a node starting after %d sign-ins read %d events of the tokens stream", signIns, n)
	}
	for name, secret := range map[string]string{"revoked before the snapshots": earlySecret, "revoked between them": midwaySecret} {
		if _, err := late.Authenticate(ctx, secret); !errors.Is(err, access.ErrRevoked) {
			t.Errorf("the late node, a token %s: %v, want ErrRevoked", name, err)
		}
	}
	var open []string
	for _, session := range sessions {
		if _, err := late.AuthenticateSession(ctx, session); err == nil {
			open = append(open, session)
		}
	}
	if len(open) != perToken {
		t.Fatalf("the late node knows %d of the %d sessions open, want the cap, %d", len(open), len(sessions), perToken)
	}
	revoke(late, tok.ID) // after the snapshots
	c.wait(maxAge)
	for name, node := range map[string]*access.Tokens{"A": c.a, "B": c.b} {
		for _, session := range open {
			if _, err := node.AuthenticateSession(ctx, session); !errors.Is(err, access.ErrRevoked) {
				t.Fatalf("node %s %s after the late node revoked the token: %v, want ErrRevoked", name, maxAge, err)
			}
		}
	}
}

// signInAtOnce signs in n times with secret, in rounds of one sign-in on
// each node at the same moment, calling between once halfway; it returns
// the sessions opened. (Two loops signing in as fast as they can would
// test something else: the node that wrote last decides first again, and
// the other may lose every race.)
func (c *cluster) signInAtOnce(t *testing.T, secret string, n int, between func()) []string {
	t.Helper()
	sessions := make([]string, 0, n)
	for round := range n / 2 {
		opened := make([]string, 2)
		var wg sync.WaitGroup
		for i, node := range []*access.Tokens{c.a, c.b} {
			wg.Go(func() {
				var err error
				if opened[i], _, _, err = node.OpenSession(ctx, secret, netip.Addr{}); err != nil {
					t.Errorf("round %d, node %d: %v", round, i+1, err)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		sessions = append(sessions, opened...)
		if round == n/4 {
			between()
		}
	}
	return sessions
}
