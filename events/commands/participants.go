package commands

import (
	"context"
	"errors"
	"sync"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
)

// ErrNoKeyStore: identities cannot be sealed or erased without a key store.
var ErrNoKeyStore = errors.New("no key store configured for participants' identities")

// Enrol enrols a participant, sealing their name and phone under a key of
// their own that is durable before the event that uses it.
//
// A key is made only for an enrolment the decider accepts: a retry, an
// erased person or a refused command leaves the keys as they were, so an
// erased person's key is never made again and no refusal leaves a key
// behind. A write that fails after sealing keeps the key: the same
// enrolment retried on another node at that moment may have sealed under
// it and be writing (keyLock is this node's), and the retry this one
// calls for seals under it again. Such a key seals nothing kept until a
// retry lands (doctor counts such keys in keys/ as harmless).
func (h *Handler) Enrol(ctx context.Context, id domain.ID, cmd participant.Enrol, who keystore.Identity, meta Meta) (Result[participant.Event], error) {
	if h.keys == nil {
		return Result[participant.Event]{}, ErrNoKeyStore
	}
	if err := checkIdentity(who); err != nil {
		return Result[participant.Event]{}, err
	}
	if meta.DryRun {
		// Decided as if sealed, and no key is made for a check.
		cmd.Identity = &participant.SealedIdentity{Nonce: make([]byte, 12), Ciphertext: make([]byte, 32)}
		return h.decideThenClaim(ctx, id, cmd, cmd.Profile, meta)
	}
	lock := h.keyLock(id)
	lock.Lock()
	defer lock.Unlock()
	if enrolled, err := h.enrolled(ctx, id); err != nil || enrolled {
		if err != nil {
			return Result[participant.Event]{}, err
		}
		cmd.Identity = nil // decided without a key: a repeat, or a refusal
		return Participant.Execute(ctx, h, id, cmd, meta)
	}
	if _, err := h.decideThenClaim(ctx, id, cmd, cmd.Profile, meta); err != nil {
		return Result[participant.Event]{}, err
	}
	sealed, err := h.keys.Seal(ctx, id, who)
	if err != nil {
		return Result[participant.Event]{}, err
	}
	cmd.Identity = sealed
	// A failed write keeps the key (see Enrol's doc).
	return Participant.Execute(ctx, h, id, cmd, meta)
}

// decideThenClaim decides a command as a dry run and, when it is accepted,
// claims the code it gives the participant in their region: a refused
// command claims nothing, and a command refused for its code writes
// nothing. A participant whose region is corrected claims their code in
// the new region.
func (h *Handler) decideThenClaim(ctx context.Context, id domain.ID, cmd participant.Command, pr participant.Profile, meta Meta) (Result[participant.Event], error) {
	dry := meta
	dry.DryRun = true
	res, err := Participant.Execute(ctx, h, id, cmd, dry)
	if err != nil || res.Repeated {
		return res, err
	}
	return res, h.claimCode(ctx, id, pr.Region, pr.Code, meta)
}

// enrolled reports whether the participant's stream exists.
func (h *Handler) enrolled(ctx context.Context, id domain.ID) (bool, error) {
	f, err := Participant.fold(ctx, h, domain.StreamName(participant.Category, id), ulid.ULID{})
	return f.exists, err
}

// keyLock serialises what creates, replaces or deletes one participant's
// key, so that a key is never made again between a check and an erasure.
func (h *Handler) keyLock(id domain.ID) *sync.Mutex {
	return &h.keyLocks[id[len(id)-1]%byte(len(h.keyLocks))]
}

// checkIdentity checks a name and phone. Neither is required here: a
// participant may be known by code only (an import's attendee), and gets
// a key all the same, so that a name can be sealed under it later.
func checkIdentity(who keystore.Identity) error { return CheckIdentity(who, "", false) }

// CheckIdentity is the one rule for a name and a phone, their fields named
// under prefix: each, when given, must hold a visible character (a name
// of zero-width spaces is no name) and fit its length; the name is
// required when nameRequired, as the API's enrolment requires it.
func CheckIdentity(who keystore.Identity, prefix string, nameRequired bool) error {
	var p domain.Problems
	domain.Text(&p, prefix+"name", who.Name, nameRequired || who.Name != "", 200)
	domain.Text(&p, prefix+"phone", who.Phone, who.Phone != "", 40)
	return p.Err()
}

// CorrectParticipant corrects a profile and, when who is not nil, replaces
// the sealed identity.
func (h *Handler) CorrectParticipant(ctx context.Context, id domain.ID, cmd participant.CorrectProfile, who *keystore.Identity, meta Meta) (Result[participant.Event], error) {
	cmd.Identity = nil
	if res, err := h.decideThenClaim(ctx, id, cmd, cmd.Profile, meta); err != nil || meta.DryRun {
		return res, err // a check seals nothing either
	}
	if who != nil {
		if h.keys == nil {
			return Result[participant.Event]{}, ErrNoKeyStore
		}
		if err := checkIdentity(*who); err != nil {
			return Result[participant.Event]{}, err
		}
		lock := h.keyLock(id)
		lock.Lock()
		defer lock.Unlock()
		// Never create a key here: an erased participant must stay erased,
		// even when another node erases them meanwhile (keyLock is this
		// node's).
		if _, err := h.keys.Open(ctx, id, h.sealedOf(ctx, id)); err != nil {
			return Result[participant.Event]{}, domain.Reject("participantId", "the participant's identity cannot be replaced: %v", err)
		}
		sealed, err := h.keys.Reseal(ctx, id, *who)
		if errors.Is(err, keystore.ErrErased) {
			return Result[participant.Event]{}, domain.Reject("participantId", "the participant's identity cannot be replaced: %v", err)
		}
		if err != nil {
			return Result[participant.Event]{}, err
		}
		cmd.Identity = sealed
	}
	return Participant.Execute(ctx, h, id, cmd, meta)
}

// sealedOf returns a participant's current sealed identity, nil if none.
func (h *Handler) sealedOf(ctx context.Context, id domain.ID) *participant.SealedIdentity {
	f, err := Participant.fold(ctx, h, domain.StreamName(participant.Category, id), ulid.ULID{})
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
	lock := h.keyLock(id)
	lock.Lock()
	defer lock.Unlock()
	if err := h.keys.Forget(ctx, id); err != nil {
		return Result[participant.Event]{}, err
	}
	return Participant.Execute(ctx, h, id, cmd, meta)
}
