package access

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/palabre/palabre/events"
)

// TokensStream is the stream where a LogKeeper keeps tokens and sessions:
// one of the nodes' own (events.NodeStreamPrefix), which read models and
// audit trails pass over.
const TokensStream = events.NodeStreamPrefix + "tokens"

// DefaultMaxAge is how long a node trusts what it read of the tokens
// stream: a token revoked or a session closed on another node is refused
// here a second later at the latest.
const DefaultMaxAge = time.Second

// DefaultReadTimeout bounds a read of the tokens stream: a request
// waiting on it holds the tokens' lock, so every other request of the
// node would wait too. Past it the request is told to retry
// (events.ErrUnavailable), never left without an answer.
const DefaultReadTimeout = 5 * time.Second

// DefaultSnapshotEvery is how many changes a LogKeeper lets follow a
// snapshot of the tokens before it appends the next: a node starting
// reads the last snapshot and the changes after it, not every sign-in
// since the first.
const DefaultSnapshotEvery = 256

// LogKeeper is the Keeper of nodes on a replicated engine: every change
// is an event of TokensStream, appended at the exact revision the change
// was decided on, so that two nodes deciding at once cannot both win (a
// token's session cap, one token per command id); each node reads the
// stream again once what it read is older than MaxAge. It keeps what
// the token file keeps — hashes of secrets, never a secret — and each
// session's hash. One Tokens uses it (Tokens serialises the calls).
//
// Every SnapshotEvery changes it appends a snapshot of the tokens as
// recorded up to the revision before it (tokensnapshot.go), at that
// exact revision, so that no change can slip between what it sums up
// and it; a node starts from the last snapshot. Where the engine can
// drop a stream's oldest events (a truncator: KurrentDB), the events
// before the previous snapshot are dropped.
type LogKeeper struct {
	store  events.Store
	maxAge time.Duration
	// ReadTimeout bounds each Refresh (DefaultReadTimeout from
	// NewLogKeeper).
	ReadTimeout time.Duration
	// SnapshotEvery is how many changes follow a snapshot before the
	// next (DefaultSnapshotEvery from NewLogKeeper).
	SnapshotEvery int
	// next is the revision to read from; exists says the stream has an
	// event (next is then past it).
	next   events.Revision
	exists bool
	// since counts the changes read or recorded after the last
	// snapshot; snapshotAt is that snapshot's first revision, if any.
	since      int
	snapshotAt events.Revision
	snapshot   bool
}

var _ Keeper = (*LogKeeper)(nil)

// NewLogKeeper keeps tokens in store, trusting what it read for maxAge
// (DefaultMaxAge when not positive).
func NewLogKeeper(store events.Store, maxAge time.Duration) *LogKeeper {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return &LogKeeper{store: store, maxAge: maxAge, ReadTimeout: DefaultReadTimeout, SnapshotEvery: DefaultSnapshotEvery}
}

func (k *LogKeeper) MaxAge() time.Duration { return k.maxAge }

// Load reads the last snapshot and the changes after it, and appends a
// snapshot when they are more than SnapshotEvery (a stream written before
// snapshots).
func (k *LogKeeper) Load(ctx context.Context) (map[string]*Token, error) {
	tokens := map[string]*Token{}
	err := k.withTimeout(ctx, func(ctx context.Context) error {
		return k.readLatest(ctx, func(c Change) { applyChange(tokens, c) })
	})
	if err != nil {
		return nil, err
	}
	k.snapshotIfDue(ctx, tokens)
	return tokens, nil
}

// Refresh reads the stream past what was read or recorded; when the
// engine dropped some of it meanwhile (a node that did not read for
// longer than a snapshot's span), it starts again from the last
// snapshot, which replaces the tokens.
func (k *LogKeeper) Refresh(ctx context.Context, apply func(Change)) error {
	return k.withTimeout(ctx, func(ctx context.Context) error {
		gap := false
		err := k.readFrom(ctx, k.next, func(rec events.RecordedEvent) (bool, error) {
			if rec.Revision > k.next {
				gap = true
				return false, nil
			}
			return true, k.fold(rec, apply)
		})
		if err != nil || !gap {
			return err
		}
		return k.readLatest(ctx, apply)
	})
}

