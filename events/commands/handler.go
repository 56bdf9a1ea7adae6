package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/keystore"
)

// Errors callers branch on.
var (
	// ErrConflict: the stream kept changing under the command through
	// every retry.
	ErrConflict = errors.New("the aggregate changed concurrently; try again")
	// ErrCommandIDReused: the command id was used before with another
	// payload, or a creation's id (its command id) already names an
	// object of any kind: an id names one object.
	ErrCommandIDReused = errors.New("command id already used for a different command")
)

// Meta identifies a command and who sent it. It becomes each event's
// metadata.
type Meta struct {
	CommandID     ulid.ULID
	CorrelationID ulid.ULID // defaults to CommandID
	CausationID   ulid.ULID // defaults to CommandID
	RecordedBy    string    // the token's subject
	// Sees reports whether the sender may see an aggregate the command
	// refers to. One it may not see is decided exactly as one that does
	// not exist, so a refusal never tells the two apart. nil: all.
	Sees func(domain.Ref) bool
	// DryRun decides the command and writes nothing: an import's check
	// that every part of a row would be accepted.
	DryRun bool
}

// Result is what a command did.
type Result[E any] struct {
	Stream string
	Events []E
	// LastRevision and Position locate the last event; meaningless when
	// the command produced no events.
	LastRevision events.Revision
	Position     events.Position
	// Repeated is true when the command had already been handled and this
	// result is the first one's.
	Repeated bool
	// Where is the region the object is in once the command is decided
	// (its descriptor's Where), for the write policy's region rule.
	Where domain.Where
}

// Options configure a Handler; nil fields take defaults.
type Options struct {
	Clock      func() time.Time // default time.Now
	MaxRetries int              // default 5
	// Keys seal participants' identities; without it Enrol, Erase and
	// Identity return ErrNoKeyStore.
	Keys *keystore.Store
	// CodeKey names the streams that claim participants' codes, so that
	// their names do not map back to codes without the master key:
	// keystore.Secret(participant.CodeKeyPurpose). Without it, enrolments
	// and corrections return ErrNoCodeKey.
	CodeKey []byte
}

// Handler runs commands against one store.
type Handler struct {
	store      events.Store
	codec      *domain.Codec
	reference  domain.Reference
	clock      func() time.Time
	maxRetries int
	keys       *keystore.Store
	codeKey    []byte
	aggregates map[string]domain.Described // by category
	keyLocks   [64]sync.Mutex
}

// New returns a handler for palabre's aggregates.
func New(store events.Store, reference domain.Reference, opts *Options) *Handler {
	h := &Handler{store: store, codec: registry.Codec(), reference: reference, clock: time.Now, maxRetries: 5}
	if opts != nil && opts.Clock != nil {
		h.clock = opts.Clock
	}
	if opts != nil {
		h.keys, h.codeKey = opts.Keys, opts.CodeKey
	}
	if opts != nil && opts.MaxRetries > 0 {
		h.maxRetries = opts.MaxRetries
	}
	h.aggregates = map[string]domain.Described{}
	for _, a := range registry.Aggregates() {
		h.aggregates[a.Describe().Category] = a
	}
	return h
}

// Reference returns the reference data commands are checked against.
func (h *Handler) Reference() domain.Reference { return h.reference }

// Codec returns the handler's event codec.
func (h *Handler) Codec() *domain.Codec { return h.codec }

// Execute runs cmd against the aggregate with this id.
//
// Returns a *domain.Problems (errors.Is domain.ErrRejected) when the
// command is refused, ErrCommandIDReused, ErrConflict after the retries,
// an error wrapping events.ErrInvalidMetadata when an event read has
// metadata that is not an envelope, or a store error.
func (agg *Aggregate[S, C, E]) Execute(ctx context.Context, h *Handler, id domain.ID, cmd C, meta Meta) (Result[E], error) {
	r, err := h.execute(ctx, agg.Aggregate, id, cmd, meta)
	return narrow[E](r), err
}

