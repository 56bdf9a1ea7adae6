package kurrentstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

// keyStreamPrefix starts the stream of each participant's key: one of the
// nodes' own streams, which read models pass over.
const keyStreamPrefix = events.NodeStreamPrefix + "key-"

// Vault keeps participants' keys in KurrentDB, a stream each, so that
// every palabre node on the cluster seals and opens under the same keys.
// A key is one event, appended to a stream that must not exist (first
// stored wins). Destroy tombstones the stream — a hard delete: it can
// never be written or read again, and the key's bytes leave each node's
// chunk files at that node's next scavenge, which the operator runs
// (see the package's caveats): until then they are on disk, wrapped by
// the master key.
type Vault struct{ s *Store }

var _ keystore.Vault = (*Vault)(nil)

// Vault is the store's vault of participants' keys.
func (s *Store) Vault() *Vault { return &Vault{s} }

func keyStream(id domain.ID) string { return keyStreamPrefix + id.String() }

// keyCreated is a key's event; the wrapped key is base64 in JSON.
type keyCreated struct {
	Wrapped []byte `json:"wrapped"`
}

const keyCreatedType = "ParticipantKeyCreated"

// Load returns id's wrapped key, or keystore.ErrNoKey (never made, or
// destroyed).
func (v *Vault) Load(ctx context.Context, id domain.ID) ([]byte, error) {
	for e, err := range v.s.ReadStream(ctx, keyStream(id), events.ReadStreamOptions{Max: 1}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return nil, keystore.ErrNoKey
		}
		if err != nil {
			return nil, err
		}
		var k keyCreated
		if err := json.Unmarshal(e.Data, &k); err != nil || len(k.Wrapped) == 0 {
			return nil, fmt.Errorf("kurrentdb: the key of %s is damaged: %v", id, err)
		}
		return k.Wrapped, nil
	}
	return nil, keystore.ErrNoKey
}

// Create appends wrapped as id's key unless its stream exists, and
// returns the key kept. A destroyed key's stream is tombstoned and cannot
// be written again: creating it anew is keystore.ErrDestroyed.
func (v *Vault) Create(ctx context.Context, id domain.ID, wrapped []byte) ([]byte, error) {
	e := events.EventData{Type: keyCreatedType}
	var err error
	if e.Data, err = json.Marshal(keyCreated{Wrapped: wrapped}); err != nil {
		return nil, err
	}
	if _, err := rand.Read(e.ID[:]); err != nil {
		return nil, err
	}
	_, err = v.s.Append(ctx, keyStream(id), events.NoStream{}, e)
	if errors.Is(err, events.ErrWrongExpectedRevision) {
		return v.Load(ctx, id) // another node stored one first
	}
	if errors.Is(err, events.ErrStreamNotFound) { // tombstoned (translate)
		return nil, keystore.ErrDestroyed
	}
	if err != nil {
		return nil, err
	}
	return wrapped, nil
}

// Destroy tombstones id's key stream; a stream already tombstoned, or
// never made, is fine.
func (v *Vault) Destroy(ctx context.Context, id domain.ID) error {
	if err := v.s.gate.Enter(ctx); err != nil {
		return err
	}
	defer v.s.gate.Leave()
	stream := keyStream(id)
	_, err := v.s.client.TombstoneStream(ctx, stream, esdb.TombstoneStreamOptions{ExpectedRevision: esdb.Any{}})
	var esErr *esdb.Error
	if err == nil || errors.As(err, &esErr) && esErr.Code() == esdb.ErrorCodeStreamDeleted {
		return nil
	}
	return translate(ctx, fmt.Errorf("tombstone %s", stream), err)
}

// List reads $all for key streams, then keeps those still holding a key:
// a whole read of the log, for an operator's check, not a request.
func (v *Vault) List(ctx context.Context) ([]domain.ID, error) {
	seen := map[domain.ID]bool{}
	var ids []domain.ID
	for e, err := range v.s.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			return nil, err
		}
		name, ok := strings.CutPrefix(e.Stream, keyStreamPrefix)
		id, perr := ulid.ParseStrict(name)
		if !ok || perr != nil || seen[id] {
			continue
		}
		seen[id] = true
		switch _, err := v.Load(ctx, id); {
		case err == nil:
			ids = append(ids, id)
		case !errors.Is(err, keystore.ErrNoKey):
			return nil, err
		}
	}
	return ids, nil
}
