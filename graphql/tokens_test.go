package graphql_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/core/access"
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
