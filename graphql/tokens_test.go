package graphql_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/graphql"
)

// A token made through the API has a random secret: the old derivation
// (an HMAC of the command id under a key derived from the master key's
// secret) gives nothing that signs in, and a retry after the window is
// told, in French or English, that the token exists.
func TestATokensSecretCannotBeRecomputedFromItsCommandID(t *testing.T) {
	secret := []byte("the server's secret, from master.key")
	now := today
	e := newEnvWith(t, envOptions{secret: secret, tokenClock: func() time.Time { return now }})
	create := `mutation($c: ID!) { createToken(commandId: $c, role: ANALYST) { secret token { id } } }`
	c := newID()
	made := e.must(e.admin, create, map[string]any{"c": c})
	id := get(made, "createToken", "token", "id").(string)
	key := hmac.New(sha256.New, secret)
	key.Write([]byte("palabre tokens"))
	m := hmac.New(sha256.New, key.Sum(nil))
	cmd := ulid.MustParse(c)
	m.Write(cmd[:])
	recomputed := "plb_" + id + "_" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	if r := e.do(recomputed, `{ me { role } }`, nil); r.code() != "UNAUTHENTICATED" {
		t.Fatalf("the secret recomputed from the command id signs in: %s", r.raw)
	}
	if recomputed == get(made, "createToken", "secret") {
		t.Fatal("the secret is the HMAC of its command id")
	}
	now = now.Add(access.RetryWindow + time.Second)
	for lang, words := range map[string]string{"fr": "existe déjà", "en": "already exists"} {
		body, _ := json.Marshal(map[string]any{"query": create, "variables": map[string]any{"c": c}})
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.admin)
		req.Header.Set("Accept-Language", lang)
		r := e.send(req)
		if r.code() != "CONFLICT" || !strings.Contains(r.raw, words) || !strings.Contains(r.raw, id) || strings.Contains(r.raw, `"secret":"plb_`) {
			t.Errorf("a retry after the window, in %s: %s", lang, r.raw)
		}
	}
}

// A token made through the API by a build before random secrets has a
// secret anyone holding master.key recomputes from its command id (the
// HMAC above). RevokeRecomputable with the old derivation, as serve runs
// it at start, finds and revokes it, and leaves the others alone.
func TestTokensWithARecomputableSecretAreRevoked(t *testing.T) {
	secret := []byte("the server's secret, from master.key")
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	tokens, err := access.OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	old, _, err := tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, Subject: "made by an older build", TTL: 24 * time.Hour, CommandID: newID()})
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, err := tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, Subject: "random", TTL: 24 * time.Hour, CommandID: newID()})
	if err != nil {
		t.Fatal(err)
	}
	// The token file as an older build wrote it: the hash of the secret
	// derived from the command id.
	recomputed := graphql.LegacyTokenSecret(secret)
	derived, ok := recomputed(old.CommandID)
	key := hmac.New(sha256.New, secret)
	key.Write([]byte("palabre tokens"))
	m := hmac.New(sha256.New, key.Sum(nil))
	cmd := ulid.MustParse(old.CommandID)
	m.Write(cmd[:])
	if !ok || !hmac.Equal(derived, m.Sum(nil)) {
		t.Fatal("LegacyTokenSecret is not the old derivation")
	}
	sum := sha256.Sum256(derived)
	file, _ := os.ReadFile(path)
	file = bytes.Replace(file, []byte(old.Hash), []byte(hex.EncodeToString(sum[:])), 1)
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	if tokens, err = access.OpenTokens(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	presented := "plb_" + old.ID + "_" + base64.RawURLEncoding.EncodeToString(derived)
	if _, err := tokens.Authenticate(context.Background(), presented); err != nil {
		t.Fatalf("the old token before: %v", err)
	}
	revoked, err := tokens.RevokeRecomputable(context.Background(), recomputed)
	if err != nil || len(revoked) != 1 || revoked[0].ID != old.ID || revoked[0].Subject != old.Subject {
		t.Fatalf("revoked %v (%v), want the old token alone", revoked, err)
	}
	if _, err := tokens.Authenticate(context.Background(), presented); err == nil {
		t.Error("the recomputable token still signs in")
	}
	for _, tok := range mustList(t, tokens) {
		if tok.ID == fresh.ID && tok.Revoked != nil {
			t.Error("a token with a random secret was revoked")
		}
	}
	if again, _ := tokens.RevokeRecomputable(context.Background(), recomputed); len(again) != 0 {
		t.Errorf("revoked again at the next start: %v", again)
	}
}

// mustList is every token, or the test's end.
func mustList(t testing.TB, tokens *access.Tokens) []access.Token {
	t.Helper()
	list, err := tokens.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// unreachable is the env's store, whose reads fail as a replicated
// engine's do while its leader changes, once down is set.
type unreachable struct {
	events.Store
	down atomic.Bool
}

func (u *unreachable) ReadStream(ctx context.Context, stream string, opts events.ReadStreamOptions) iter.Seq2[events.RecordedEvent, error] {
	if u.down.Load() {
		return func(yield func(events.RecordedEvent, error) bool) {
			yield(events.RecordedEvent{}, &events.UnavailableError{Reason: events.ReasonUnreachable, RetryAfter: 5 * time.Second})
		}
	}
	return u.Store.ReadStream(ctx, stream, opts)
}

// A node that cannot read what the other nodes recorded of the tokens
// answers UNAVAILABLE, to be tried again, rather than trust what it last
// read (a revocation may be in what it cannot read) or say the token is
// not valid (the web app would ask its user to sign in again).
func TestANodeThatCannotReadTheSharedTokensAnswersUnavailable(t *testing.T) {
	var store *unreachable
	var mu sync.Mutex
	now := today
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnvWith(t, envOptions{tokenClock: clock, sharedTokens: func(s events.Store) events.Store {
		store = &unreachable{Store: s}
		return store
	}})
	const query = `{ tokens { id } }`
	if r := e.do(e.admin, query, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("with the tokens readable: %d %s", r.Status, r.raw)
	}
	store.down.Store(true)
	mu.Lock()
	now = now.Add(time.Second) // what the node read is a second old
	mu.Unlock()
	if r := e.do(e.admin, query, nil); r.Status != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" {
		t.Fatalf("with the tokens unreadable: %d %s, want 503 UNAVAILABLE", r.Status, r.raw)
	}
}