// execute runs a command of any aggregate: the one Execute, whatever the
// aggregate's types.
func (h *Handler) execute(ctx context.Context, agg domain.Described, id domain.ID, cmd any, meta Meta) (Result[domain.Event], error) {
	var none Result[domain.Event]
	category := agg.Describe().Category
	stream := domain.StreamName(category, id)
	hash, err := commandHash(cmd)
	if err != nil {
		return none, err
	}
	if meta.CommandID == (ulid.ULID{}) {
		return none, domain.Reject("commandId", "is required")
	}
	for range h.maxRetries {
		f, err := h.fold(ctx, agg, stream, meta.CommandID)
		if err != nil {
			return none, err
		}
		if f.repeated != nil {
			if f.repeatedHash != hash {
				return none, fmt.Errorf("%w: %s", ErrCommandIDReused, meta.CommandID)
			}
			repeated := *f.repeated
			repeated.Where = agg.WhereAny(f.state)
			return repeated, nil
		}
		if agg.IsCreation(cmd) {
			taken, err := h.idTaken(ctx, category, id, f.exists)
			if err != nil {
				return none, err
			}
			if taken {
				return none, fmt.Errorf("%w: %s", ErrCommandIDReused, meta.CommandID)
			}
		}
		lookup, err := h.lookup(ctx, agg.RefsAny(cmd), meta.Sees)
		if err != nil {
			return none, err
		}
		now := h.clock()
		decided, err := agg.DecideAny(f.state, cmd, domain.Env{Today: domain.DateOf(now), Reference: h.reference, Lookup: lookup})
		if err != nil {
			return Result[domain.Event]{Stream: stream}, err
		}
		after := f.state
		for _, e := range decided {
			if after, err = agg.EvolveAny(after, e); err != nil {
				return none, err
			}
		}
		where := agg.WhereAny(after)
		if len(decided) == 0 || meta.DryRun {
			return Result[domain.Event]{Stream: stream, Events: decided, Where: where}, nil
		}
		data, err := h.encode(decided, meta, hash, now)
		if err != nil {
			return none, err
		}
		var expected events.ExpectedRevision = events.NoStream{}
		if f.exists {
			expected = events.Exact(f.last)
		}
		res, err := h.store.Append(ctx, stream, expected, data...)
		if errors.Is(err, events.ErrWrongExpectedRevision) {
			continue
		}
		if err != nil {
			return none, fmt.Errorf("%s: %w", stream, err)
		}
		return Result[domain.Event]{Stream: stream, Events: decided, LastRevision: res.NextExpected, Position: res.Position, Where: where}, nil
	}
	return none, fmt.Errorf("%s: %w", stream, ErrConflict)
}

// narrow gives a result an aggregate's own events, which it holds.
func narrow[E domain.Event](r Result[domain.Event]) Result[E] {
	out := Result[E]{Stream: r.Stream, LastRevision: r.LastRevision, Position: r.Position, Repeated: r.Repeated, Where: r.Where}
	for _, e := range r.Events {
		out.Events = append(out.Events, e.(E))
	}
	return out
}

// idTaken reports whether id already names an object: of this
// aggregate's category (exists), or of any other.
func (h *Handler) idTaken(ctx context.Context, category string, id domain.ID, exists bool) (bool, error) {
	if exists {
		return true, nil
	}
	for other := range h.aggregates {
		if other == category {
			continue
		}
		for _, err := range h.store.ReadStream(ctx, domain.StreamName(other, id), events.ReadStreamOptions{Max: 1}) {
			if errors.Is(err, events.ErrStreamNotFound) {
				break
			}
			if err != nil {
				return false, fmt.Errorf("read %s: %w", domain.StreamName(other, id), err)
			}
			return true, nil
		}
	}
	return false, nil
}

