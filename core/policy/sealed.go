package policy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
)

// Sealed is an identity a device sealed to the server's device key, as
// a door received it with a command.
type Sealed struct {
	// Field names the envelope in the door's terms ("identity.sealed").
	Field    string
	Envelope string
	// Check judges the identity once opened, as the door judges one typed
	// in clear; nil: no check.
	Check func(keystore.Identity) error
}

// EnvelopeRefused: a sealed identity does not open for its command. It
// unwraps to the *domain.Problems on the envelope's field.
type EnvelopeRefused struct{ Problems domain.Problems }

func (r *EnvelopeRefused) Error() string { return r.Problems.Error() }

// Unwrap gives the refusal as problems.
func (r *EnvelopeRefused) Unwrap() error { return &r.Problems }

// SendSealed is Send for a command whose identity arrives sealed. The
// envelope is opened only for the command it was sealed for: its binding
// (the command's name, the record's ids, the region it names) is rebuilt
// from the command, so that one taken from another command — another
// person's enrolment, another region, a verifier's request — does not
// open here. It is opened after the table and the region rule allow the
// command, and an envelope of the old, unbound scheme, which binds itself
// to the first command that opens it (keystore.Envelopes), is released
// again when the command is then refused: a command refused leaves the
// envelope to its own. old says an old envelope was opened, for the door
// to log.
//
// Returns Send's errors, an *EnvelopeRefused for an envelope that does
// not open here, sealed.Check's errors, the store's errors when an old
// envelope could not be remembered (commands.ErrConflict when its record
// kept changing), and a refusal joined with ErrEnvelopeKept when it could
// not be released.
func (p *Policy) SendSealed(ctx context.Context, who access.Principal, id domain.ID, cmd domain.Command, meta commands.Meta, sealed Sealed) (res commands.Result[domain.Event], old bool, err error) {
	cmd = p.regionCoded(cmd)
	if meta, err = p.judge(ctx, who, id, cmd, meta); err != nil {
		return res, false, err
	}
	opened, err := p.unseal(ctx, id, cmd, sealed)
	if err != nil {
		return res, false, err // nothing opened
	}
	if sealed.Check != nil {
		err = sealed.Check(opened.Identity)
	}
	checked := err == nil
	if checked {
		res, err = commands.Send(ctx, p.cfg.Handler, id, cmd, meta, &opened.Identity)
	}
	if !checked || refused(err) || (err == nil && meta.DryRun) {
		// Released even when the request is cancelled now: nothing was written.
		release, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		if rerr := p.cfg.Envelopes.Release(release, opened); rerr != nil {
			return res, opened.Old, errors.Join(err, fmt.Errorf("%w: %w", ErrEnvelopeKept, rerr))
		}
	}
	return res, opened.Old, err
}

// ErrEnvelopeKept joins a command's refusal when the old envelope it
// opened could not be released: it stays bound to that command, whose
// retry still opens it, for the door to log.
var ErrEnvelopeKept = errors.New("policy: an old envelope opened by a refused command was not released")

// releaseTimeout bounds the release of an old envelope after a refusal.
const releaseTimeout = 5 * time.Second

// refused: the command was refused, so nothing was written. Any other
// error may follow a write (a lost answer): the envelope stays bound, and
// the command's retry opens it again.
func refused(err error) bool {
	var problems *domain.Problems
	return errors.As(err, &problems) || errors.Is(err, commands.ErrCommandIDReused)
}

// unseal opens sealed for the command (id, cmd).
func (p *Policy) unseal(ctx context.Context, id domain.ID, cmd domain.Command, sealed Sealed) (keystore.Opened, error) {
	reject := func(format string, args ...any) error {
		var problems domain.Problems
		problems.Add(sealed.Field, format, args...)
		return &EnvelopeRefused{Problems: problems}
	}
	if p.cfg.Envelopes == nil {
		return keystore.Opened{}, reject("this server takes no sealed identity")
	}
	b, ok := bindingOf(id, cmd)
	if !ok {
		return keystore.Opened{}, fmt.Errorf("policy: %s takes no sealed identity", cmd.CommandName())
	}
	opened, err := p.cfg.Envelopes.Open(ctx, sealed.Envelope, b)
	switch {
	case errors.Is(err, keystore.ErrSealedForAnotherKey):
		return opened, reject("sealed for another key than this server's (%s): type the name again", p.cfg.Envelopes.Key().ID())
	case errors.Is(err, keystore.ErrOldSchemeExpired):
		return opened, reject("sealed by an older version of the app, accepted until %s only: type the name again", p.cfg.Envelopes.OldUntil().Format("2006-01-02"))
	case errors.Is(err, keystore.ErrOldEnvelopeUsed):
		return opened, reject("sealed by an older version of the app and already used for another record: type the name again")
	case errors.Is(err, keystore.ErrUnsealable), errors.Is(err, keystore.ErrOldScheme):
		return opened, reject("does not open for this command (sealed for another person, region or use, or altered): type the name again")
	case errors.Is(err, events.ErrWrongExpectedRevision):
		return opened, fmt.Errorf("%w: %w", commands.ErrConflict, err)
	}
	return opened, err
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
