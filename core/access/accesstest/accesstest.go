// Package accesstest checks that the tokens and sessions an
// access.LogKeeper keeps in an event store are shared by the nodes on it:
// two access.Tokens over one store stand for two palabre nodes. The
// embedded store's tests run it, and so may each replicated engine's.
package accesstest

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
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
}

type suite struct {
	open func(t *testing.T) events.Store
}

// cluster is two nodes' tokens over one event store, as two palabre
// servers on one replicated engine have them, on a clock the test moves.
type cluster struct {
	mu    sync.Mutex
	now   time.Time
	store events.Store
	a, b  *access.Tokens
}

// maxAge is how long a node trusts what it read of the tokens.
const maxAge = time.Second

func newCluster(t *testing.T, store events.Store, limits access.SessionLimits) *cluster {
	t.Helper()
	c := &cluster{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), store: store}
	node := func() *access.Tokens {
		tokens, err := access.NewTokens(context.Background(), access.NewLogKeeper(store, maxAge), c.clock, refdata.Default())
		if err != nil {
			t.Fatal(err)
		}
		tokens.LimitSessions(limits)
		return tokens
	}
	c.a, c.b = node(), node()
	return c
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
