package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
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
	// signInsDue paces its sign-ins (paceSignIn); kept with its sessions.
	signInsDue time.Time
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

// Tokens holds the tokens and their sessions in memory, as its Keeper
// keeps them: every change is recorded by the keeper before it counts,
// and what other nodes recorded is read again once it is older than the
// keeper's MaxAge.
type Tokens struct {
	keeper  Keeper
	clock   func() time.Time
	regions Regions
	// shownMu guards shown: the secrets of tokens made through the API in
	// the last RetryWindow, by command id, for retries; in memory only.
	shownMu sync.Mutex
	shown   map[string]shownSecret
	// mu guards byID, refreshed and signIns. byID's tokens are never
	// changed in place (applyChange copies), so a reader may keep one.
	mu        sync.RWMutex
	byID      map[string]*Token
	refreshed time.Time
	// version counts the changes of tokens seen, for caches of what
	// depends on tokens (the API's answers to tokens).
	version atomic.Uint64
	signIns signIns
}

// Version changes with every token saved (not with sessions, which no
// answer shows: signing in leaves the API's kept answers alone).
func (t *Tokens) Version() uint64 { return t.version.Load() }

// Regions are the regions a facilitator's token may name: the
// deployment's reference data.
type Regions interface {
	HasRegion(code string) bool
	// RegionCode finds a region by its code, name or a label.
	RegionCode(name string) (code string, ok bool)
}

// OpenTokens reads the token file at path and the session journal beside
// it, or starts empty: the embedded default's keeper. One process at a
// time uses a data directory (its lock), so the files are read once. New
// tokens' regions are checked against regions.
func OpenTokens(path string, clock func() time.Time, regions Regions) (*Tokens, error) {
	if clock == nil {
		clock = time.Now
	}
	return NewTokens(context.Background(), &fileKeeper{path: path, clock: clock}, clock, regions)
}

// NewTokens loads the tokens a keeper keeps. New tokens' regions are
// checked against regions.
func NewTokens(ctx context.Context, keeper Keeper, clock func() time.Time, regions Regions) (*Tokens, error) {
	if clock == nil {
		clock = time.Now
	}
	byID, err := keeper.Load(ctx)
	if err != nil {
		return nil, err
	}
	return &Tokens{keeper: keeper, clock: clock, regions: regions, byID: byID, refreshed: clock(),
		shown: map[string]shownSecret{}, signIns: newSignIns(SessionLimits{}, clock)}, nil
}

// maxAttempts bounds how often a change is decided again because other
// nodes recorded theirs first.
const maxAttempts = 16

// update decides a change on the tokens as every node has recorded them,
// has the keeper record it, and applies it; decide runs again when
// another node recorded first. decide returns nil for no change. What
// other nodes recorded is read first however recently it was: a change
// is rare, and one decided on knowledge up to MaxAge old would refuse a
// token just made elsewhere as unknown.
func (t *Tokens) update(ctx context.Context, decide func(tokens map[string]*Token) (Change, error)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.refreshLocked(ctx, 0); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		c, err := decide(t.byID)
		if err != nil || c == nil {
			return err
		}
		next := maps.Clone(t.byID)
		changed := applyChange(next, c)
		err = t.keeper.Record(ctx, c, next)
		if errors.Is(err, ErrStale) && attempt < maxAttempts {
			if err := t.refreshLocked(ctx, 0); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		t.byID = next
		if changed {
			t.version.Add(1)
		}
		return nil
	}
}

