package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/palabre/palabre/core/pace"
)

// A session is what a browser holds instead of a token: the web app
// exchanges the token a person pastes for a session secret kept in an
// HttpOnly cookie, so the token itself never stays in the page. A session
// ends when it expires, when it is closed (signing out), when its token
// opens too many newer ones, or with its token (revoked or expired); only
// its hash is kept, in the session journal (sessionlog.go).
type Session struct {
	Hash    string    `json:"hash"`
	Expires time.Time `json:"expires"`
}

// sessionPrefix starts every session secret.
const sessionPrefix = "plbs_"

// SessionTTL is how long a session lasts at most (less when its token
// expires sooner): a facilitator back from weeks in the field can still
// send what they logged offline.
const SessionTTL = 30 * 24 * time.Hour

// SessionLimits bound what signing in may cost; zero fields take the
// defaults.
type SessionLimits struct {
	// PerToken is how many sessions a token keeps open; opening one more
	// ends the oldest. Default 10: a person's phone and laptop, and
	// browsers tried, with room to spare.
	PerToken int
	// AddressBurst sign-in attempts from one client address at once, then
	// one per AddressEvery: default 30, then one every 2 s (a field
	// office behind one address signs in together in the morning).
	AddressBurst int
	AddressEvery time.Duration
	// TokenBurst sign-ins with one valid token at once, then one per
	// TokenEvery: default 10, then one a minute. Only attempts with the
	// token's secret count, so that someone who knows a token's id alone
	// cannot keep its holder from signing in.
	TokenBurst int
	TokenEvery time.Duration
}

func (l SessionLimits) withDefaults() SessionLimits {
	if l.PerToken <= 0 {
		l.PerToken = 10
	}
	if l.AddressBurst <= 0 || l.AddressEvery <= 0 {
		l.AddressBurst, l.AddressEvery = 30, 2*time.Second
	}
	if l.TokenBurst <= 0 || l.TokenEvery <= 0 {
		l.TokenBurst, l.TokenEvery = 10, time.Minute
	}
	return l
}

// signIns paces failed sign-in attempts per client address, in this
// node's memory: a wrong token is never recorded, lest an attacker fill
// the keeper. A token's own pace is kept with its sessions (paceSignIn).
type signIns struct {
	limits    SessionLimits
	byAddress *pace.Limiter
}

func newSignIns(l SessionLimits, clock func() time.Time) signIns {
	l = l.withDefaults()
	return signIns{limits: l, byAddress: pace.New(l.AddressBurst, l.AddressEvery, clock)}
}

// paceSignIn decides whether a token may open a session at now, as a
// token bucket of TokenBurst refilled one per TokenEvery would (GCRA: due
// is when every sign-in so far is paid for). It returns the token's due
// after this sign-in, or how long to wait. The due is recorded with the
// session, so that every node paces the token's sign-ins together.
func paceSignIn(due, now time.Time, l SessionLimits) (next time.Time, wait time.Duration, ok bool) {
	next = due
	if next.Before(now) {
		next = now
	}
	next = next.Add(l.TokenEvery)
	if over := next.Sub(now) - time.Duration(l.TokenBurst)*l.TokenEvery; over > 0 {
		return due, over, false
	}
	return next, 0, true
}

// LimitSessions sets the bounds of sessions and sign-ins, from the next
// sign-in on.
func (t *Tokens) LimitSessions(l SessionLimits) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.signIns = newSignIns(l, t.clock)
}

// ErrTooManySignIns: sign-in attempts came faster than allowed; the
// *TooManySignIns that wraps it says for how long.
var ErrTooManySignIns = errors.New("too many sign-in attempts")

// TooManySignIns refuses a sign-in paced out, saying whose attempts
// (ByAddress: the client address's; else the token's) and when to retry.
type TooManySignIns struct {
	ByAddress  bool
	RetryAfter time.Duration
}

func (e *TooManySignIns) Error() string {
	whose := "this token"
	if e.ByAddress {
		whose = "this address"
	}
	return fmt.Sprintf("%s: %s, retry in %s", ErrTooManySignIns, whose, e.RetryAfter)
}

func (e *TooManySignIns) Unwrap() error { return ErrTooManySignIns }

