package access

import (
	"context"
	"net/netip"
	"testing"
	"time"
)

// Were valid sign-ins and wrong guesses to spend one pace per address,
// anyone sharing an address with facilitators (a mobile operator's
// carrier-grade NAT, an office's NAT, every client behind a proxy not
// named in --trusted-proxies) would keep them from signing in by sending
// a wrong token every second or so. A valid token cannot be guessed; it
// is paced by its own bucket.
func TestWrongGuessesFromASharedAddressDoNotLockOutAValidToken(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tokens, err := OpenTokens(t.TempDir()+"/tokens.json", func() time.Time { return now }, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := tokens.Create(context.Background(), NewToken{Subject: "awa", Role: Advocacy, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	shared := netip.MustParseAddr("41.73.100.7") // one CGNAT address, thousands of subscribers
	for i := range 60 {
		now = now.Add(time.Second)
		if _, _, _, err := tokens.OpenSession(context.Background(), "plb_01M8XMAT0TJXNBV6WE7MSXPDJ1_not-a-secret", shared); err == nil {
			t.Fatalf("guess %d signed in", i)
		}
	}
	if _, _, _, err := tokens.OpenSession(context.Background(), secret, shared); err != nil {
		t.Fatalf("a valid token, after a minute of wrong guesses from the same address: %v", err)
	}
}
