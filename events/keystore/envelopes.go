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
// that every node and every restore of a backup remembers it), until that
// command is refused and its opening releases it (Release). The stream's
// last event says who holds it: OldEnvelopeOpened (a binding's SHA-256)
// or OldEnvelopeReleased (nobody), each appended at the exact revision
// read, so that two openings at once never both bind it. The same command
// sent again (a retry, under its commandId) opens it again, and appends
// too, so that the first opening's release no longer applies; another
// command — another record, region or purpose — is refused, and after
// OldUntil every old envelope is. What stays open meanwhile: an old
// envelope not yet sent, taken and sent first by someone else into their
// own region. Each old envelope opened is said to the caller (Old), for
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

// oldEnvelopeOpened binds the envelope: the SHA-256 of the binding it was
// opened for (no identity, no id in clear).
type oldEnvelopeOpened struct {
	Binding string `json:"binding"`
}

const oldEnvelopeOpenedType = "OldEnvelopeOpened"

// oldEnvelopeReleasedType follows an opening whose command was refused:
// the envelope is nobody's again (Envelopes.Release).
const oldEnvelopeReleasedType = "OldEnvelopeReleased"

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

// Opened is an envelope opened for a binding.
type Opened struct {
	Identity Identity
	// Old: sealed by the old scheme, and now bound to the binding.
	Old bool
	// claim is the revision of the old envelope's stream at which this
	// opening bound it first (claimed), for Release; stream is "" when it
	// did not.
	stream string
	claim  events.Revision
}

// Open opens an envelope arriving in a command bound as b. An old
// envelope is bound to b from then on, until Release. Returns
// DeviceKey.Open's errors, and for an old envelope ErrOldSchemeExpired
// after OldUntil (or without a store), ErrOldEnvelopeUsed when another
// binding holds it, and the store's errors (ErrWrongExpectedRevision when
// the envelope's stream kept changing).
func (e *Envelopes) Open(ctx context.Context, envelope string, b Binding) (Opened, error) {
	if !strings.HasPrefix(envelope, OldEnvelopeScheme+".") {
		who, err := e.key.Open(envelope, b)
		return Opened{Identity: who}, err
	}
	if e.store == nil || e.opts.Clock().After(e.opts.OldUntil) {
		return Opened{Old: true}, ErrOldSchemeExpired
	}
	who, digest, err := e.key.openOld(envelope)
	if err != nil {
		return Opened{Old: true}, err
	}
	opened := Opened{Identity: who, Old: true}
	if opened.stream, opened.claim, err = e.bind(ctx, digest, b); err != nil {
		return Opened{Old: true}, err
	}
	return opened, nil
}

// Release lets an old envelope go when the command it was opened for was
// refused (nothing written), so that the envelope's own command may still
// open it. Only the opening that bound it first releases it, and only if
// nothing came after its claim: the same binding opened meanwhile (a
// retry, perhaps written) keeps it bound. A bound or new envelope has
// nothing to release. Returns the store's errors.
func (e *Envelopes) Release(ctx context.Context, o Opened) error {
	if o.stream == "" {
		return nil
	}
	ev, err := newEnvelopeEvent(oldEnvelopeReleasedType, struct{}{})
	if err != nil {
		return err
	}
	_, err = e.store.Append(ctx, o.stream, events.Exact(o.claim), ev)
	if errors.Is(err, events.ErrWrongExpectedRevision) {
		return nil // opened again for the same binding since: it stays bound
	}
	if err != nil {
		return fmt.Errorf("keystore: release an old envelope: %w", err)
	}
	return nil
}

// bindTries bounds how often bind reads its stream again after another
// opening wrote to it: each retry follows someone else's progress.
const bindTries = 8

// bind records that the old envelope of digest is b's, unless another
// binding holds it: the stream's last event says who does (none after a
// release), on every node. It returns the stream and the revision of its
// claim when this opening bound it first; an opening for the binding that
// holds it appends as well, so that the first one's release no longer
// applies.
func (e *Envelopes) bind(ctx context.Context, digest [sha256.Size]byte, b Binding) (stream string, claim events.Revision, err error) {
	stream = oldEnvelopeStreamPrefix + hex.EncodeToString(digest[:])
	sum := sha256.Sum256([]byte(b.String()))
	mine := hex.EncodeToString(sum[:])
	ev, err := newEnvelopeEvent(oldEnvelopeOpenedType, oldEnvelopeOpened{Binding: mine})
	if err != nil {
		return "", 0, err
	}
	for range bindTries {
		holder, expected, err := holderOf(ctx, e.store, stream)
		if err != nil {
			return "", 0, err
		}
		if holder != "" && holder != mine {
			return "", 0, ErrOldEnvelopeUsed
		}
		res, err := e.store.Append(ctx, stream, expected, ev)
		switch {
		case errors.Is(err, events.ErrWrongExpectedRevision):
			continue
		case err != nil:
			return "", 0, fmt.Errorf("keystore: remember an old envelope: %w", err)
		case holder == mine:
			return "", 0, nil // the same binding again: not this opening's to release
		}
		return stream, res.NextExpected, nil
	}
	return "", 0, fmt.Errorf("keystore: %s kept changing: %w", stream, events.ErrWrongExpectedRevision)
}

// newEnvelopeEvent is an event of an old envelope's stream, with an id of
// its own.
func newEnvelopeEvent(eventType string, data any) (events.EventData, error) {
	ev := events.EventData{Type: eventType}
	var err error
	if ev.Data, err = json.Marshal(data); err != nil {
		return ev, err
	}
	_, err = rand.Read(ev.ID[:])
	return ev, err
}

// holderOf is the binding an old envelope's stream says holds it ("" when
// none: never opened, or released), and the expectation to append after
// what it read.
func holderOf(ctx context.Context, store events.Store, stream string) (string, events.ExpectedRevision, error) {
	last := events.ReadStreamOptions{Direction: events.Backwards, From: events.EndOfStream, Max: 1}
	for rec, err := range store.ReadStream(ctx, stream, last) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return "", events.NoStream{}, nil
		}
		if err != nil {
			return "", nil, fmt.Errorf("keystore: read %s: %w", stream, err)
		}
		if rec.Type == oldEnvelopeReleasedType {
			return "", events.Exact(rec.Revision), nil
		}
		var opened oldEnvelopeOpened
		if err := json.Unmarshal(rec.Data, &opened); err != nil {
			return "", nil, fmt.Errorf("keystore: %s: %w", stream, err)
		}
		return opened.Binding, events.Exact(rec.Revision), nil
	}
	return "", events.NoStream{}, nil
}
