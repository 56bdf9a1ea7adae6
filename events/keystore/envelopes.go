package keystore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/palabre/palabre/events"
)

// The transition from the old, unbound scheme. Envelopes sealed before
// bindings still wait in devices' outboxes, and a device cannot seal them
// again: it never opens what it sealed. Refusing them all would lose
// those names (the person would have to remember and type each again);
// opening them as before would keep the replay open. So an old envelope
// is opened only until OldUntil, and only for one binding: the first
// command that opens it binds it, as a new envelope is bound when sealed
// (its SHA-256 recorded in the log, in a stream of the nodes' own, so
// that every node and every restore of a backup remembers it). The same
// command sent again (a retry, under its commandId) opens it again;
// another command — another record, region or purpose — is refused, and
// after OldUntil every old envelope is. What stays open meanwhile: an old
// envelope not yet sent, taken and sent first by someone else into their
// own region. Each old envelope opened is said to the caller (old), for
// the log.

// ErrOldSchemeExpired: an envelope of the old scheme arrived after
// Envelopes.OldUntil.
var ErrOldSchemeExpired = errors.New("sealed by the old scheme, no longer accepted")

// ErrOldEnvelopeUsed: an envelope of the old scheme was opened before for
// another binding.
var ErrOldEnvelopeUsed = errors.New("sealed by the old scheme and already used for another command")

// DefaultOldUntil is when the old scheme stops being accepted: 90 days
// after the bound scheme came, time for a device offline in the field to
// come back and send what it holds.
var DefaultOldUntil = time.Date(2027, 3, 3, 0, 0, 0, 0, time.UTC)

// oldEnvelopeStreamPrefix names the streams that remember the old
// envelopes opened, one per envelope's digest.
const oldEnvelopeStreamPrefix = events.NodeStreamPrefix + "oldenvelope-"

// oldEnvelopeOpened is the one event of such a stream: the SHA-256 of the
// binding the envelope was first opened for (no identity, no id in clear).
type oldEnvelopeOpened struct {
	Binding string `json:"binding"`
}

const oldEnvelopeOpenedType = "OldEnvelopeOpened"

// EnvelopeOptions tune Envelopes; nil means the defaults.
type EnvelopeOptions struct {
	// OldUntil is the last moment an old envelope is opened; zero means
	// DefaultOldUntil.
	OldUntil time.Time
	// Clock is the time now; nil means time.Now.
	Clock func() time.Time
}

// Envelopes opens what devices seal to the device key: envelopes bound to
// the command they arrive in, and for a while the old ones (above).
type Envelopes struct {
	key   *DeviceKey
	store events.Store
	opts  EnvelopeOptions
}

// NewEnvelopes opens envelopes sealed to key, remembering in store the
// old ones it opened; without a store no old envelope is opened.
func NewEnvelopes(key *DeviceKey, store events.Store, opts *EnvelopeOptions) *Envelopes {
	e := &Envelopes{key: key, store: store}
	if opts != nil {
		e.opts = *opts
	}
	if e.opts.OldUntil.IsZero() {
		e.opts.OldUntil = DefaultOldUntil
	}
	if e.opts.Clock == nil {
		e.opts.Clock = time.Now
	}
	return e
}

// Key is the device key, which the server publishes.
func (e *Envelopes) Key() *DeviceKey { return e.key }

// OldUntil is the last moment an old envelope is opened.
func (e *Envelopes) OldUntil() time.Time { return e.opts.OldUntil }

// Open opens an envelope arriving in a command bound as b; old says it
// was of the old scheme. Returns DeviceKey.Open's errors, and for an old
// envelope ErrOldSchemeExpired after OldUntil (or without a store),
// ErrOldEnvelopeUsed when another binding opened it first, and the
// store's errors.
func (e *Envelopes) Open(ctx context.Context, envelope string, b Binding) (who Identity, old bool, err error) {
	if !strings.HasPrefix(envelope, OldEnvelopeScheme+".") {
		who, err = e.key.Open(envelope, b)
		return who, false, err
	}
	if e.store == nil || e.opts.Clock().After(e.opts.OldUntil) {
		return Identity{}, true, ErrOldSchemeExpired
	}
	who, digest, err := e.key.openOld(envelope)
	if err != nil {
		return Identity{}, true, err
	}
	if err := e.bind(ctx, digest, b); err != nil {
		return Identity{}, true, err
	}
	return who, true, nil
}

// bind records that the old envelope of digest is b's, unless another
// binding has it: the stream's first event wins, on every node.
func (e *Envelopes) bind(ctx context.Context, digest [sha256.Size]byte, b Binding) error {
	stream := oldEnvelopeStreamPrefix + hex.EncodeToString(digest[:])
	sum := sha256.Sum256([]byte(b.String()))
	mine := hex.EncodeToString(sum[:])
	ev := events.EventData{Type: oldEnvelopeOpenedType}
	var err error
	if ev.Data, err = json.Marshal(oldEnvelopeOpened{Binding: mine}); err != nil {
		return err
	}
	if _, err := rand.Read(ev.ID[:]); err != nil {
		return err
	}
	_, err = e.store.Append(ctx, stream, events.NoStream{}, ev)
	if !errors.Is(err, events.ErrWrongExpectedRevision) {
		if err != nil {
			return fmt.Errorf("keystore: remember an old envelope: %w", err)
		}
		return nil
	}
	first, err := firstBinding(ctx, e.store, stream)
	if err != nil {
		return err
	}
	if first != mine {
		return ErrOldEnvelopeUsed
	}
	return nil // the same command again
}

// firstBinding is the binding an old envelope's stream recorded first.
func firstBinding(ctx context.Context, store events.Store, stream string) (string, error) {
	for rec, err := range store.ReadStream(ctx, stream, events.ReadStreamOptions{Max: 1}) {
		if err != nil {
			return "", fmt.Errorf("keystore: read %s: %w", stream, err)
		}
		var opened oldEnvelopeOpened
		if err := json.Unmarshal(rec.Data, &opened); err != nil {
			return "", fmt.Errorf("keystore: %s: %w", stream, err)
		}
		return opened.Binding, nil
	}
	return "", fmt.Errorf("keystore: %s: %w", stream, events.ErrStreamNotFound)
}
