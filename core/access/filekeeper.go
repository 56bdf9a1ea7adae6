package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/palabre/palabre/events/durable"
)

// fileKeeper is the embedded default's Keeper: tokens.json, rewritten
// atomically on every change of a token, and the session journal beside
// it (sessionlog.go), a line per sign-in or sign-out. It is the only
// writer of its files (the data directory's lock), so it never refreshes.
type fileKeeper struct {
	path    string
	clock   func() time.Time
	journal *sessionJournal
}

var _ Keeper = (*fileKeeper)(nil)

func (k *fileKeeper) Load(ctx context.Context) (map[string]*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list, b, err := readTokenFile(k.path)
	if err != nil {
		return nil, err
	}
	tokens := map[string]*Token{}
	for _, tok := range list {
		tokens[tok.ID] = tok
	}
	if err := k.openJournal(tokens, b); err != nil {
		return nil, err
	}
	return tokens, nil
}

// Refresh has nothing to apply: no other process writes the files.
func (k *fileKeeper) Refresh(context.Context, func(Change)) error { return nil }

func (k *fileKeeper) MaxAge() time.Duration { return 0 }

// Record writes a token's change to the token file, a session's to the
// journal.
func (k *fileKeeper) Record(ctx context.Context, c Change, after map[string]*Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch c := c.(type) {
	case TokenCreated, TokenRevoked:
		return k.save(after)
	case SessionsChanged:
		if err := k.journal.record(c.Token, c.Opened, c.Ended); err != nil {
			return err
		}
		k.compactIfDue(after)
	}
	return nil
}

// save writes the token file atomically and durably. Sessions are not in
// it: they go to the journal, a line each.
func (k *fileKeeper) save(tokens map[string]*Token) error {
	list := make([]*Token, 0, len(tokens))
	for _, tok := range tokens {
		list = append(list, tok)
	}
	slices.SortFunc(list, func(a, b *Token) int { return strings.Compare(a.ID, b.ID) })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := durable.WriteFile(k.path, append(b, '\n')); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	return nil
}

// ReadTokenFile returns the tokens of a token file without their
// sessions, writing nothing; none when there is no file.
func ReadTokenFile(path string) ([]Token, error) {
	list, _, err := readTokenFile(path)
	tokens := make([]Token, 0, len(list))
	for _, tok := range list {
		tokens = append(tokens, *tok)
	}
	return tokens, err
}

// readTokenFile reads a token file: its tokens and its bytes.
func readTokenFile(path string) ([]*Token, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("tokens: %w", err)
	}
	var list []*Token
	if len(b) > 0 {
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, nil, fmt.Errorf("tokens: %s is damaged: %w", path, err)
		}
	}
	return list, b, nil
}
