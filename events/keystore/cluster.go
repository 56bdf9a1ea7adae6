package keystore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/palabre/palabre/events"
)

// MasterKeyStream is where the nodes of a replicated engine agree on one
// master key: its first event holds a check value of the key (an HMAC
// under it, which tells nothing of it), written by the first node.
const MasterKeyStream = events.NodeStreamPrefix + "masterkey"

// ErrOtherMasterKey: this node's master key is not the one the other
// nodes of its engine use; names it sealed no other node could open.
var ErrOtherMasterKey = errors.New("keystore: this master key is not the one the other nodes of this event store use")

// masterKeyChecked is the event of MasterKeyStream.
type masterKeyChecked struct {
	Check string `json:"check"`
}

const masterKeyCheckedType = "MasterKeyChecked"

// KnownMasterKey reports whether a node of store has recorded its master
// key's check value: a node without a master key may then not make one.
func KnownMasterKey(ctx context.Context, store events.Store) (bool, error) {
	_, known, err := recordedCheck(ctx, store)
	return known, err
}

// AgreeOnMasterKey records key's check value in store if no node has yet,
// and returns ErrOtherMasterKey when another node's differs: every node
// of a replicated engine must seal under the same master key.
func AgreeOnMasterKey(ctx context.Context, store events.Store, key []byte) error {
	mine := masterKeyCheck(key)
	recorded, known, err := recordedCheck(ctx, store)
	if err != nil {
		return err
	}
	if !known {
		e := events.EventData{Type: masterKeyCheckedType}
		if e.Data, err = json.Marshal(masterKeyChecked{Check: mine}); err != nil {
			return err
		}
		if _, err := rand.Read(e.ID[:]); err != nil {
			return err
		}
		_, err = store.Append(ctx, MasterKeyStream, events.NoStream{}, e)
		if !errors.Is(err, events.ErrWrongExpectedRevision) {
			return err // nil: this node's key is the deployment's
		}
		// Another node recorded its key first: this one must be the same.
		if recorded, _, err = recordedCheck(ctx, store); err != nil {
			return err
		}
	}
	if !hmac.Equal([]byte(recorded), []byte(mine)) {
		return ErrOtherMasterKey
	}
	return nil
}

// recordedCheck is the check value the first node recorded, if any.
func recordedCheck(ctx context.Context, store events.Store) (string, bool, error) {
	for rec, err := range store.ReadStream(ctx, MasterKeyStream, events.ReadStreamOptions{Max: 1}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("read %s: %w", MasterKeyStream, err)
		}
		var c masterKeyChecked
		if err := json.Unmarshal(rec.Data, &c); err != nil || c.Check == "" {
			return "", false, fmt.Errorf("%s@%d is damaged: %v", MasterKeyStream, rec.Revision, err)
		}
		return c.Check, true, nil
	}
	return "", false, nil
}

// masterKeyCheck is what tells master keys apart without telling them.
func masterKeyCheck(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("palabre master key check v1"))
	return hex.EncodeToString(m.Sum(nil))
}
