package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/keystore"
)

// Commands of any aggregate, for callers that hold every kind: the write
// policy sends them all through Send, and judges them with KindOf,
// DecideMissing and Exists.

// ErrUnknownCommand: a command no aggregate has.
var ErrUnknownCommand = errors.New("no aggregate has this command")

// Send runs any aggregate's command, as the aggregate's own entry point
// would: an enrolment seals identity (nil: none yet, a key is made all the
// same), a profile's correction replaces it when it is not nil, an erasure
// destroys the key; a substantiation request seals its verifier's
// identity and a verifier's erasure destroys theirs. Its errors are the entry point's.
func Send(ctx context.Context, h *Handler, id domain.ID, cmd domain.Command, meta Meta, identity *keystore.Identity) (Result[domain.Event], error) {
	switch c := cmd.(type) {
	case participant.Enrol:
		var who keystore.Identity
		if identity != nil {
			who = *identity
		}
		return widen(h.Enrol(ctx, id, c, who, meta))
	case participant.CorrectProfile:
		return widen(h.CorrectParticipant(ctx, id, c, identity, meta))
	case participant.Erase:
		return widen(h.Erase(ctx, id, c, meta))
	case outcome.RequestSubstantiation:
		var who keystore.Identity
		if identity != nil {
			who = *identity
		}
		return widen(h.RequestSubstantiation(ctx, id, c, who, meta))
	case outcome.EraseVerifier:
		return widen(h.EraseVerifier(ctx, id, c, meta))
	}
	agg, ok := registry.Of(cmd)
	if !ok {
		return Result[domain.Event]{}, fmt.Errorf("%T: %w", cmd, ErrUnknownCommand)
	}
	return h.execute(ctx, agg, id, cmd, meta)
}

// KindOf is the category of the object a command acts on, and whether the
// command creates it (its id is then the command id).
func KindOf(cmd domain.Command) (category string, creates bool, err error) {
	agg, ok := registry.Of(cmd)
	if !ok {
		return "", false, fmt.Errorf("%T: %w", cmd, ErrUnknownCommand)
	}
	return agg.Describe().Category, agg.IsCreation(cmd), nil
}

// DecideMissing is the refusal a command that is not a creation gets when
// its object does not exist: what a sender is told of an object it may
// not see, so that the two read alike, word for word.
func DecideMissing(h *Handler, cmd domain.Command) error {
	agg, ok := registry.Of(cmd)
	if !ok {
		return fmt.Errorf("%T: %w", cmd, ErrUnknownCommand)
	}
	_, err := agg.DecideAny(nil, cmd, domain.Env{Today: domain.DateOf(h.clock()), Reference: h.reference, Lookup: lookup{}})
	if err == nil {
		return fmt.Errorf("%s accepted on a missing %s", cmd.CommandName(), agg.Describe().Category)
	}
	return err
}

// Exists reports whether an object has a stream.
func (h *Handler) Exists(ctx context.Context, r domain.Ref) (bool, error) {
	stream := domain.StreamName(r.Category, r.ID)
	for _, err := range h.store.ReadStream(ctx, stream, events.ReadStreamOptions{Max: 1}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("read %s: %w", stream, err)
		}
		return true, nil
	}
	return false, nil
}

// widen gives a result the events of every aggregate.
func widen[E domain.Event](r Result[E], err error) (Result[domain.Event], error) {
	out := Result[domain.Event]{Stream: r.Stream, LastRevision: r.LastRevision, Position: r.Position, Repeated: r.Repeated, Where: r.Where}
	for _, e := range r.Events {
		out.Events = append(out.Events, e)
	}
	return out, err
}
