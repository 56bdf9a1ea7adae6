package access

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"
)

// Keeper keeps tokens and their sessions where every node serving the API
// reads them: files in the data directory on one machine (OpenTokens),
// the event store's own stream on a replicated engine (LogKeeper). Tokens
// holds them in memory and asks the keeper to record each change before
// it counts.
type Keeper interface {
	// Load returns every token kept, with its open sessions.
	Load(ctx context.Context) (map[string]*Token, error)
	// Refresh calls apply with each change other nodes recorded since
	// Load, the last Refresh or this keeper's last Record, in order.
	Refresh(ctx context.Context, apply func(Change)) error
	// Record keeps a change decided on tokens as the keeper last gave
	// them; after is them with the change applied. Returns ErrStale when
	// another node recorded a change first: refresh, and decide again.
	Record(ctx context.Context, c Change, after map[string]*Token) error
	// MaxAge is how long what Refresh gave may be trusted: a revocation
	// on another node counts here after it at the latest. Zero: nothing
	// else writes (one machine), so nothing needs refreshing.
	MaxAge() time.Duration
}

// ErrStale: another node changed the tokens since they were read.
var ErrStale = errors.New("tokens: changed by another node meanwhile")

// Change is one recorded change of the tokens: a sealed set.
type Change interface{ isChange() }

// TokenCreated: a token was made (its secret never kept, its hash only).
type TokenCreated struct{ Token Token }

// TokenRevoked: a token was revoked at a moment.
type TokenRevoked struct {
	ID string
	At time.Time
}

// SessionsChanged: a token's session opened (Opened, when its hash is
// set), and sessions of the token ended (their hashes: signed out, past
// the cap, or expired). Paced is, with an opening, when the token's
// sign-ins so far are all paid for at its pace (paceSignIn).
type SessionsChanged struct {
	Token  string
	Opened Session
	Ended  []string
	Paced  time.Time
}

func (TokenCreated) isChange()    {}
func (TokenRevoked) isChange()    {}
func (SessionsChanged) isChange() {}

// applyChange folds a change into tokens. Tokens are never changed in
// place (a reader may hold one): a changed token is a new copy. It
// reports whether a token, rather than its sessions, changed.
func applyChange(tokens map[string]*Token, c Change) (tokenChanged bool) {
	switch c := c.(type) {
	case tokensReplaced:
		clear(tokens)
		maps.Copy(tokens, c.Tokens)
		return true
	case TokenCreated:
		if _, kept := tokens[c.Token.ID]; kept {
			// The first creation wins: a copy appended again (replayed,
			// or written by whoever can write the engine) would bring a
			// revoked token back.
			return false
		}
		tok := c.Token
		tok.Regions, tok.Sessions = slices.Clone(tok.Regions), nil
		tokens[tok.ID] = &tok
		return true
	case TokenRevoked:
		if old, ok := tokens[c.ID]; ok && old.Revoked == nil {
			tok, at := *old, c.At
			tok.Revoked = &at
			tokens[c.ID] = &tok
			return true
		}
	case SessionsChanged:
		if old, ok := tokens[c.Token]; ok {
			tok := *old
			tok.Sessions = slices.DeleteFunc(slices.Clone(old.Sessions), func(s Session) bool { return slices.Contains(c.Ended, s.Hash) })
			if c.Opened.Hash != "" {
				tok.Sessions = append(tok.Sessions, c.Opened)
			}
			if !c.Paced.IsZero() {
				tok.signInsDue = c.Paced
			}
			tokens[c.Token] = &tok
		}
	}
	return false
}
