package graphql

import (
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/graphql/access"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// What a principal may see of each kind of object, by region: reads and
// writes both go through these, so another region's object answers
// exactly as one that does not exist, whichever way it is asked about.

func (b *builder) visibleSpace(who access.Principal, id domain.ID) (inclusion.Space, bool) {
	s, ok := b.deps.Inclusion.Space(id)
	return s, ok && who.InRegion(s.Region)
}

func (b *builder) visibleDialogue(who access.Principal, id domain.ID) (inclusion.DialogueRow, bool) {
	d, ok := b.deps.Inclusion.Dialogue(id)
	return d, ok && who.InRegion(b.regionOfSpace(d.Dialogue.SpaceID))
}

func (b *builder) visibleStakeholder(who access.Principal, id domain.ID) (stakeholders.Stakeholder, bool) {
	s, ok := b.deps.Stakeholders.Get(id)
	return s, ok && stakeholderInRegion(who, s)
}

// stakeholderInRegion: a stakeholder without a region (a national or
// international office) is everyone's.
func stakeholderInRegion(who access.Principal, s stakeholders.Stakeholder) bool {
	return s.Profile.Region == "" || who.InRegion(s.Profile.Region)
}

func (b *builder) visibleCommitment(who access.Principal, id domain.ID) (commitments.Commitment, bool) {
	c, ok := b.deps.Commitments.Get(id)
	return c, ok && b.commitmentInRegion(who, c)
}

// commitmentInRegion: a commitment is of its space's region, else of its
// stakeholder's.
func (b *builder) commitmentInRegion(who access.Principal, c commitments.Commitment) bool {
	if who.Role != access.Facilitator {
		return true
	}
	region := ""
	if c.SpaceID != nil {
		region = b.regionOfSpace(*c.SpaceID)
	} else if s, ok := b.deps.Stakeholders.Get(c.StakeholderID); ok {
		region = s.Profile.Region
	}
	return who.InRegion(region)
}

// visibleParticipant: only where the principal may see identities.
func (b *builder) visibleParticipant(who access.Principal, id domain.ID) (participants.Participant, bool) {
	p, err := b.deps.Participants.Get(who, id)
	return p, err == nil
}

// sees is what a command's sender may refer to: the same rules as the
// reads. nil (everything) for roles not scoped to regions.
func (b *builder) sees(who access.Principal) func(domain.Ref) bool {
	if who.Role != access.Facilitator {
		return nil
	}
	return func(r domain.Ref) bool {
		var ok bool
		switch r.Category {
		case space.Category:
			_, ok = b.visibleSpace(who, r.ID)
		case dialogue.Category:
			_, ok = b.visibleDialogue(who, r.ID)
		case stakeholder.Category:
			_, ok = b.visibleStakeholder(who, r.ID)
		case commitment.Category:
			_, ok = b.visibleCommitment(who, r.ID)
		case participant.Category:
			_, ok = b.visibleParticipant(who, r.ID)
		}
		return ok
	}
}
