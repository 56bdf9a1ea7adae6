package access_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain/refdata"
)

// A retried creation (the same command id) is given the same secret
// from memory within the retry window; after it, and after a restart, it
// is told the token exists, and no second token is made.
func TestARetriedCreationGetsItsSecretOnlyWithinTheWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tokens, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	n := access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour, CommandID: "01JCOMMAND0000000000000000"}
	tok, secret, err := tokens.Create(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(access.RetryWindow - time.Second)
	again, secretAgain, err := tokens.Create(context.Background(), n)
	if err != nil || again.ID != tok.ID || secretAgain != secret {
		t.Fatalf("a retry within the window: %s %q, %v; want %s and the same secret", again.ID, secretAgain, err, tok.ID)
	}
	now = now.Add(2 * time.Second)
	late, lateSecret, err := tokens.Create(context.Background(), n)
	if !errors.Is(err, access.ErrTokenExists) || late.ID != tok.ID || lateSecret != "" {
		t.Fatalf("a retry after the window: %s %q, %v; want ErrTokenExists naming %s and no secret", late.ID, lateSecret, err, tok.ID)
	}
	reopened, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(-access.RetryWindow)
	if _, s, err := reopened.Create(context.Background(), n); !errors.Is(err, access.ErrTokenExists) || s != "" {
		t.Fatalf("a retry after a restart: %q, %v; want ErrTokenExists (the secret was only ever in memory)", s, err)
	}
	if len(access.MustList(t, reopened)) != 1 {
		t.Fatalf("%d tokens after retries, want 1", len(access.MustList(t, reopened)))
	}
}

// Two creations of one request under two command ids have two random
// secrets, neither derived from anything a caller knows.
func TestSecretsAreRandom(t *testing.T) {
	tokens, err := access.OpenTokens(filepath.Join(t.TempDir(), "tokens.json"), nil, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	_, a, errA := tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, TTL: time.Hour, CommandID: "01JCOMMAND0000000000000001"})
	_, b, errB := tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, TTL: time.Hour, CommandID: "01JCOMMAND0000000000000002"})
	if errA != nil || errB != nil || a[len(a)-43:] == b[len(b)-43:] {
		t.Fatalf("%q and %q (%v, %v)", a, b, errA, errB)
	}
}
