package read

import (
	"context"
	"errors"
	"slices"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/outcomes"
)

// visibleOutcome: an outcome is of the region where the change happened.
func (s *Service) visibleOutcome(who access.Principal, id domain.ID) (outcomes.Outcome, bool) {
	if s.cfg.Outcomes == nil {
		return outcomes.Outcome{}, false
	}
	o, ok := s.cfg.Outcomes.Get(id)
	return o, ok && s.inScope(who, domain.Ref{Category: outcome.Category, ID: id}, func() bool { return who.InRegion(o.Region) })
}

// Outcome is one outcome, its locality only to whom it may go
// (OutcomeLocality).
func (s *Service) Outcome(v Viewer, id domain.ID) (outcomes.Outcome, error) {
	o, err := get(v, access.ReadRecords, id, s.visibleOutcome)
	return withLocality(v, o), err
}

// MayReadOutcomeLocality is the one rule of an outcome's locality, which
// is recorded privately and never published: it goes to who may record
// outcomes in the outcome's region (admins, advocacy leads, the region's
// facilitators: those who revise it, whose form sends the whole record
// back), in the app; never to an answer that leaves it (an export's file,
// a publication), nor to anyone else.
func MayReadOutcomeLocality(v Viewer, region string) bool {
	return !v.Leaves && v.Can(access.TrackCommitments) && v.InRegion(region)
}

// withLocality is an outcome as the viewer may read it.
func withLocality(v Viewer, o outcomes.Outcome) outcomes.Outcome {
	if !MayReadOutcomeLocality(v, o.Region) {
		o.Locality = ""
	}
	return o
}

// OutcomeQuery selects outcomes; zero fields select all.
type OutcomeQuery struct {
	Region, ChangeType, Tag string
	ActorID, Cites          *domain.ID
}

// Outcomes are the selected outcomes the viewer may see, the latest
// change first. A region, an actor or an object cited that they may not
// see is not found, as one that does not exist.
func (s *Service) Outcomes(v Viewer, q OutcomeQuery) ([]outcomes.Outcome, error) {
	if err := Must(v, access.ReadRecords); err != nil {
		return nil, err
	}
	var err error
	if q.Region, err = s.regionNamed(v, q.Region); err != nil {
		return nil, err
	}
	if q.Region != "" && !v.InRegion(q.Region) {
		return nil, ErrNotFound
	}
	if q.ActorID != nil && !s.sees(v.Principal, domain.Ref{Category: "stakeholder", ID: *q.ActorID}) {
		return nil, ErrNotFound
	}
	if q.Cites != nil && !s.sees(v.Principal, domain.Ref{Category: "dialogue", ID: *q.Cites}) &&
		!s.sees(v.Principal, domain.Ref{Category: "commitment", ID: *q.Cites}) {
		return nil, ErrNotFound
	}
	if s.cfg.Outcomes == nil {
		return nil, nil
	}
	list := s.cfg.Outcomes.List(outcomes.Query{Region: q.Region, ChangeType: q.ChangeType, Tag: q.Tag, ActorID: q.ActorID, Cites: q.Cites})
	list = slices.DeleteFunc(list, func(o outcomes.Outcome) bool { return !v.InRegion(o.Region) })
	for i := range list {
		list[i] = withLocality(v, list[i])
	}
	return list, nil
}

// OutcomeEvidence is the evidence of an outcome the viewer may see: what
// an admin cited from another region is left out for a facilitator, as
// the relations leave out what they may not see.
func (s *Service) OutcomeEvidence(v Viewer, o outcomes.Outcome) []outcome.Evidence {
	out := []outcome.Evidence{}
	for _, e := range o.Evidence {
		if s.sees(v.Principal, e.Ref()) {
			out = append(out, e)
		}
	}
	return out
}

// VerifierIdentity opens the name, phone and organisation of the verifier
// of an outcome's request, for a viewer who may open identities in the
// outcome's region with a bearer token — as a participant's — and audits
// the read; ok is false once the verifier is erased.
func (s *Service) VerifierIdentity(ctx context.Context, v Viewer, o outcomes.Outcome, requestID domain.ID) (who keystore.Identity, ok bool, err error) {
	switch {
	case v.Session:
		return who, false, forbidden(v, "your token's role may not read a name through a browser session (the web app shows codes only); use a bearer token")
	case !v.MaySeeIdentitiesIn(o.Region):
		return who, false, forbidden(v, "your token's role may not open a verifier's identity")
	}
	i := slices.IndexFunc(o.Requests, func(r outcomes.Request) bool { return r.ID == requestID })
	if i < 0 {
		return who, false, ErrNotFound
	}
	if o.Requests[i].Verifier == nil {
		return who, false, nil
	}
	who, err = s.cfg.Handler.VerifierIdentity(ctx, o.ID, requestID, o.Requests[i].Verifier)
	switch {
	case errors.Is(err, keystore.ErrErased):
		return who, false, nil
	case err != nil:
		v.Log.Error().Err(err).Str("outcome", o.ID.String()).Msg("opening a verifier's identity failed")
		return keystore.Identity{}, false, ErrInternal
	}
	if v.ReadIdentity != nil {
		v.ReadIdentity()
	}
	v.Log.Info().Str("audit", "verifier identity read").Str("subject", v.Subject).Str("token", v.TokenID).
		Str("outcome", o.ID.String()).Str("request", requestID.String()).Msg("audit")
	return who, true, nil
}
