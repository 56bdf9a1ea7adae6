package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/durable"
)

// Token is what is kept of a token: never the secret.
type Token struct {
	ID      string     `json:"id"`
	Subject string     `json:"subject"`
	Role    Role       `json:"role"`
	Regions []string   `json:"regions,omitempty"`
	Created time.Time  `json:"created"`
	Expires time.Time  `json:"expires"`
	Revoked *time.Time `json:"revoked,omitempty"`
	// Hash is the hex SHA-256 of the secret part.
	Hash string `json:"hash"`
	// CommandID made the token through the API: a retry with it returns
	// this token instead of a second one.
	CommandID string `json:"commandId,omitempty"`
	// Sessions are the browser sessions opened with it (sessions.go): they
	// end with it. They are kept in the session journal (sessionlog.go),
	// not in the token file.
	Sessions []Session `json:"-"`
}

// Errors of the token store.
var (
	ErrUnauthenticated = errors.New("no valid token")
	// ErrRevoked: the token presented, or the session's token, was
	// revoked. It is an ErrUnauthenticated, told apart only to whoever
	// holds the secret, so that a device can wipe what it keeps.
	ErrRevoked = fmt.Errorf("%w: revoked", ErrUnauthenticated)
	ErrNoToken = errors.New("no such token")
	// ErrCommandIDReused: a token was made with this command id for
	// another request.
	ErrCommandIDReused = errors.New("command id already used for another token")
	// ErrTokenExists: a retried creation came after RetryWindow (or a
	// restart): its secret is no longer known to anyone but whoever
	// received it; revoke the token and make another.
	ErrTokenExists = errors.New("the token was made and its secret shown; revoke it and make another")
)

// RetryWindow is how long a retried creation (the same command id) is
// given its secret again, from memory: long enough for a lost answer on a
// slow network, short enough that the secret does not linger. Nothing
// but the secret's hash is ever written.
const RetryWindow = 5 * time.Minute

// tokenPrefix starts every token, so that a leaked one is recognisable
// (secret scanners, logs).
const tokenPrefix = "plb_"

// Tokens keeps tokens in a JSON file, rewritten atomically on every change.
// One process at a time uses a data directory (its lock), so the file is
// read once.
type Tokens struct {
	path    string
	clock   func() time.Time
	regions Regions
	// creating serialises Create, so that one command id makes one token;
	// it guards shown.
	creating sync.Mutex
	// shown are the secrets of tokens made through the API in the last
	// RetryWindow, by command id, for retries; in memory only.
	shown map[string]shownSecret
	mu    sync.RWMutex
	byID  map[string]*Token
	// version counts the changes saved, for caches of what depends on
	// tokens (the API's answers to tokens).
	version atomic.Uint64
	// journal keeps the sessions, signIns paces opening them.
	journal *sessionJournal
	signIns signIns
}

// Version changes with every token saved (not with sessions, which no
// answer shows: signing in leaves the API's kept answers alone).
func (t *Tokens) Version() uint64 { return t.version.Load() }

// Regions are the regions a facilitator's token may name: the
// deployment's reference data.
type Regions interface{ HasRegion(code string) bool }

// OpenTokens reads the token file at path, or starts empty. New tokens'
// regions are checked against regions.
func OpenTokens(path string, clock func() time.Time, regions Regions) (*Tokens, error) {
	if clock == nil {
		clock = time.Now
	}
	t := &Tokens{path: path, clock: clock, regions: regions, byID: map[string]*Token{}, shown: map[string]shownSecret{}, signIns: newSignIns(SessionLimits{}, clock)}
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	if len(b) > 0 {
		var list []*Token
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("tokens: %s is damaged: %w", path, err)
		}
		for _, tok := range list {
			t.byID[tok.ID] = tok
		}
	}
	if err := t.openJournal(b); err != nil {
		return nil, err
	}
	return t, nil
}

// NewToken describes a token to create.
type NewToken struct {
	Subject string
	Role    Role
	Regions []string
	TTL     time.Duration
	// CommandID, when set, makes Create idempotent: a retry within
	// RetryWindow returns the token first made and its secret.
	CommandID string
}

// shownSecret is a secret shown to a creation, kept for its retries.
type shownSecret struct {
	secret string
	at     time.Time
}

