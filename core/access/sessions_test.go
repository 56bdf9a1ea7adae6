package access_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain/refdata"
)

func TestASessionLastsUntilClosedExpiredOrItsTokenEnds(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "tokens.json")
	tokens, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := tokens.Create(access.NewToken{Role: access.Facilitator, Regions: []string{"gao"}, TTL: 90 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := tokens.OpenSession(secret + "x"); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("a session for a bad token: %v", err)
	}
	session, expires, who, err := tokens.OpenSession(secret)
	if err != nil || who.TokenID != tok.ID || !expires.Equal(now.Add(access.SessionTTL)) || strings.Contains(session, secret) {
		t.Fatalf("open: %v %v %v", who, expires, err)
	}
	// It survives a restart: only its hash is kept, with the token.
	again, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	if p, err := again.AuthenticateSession(session); err != nil || p.Subject != tok.Subject {
		t.Fatalf("after a restart: %v %v", p, err)
	}
	if _, err := tokens.Authenticate(session); err == nil {
		t.Fatal("a session secret works as a bearer token")
	}
	if _, err := tokens.AuthenticateSession(secret); err == nil {
		t.Fatal("a token works as a session")
	}
	tampered := session[:len(session)-2] + "AA"
	if _, err := tokens.AuthenticateSession(tampered); err == nil {
		t.Fatal("a tampered session works")
	}
	// Signing out ends it, and only it.
	other, _, _, _ := tokens.OpenSession(secret)
	if err := tokens.CloseSession(session); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.AuthenticateSession(session); err == nil {
		t.Fatal("a closed session works")
	}
	if _, err := tokens.AuthenticateSession(other); err != nil {
		t.Fatalf("closing one session closed another: %v", err)
	}
	// It expires.
	now = now.Add(access.SessionTTL)
	if _, err := tokens.AuthenticateSession(other); err == nil {
		t.Fatal("an expired session works")
	}
	// It ends with its token.
	third, _, _, err := tokens.OpenSession(secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Revoke(tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.AuthenticateSession(third); err == nil {
		t.Fatal("a session of a revoked token works")
	}
}

func TestASessionEndsNoLaterThanItsToken(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tokens, err := access.OpenTokens(filepath.Join(t.TempDir(), "tokens.json"), func() time.Time { return now }, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, _ := tokens.Create(access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if _, expires, _, err := tokens.OpenSession(secret); err != nil || !expires.Equal(tok.Expires) {
		t.Fatalf("a one-day token's session expires %v (token %v): %v", expires, tok.Expires, err)
	}
}