// refresh brings the tokens up to what other nodes recorded, unless that
// was done within the last within.
func (t *Tokens) refresh(ctx context.Context, within time.Duration) error {
	if t.keeper.MaxAge() == 0 {
		return nil
	}
	t.mu.RLock()
	fresh := t.clock().Sub(t.refreshed) < within
	t.mu.RUnlock()
	if fresh {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.refreshLocked(ctx, within)
}

// refreshLocked is refresh with t.mu held; a keeper sharing nothing
// (MaxAge 0) is never asked.
func (t *Tokens) refreshLocked(ctx context.Context, within time.Duration) error {
	now := t.clock()
	if t.keeper.MaxAge() == 0 || (within > 0 && now.Sub(t.refreshed) < within) {
		return nil
	}
	err := t.keeper.Refresh(ctx, func(c Change) {
		if applyChange(t.byID, c) {
			t.version.Add(1)
		}
	})
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	t.refreshed = now
	return nil
}

// lookup returns a token as every node has it, no older than the
// keeper's MaxAge; when it is missing or has not what found looks for
// (a session), what other nodes recorded is read again first, at most
// once per tenth of MaxAge (a token or session just made on another
// node). It errs only when the keeper cannot be read: tokens are then
// refused, never trusted on stale knowledge.
func (t *Tokens) lookup(ctx context.Context, id string, found func(*Token) bool) (*Token, error) {
	maxAge := t.keeper.MaxAge()
	if err := t.refresh(ctx, maxAge); err != nil {
		return nil, err
	}
	tok := t.get(id)
	if maxAge > 0 && (tok == nil || !found(tok)) {
		if err := t.refresh(ctx, maxAge/10); err != nil {
			return nil, err
		}
		tok = t.get(id)
	}
	return tok, nil
}

func (t *Tokens) get(id string) *Token {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byID[id]
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

// Check names every problem of a new token, as a *domain.Problems whose
// reasons a door says in its reader's language; its regions must be
// known, by their code, name or a label (InCodes gives their codes).
func (n NewToken) Check(known Regions) error {
	var p domain.Problems
	if !slices.Contains(Roles, n.Role) {
		p.Add("role", "must be one of facilitator, advocacy, analyst, admin, not %q", n.Role)
	}
	if n.Role == Facilitator && len(n.Regions) == 0 {
		p.Add("region", "a facilitator needs at least one region")
	}
	codes := n.InCodes(known).Regions
	for i, r := range n.Regions {
		switch {
		case !known.HasRegion(codes[i]):
			p.Add("region", "%q is not a region of this deployment", r)
		case slices.Contains(codes[:i], codes[i]):
			p.Add("region", "%q is named twice", r)
		}
	}
	if n.Role != Facilitator && len(n.Regions) > 0 {
		p.Add("region", "only facilitators are scoped to regions")
	}
	if n.TTL <= 0 || n.TTL > 5*366*24*time.Hour {
		p.Add("expires", "must be between a minute and five years")
	}
	if utf8.RuneCountInString(n.Subject) > 100 {
		p.Add("subject", "is longer than %d characters", 100)
	}
	if strings.IndexFunc(n.Subject, invisible) >= 0 {
		p.Add("subject", "no control or invisible characters (a subject is printed on the administrators' terminals and screens)")
	}
	return p.Err()
}

// InCodes is the new token with each region it names given as its code,
// by the rule reads and writes take a region by (refdata.Data.RegionCode):
// "Gao" and "GAO" are gao. A name that is no region's stays as written,
// for Check to refuse.
func (n NewToken) InCodes(known Regions) NewToken {
	codes := make([]string, len(n.Regions))
	for i, r := range n.Regions {
		codes[i] = r
		if code, ok := known.RegionCode(r); ok {
			codes[i] = code
		}
	}
	n.Regions = codes
	return n
}

// Create makes a token and returns it with its secret, random and shown
// once. A creation retried with its command id within RetryWindow is
// given the token first made and the same secret (by the node that made
// it); after it, or on another node, the token and ErrTokenExists. The
// same command id for another request is ErrCommandIDReused.
func (t *Tokens) Create(ctx context.Context, n NewToken) (Token, string, error) {
	if err := n.Check(t.regions); err != nil {
		return Token{}, "", err
	}
	n = n.InCodes(t.regions)
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Token{}, "", err
	}
	t.shownMu.Lock()
	defer t.shownMu.Unlock()
	now := t.clock().UTC()
	for id, s := range t.shown {
		if now.Sub(s.at) >= RetryWindow {
			delete(t.shown, id)
		}
	}
	var made, first Token
	err := t.update(ctx, func(tokens map[string]*Token) (Change, error) {
		if tok, ok := byCommand(tokens, n.CommandID); ok {
			first = tok
			return nil, nil
		}
		made = newToken(n, secret, now)
		return TokenCreated{Token: made}, nil
	})
	switch {
	case err != nil:
		return Token{}, "", err
	case first.ID != "":
		return t.retried(first, n)
	}
	presented := tokenPrefix + made.ID + "_" + base64.RawURLEncoding.EncodeToString(secret)
	if n.CommandID != "" {
		t.shown[n.CommandID] = shownSecret{presented, now}
	}
	return made, presented, nil
}

// newToken is what is kept of a new token: the hash of its secret.
func newToken(n NewToken, secret []byte, now time.Time) Token {
	id := ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()
	if n.Subject == "" {
		n.Subject = string(n.Role) + "-" + strings.ToLower(id[len(id)-6:])
	}
	sum := sha256.Sum256(secret)
	return Token{ID: id, Subject: n.Subject, Role: n.Role, Regions: slices.Clone(n.Regions), Created: now,
		Expires: now.Add(n.TTL).Truncate(time.Second), Hash: hex.EncodeToString(sum[:]), CommandID: n.CommandID}
}

// retried answers a creation whose command id made tok; t.shownMu is
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

// byCommand finds the token a command id made; none for no command id.
func byCommand(tokens map[string]*Token, commandID string) (Token, bool) {
	if commandID == "" {
		return Token{}, false
	}
	for _, tok := range tokens {
		if tok.CommandID == commandID {
			return *tok, true
		}
	}
	return Token{}, false
}

// Authenticate returns the principal of a presented token, or
// ErrUnauthenticated for anything but a known, unexpired, unrevoked one
// (ErrRevoked for a revoked one); another error when what other nodes
// recorded cannot be read.
func (t *Tokens) Authenticate(ctx context.Context, presented string) (Principal, error) {
	id, sum, ok := parse(presented, tokenPrefix)
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	tok, err := t.lookup(ctx, id, func(*Token) bool { return true })
	if err != nil {
		return Principal{}, err
	}
	if tok == nil || !matches(sum, tok.Hash) {
		return Principal{}, ErrUnauthenticated
	}
	if err := t.liveness(*tok); err != nil {
		return Principal{}, err
	}
	return tok.principal(), nil
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
func (t *Tokens) List(ctx context.Context) ([]Token, error) {
	if err := t.refresh(ctx, t.keeper.MaxAge()); err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]Token, 0, len(t.byID))
	for _, tok := range t.byID {
		out = append(out, *tok)
	}
	slices.SortFunc(out, func(a, b Token) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Revoke revokes a token from the next request on (on other nodes, within
// the keeper's MaxAge); revoking twice keeps the first moment. Returns
// ErrNoToken for an unknown id.
func (t *Tokens) Revoke(ctx context.Context, id string) (Token, error) {
	var revoked Token
	err := t.update(ctx, func(tokens map[string]*Token) (Change, error) {
		tok, ok := tokens[id]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoToken, id)
		}
		revoked = *tok
		if tok.Revoked != nil {
			return nil, nil
		}
		now := t.clock().UTC()
		revoked.Revoked = &now
		return TokenRevoked{ID: id, At: now}, nil
	})
	if err != nil {
		return Token{}, err
	}
	return revoked, nil
}

// Recomputable are the live tokens whose secret recompute gives again
// from their command id: tokens made through the API by builds that
// derived the secret from the command id instead of drawing it, which
// whoever holds master.key can make again.
func (t *Tokens) Recomputable(recompute func(commandID string) ([]byte, bool)) []Token {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var found []Token
	for _, tok := range t.byID {
		if tok.CommandID == "" || !t.live(*tok) {
			continue
		}
		if secret, ok := recompute(tok.CommandID); ok && matches(sha256.Sum256(secret), tok.Hash) {
			found = append(found, *tok)
		}
	}
	slices.SortFunc(found, func(a, b Token) int { return strings.Compare(a.ID, b.ID) })
	return found
}

// RevokeRecomputable revokes the Recomputable tokens and returns them.
func (t *Tokens) RevokeRecomputable(ctx context.Context, recompute func(commandID string) ([]byte, bool)) ([]Token, error) {
	found := t.Recomputable(recompute)
	revoked := make([]Token, 0, len(found))
	for _, tok := range found {
		tok, err := t.Revoke(ctx, tok.ID)
		if err != nil {
			return revoked, err
		}
		revoked = append(revoked, tok)
	}
	return revoked, nil
}

// Adopt records the tokens of list that are not kept yet, as they are
// (revoked ones too), without their sessions: how a node that kept its
// tokens in a file moves them to a shared engine. It returns how many it
// recorded.
func (t *Tokens) Adopt(ctx context.Context, list []Token) (int, error) {
	adopted := 0
	for _, tok := range list {
		err := t.update(ctx, func(tokens map[string]*Token) (Change, error) {
			if _, kept := tokens[tok.ID]; kept || tok.ID == "" {
				return nil, nil
			}
			adopted++
			return TokenCreated{Token: tok}, nil
		})
		if err != nil {
			return adopted, err
		}
	}
	return adopted, nil
}

// invisible is a character that changes how a terminal or a page shows
// what follows it (escape sequences, right-to-left overrides) rather than
// a character of a name.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