// folded is a stream read and folded.
type folded[S any, E any] struct {
	state        S
	exists       bool
	last         events.Revision
	events       []E
	repeated     *Result[E] // the events an earlier run of this command wrote
	repeatedHash string
}

// fold reads a stream of any aggregate into its state, noting the events
// written by commandID (none when it is zero).
func (h *Handler) fold(ctx context.Context, agg domain.Described, stream string, commandID ulid.ULID) (folded[any, domain.Event], error) {
	var f folded[any, domain.Event]
	var failed error
	err := readStream(ctx, h, stream, func(rec events.RecordedEvent, e domain.Event, meta events.Metadata) {
		if failed != nil {
			return
		}
		if f.state, failed = agg.EvolveAny(f.state, e); failed != nil {
			failed = fmt.Errorf("%s@%d: %w", rec.Stream, rec.Revision, failed)
			return
		}
		f.exists, f.last = true, rec.Revision
		f.events = append(f.events, e)
		if commandID != (ulid.ULID{}) && meta.CommandID == commandID {
			if f.repeated == nil {
				f.repeated, f.repeatedHash = &Result[domain.Event]{Stream: stream, Repeated: true}, meta.CommandHash
			}
			f.repeated.Events = append(f.repeated.Events, e)
			f.repeated.LastRevision, f.repeated.Position = rec.Revision, rec.Position
		}
	})
	return f, errors.Join(err, failed)
}

// fold reads one of this aggregate's streams into its state.
func (agg *Aggregate[S, C, E]) fold(ctx context.Context, h *Handler, stream string, commandID ulid.ULID) (folded[S, E], error) {
	f, err := h.fold(ctx, agg.Aggregate, stream, commandID)
	out := folded[S, E]{exists: f.exists, last: f.last, repeatedHash: f.repeatedHash}
	if f.state != nil {
		out.state = f.state.(S)
	}
	for _, e := range f.events {
		out.events = append(out.events, e.(E))
	}
	if f.repeated != nil {
		r := narrow[E](*f.repeated)
		out.repeated = &r
	}
	return out, err
}

// readStream reads a stream's events in order, decoded as E with their
// metadata, and hands each to each; a missing stream has none.
func readStream[E domain.Event](ctx context.Context, h *Handler, stream string, each func(events.RecordedEvent, E, events.Metadata)) error {
	for rec, err := range h.store.ReadStream(ctx, stream, events.ReadStreamOptions{}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", stream, err)
		}
		e, meta, err := decode[E](h.codec, rec)
		if err != nil {
			return err
		}
		each(rec, e, meta)
	}
	return nil
}

// decode turns a stored event into an aggregate's event.
func decode[E domain.Event](codec *domain.Codec, rec events.RecordedEvent) (E, events.Metadata, error) {
	var zero E
	meta, err := events.UnmarshalMetadata(rec.Metadata)
	if err != nil {
		return zero, meta, fmt.Errorf("%s@%d: %w", rec.Stream, rec.Revision, err)
	}
	de, err := codec.Decode(rec.Type, meta.SchemaVersion, rec.Data)
	if err != nil {
		return zero, meta, fmt.Errorf("%s@%d: %w", rec.Stream, rec.Revision, err)
	}
	e, ok := de.(E)
	if !ok {
		return zero, meta, fmt.Errorf("%s@%d: event %s belongs to another aggregate", rec.Stream, rec.Revision, rec.Type)
	}
	return e, meta, nil
}

// encode turns decided events into event data with derived ids.
func (h *Handler) encode(list []domain.Event, meta Meta, hash string, now time.Time) ([]events.EventData, error) {
	m := events.Metadata{CommandID: meta.CommandID, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID, RecordedBy: meta.RecordedBy, RecordedAt: now.UTC(), CommandHash: hash}
	if m.CorrelationID == (ulid.ULID{}) {
		m.CorrelationID = meta.CommandID
	}
	if m.CausationID == (ulid.ULID{}) {
		m.CausationID = meta.CommandID
	}
	out := make([]events.EventData, len(list))
	for i, e := range list {
		data, version, err := h.codec.Encode(e)
		if err != nil {
			return nil, err
		}
		m.SchemaVersion = version
		md, err := m.Marshal()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.EventType(), err)
		}
		out[i] = events.EventData{ID: EventID(meta.CommandID, hash, i), Type: e.EventType(), Data: data, Metadata: md}
	}
	return out, nil
}