// withTimeout runs read under ReadTimeout: past it the read is
// unavailable (the API's 503 with Retry-After), never left waiting.
func (k *LogKeeper) withTimeout(ctx context.Context, read func(ctx context.Context) error) error {
	timeout := k.ReadTimeout
	if timeout <= 0 {
		timeout = DefaultReadTimeout
	}
	readCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := read(readCtx)
	if err != nil && ctx.Err() == nil && readCtx.Err() != nil {
		err = &events.UnavailableError{Reason: events.ReasonUnreachable, RetryAfter: 2 * time.Second,
			Cause: fmt.Errorf("no answer within %s: %w", timeout, err)}
	}
	return err
}

// readFrom yields the stream's events from revision from on, until each
// returns false; a stream not made yet yields nothing.
func (k *LogKeeper) readFrom(ctx context.Context, from events.Revision, each func(events.RecordedEvent) (bool, error)) error {
	for rec, err := range k.store.ReadStream(ctx, TokensStream, events.ReadStreamOptions{From: from}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", TokensStream, err)
		}
		if more, err := each(rec); err != nil || !more {
			return err
		}
	}
	return nil
}

// fold applies one event read in order: a change, counted towards the
// next snapshot, or a snapshot, which sums up what was read before it.
func (k *LogKeeper) fold(rec events.RecordedEvent, apply func(Change)) error {
	if part, ok, err := decodeSnapshotPart(rec); ok || err != nil {
		if err == nil && part.Part == 0 {
			k.since, k.snapshotAt, k.snapshot = 0, rec.Revision, true
		}
		k.next, k.exists = rec.Revision+1, true
		return err
	}
	c, err := decodeChange(rec)
	if err != nil {
		return fmt.Errorf("%s@%d: %w", TokensStream, rec.Revision, err)
	}
	if c != nil {
		apply(c)
	}
	k.next, k.exists, k.since = rec.Revision+1, true, k.since+1
	return nil
}

// Record appends the change at the revision last read; ErrStale when the
// stream has moved past it. A snapshot follows when one is due.
func (k *LogKeeper) Record(ctx context.Context, c Change, after map[string]*Token) error {
	e, err := encodeChange(c)
	if err != nil {
		return err
	}
	res, err := k.store.Append(ctx, TokensStream, k.expected(), e)
	if errors.Is(err, events.ErrWrongExpectedRevision) {
		return ErrStale
	}
	if err != nil {
		return fmt.Errorf("append to %s: %w", TokensStream, err)
	}
	k.next, k.exists, k.since = res.NextExpected+1, true, k.since+1
	k.snapshotIfDue(ctx, after)
	return nil
}

// expected is the stream's revision as last read or recorded.
func (k *LogKeeper) expected() events.ExpectedRevision {
	if !k.exists {
		return events.NoStream{}
	}
	return events.Exact(k.next - 1)
}

// Event types of TokensStream.
const (
	tokenCreatedType    = "TokenCreated"
	tokenRevokedType    = "TokenRevoked"
	sessionsChangedType = "SessionsChanged"
)

// revocation is a TokenRevoked event's data.
type revocation struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

func encodeChange(c Change) (events.EventData, error) {
	var e events.EventData
	var data any
	switch c := c.(type) {
	case TokenCreated:
		e.Type, data = tokenCreatedType, c.Token // its Sessions are not encoded
	case TokenRevoked:
		e.Type, data = tokenRevokedType, revocation{c.ID, c.At}
	case SessionsChanged: // as a line of the session journal
		e.Type, data = sessionsChangedType, journalLine{Token: c.Token, Open: c.Opened.Hash, Expires: c.Opened.Expires, End: c.Ended, Paced: c.Paced}
	}
	var err error
	if e.Data, err = json.Marshal(data); err != nil {
		return e, err
	}
	_, err = rand.Read(e.ID[:])
	return e, err
}

// decodeChange reads an event of TokensStream; nil for a type this build
// does not know (written by a newer one), which it leaves alone.
func decodeChange(rec events.RecordedEvent) (Change, error) {
	switch rec.Type {
	case tokenCreatedType:
		var tok Token
		err := json.Unmarshal(rec.Data, &tok)
		return TokenCreated{Token: tok}, err
	case tokenRevokedType:
		var r revocation
		err := json.Unmarshal(rec.Data, &r)
		return TokenRevoked{ID: r.ID, At: r.At}, err
	case sessionsChangedType:
		var l journalLine
		err := json.Unmarshal(rec.Data, &l)
		return SessionsChanged{Token: l.Token, Opened: Session{Hash: l.Open, Expires: l.Expires}, Ended: l.End, Paced: l.Paced}, err
	}
	return nil, nil
}
