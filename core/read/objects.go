package read

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// Order is how a list is sorted; each list takes some of them, and
// defaults to its first (newest first where it has a date).
type Order string

const (
	Newest  Order = "NEWEST"
	Oldest  Order = "OLDEST"
	ByName  Order = "NAME"
	ByCode  Order = "CODE"
	ByDueOn Order = "DUE_ON" // soonest first, those without a due date last
)

// Orders each list takes, its default first.
var (
	SpaceOrders       = []Order{Newest, ByName}
	DialogueOrders    = []Order{Newest, Oldest}
	CommitmentOrders  = []Order{Newest, Oldest, ByDueOn}
	StakeholderOrders = []Order{ByName, Newest}
	ParticipantOrders = []Order{ByCode, Newest}
)

// get checks a capability, then finds an object the viewer may see; what
// does not exist and what they may not see are one ErrNotFound.
func get[T any](v Viewer, c access.Capability, id domain.ID, visible func(access.Principal, domain.ID) (T, bool)) (T, error) {
	var zero T
	if err := Must(v, c); err != nil {
		return zero, err
	}
	x, ok := visible(v.Principal, id)
	if !ok {
		return zero, ErrNotFound
	}
	return x, nil
}

// Space is one consultative space.
func (s *Service) Space(v Viewer, id domain.ID) (inclusion.Space, error) {
	return get(v, access.ReadAggregates, id, s.visibleSpace)
}

// Spaces are a region's spaces ("" for all) that the viewer may see.
func (s *Service) Spaces(v Viewer, region string, order Order) ([]inclusion.Space, error) {
	if err := Must(v, access.ReadAggregates); err != nil {
		return nil, err
	}
	region, err := s.regionNamed(v, region)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(s.cfg.Inclusion.Spaces(region), func(sp inclusion.Space) bool { return !v.InRegion(sp.Region) })
	slices.SortStableFunc(out, func(a, b inclusion.Space) int {
		if order == ByName {
			return cmp.Or(strings.Compare(a.Name, b.Name), a.ID.Compare(b.ID))
		}
		return cmp.Or(b.EstablishedOn.Time().Compare(a.EstablishedOn.Time()), b.ID.Compare(a.ID))
	})
	return out, nil
}

// Dialogue is one dialogue, retracted ones included.
func (s *Service) Dialogue(v Viewer, id domain.ID) (inclusion.DialogueRow, error) {
	return get(v, access.ReadRecords, id, s.visibleDialogue)
}

// DialogueQuery selects a page of dialogues.
type DialogueQuery struct {
	Scope
	Format        string
	StakeholderID *domain.ID
	After         *domain.ID
	Limit         int
	Order         Order
}

// Dialogues are a page of the dialogues the viewer may see; more says
// whether another follows.
func (s *Service) Dialogues(v Viewer, q DialogueQuery) (rows []inclusion.DialogueRow, more bool, err error) {
	if err := Must(v, access.ReadRecords); err != nil {
		return nil, false, err
	}
	scope, err := s.query(v, q.Scope)
	if err != nil {
		return nil, false, err
	}
	scope.Format = q.Format
	lq := inclusion.ListQuery{Query: scope, StakeholderID: q.StakeholderID, After: q.After, Limit: max(q.Limit, 1), Newest: q.Order != Oldest}
	rows, more = s.cfg.Inclusion.Dialogues(lq)
	if q.Limit == 0 {
		rows, more = nil, len(rows) > 0
	}
	return rows, more, nil
}

// DialoguesAttended are the dialogues a participant attended that the
// viewer may see, newest first.
func (s *Service) DialoguesAttended(v Viewer, participantID domain.ID) ([]inclusion.DialogueRow, error) {
	if _, err := s.Participant(v, participantID); err != nil {
		return nil, err
	}
	var out []inclusion.DialogueRow
	for _, id := range s.cfg.Inclusion.Attended(participantID) {
		if d, ok := s.visibleDialogue(v.Principal, id); ok {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b inclusion.DialogueRow) int {
		return cmp.Or(b.Dialogue.HeldOn.Time().Compare(a.Dialogue.HeldOn.Time()), b.Dialogue.ID.Compare(a.Dialogue.ID))
	})
	return out, nil
}

