package access_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/refdata"
)

// A revocation is final on every node: a TokenCreated appended again to
// the shared stream for a token it holds (its first event replayed, or
// copied in by whoever can write the engine) does not bring a revoked
// token back, on the node that revoked it or on a node starting afresh.
func TestATokenCreatedAgainDoesNotUndoItsRevocation(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := openStore(t)
	node, err := access.NewTokens(ctx, access.NewLogKeeper(store, time.Second), clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := node.Create(ctx, access.NewToken{Role: access.Admin, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := node.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	var created events.EventData
	for rec, err := range store.ReadStream(ctx, access.TokensStream, events.ReadStreamOptions{Max: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		created = events.EventData{Type: rec.Type, Data: rec.Data}
	}
	if _, err := rand.Read(created.ID[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, access.TokensStream, events.Any{}, created); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second) // past what the node trusts of its last read
	fresh, err := access.NewTokens(ctx, access.NewLogKeeper(store, time.Second), clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	for name, tokens := range map[string]*access.Tokens{"the node that revoked it": node, "a node starting afresh": fresh} {
		if who, err := tokens.Authenticate(ctx, secret); err == nil {
			t.Errorf("%s: the revoked token signs in again as %+v", name, who)
		}
	}
}
