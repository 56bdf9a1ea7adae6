package commands

import (
	"context"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/keystore"
)

// Outcome is the outcome aggregate as the handler runs it.
var Outcome = For(outcome.Aggregate)

// RequestSubstantiation asks a verifier to substantiate an outcome,
// sealing their name, phone and organisation as a participant's are:
// under a key of the request's own (outcome.VerifierKeyID), durable
// before the event that uses it. The request is decided first, so a
// refused one makes no key; a retry reuses the first key and returns the
// first result.
func (h *Handler) RequestSubstantiation(ctx context.Context, id domain.ID, cmd outcome.RequestSubstantiation, who keystore.Identity, meta Meta) (Result[outcome.Event], error) {
	if h.keys == nil {
		return Result[outcome.Event]{}, ErrNoKeyStore
	}
	if err := checkVerifier(who); err != nil {
		return Result[outcome.Event]{}, err
	}
	dry := meta
	dry.DryRun = true
	cmd.Verifier = &domain.SealedIdentity{Nonce: make([]byte, 12), Ciphertext: make([]byte, 32)}
	if res, err := Outcome.Execute(ctx, h, id, cmd, dry); err != nil || res.Repeated || meta.DryRun {
		return res, err
	}
	keyID := outcome.VerifierKeyID(id, cmd.RequestID)
	lock := h.keyLock(keyID)
	lock.Lock()
	defer lock.Unlock()
	sealed, err := h.keys.Seal(ctx, keyID, who)
	if err != nil {
		return Result[outcome.Event]{}, err
	}
	cmd.Verifier = sealed
	// A failed write keeps the key, as an enrolment's does (Enrol): a
	// retry on another node may be sealing under it now.
	return Outcome.Execute(ctx, h, id, cmd, meta)
}

// EraseVerifier destroys a verifier's key first — so they are gone even if
// the append then fails — and records the erasure.
func (h *Handler) EraseVerifier(ctx context.Context, id domain.ID, cmd outcome.EraseVerifier, meta Meta) (Result[outcome.Event], error) {
	if h.keys == nil {
		return Result[outcome.Event]{}, ErrNoKeyStore
	}
	dry := meta
	dry.DryRun = true
	if res, err := Outcome.Execute(ctx, h, id, cmd, dry); err != nil || res.Repeated || meta.DryRun {
		return res, err
	}
	keyID := outcome.VerifierKeyID(id, cmd.RequestID)
	lock := h.keyLock(keyID)
	lock.Lock()
	defer lock.Unlock()
	if err := h.keys.Forget(ctx, keyID); err != nil {
		return Result[outcome.Event]{}, err
	}
	return Outcome.Execute(ctx, h, id, cmd, meta)
}

// VerifierIdentity opens the identity of an outcome's verifier; it
// returns keystore.ErrErased once they are erased.
func (h *Handler) VerifierIdentity(ctx context.Context, outcomeID, requestID domain.ID, sealed *domain.SealedIdentity) (keystore.Identity, error) {
	if h.keys == nil {
		return keystore.Identity{}, ErrNoKeyStore
	}
	return h.keys.Open(ctx, outcome.VerifierKeyID(outcomeID, requestID), sealed)
}

// checkVerifier: a verifier is asked by name; phone and organisation are
// optional.
func checkVerifier(who keystore.Identity) error {
	var p domain.Problems
	domain.Text(&p, "verifier.name", who.Name, true, 200)
	domain.Text(&p, "verifier.phone", who.Phone, false, 40)
	domain.Text(&p, "verifier.organisation", who.Organisation, false, 200)
	return p.Err()
}
