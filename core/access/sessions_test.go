package access_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	tok, secret, err := tokens.Create(context.Background(), access.NewToken{Role: access.Facilitator, Regions: []string{"gao"}, TTL: 90 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := tokens.OpenSession(context.Background(), secret+"x", netip.Addr{}); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("a session for a bad token: %v", err)
	}
	session, expires, who, err := tokens.OpenSession(context.Background(), secret, netip.Addr{})
	if err != nil || who.TokenID != tok.ID || !expires.Equal(now.Add(access.SessionTTL)) || strings.Contains(session, secret) {
		t.Fatalf("open: %v %v %v", who, expires, err)
	}
	// It survives a restart: only its hash is kept, with the token.
	again, err := access.OpenTokens(path, clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	if p, err := again.AuthenticateSession(context.Background(), session); err != nil || p.Subject != tok.Subject {
		t.Fatalf("after a restart: %v %v", p, err)
	}
	if _, err := tokens.Authenticate(context.Background(), session); err == nil {
		t.Fatal("a session secret works as a bearer token")
	}
	if _, err := tokens.AuthenticateSession(context.Background(), secret); err == nil {
		t.Fatal("a token works as a session")
	}
	tampered := session[:len(session)-2] + "AA"
	if _, err := tokens.AuthenticateSession(context.Background(), tampered); err == nil {
		t.Fatal("a tampered session works")
	}
	// Signing out ends it, and only it.
	other, _, _, _ := tokens.OpenSession(context.Background(), secret, netip.Addr{})
	if err := tokens.CloseSession(context.Background(), session); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.AuthenticateSession(context.Background(), session); err == nil {
		t.Fatal("a closed session works")
	}
	if _, err := tokens.AuthenticateSession(context.Background(), other); err != nil {
		t.Fatalf("closing one session closed another: %v", err)
	}
	// It expires.
	now = now.Add(access.SessionTTL)
	if _, err := tokens.AuthenticateSession(context.Background(), other); err == nil {
		t.Fatal("an expired session works")
	}
	// It ends with its token.
	third, _, _, err := tokens.OpenSession(context.Background(), secret, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Revoke(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	// It says so, and so does the token, so that a device can wipe itself;
	// a closed, expired or tampered session is not told apart.
	if _, err := tokens.AuthenticateSession(context.Background(), third); !errors.Is(err, access.ErrRevoked) || !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("a session of a revoked token: %v", err)
	}
	if _, err := tokens.Authenticate(context.Background(), secret); !errors.Is(err, access.ErrRevoked) {
		t.Fatalf("a revoked token: %v", err)
	}
	for name, s := range map[string]string{"closed": session, "expired": other, "tampered": third[:len(third)-2] + "AA"} {
		if _, err := tokens.AuthenticateSession(context.Background(), s); errors.Is(err, access.ErrRevoked) {
			t.Errorf("a %s session of a revoked token is told revoked", name)
		}
	}
}

func TestASessionEndsNoLaterThanItsToken(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tokens, err := access.OpenTokens(filepath.Join(t.TempDir(), "tokens.json"), func() time.Time { return now }, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, _ := tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if _, expires, _, err := tokens.OpenSession(context.Background(), secret, netip.Addr{}); err != nil || !expires.Equal(tok.Expires) {
		t.Fatalf("a one-day token's session expires %v (token %v): %v", expires, tok.Expires, err)
	}
}

// signInClock is a token store on a clock the test moves, with one
// facilitator's token.
type signInClock struct {
	now    time.Time
	path   string
	tokens *access.Tokens
	token  access.Token
	secret string
}

func newSignInClock(t *testing.T) *signInClock {
	t.Helper()
	c := &signInClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), path: filepath.Join(t.TempDir(), "tokens.json")}
	c.reopen(t)
	var err error
	c.token, c.secret, err = c.tokens.Create(context.Background(), access.NewToken{Role: access.Facilitator, Regions: []string{"gao"}, TTL: 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *signInClock) reopen(t *testing.T) {
	t.Helper()
	tokens, err := access.OpenTokens(c.path, func() time.Time { return c.now }, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	c.tokens = tokens
}

func TestATokenKeepsTenSessionsAtMostAndTheOldestEnds(t *testing.T) {
	c := newSignInClock(t)
	var sessions []string
	for i := range 14 {
		c.now = c.now.Add(time.Minute) // within the token's pace
		s, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr("10.0.0.1"))
		if err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
		sessions = append(sessions, s)
	}
	check := func(when string) {
		t.Helper()
		for i, s := range sessions {
			_, err := c.tokens.AuthenticateSession(context.Background(), s)
			if open := err == nil; open != (i >= 4) {
				t.Errorf("%s: session %d of 14 open: %v, want only the newest 10", when, i, open)
			}
		}
	}
	check("now")
	c.reopen(t)
	check("after a restart")
}

func TestSignInAttemptsArePacedPerAddressAndPerToken(t *testing.T) {
	c := newSignInClock(t)
	c.tokens.LimitSessions(access.SessionLimits{AddressBurst: 3, AddressEvery: 10 * time.Second, TokenBurst: 5, TokenEvery: time.Minute})
	for i := range 3 {
		if _, _, _, err := c.tokens.OpenSession(context.Background(), "plb_wrong", netip.MustParseAddr("10.0.0.1")); !errors.Is(err, access.ErrUnauthenticated) {
			t.Fatalf("wrong token %d: %v", i, err)
		}
	}
	_, _, _, err := c.tokens.OpenSession(context.Background(), "plb_wrong", netip.MustParseAddr("10.0.0.1"))
	var paced *access.TooManySignIns
	if !errors.As(err, &paced) || !paced.ByAddress || paced.RetryAfter != 10*time.Second {
		t.Fatalf("a fourth wrong token from one address at once: %v, want paced by address for 10 s", err)
	}
	// A valid token still signs in from that address: only failures count
	// against it. Another address is not held back; the token's own pace
	// counts its valid sign-ins from every address.
	if _, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr("10.0.0.1")); err != nil {
		t.Fatalf("a valid token from an address paced out by wrong ones: %v", err)
	}
	for i := range 4 {
		if _, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr(fmt.Sprintf("10.0.1.%d", i))); err != nil {
			t.Fatalf("sign-in %d from a fresh address: %v", i, err)
		}
	}
	_, _, _, err = c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr("10.0.2.1"))
	if !errors.As(err, &paced) || paced.ByAddress || paced.RetryAfter != time.Minute || !errors.Is(err, access.ErrTooManySignIns) {
		t.Fatalf("a sixth sign-in with one token at once: %v, want paced by token for a minute", err)
	}
	// Wrong secrets for the token's id do not spend its pace.
	c.now = c.now.Add(time.Minute)
	for i := range 3 {
		c.tokens.OpenSession(context.Background(), "plb_"+c.token.ID+"_"+strings.Repeat("A", 43), netip.MustParseAddr(fmt.Sprintf("10.0.3.%d", i)))
	}
	if _, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr("10.0.4.1")); err != nil {
		t.Fatalf("a minute later, after wrong secrets for its id: %v", err)
	}
	c.now = c.now.Add(10 * time.Second)
	if _, _, _, err := c.tokens.OpenSession(context.Background(), "plb_wrong", netip.MustParseAddr("10.0.0.1")); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("the first address 10 s later: %v", err)
	}
	// An IPv6 subscriber picks addresses from a whole /64: paced as one.
	for i := range 3 {
		c.tokens.OpenSession(context.Background(), "plb_wrong", netip.MustParseAddr(fmt.Sprintf("2001:db8:1:2::%x", i+1)))
	}
	if _, _, _, err := c.tokens.OpenSession(context.Background(), "plb_wrong", netip.MustParseAddr("2001:db8:1:2:ffff::9")); !errors.As(err, &paced) || !paced.ByAddress {
		t.Fatalf("a fourth address of one IPv6 /64: %v, want paced", err)
	}
	if _, _, _, err := c.tokens.OpenSession(context.Background(), "plb_wrong", netip.MustParseAddr("2001:db8:1:3::1")); !errors.Is(err, access.ErrUnauthenticated) {
		t.Fatalf("another /64: %v, want not paced", err)
	}
}

