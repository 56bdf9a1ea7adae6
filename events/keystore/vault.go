package keystore

import (
	"context"
	"errors"

	"github.com/palabre/palabre/events/domain"
)

// ErrNoKey is a vault's answer for a participant without a key: never
// made, or destroyed.
var ErrNoKey = errors.New("keystore: no key")

// ErrDestroyed is Create's answer for a participant whose key was
// destroyed: an erased person's key, from an old backup or a directory
// put back, must not make their name open again.
var ErrDestroyed = errors.New("keystore: the participant was erased; their key is not taken again")

// Vault keeps participants' keys, each wrapped under the master key, where
// every node serving them reaches the same ones: a directory on one
// machine, the replicated engine in a cluster. A vault never sees a key in
// clear. Implementations are safe for concurrent use.
type Vault interface {
	// Load returns id's wrapped key, or ErrNoKey.
	Load(ctx context.Context, id domain.ID) ([]byte, error)
	// Create stores wrapped as id's key unless id has one already, and
	// returns the key id has afterwards: the one stored first wins, so
	// two nodes enrolling the same participant at once seal under one
	// key. It returns once the key is durable (replicated, in a cluster).
	// A participant whose key was destroyed gets ErrDestroyed, for good.
	Create(ctx context.Context, id domain.ID, wrapped []byte) ([]byte, error)
	// Destroy erases id's key for good: its bytes are gone from the
	// vault's storage, not merely hidden (crypto-shredding), and the
	// vault keeps that id was erased (a tombstone without the key), so
	// that no later Create takes a key for id. It returns once that is
	// durable and succeeds for a key already gone or never made.
	Destroy(ctx context.Context, id domain.ID) error
	// List returns the participants that have a key.
	List(ctx context.Context) ([]domain.ID, error)
}