// EventID derives the id of the index-th event of a command. The hash is
// part of it so that a command id reused with another payload can never be
// mistaken by the store for an idempotent retry.
func EventID(commandID ulid.ULID, commandHash string, index int) events.ID {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d", commandID, commandHash, index))
	var id events.ID
	copy(id[:], sum[:16])
	return id
}

// Fingerprinted is implemented by commands whose JSON holds something that
// differs between honest retries (a sealed identity's random nonce):
// Fingerprint returns what identifies the command instead.
type Fingerprinted interface{ Fingerprint() any }

// commandHash fingerprints a command's name and payload.
func commandHash(cmd any) (string, error) {
	named, ok := cmd.(interface{ CommandName() string })
	if !ok {
		return "", fmt.Errorf("hash command: %T has no CommandName", cmd)
	}
	payload := cmd
	if f, ok := cmd.(Fingerprinted); ok {
		payload = f.Fingerprint()
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("hash command: %w", err)
	}
	sum := sha256.Sum256(append([]byte(named.CommandName()+"\n"), b...))
	return hex.EncodeToString(sum[:]), nil
}

// Load reads the aggregate with this id and folds it, returning its state
// and its events. A missing aggregate has the zero state and no events.
func (agg *Aggregate[S, C, E]) Load(ctx context.Context, h *Handler, id domain.ID) (S, []E, error) {
	f, err := agg.fold(ctx, h, domain.StreamName(agg.Category, id), ulid.ULID{})
	return f.state, f.events, err
}

// Recorded is one event of an aggregate's history: what happened, when and
// by whom it was recorded.
type Recorded struct {
	Type       string
	Event      domain.Event
	RecordedAt time.Time
	RecordedBy string // the token's subject
}

// Change is one event of the log as an audit trail reads it: the event
// recorded, its stream and its place in the log.
type Change struct {
	Recorded
	Stream   string
	Position events.Position
}

// Changes reads the log forwards from a position (inclusive), calling
// each until it returns false. The context is honoured between events.
// An event whose metadata is not an envelope stops it with an error
// wrapping events.ErrInvalidMetadata.
func (h *Handler) Changes(ctx context.Context, from events.Position, each func(Change) bool) error {
	for rec, err := range h.store.ReadAll(ctx, from, 0) {
		if err != nil {
			return fmt.Errorf("read the log: %w", err)
		}
		if events.IsNodeStream(rec.Stream) {
			continue // tokens and sessions: no object's change
		}
		e, meta, err := decode[domain.Event](h.codec, rec)
		if err != nil {
			return err
		}
		if !each(Change{Recorded{Type: rec.Type, Event: e, RecordedAt: meta.RecordedAt, RecordedBy: meta.RecordedBy}, rec.Stream, rec.Position}) {
			return nil
		}
	}
	return nil
}

// History reads an aggregate's events in order; none for a missing one.
// The context is honoured between events. An event whose metadata is not
// an envelope stops it with an error wrapping events.ErrInvalidMetadata.
func (h *Handler) History(ctx context.Context, category string, id domain.ID) ([]Recorded, error) {
	var out []Recorded
	err := readStream(ctx, h, domain.StreamName(category, id), func(rec events.RecordedEvent, e domain.Event, meta events.Metadata) {
		out = append(out, Recorded{Type: rec.Type, Event: e, RecordedAt: meta.RecordedAt, RecordedBy: meta.RecordedBy})
	})
	return out, err
}