// Attendance is who attended a dialogue — its registered attendees and
// its headcount grid — for viewers who may see its region's
// participants; ok is false for the others, to whom a dialogue's small
// counts would single people out.
func (s *Service) Attendance(v Viewer, d inclusion.DialogueRow) (a dialogue.Attendance, ok bool) {
	if !v.MaySeeIdentitiesIn(s.regionOfSpace(d.Dialogue.SpaceID)) {
		return a, false
	}
	return dialogue.Attendance{Attendees: d.Attendees, Headcount: d.Dialogue.Headcount}, true
}

// DialogueFigures are one dialogue's figures as the viewer may see them.
func (s *Service) DialogueFigures(v Viewer, d inclusion.DialogueRow) *Figures {
	f := publish(d.Figures)
	if !v.SeesSmallCounts() {
		s.release.dialogue(f)
	}
	return f
}

// Commitment is one commitment.
func (s *Service) Commitment(v Viewer, id domain.ID) (commitments.Commitment, error) {
	return get(v, access.ReadRecords, id, s.visibleCommitment)
}

// CommitmentQuery selects commitments.
type CommitmentQuery struct {
	StakeholderID, SpaceID *domain.ID
	Region, Pillar         string
	Status                 commitment.Status
	Overdue                bool
	Order                  Order
}

func (s *Service) commitmentQuery(v Viewer, q CommitmentQuery) (commitments.Query, error) {
	var err error
	if q.Region, err = s.regionNamed(v, q.Region); err != nil {
		return commitments.Query{}, err
	}
	if q.Region != "" && !v.InRegion(q.Region) {
		return commitments.Query{}, ErrNotFound
	}
	return commitments.Query{StakeholderID: q.StakeholderID, SpaceID: q.SpaceID, Region: q.Region, Pillar: q.Pillar, Status: q.Status, Overdue: q.Overdue}, nil
}

// Commitments are the selected commitments the viewer may see.
func (s *Service) Commitments(v Viewer, q CommitmentQuery) ([]commitments.Commitment, error) {
	if err := Must(v, access.ReadRecords); err != nil {
		return nil, err
	}
	mq, err := s.commitmentQuery(v, q)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(s.cfg.Commitments.List(mq), func(c commitments.Commitment) bool { return !s.commitmentInRegion(v.Principal, c) })
	sortCommitments(out, q.Order)
	return out, nil
}

func sortCommitments(list []commitments.Commitment, order Order) {
	slices.SortStableFunc(list, func(a, b commitments.Commitment) int {
		switch order {
		case Oldest:
			return cmp.Or(a.MadeOn.Time().Compare(b.MadeOn.Time()), a.ID.Compare(b.ID))
		case ByDueOn:
			switch {
			case a.DueOn.IsZero() && b.DueOn.IsZero():
			case a.DueOn.IsZero():
				return 1
			case b.DueOn.IsZero():
				return -1
			default:
				if c := a.DueOn.Time().Compare(b.DueOn.Time()); c != 0 {
					return c
				}
			}
			return a.ID.Compare(b.ID)
		}
		return cmp.Or(b.MadeOn.Time().Compare(a.MadeOn.Time()), b.ID.Compare(a.ID))
	})
}

// CommitmentsMadeAt are the commitments made at a dialogue that the
// viewer may see, newest first.
func (s *Service) CommitmentsMadeAt(v Viewer, dialogueID domain.ID) []commitments.Commitment {
	if !v.Can(access.ReadRecords) {
		return nil
	}
	out := slices.DeleteFunc(s.cfg.Commitments.MadeAt(dialogueID), func(c commitments.Commitment) bool { return !s.commitmentInRegion(v.Principal, c) })
	sortCommitments(out, Newest)
	return out
}

// Stakeholder is one stakeholder.
func (s *Service) Stakeholder(v Viewer, id domain.ID) (stakeholders.Stakeholder, error) {
	return get(v, access.ReadRecords, id, s.visibleStakeholder)
}