// OpenSession exchanges a valid token, presented from a client address
// (its failed attempts are paced by it: an IPv4 address, an IPv6 /64,
// which one subscriber holds whole; the zero Addr paces by token only), for a new
// session: its secret (for the cookie, shown once), its expiry, and the
// token's principal. Returns ErrUnauthenticated for a token that is not
// valid and a *TooManySignIns (ErrTooManySignIns) for attempts too
// frequent; past SessionLimits.PerToken, the token's oldest session ends.
func (t *Tokens) OpenSession(ctx context.Context, presented string, from netip.Addr) (secret string, expires time.Time, who Principal, err error) {
	t.mu.RLock()
	limits := t.signIns
	t.mu.RUnlock()
	who, err = t.Authenticate(ctx, presented)
	if errors.Is(err, ErrUnauthenticated) {
		// Only failures spend the address's pace: facilitators behind the
		// NAT of someone sending wrong tokens still sign in. A valid token
		// cannot be guessed (256 random bits); it has its own pace.
		if from.IsValid() {
			if wait, ok := limits.byAddress.Take(addressKey(from)); !ok {
				return "", time.Time{}, Principal{}, &TooManySignIns{ByAddress: true, RetryAfter: wait}
			}
		}
	}
	if err != nil {
		return "", time.Time{}, Principal{}, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, Principal{}, err
	}
	sum := sha256.Sum256(raw)
	expires, err = t.addSession(ctx, who.TokenID, hex.EncodeToString(sum[:]), limits.limits)
	if err != nil {
		return "", time.Time{}, Principal{}, err
	}
	return sessionPrefix + who.TokenID + "_" + base64.RawURLEncoding.EncodeToString(raw), expires, who, nil
}

// addressKey is what sign-ins are paced by for an address: itself, or
// for IPv6 its /64, since a subscriber is given a whole /64 to pick from.
func addressKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// addSession keeps a new session of a token, ending its expired ones and
// its oldest past the cap, at the token's pace: decided on the token's
// sessions as every node has recorded them, so that the cap and the pace
// hold across nodes. Returns a *TooManySignIns past the pace.
func (t *Tokens) addSession(ctx context.Context, tokenID, hash string, limits SessionLimits) (time.Time, error) {
	now := t.clock()
	var expires time.Time
	err := t.update(ctx, func(tokens map[string]*Token) (Change, error) {
		tok, ok := tokens[tokenID]
		if !ok {
			return nil, ErrUnauthenticated
		}
		if err := t.liveness(*tok); err != nil {
			return nil, err // revoked on another node meanwhile
		}
		due, wait, ok := paceSignIn(tok.signInsDue, now, limits)
		if !ok {
			return nil, &TooManySignIns{RetryAfter: wait}
		}
		expires = now.Add(SessionTTL).Truncate(time.Second)
		if tok.Expires.Before(expires) {
			expires = tok.Expires
		}
		var ended []string
		var live []Session
		for _, s := range tok.Sessions {
			if now.Before(s.Expires) {
				live = append(live, s)
			} else {
				ended = append(ended, s.Hash)
			}
		}
		for len(live) >= limits.PerToken {
			ended, live = append(ended, live[0].Hash), live[1:]
		}
		return SessionsChanged{Token: tokenID, Opened: Session{Hash: hash, Expires: expires.UTC()}, Ended: ended, Paced: due}, nil
	})
	return expires, err
}

// AuthenticateSession returns the principal of a live session of a live
// token, or ErrUnauthenticated (ErrRevoked for a session of a revoked
// token); another error when what other nodes recorded cannot be read.
func (t *Tokens) AuthenticateSession(ctx context.Context, secret string) (Principal, error) {
	id, sum, ok := parse(secret, sessionPrefix)
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	tok, err := t.lookup(ctx, id, func(tok *Token) bool { return sessionOf(tok, sum) >= 0 })
	if err != nil {
		return Principal{}, err
	}
	if tok == nil {
		return Principal{}, ErrUnauthenticated
	}
	if i := sessionOf(tok, sum); i < 0 || !t.clock().Before(tok.Sessions[i].Expires) {
		return Principal{}, ErrUnauthenticated
	}
	if err := t.liveness(*tok); err != nil {
		return Principal{}, err
	}
	who := tok.principal()
	who.Session = true
	return who, nil
}

// sessionOf is the index of the token's session whose secret hashes to
// sum, or -1.
func sessionOf(tok *Token, sum [32]byte) int {
	return slices.IndexFunc(tok.Sessions, func(s Session) bool { return matches(sum, s.Hash) })
}

// CloseSession ends a session, on every node; closing one that is not
// open does nothing.
func (t *Tokens) CloseSession(ctx context.Context, secret string) error {
	id, sum, ok := parse(secret, sessionPrefix)
	if !ok {
		return nil
	}
	if _, err := t.lookup(ctx, id, func(tok *Token) bool { return sessionOf(tok, sum) >= 0 }); err != nil {
		return err
	}
	return t.update(ctx, func(tokens map[string]*Token) (Change, error) {
		tok, known := tokens[id]
		if !known {
			return nil, nil
		}
		i := sessionOf(tok, sum)
		if i < 0 {
			return nil, nil
		}
		return SessionsChanged{Token: id, Ended: []string{tok.Sessions[i].Hash}}, nil
	})
}
