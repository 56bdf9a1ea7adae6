package commands

import (
	"context"
	"errors"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
)

// ErrNoKeyStore: identities cannot be sealed or erased without a key store.
var ErrNoKeyStore = errors.New("no key store configured for participants' identities")

// Enrol enrols a participant, sealing their name and phone under a key of
// their own that is durable before the event that uses it.
func (h *Handler) Enrol(ctx context.Context, id domain.ID, cmd participant.Enrol, who keystore.Identity, meta Meta) (Result[participant.Event], error) {
	if h.keys == nil {
		return Result[participant.Event]{}, ErrNoKeyStore
	}
	var p domain.Problems
	domain.Text(&p, "name", who.Name, true, 200)
	domain.Text(&p, "phone", who.Phone, false, 40)
	if err := p.Err(); err != nil {
		return Result[participant.Event]{}, err
	}
	sealed, err := h.keys.Seal(id, who)
	if err != nil {
		return Result[participant.Event]{}, err
	}
	cmd.Identity = sealed
	return Participant.Execute(ctx, h, id, cmd, meta)
}

// CorrectParticipant corrects a profile and, when who is not nil, replaces
// the sealed identity.
func (h *Handler) CorrectParticipant(ctx context.Context, id domain.ID, cmd participant.CorrectProfile, who *keystore.Identity, meta Meta) (Result[participant.Event], error) {
	cmd.Identity = nil
	if who != nil {
		if h.keys == nil {
			return Result[participant.Event]{}, ErrNoKeyStore
		}
		var p domain.Problems
		domain.Text(&p, "name", who.Name, true, 200)
		domain.Text(&p, "phone", who.Phone, false, 40)
		if err := p.Err(); err != nil {
			return Result[participant.Event]{}, err
		}
		// Never create a key here: an erased participant must stay erased.
		if _, err := h.keys.Open(id, h.sealedOf(ctx, id)); err != nil {
			return Result[participant.Event]{}, domain.Reject("participantId", "the participant's identity cannot be replaced: %v", err)
		}
		sealed, err := h.keys.Seal(id, *who)
		if err != nil {
			return Result[participant.Event]{}, err
		}
		cmd.Identity = sealed
	}
	return Participant.Execute(ctx, h, id, cmd, meta)
}

// sealedOf returns a participant's current sealed identity, nil if none.
func (h *Handler) sealedOf(ctx context.Context, id domain.ID) *participant.SealedIdentity {
	f, err := Participant.fold(ctx, h, domain.StreamName(participant.Category, id), [16]byte{})
	if err != nil {
		return nil
	}
	return f.state.Identity
}

// Erase deletes the participant's key first — so the person is gone even
// if the append then fails — and records the erasure.
func (h *Handler) Erase(ctx context.Context, id domain.ID, cmd participant.Erase, meta Meta) (Result[participant.Event], error) {
	if h.keys == nil {
		return Result[participant.Event]{}, ErrNoKeyStore
	}
	if err := h.keys.Forget(id); err != nil {
		return Result[participant.Event]{}, err
	}
	return Participant.Execute(ctx, h, id, cmd, meta)
}

// Identity opens a participant's sealed identity. Returns
// keystore.ErrErased for an erased participant.
func (h *Handler) Identity(ctx context.Context, id domain.ID) (keystore.Identity, error) {
	if h.keys == nil {
		return keystore.Identity{}, ErrNoKeyStore
	}
	return h.keys.Open(id, h.sealedOf(ctx, id))
}