// Stakeholders are a region's stakeholders ("" for all) that the viewer
// may see.
func (s *Service) Stakeholders(v Viewer, region string, order Order) ([]stakeholders.Stakeholder, error) {
	if err := Must(v, access.ReadRecords); err != nil {
		return nil, err
	}
	region, err := s.regionNamed(v, region)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(s.cfg.Stakeholders.List(region), func(h stakeholders.Stakeholder) bool { return !s.stakeholderInScope(v.Principal, h.ID, h.Profile) })
	if order == Newest {
		slices.SortStableFunc(out, func(a, b stakeholders.Stakeholder) int { return b.ID.Compare(a.ID) })
	}
	return out, nil
}

// StakeholdersOf are those of ids the viewer may see, in order.
func (s *Service) StakeholdersOf(v Viewer, ids []domain.ID) []stakeholders.Stakeholder {
	out := []stakeholders.Stakeholder{}
	for _, id := range ids {
		if h, err := s.Stakeholder(v, id); err == nil {
			out = append(out, h)
		}
	}
	return out
}

// LastEngagedOn is a stakeholder's latest engagement among those the
// viewer may see: another region's dates would tell when it met.
func (s *Service) LastEngagedOn(v Viewer, h stakeholders.Stakeholder) domain.Date {
	if v.Role != access.Facilitator {
		return h.LastEngagedOn
	}
	var last domain.Date
	for _, id := range h.Dialogues {
		if d, ok := s.visibleDialogue(v.Principal, id); ok && !d.Dialogue.Retracted && d.Dialogue.HeldOn.After(last) {
			last = d.Dialogue.HeldOn
		}
	}
	for _, ids := range h.Commitments {
		for _, id := range ids {
			if c, ok := s.visibleCommitment(v.Principal, id); ok && c.MadeOn.After(last) {
				last = c.MadeOn
			}
		}
	}
	return last
}

// Participant is one participant's pseudonymous record.
func (s *Service) Participant(v Viewer, id domain.ID) (participants.Participant, error) {
	return get(v, access.ReadParticipants, id, s.visibleParticipant)
}

// Participants are a region's pseudonymous records, for viewers who may
// see them (none for the others).
func (s *Service) Participants(v Viewer, region string, order Order) ([]participants.Participant, error) {
	if err := Must(v, access.ReadParticipants); err != nil {
		return nil, err
	}
	region, err := s.regionNamed(v, region)
	if err != nil {
		return nil, err
	}
	out := s.cfg.Participants.List(v.Principal, region)
	if order == Newest {
		slices.SortStableFunc(out, func(a, b participants.Participant) int { return b.ID.Compare(a.ID) })
	}
	return out, nil
}

// ParticipantsWithCode are the pseudonymous records of the participants
// with a code, as a person types it, among those the viewer may see: how
// a screen that shows codes finds the person behind one.
func (s *Service) ParticipantsWithCode(v Viewer, code string) ([]participants.Participant, error) {
	if err := Must(v, access.ReadParticipants); err != nil {
		return nil, err
	}
	return s.cfg.Participants.WithCode(v.Principal, code), nil
}

// Identity opens a participant's name and phone for a viewer allowed to
// see them, and audits the read; ok is false once they are erased.
func (s *Service) Identity(ctx context.Context, v Viewer, id domain.ID) (who keystore.Identity, ok bool, err error) {
	if v.Session {
		return who, false, forbidden(v, "your token's role may not read a name through a browser session (the web app shows codes only); use a bearer token")
	}
	who, err = s.cfg.Participants.Identity(ctx, v.Principal, id)
	switch {
	case errors.Is(err, participants.ErrNotFound):
		return who, false, ErrNotFound
	case errors.Is(err, keystore.ErrErased):
		return who, false, nil
	case err != nil:
		v.Log.Error().Err(err).Str("participant", id.String()).Msg("opening an identity failed")
		return who, false, ErrInternal
	}
	if v.ReadIdentity != nil {
		v.ReadIdentity()
	}
	v.Log.Info().Str("audit", "identity read").Str("subject", v.Subject).Str("token", v.TokenID).
		Str("participant", id.String()).Msg("audit")
	return who, true, nil
}
