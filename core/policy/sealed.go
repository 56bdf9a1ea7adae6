package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
)

// Unseal opens an identity a device sealed to the server's device key for
// the command it arrives in: the envelope's binding is rebuilt from the
// command (its name, the record's ids, the region it names), so that an
// envelope taken from another command — another person's enrolment,
// another region, a verifier's request — does not open here. field names
// the envelope in the door's terms ("identity.sealed"). old says an
// envelope of the old, unbound scheme was opened (keystore.Envelopes says
// when one is), for the door to log.
//
// Returns a *domain.Problems on field for an envelope that does not open
// here, and the store's errors when an old envelope could not be
// remembered.
func (p *Policy) Unseal(ctx context.Context, id domain.ID, cmd domain.Command, field, envelope string) (who keystore.Identity, old bool, err error) {
	if p.cfg.Envelopes == nil {
		return who, false, domain.Reject(field, "this server takes no sealed identity")
	}
	b, ok := bindingOf(id, cmd)
	if !ok {
		return who, false, fmt.Errorf("policy: %s takes no sealed identity", cmd.CommandName())
	}
	who, old, err = p.cfg.Envelopes.Open(ctx, envelope, b)
	switch {
	case errors.Is(err, keystore.ErrSealedForAnotherKey):
		return who, old, domain.Reject(field, "sealed for another key than this server's (%s): type the name again", p.cfg.Envelopes.Key().ID())
	case errors.Is(err, keystore.ErrOldSchemeExpired):
		return who, old, domain.Reject(field, "sealed by an older version of the app, accepted until %s only: type the name again", p.cfg.Envelopes.OldUntil().Format("2006-01-02"))
	case errors.Is(err, keystore.ErrOldEnvelopeUsed):
		return who, old, domain.Reject(field, "sealed by an older version of the app and already used for another record: type the name again")
	case errors.Is(err, keystore.ErrUnsealable), errors.Is(err, keystore.ErrOldScheme):
		return who, old, domain.Reject(field, "does not open for this command (sealed for another person, region or use, or altered): type the name again")
	}
	return who, old, err
}

// bindingOf is what an envelope arriving in cmd must have been sealed
// for: the command's name, the ids of the record the identity goes into
// (all made by the client before it seals), and the region it names.
func bindingOf(id domain.ID, cmd domain.Command) (keystore.Binding, bool) {
	b := keystore.Binding{Purpose: cmd.CommandName()}
	switch c := cmd.(type) {
	case participant.Enrol:
		b.Records, b.Region = []domain.ID{id}, c.Region
	case participant.CorrectProfile:
		b.Records, b.Region = []domain.ID{id}, c.Region
	case outcome.RequestSubstantiation:
		b.Records = []domain.ID{id, c.RequestID}
	default:
		return b, false
	}
	return b, true
}