// Check names every problem of a new token; its regions must be known.
func (n NewToken) Check(known Regions) error {
	var problems []string
	if !slices.Contains(Roles, n.Role) {
		problems = append(problems, fmt.Sprintf("role: must be one of facilitator, advocacy, analyst, admin, not %q", n.Role))
	}
	if n.Role == Facilitator && len(n.Regions) == 0 {
		problems = append(problems, "region: a facilitator needs at least one region")
	}
	for i, r := range n.Regions {
		switch {
		case !known.HasRegion(r):
			problems = append(problems, fmt.Sprintf("region: %q is not a region of the reference data (codes are lower case, e.g. gao)", r))
		case slices.Contains(n.Regions[:i], r):
			problems = append(problems, fmt.Sprintf("region: %q is named twice", r))
		}
	}
	if n.Role != Facilitator && len(n.Regions) > 0 {
		problems = append(problems, "region: only facilitators are scoped to regions")
	}
	if n.TTL <= 0 || n.TTL > 5*366*24*time.Hour {
		problems = append(problems, "expires: must be between a minute and five years")
	}
	if len(n.Subject) > 100 {
		problems = append(problems, "subject: at most 100 characters")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// Create makes a token and returns it with its secret, random and shown
// once. A creation retried with its command id within RetryWindow is
// given the token first made and the same secret; after it, the token
// and ErrTokenExists. The same command id for another request is
// ErrCommandIDReused.
func (t *Tokens) Create(n NewToken) (Token, string, error) {
	if err := n.Check(t.regions); err != nil {
		return Token{}, "", err
	}
	t.creating.Lock()
	defer t.creating.Unlock()
	now := t.clock().UTC()
	for id, s := range t.shown {
		if now.Sub(s.at) >= RetryWindow {
			delete(t.shown, id)
		}
	}
	if n.CommandID != "" {
		if tok, ok := t.byCommand(n.CommandID); ok {
			return t.retried(tok, n)
		}
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Token{}, "", err
	}
	id := ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()
	if n.Subject == "" {
		n.Subject = string(n.Role) + "-" + strings.ToLower(id[len(id)-6:])
	}
	sum := sha256.Sum256(secret)
	tok := &Token{ID: id, Subject: n.Subject, Role: n.Role, Regions: slices.Clone(n.Regions), Created: now,
		Expires: now.Add(n.TTL).Truncate(time.Second), Hash: hex.EncodeToString(sum[:]), CommandID: n.CommandID}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byID[id] = tok
	if err := t.save(); err != nil {
		delete(t.byID, id)
		return Token{}, "", err
	}
	presented := tokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(secret)
	if n.CommandID != "" {
		t.shown[n.CommandID] = shownSecret{presented, now}
	}
	return *tok, presented, nil
}

// retried answers a creation whose command id made tok; t.creating is
// held.
func (t *Tokens) retried(tok Token, n NewToken) (Token, string, error) {
	if tok.Role != n.Role || !slices.Equal(tok.Regions, n.Regions) || (n.Subject != "" && tok.Subject != n.Subject) {
		return Token{}, "", ErrCommandIDReused
	}
	if s, ok := t.shown[n.CommandID]; ok {
		return tok, s.secret, nil
	}
	return tok, "", ErrTokenExists
}

func (t *Tokens) byCommand(id string) (Token, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, tok := range t.byID {
		if tok.CommandID == id {
			return *tok, true
		}
	}
	return Token{}, false
}

// Authenticate returns the principal of a presented token, or
// ErrUnauthenticated for anything but a known, unexpired, unrevoked one
// (ErrRevoked for a revoked one).
func (t *Tokens) Authenticate(presented string) (Principal, error) {
	id, sum, ok := parse(presented, tokenPrefix)
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	tok, known := t.copyOf(id)
	if !known || !matches(sum, tok.Hash) {
		return Principal{}, ErrUnauthenticated
	}
	if err := t.liveness(tok); err != nil {
		return Principal{}, err
	}
	return tok.principal(), nil
}

// copyOf is a copy of a token read under the lock: Revoke and sessions
// change the token in place.
func (t *Tokens) copyOf(id string) (Token, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	stored, known := t.byID[id]
	if !known {
		return Token{}, false
	}
	tok := *stored
	tok.Sessions = slices.Clone(stored.Sessions)
	return tok, true
}

// matches compares a secret's hash with a stored hex one in constant time.
func matches(sum [32]byte, stored string) bool {
	want, _ := hex.DecodeString(stored)
	return subtle.ConstantTimeCompare(sum[:], want) == 1
}

// live: neither revoked nor expired.
func (t *Tokens) live(tok Token) bool { return t.liveness(tok) == nil }

// liveness is nil for a live token, ErrRevoked for a revoked one, else
// ErrUnauthenticated.
func (t *Tokens) liveness(tok Token) error {
	switch {
	case tok.Revoked != nil:
		return ErrRevoked
	case !t.clock().Before(tok.Expires):
		return ErrUnauthenticated
	}
	return nil
}

func (tok Token) principal() Principal {
	return Principal{TokenID: tok.ID, Subject: tok.Subject, Role: tok.Role, Regions: slices.Clone(tok.Regions)}
}

// parse splits a presented secret "PREFIXid_secret" into the token's id
// and the secret's hash.
func parse(presented, prefix string) (id string, sum [32]byte, ok bool) {
	rest, ok1 := strings.CutPrefix(presented, prefix)
	id, encoded, ok2 := strings.Cut(rest, "_")
	if !ok1 || !ok2 {
		return "", sum, false
	}
	secret, err := base64.RawURLEncoding.Strict().DecodeString(encoded) // one spelling per secret
	if err != nil || len(secret) != 32 {
		return "", sum, false
	}
	return id, sha256.Sum256(secret), true
}

// List returns every token, oldest first.
func (t *Tokens) List() []Token {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]Token, 0, len(t.byID))
	for _, tok := range t.byID {
		out = append(out, *tok)
	}
	slices.SortFunc(out, func(a, b Token) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Revoke revokes a token from the next request on; revoking twice keeps
// the first moment.
func (t *Tokens) Revoke(id string) (Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tok, ok := t.byID[id]
	if !ok {
		return Token{}, fmt.Errorf("%w: %q", ErrNoToken, id)
	}
	if tok.Revoked == nil {
		now := t.clock().UTC()
		tok.Revoked = &now
		if err := t.save(); err != nil {
			tok.Revoked = nil
			return Token{}, err
		}
	}
	return *tok, nil
}

// save writes the file atomically and durably; t.mu is held. Sessions
// are not in it: they go to the journal, a line each.
func (t *Tokens) save() error {
	defer t.version.Add(1)
	list := make([]*Token, 0, len(t.byID))
	for _, tok := range t.byID {
		list = append(list, tok)
	}
	slices.SortFunc(list, func(a, b *Token) int { return strings.Compare(a.ID, b.ID) })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := durable.WriteFile(t.path, append(b, '\n')); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	return nil
}