func TestASignInAppendsALineAndLeavesTheTokenFileAlone(t *testing.T) {
	c := newSignInClock(t)
	before, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	stat, _ := os.Stat(c.path)
	journal := filepath.Join(filepath.Dir(c.path), "sessions.jsonl")
	session, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr("10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(c.path)
	now, _ := os.Stat(c.path)
	if string(after) != string(before) || !now.ModTime().Equal(stat.ModTime()) {
		t.Error("signing in wrote tokens.json again")
	}
	line, err := os.ReadFile(journal)
	if err != nil || len(line) > 200 || strings.Count(string(line), "\n") != 1 {
		t.Errorf("the journal after one sign-in: %d bytes %q (%v), want one line", len(line), line, err)
	}
	if info, _ := os.Stat(journal); info != nil && info.Mode().Perm() != 0o600 {
		t.Errorf("the journal is %v, want owner-only", info.Mode().Perm())
	}
	if err := c.tokens.CloseSession(context.Background(), session); err != nil {
		t.Fatal(err)
	}
	if lines, _ := os.ReadFile(journal); strings.Count(string(lines), "\n") != 2 {
		t.Errorf("signing out: %q, want a second line", lines)
	}
	if after, _ := os.ReadFile(c.path); string(after) != string(before) {
		t.Error("signing out wrote tokens.json again")
	}
}

// The attack: 3,000 sign-ins with one token in 9 s grew
// tokens.json to 430 KB, rewritten and synced each time. Now the burst is
// paced, and even spread over a month (one a minute from ever-new
// addresses) the token keeps 10 sessions and the files stay small.
func TestThreeThousandSignInsWithOneTokenAreBounded(t *testing.T) {
	c := newSignInClock(t)
	opened := 0
	for i := range 3000 {
		c.now = c.now.Add(3 * time.Millisecond)
		if _, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr("10.0.0.1")); err == nil {
			opened++
		} else if !errors.Is(err, access.ErrTooManySignIns) {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	if opened > 15 {
		t.Errorf("%d of 3,000 sign-ins in 9 s opened a session, want the burst only", opened)
	}
	for i := range 3000 {
		c.now = c.now.Add(time.Minute)
		if _, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr(fmt.Sprintf("10.%d.%d.1", i/256, i%256))); err != nil {
			t.Fatalf("sign-in %d a minute apart: %v", i, err)
		}
	}
	c.reopen(t)
	open := 0
	for _, s := range access.MustList(t, c.tokens)[0].Sessions {
		if c.now.Before(s.Expires) {
			open++
		}
	}
	if open != 10 {
		t.Errorf("%d sessions open after 3,000 sign-ins, want 10", open)
	}
	for name, most := range map[string]int64{"tokens.json": 1 << 10, "sessions.jsonl": 160 << 10} {
		info, err := os.Stat(filepath.Join(filepath.Dir(c.path), name))
		if err != nil || info.Size() > most {
			t.Errorf("%s: %v bytes (%v), want at most %d", name, info.Size(), err, most)
		}
	}
}

func TestSessionsAnOlderVersionKeptInTheTokenFileMoveToTheJournal(t *testing.T) {
	c := newSignInClock(t)
	raw := make([]byte, 32)
	raw[0] = 7
	sum := sha256.Sum256(raw)
	var file []map[string]any
	b, _ := os.ReadFile(c.path)
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	file[0]["sessions"] = []map[string]any{{"hash": hex.EncodeToString(sum[:]), "expires": c.now.Add(time.Hour)}}
	b, _ = json.Marshal(file)
	if err := os.WriteFile(c.path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	c.reopen(t)
	session := "plbs_" + c.token.ID + "_" + base64.RawURLEncoding.EncodeToString(raw)
	if _, err := c.tokens.AuthenticateSession(context.Background(), session); err != nil {
		t.Fatalf("a session kept in tokens.json: %v", err)
	}
	if b, _ := os.ReadFile(c.path); strings.Contains(string(b), "sessions") {
		t.Errorf("tokens.json still holds sessions: %s", b)
	}
	c.reopen(t)
	if _, err := c.tokens.AuthenticateSession(context.Background(), session); err != nil {
		t.Fatalf("after the move and a restart: %v", err)
	}
}

func TestSignInsAtOnceKeepTheCapAndTheJournalWhole(t *testing.T) {
	c := newSignInClock(t)
	c.tokens.LimitSessions(access.SessionLimits{TokenBurst: 1000, TokenEvery: time.Second})
	var wg sync.WaitGroup
	opened := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 8 {
				if s, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", g, i))); err == nil {
					opened <- s
				} else {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	close(opened)
	live := func() (n int) {
		for _, s := range access.MustList(t, c.tokens)[0].Sessions {
			if c.now.Before(s.Expires) {
				n++
			}
		}
		return n
	}
	var all []string
	for s := range opened {
		all = append(all, s)
	}
	if len(all) != 64 || live() != 10 {
		t.Fatalf("%d sign-ins, %d sessions open, want 64 and 10", len(all), live())
	}
	open := map[string]bool{}
	for _, s := range all {
		_, err := c.tokens.AuthenticateSession(context.Background(), s)
		open[s] = err == nil
	}
	c.reopen(t)
	for _, s := range all {
		if _, err := c.tokens.AuthenticateSession(context.Background(), s); (err == nil) != open[s] {
			t.Errorf("after a restart, a session's state changed: open before %v, error now %v", open[s], err)
		}
	}
}

func TestALineTornByACrashDoesNotHideTheSessionsOpenedAfterIt(t *testing.T) {
	c := newSignInClock(t)
	first, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(filepath.Dir(c.path), "sessions.jsonl")
	f, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"token":"` + c.token.ID + `","open":"ab`) // the crash
	f.Close()
	c.reopen(t)
	second, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	c.reopen(t)
	for name, s := range map[string]string{"before the crash": first, "after it": second} {
		if _, err := c.tokens.AuthenticateSession(context.Background(), s); err != nil {
			t.Errorf("the session opened %s: %v", name, err)
		}
	}
}

func TestTheSessionsOfARevokedTokenOutliveTheJournalsCompaction(t *testing.T) {
	c := newSignInClock(t)
	c.tokens.LimitSessions(access.SessionLimits{TokenBurst: 1000, TokenEvery: time.Second})
	if _, _, _, err := c.tokens.OpenSession(context.Background(), c.secret, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.tokens.Revoke(context.Background(), c.token.ID); err != nil {
		t.Fatal(err)
	}
	_, other, err := c.tokens.Create(context.Background(), access.NewToken{Role: access.Analyst, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(filepath.Dir(c.path), "sessions.jsonl")
	for range 400 { // enough ended sessions for the journal to be compacted
		if _, _, _, err := c.tokens.OpenSession(context.Background(), other, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(journal); strings.Count(string(b), "\n") > 300 {
		t.Fatalf("the journal was not compacted: %d lines", strings.Count(string(b), "\n"))
	}
	c.reopen(t)
	for _, tok := range access.MustList(t, c.tokens) {
		if tok.ID == c.token.ID && len(tok.Sessions) != 1 {
			t.Errorf("the revoked token's sessions after compaction: %v, want its one session kept until it expires", tok.Sessions)
		}
	}
}
