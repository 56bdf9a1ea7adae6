package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"time"
)

// A session is what a browser holds instead of a token: the web app
// exchanges the token a person pastes for a session secret kept in an
// HttpOnly cookie, so the token itself never stays in the page. A session
// ends when it expires, when it is closed (signing out), or with its
// token (revoked or expired); only its hash is kept, on the token.
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

// OpenSession exchanges a valid token for a new session: its secret (for
// the cookie, shown once), its expiry, and the token's principal.
func (t *Tokens) OpenSession(presented string) (secret string, expires time.Time, who Principal, err error) {
	who, err = t.Authenticate(presented)
	if err != nil {
		return "", time.Time{}, Principal{}, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, Principal{}, err
	}
	sum := sha256.Sum256(raw)
	now := t.clock()
	t.mu.Lock()
	defer t.mu.Unlock()
	tok := t.byID[who.TokenID]
	expires = now.Add(SessionTTL).Truncate(time.Second)
	if tok.Expires.Before(expires) {
		expires = tok.Expires
	}
	was := tok.Sessions
	tok.Sessions = append(slices.DeleteFunc(slices.Clone(was), func(s Session) bool { return !now.Before(s.Expires) }),
		Session{Hash: hex.EncodeToString(sum[:]), Expires: expires.UTC()})
	if err := t.save(); err != nil {
		tok.Sessions = was
		return "", time.Time{}, Principal{}, err
	}
	return sessionPrefix + who.TokenID + "_" + base64.RawURLEncoding.EncodeToString(raw), expires, who, nil
}

// AuthenticateSession returns the principal of a live session of a live
// token, or ErrUnauthenticated (ErrRevoked for a session of a revoked
// token).
func (t *Tokens) AuthenticateSession(secret string) (Principal, error) {
	id, sum, ok := parse(secret, sessionPrefix)
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	tok, known := t.copyOf(id)
	if !known {
		return Principal{}, ErrUnauthenticated
	}
	now := t.clock()
	for _, s := range tok.Sessions {
		if matches(sum, s.Hash) && now.Before(s.Expires) {
			if err := t.liveness(tok); err != nil {
				return Principal{}, err
			}
			who := tok.principal()
			who.Session = true
			return who, nil
		}
	}
	return Principal{}, ErrUnauthenticated
}

// CloseSession ends a session; closing one that is not open does nothing.
func (t *Tokens) CloseSession(secret string) error {
	id, sum, ok := parse(secret, sessionPrefix)
	if !ok {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tok, known := t.byID[id]
	if !known {
		return nil
	}
	was := tok.Sessions
	tok.Sessions = slices.DeleteFunc(slices.Clone(was), func(s Session) bool { return matches(sum, s.Hash) })
	if len(tok.Sessions) == len(was) {
		return nil
	}
	if err := t.save(); err != nil {
		tok.Sessions = was
		return err
	}
	return nil
}
