package access

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/palabre/palabre/events"
)

// tokensSnapshotType is the event type of a snapshot's parts.
const tokensSnapshotType = "TokensSnapshot"

// snapshotPartSize is how many tokens one part of a snapshot holds: with
// ten sessions each, about 150 KB, well under an engine's message limit
// (1 MB for NATS).
const snapshotPartSize = 100

// snapshotPart is one event of a snapshot: Of parts appended at once, in
// order, holding every token as recorded before the first (hashes of
// secrets and sessions, never a secret).
type snapshotPart struct {
	Part   int         `json:"part"`
	Of     int         `json:"of"`
	Tokens []keptToken `json:"tokens"`
}

// keptToken is a token with what the token file does not hold: its
// sessions and its sign-ins' pace.
type keptToken struct {
	Token
	Sessions []Session `json:"sessions,omitempty"`
	Paced    time.Time `json:"paced,omitzero"`
}

// tokensReplaced: the tokens are those of a snapshot, whatever was known
// before (a node starting, or one that did not read the stream for
// longer than the engine kept it).
type tokensReplaced struct{ Tokens map[string]*Token }

func (tokensReplaced) isChange() {}

// truncator is a store that can drop a stream's events before a revision
// for good (KurrentDB's truncate-before).
type truncator interface {
	TruncateBefore(ctx context.Context, stream string, before events.Revision) error
}

// encodeSnapshot is the events of a snapshot of tokens: at least one
// part, so that a snapshot of no token is one too.
func encodeSnapshot(tokens map[string]*Token) ([]events.EventData, error) {
	ids := slices.Sorted(maps.Keys(tokens))
	chunks := slices.Collect(slices.Chunk(ids, snapshotPartSize))
	if len(chunks) == 0 {
		chunks = [][]string{nil}
	}
	out := make([]events.EventData, 0, len(chunks))
	for i, chunk := range chunks {
		part := snapshotPart{Part: i, Of: len(chunks), Tokens: make([]keptToken, 0, len(chunk))}
		for _, id := range chunk {
			tok := tokens[id]
			part.Tokens = append(part.Tokens, keptToken{Token: *tok, Sessions: tok.Sessions, Paced: tok.signInsDue})
		}
		e := events.EventData{Type: tokensSnapshotType}
		var err error
		if e.Data, err = json.Marshal(part); err != nil {
			return nil, err
		}
		if _, err := rand.Read(e.ID[:]); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeSnapshotPart reads a snapshot's part; ok is false for any other
// event.
func decodeSnapshotPart(rec events.RecordedEvent) (part snapshotPart, ok bool, err error) {
	if rec.Type != tokensSnapshotType {
		return part, false, nil
	}
	if err := json.Unmarshal(rec.Data, &part); err != nil || part.Of < 1 || part.Part < 0 || part.Part >= part.Of {
		return part, true, fmt.Errorf("%s@%d: a damaged snapshot (%v)", TokensStream, rec.Revision, err)
	}
	return part, true, nil
}

// readLatest reads the stream backwards to its last snapshot, then gives
// apply the snapshot's tokens (tokensReplaced: none without a snapshot)
// and the changes after it.
func (k *LogKeeper) readLatest(ctx context.Context, apply func(Change)) error {
	var latest []events.RecordedEvent // newest first
	for rec, err := range k.store.ReadStream(ctx, TokensStream, events.ReadStreamOptions{Direction: events.Backwards, From: events.EndOfStream}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", TokensStream, err)
		}
		latest = append(latest, rec)
		part, ok, err := decodeSnapshotPart(rec)
		if err != nil {
			return err
		}
		if ok && part.Part == 0 {
			break
		}
	}
	slices.Reverse(latest)
	tokens, parts, err := snapshotAtStart(latest)
	if err != nil {
		return err
	}
	apply(tokensReplaced{Tokens: tokens})
	k.since = 0
	if parts > 0 {
		k.snapshotAt, k.snapshot = latest[0].Revision, true
		k.next, k.exists = latest[parts-1].Revision+1, true
	}
	for _, rec := range latest[parts:] {
		if err := k.fold(rec, apply); err != nil {
			return err
		}
	}
	return nil
}

// snapshotAtStart reads the snapshot the events start with, if they do:
// its tokens and how many events it is.
func snapshotAtStart(evs []events.RecordedEvent) (map[string]*Token, int, error) {
	tokens := map[string]*Token{}
	if len(evs) == 0 {
		return tokens, 0, nil
	}
	first, ok, _ := decodeSnapshotPart(evs[0])
	if !ok {
		return tokens, 0, nil
	}
	if len(evs) < first.Of {
		return nil, 0, fmt.Errorf("%s@%d: a snapshot cut short", TokensStream, evs[0].Revision)
	}
	for i, rec := range evs[:first.Of] {
		part, ok, err := decodeSnapshotPart(rec)
		if err != nil || !ok || part.Part != i {
			return nil, 0, errors.Join(err, fmt.Errorf("%s@%d: a snapshot's parts out of order", TokensStream, rec.Revision))
		}
		for _, kept := range part.Tokens {
			tok := kept.Token
			tok.Regions, tok.Sessions, tok.signInsDue = slices.Clone(tok.Regions), kept.Sessions, kept.Paced
			tokens[tok.ID] = &tok
		}
	}
	return tokens, first.Of, nil
}

// snapshotIfDue appends a snapshot of tokens, as recorded up to the
// stream's revision last read or recorded, at that exact revision, once
// SnapshotEvery changes follow the last. It may fail (another node
// recorded a change first, or the engine is unreachable): the next change
// tries again, and meanwhile a node starting only reads more.
func (k *LogKeeper) snapshotIfDue(ctx context.Context, tokens map[string]*Token) {
	every := k.SnapshotEvery
	if every <= 0 {
		every = DefaultSnapshotEvery
	}
	if k.since < every || !k.exists {
		return
	}
	evs, err := encodeSnapshot(tokens)
	if err != nil {
		return
	}
	res, err := k.store.Append(ctx, TokensStream, k.expected(), evs...)
	if err != nil {
		return
	}
	previous, hadOne := k.snapshotAt, k.snapshot
	k.next, k.since = res.NextExpected+1, 0
	k.snapshotAt, k.snapshot = res.NextExpected+1-events.Revision(len(evs)), true
	if t, ok := k.store.(truncator); ok && hadOne {
		// The previous snapshot stays, so that a node that last read
		// before this one reads on without a gap; what precedes it, no
		// node needs. A failure leaves it for the next snapshot.
		_ = t.TruncateBefore(ctx, TokensStream, previous)
	}
}
