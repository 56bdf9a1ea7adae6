package access_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
)

func TestTokensAuthenticateUntilExpiredOrRevoked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tokens, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := tokens.Create(context.Background(), access.NewToken{Role: access.Facilitator, Regions: []string{"gao"}, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	p, err := tokens.Authenticate(context.Background(), secret)
	if err != nil || p.Role != access.Facilitator || p.Regions[0] != "gao" || p.TokenID != tok.ID || p.Subject == "" {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	file, _ := os.ReadFile(path)
	if strings.Contains(string(file), secret[len(secret)-43:]) {
		t.Fatal("the token file holds the secret")
	}

	// A fresh read of the file knows the token: it survives a restart.
	again, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Authenticate(context.Background(), secret); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	// Another last character (the old test appended "A", which one token
	// in 64 already ended with).
	other := "A"
	if strings.HasSuffix(secret, "A") {
		other = "B"
	}
	for _, bad := range []string{"", "plb_", secret[:len(secret)-1] + other, "plb_" + tok.ID + "_", strings.Replace(secret, tok.ID, strings.Repeat("0", 26), 1), "Bearer " + secret} {
		if _, err := tokens.Authenticate(context.Background(), bad); !errors.Is(err, access.ErrUnauthenticated) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthenticated", bad, err)
		}
	}

	now = now.Add(24 * time.Hour)
	if _, err := tokens.Authenticate(context.Background(), secret); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("an expired token authenticated: %v", err)
	}
	now = now.Add(-time.Hour)
	if _, err := tokens.Revoke(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Authenticate(context.Background(), secret); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("a revoked token authenticated: %v", err)
	}
	if _, err := tokens.Revoke(context.Background(), "nope"); !errors.Is(err, access.ErrNoToken) {
		t.Fatalf("revoking an unknown token: %v", err)
	}
	if list := access.MustList(t, tokens); len(list) != 1 || list[0].Revoked == nil || list[0].Hash == "" {
		t.Fatalf("List = %+v", list)
	}
}

func TestNewTokensAreChecked(t *testing.T) {
	tokens, err := access.OpenTokens(filepath.Join(t.TempDir(), "tokens.json"), nil, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n    access.NewToken
		want string
	}{
		{access.NewToken{Role: "root", TTL: time.Hour}, "role"},
		{access.NewToken{Role: access.Facilitator, TTL: time.Hour}, "region"},
		{access.NewToken{Role: access.Analyst, Regions: []string{"gao"}, TTL: time.Hour}, "region"},
		{access.NewToken{Role: access.Analyst}, "expires"},
		{access.NewToken{Role: access.Analyst, TTL: time.Hour, Subject: "ana\x1b]0;pwned\x07"}, "subject"},
		{access.NewToken{Role: access.Analyst, TTL: time.Hour, Subject: "ana\u202etxt.exe"}, "subject"},
	} {
		if _, _, err := tokens.Create(context.Background(), tc.n); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Create(%+v) = %v, want an error naming %s", tc.n, err, tc.want)
		}
	}
}

func TestRolesSeeWhatDesignSays(t *testing.T) {
	fac := access.Principal{Role: access.Facilitator, Regions: []string{"gao"}}
	analyst := access.Principal{Role: access.Analyst}
	admin := access.Principal{Role: access.Admin}
	switch {
	case !fac.MaySeeIdentitiesIn("gao"), fac.MaySeeIdentitiesIn("mopti"), fac.InRegion("mopti"):
		t.Error("a facilitator of gao")
	case analyst.MaySeeIdentitiesIn("gao"), analyst.SeesSmallCounts(), analyst.Can(access.ReadRecords):
		t.Error("an analyst")
	case (access.Principal{Role: access.Advocacy}).MaySeeIdentitiesIn("gao"):
		t.Error("an advocacy lead")
	case !admin.MaySeeIdentitiesIn("mopti"), !admin.Can(access.Administer):
		t.Error("an admin")
	}
}

// Run with -race (make test does): Authenticate once read Revoked outside
// the lock Revoke writes it under.
func TestARevocationRacingAuthenticationsIsSeenWhole(t *testing.T) {
	tokens, err := access.OpenTokens(filepath.Join(t.TempDir(), "tokens.json"), nil, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				tokens.Authenticate(context.Background(), secret)
			}
		})
	}
	wg.Go(func() { tokens.Revoke(context.Background(), tok.ID) })
	wg.Wait()
	if _, err := tokens.Authenticate(context.Background(), secret); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("after the revocation: %v", err)
	}
}

// A new token names its regions as reads and writes do, by code, name or
// label, and keeps their codes; an unknown one, or one named twice under
// two names, is a problem of the region field said in French too.
func TestANewTokensRegionsAreTakenByNameAndKeptAsCodes(t *testing.T) {
	known := refdata.Default()
	n := access.NewToken{Role: access.Facilitator, Regions: []string{"Gao", " MOPTI "}, TTL: time.Hour}
	if err := n.Check(known); err != nil {
		t.Fatalf("Gao and MOPTI: %v", err)
	}
	if got := n.InCodes(known).Regions; !slices.Equal(got, []string{"gao", "mopti"}) {
		t.Errorf("InCodes = %q, want gao and mopti", got)
	}
	n.Regions = []string{"Atlantide", "gao", "Gao"}
	var problems *domain.Problems
	if err := n.Check(known); !errors.As(err, &problems) || len(*problems) != 2 {
		t.Fatalf("Atlantide, gao, Gao: %v, want two problems", err)
	}
	for i, want := range []string{`"Atlantide" n’est pas une région de ce déploiement`, `"Gao" est nommée deux fois`} {
		if got := (*problems)[i].In("fr"); (*problems)[i].Field != "region" || got != want {
			t.Errorf("problem %d: %s %q, want region %q", i, (*problems)[i].Field, got, want)
		}
	}
}
