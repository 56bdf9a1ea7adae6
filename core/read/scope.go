package read

import (
	"slices"
	"strings"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// What a viewer may see of each kind of object, by region: reads and
// writes both go through these, so another region's object answers
// exactly as one that does not exist, whichever way it is asked about.
//
// Where an object is today decides who may see it, in every view at every
// moment: a facilitator's scope is a right decided now, and the present
// view of an object already shows its whole history. So a past service
// (At) reads its objects from past models but asks the present service
// whether a viewer scoped to regions may see them (inScope), and a past
// inclusion model is read by today's regions of its spaces (spacesInScope,
// scopedNow). Figures for those who see every region keep the region a
// space had then: the historical truth, and no one's access.

// today is the service whose models say where each object is now: the
// present one a past service was made from, or s itself.
func (s *Service) today() *Service {
	if s.present != nil {
		return s.present
	}
	return s
}

// inScope is whether who may see the object r of s's models: own, the
// kind's rule over s's copy of it, for the present service (whose copy is
// where the object is now) and for those who see every region; for a
// viewer scoped to regions reading a past service, the present service's
// answer.
func (s *Service) inScope(who access.Principal, r domain.Ref, own func() bool) bool {
	if s.present == nil || SeesEveryRegion(who) {
		return own()
	}
	return s.present.sees(who, r)
}

func (s *Service) visibleSpace(who access.Principal, id domain.ID) (inclusion.Space, bool) {
	sp, ok := s.cfg.Inclusion.Space(id)
	return sp, ok && s.inScope(who, domain.Ref{Category: space.Category, ID: id}, func() bool { return who.InRegion(sp.Region) })
}

func (s *Service) visibleDialogue(who access.Principal, id domain.ID) (inclusion.DialogueRow, bool) {
	d, ok := s.cfg.Inclusion.Dialogue(id)
	return d, ok && s.inScope(who, domain.Ref{Category: dialogue.Category, ID: id}, func() bool { return who.InRegion(s.regionOfSpace(d.Dialogue.SpaceID)) })
}

func (s *Service) visibleStakeholder(who access.Principal, id domain.ID) (stakeholders.Stakeholder, bool) {
	h, ok := s.cfg.Stakeholders.Get(id)
	return h, ok && s.stakeholderInScope(who, id, h.Profile)
}

// visibleStakeholderProfile is visibleStakeholder without the lists it
// copies (a regional stakeholder's dialogues grow with every import's
// row): what the region rule reads.
func (s *Service) visibleStakeholderProfile(who access.Principal, id domain.ID) (stakeholder.Profile, bool) {
	p, ok := s.cfg.Stakeholders.Profile(id)
	return p, ok && s.stakeholderInScope(who, id, p)
}

func (s *Service) stakeholderInScope(who access.Principal, id domain.ID, p stakeholder.Profile) bool {
	return s.inScope(who, domain.Ref{Category: stakeholder.Category, ID: id}, func() bool { return stakeholderInRegion(who, p) })
}

// stakeholderInRegion: a stakeholder without a region (a national or
// international office) is everyone's.
func stakeholderInRegion(who access.Principal, p stakeholder.Profile) bool {
	return p.Region == "" || who.InRegion(p.Region)
}

func (s *Service) visibleCommitment(who access.Principal, id domain.ID) (commitments.Commitment, bool) {
	c, ok := s.cfg.Commitments.Get(id)
	return c, ok && s.commitmentInRegion(who, c)
}

// commitmentInRegion: a commitment is of its space's region, else of its
// stakeholder's.
func (s *Service) commitmentInRegion(who access.Principal, c commitments.Commitment) bool {
	return s.inScope(who, domain.Ref{Category: commitment.Category, ID: c.ID}, func() bool {
		return who.Role != access.Facilitator || who.InRegion(s.regionOfCommitment(c))
	})
}

// visibleParticipant: only where the viewer may see identities.
func (s *Service) visibleParticipant(who access.Principal, id domain.ID) (participants.Participant, bool) {
	if s.cfg.Participants == nil {
		return participants.Participant{}, false // a past service's: see At
	}
	p, err := s.cfg.Participants.Get(who, id)
	return p, err == nil
}

func (s *Service) visibleFramework(_ access.Principal, id domain.ID) (frameworks.Framework, bool) {
	if s.cfg.Frameworks == nil {
		return frameworks.Framework{}, false
	}
	return s.cfg.Frameworks.Get(id)
}

// regionOfSpace is a space's region in s's model, "" when unknown.
func (s *Service) regionOfSpace(id domain.ID) string {
	sp, _ := s.cfg.Inclusion.Space(id)
	return sp.Region
}

// spacesInScope are the spaces a table of q lists from model, maybe a
// past one: q's space, or those of q's region ("" for every region). For
// a viewer scoped to regions each is placed in the region it has today,
// and those not in theirs are left out; for others, the model places
// them.
func (s *Service) spacesInScope(v Viewer, model *inclusion.Model, q inclusion.Query) []inclusion.Space {
	switch {
	case q.SpaceID != nil:
		sp, ok := model.Space(*q.SpaceID)
		if !ok {
			return nil
		}
		return s.placedToday(v, []inclusion.Space{sp}, "")
	case SeesEveryRegion(v.Principal):
		return model.Spaces(q.Region)
	case model == s.today().cfg.Inclusion: // where they are is where they are today
		return slices.DeleteFunc(model.Spaces(q.Region), func(sp inclusion.Space) bool { return !v.InRegion(sp.Region) })
	}
	return s.placedToday(v, model.Spaces(""), q.Region)
}

// placedToday are spaces as a viewer scoped to regions sees them: each in
// the region it has today, those in theirs and in region ("" for any).
func (s *Service) placedToday(v Viewer, spaces []inclusion.Space, region string) []inclusion.Space {
	if SeesEveryRegion(v.Principal) {
		return spaces
	}
	now := s.today()
	out := spaces[:0]
	for _, sp := range spaces {
		sp.Region = now.regionOfSpace(sp.ID)
		if v.InRegion(sp.Region) && (region == "" || sp.Region == region) {
			out = append(out, sp)
		}
	}
	return out
}

// scopedNow is q as a past inclusion model reads it for a viewer scoped
// to regions: q's region, and theirs, are today's, so it selects the
// spaces in them now, whatever region each had then. q as it is for the
// present model, and for those who see every region: only they may be
// answered from the base table (FromBaseTable), which refuses a selection
// of spaces.
func (s *Service) scopedNow(v Viewer, model *inclusion.Model, q inclusion.Query) inclusion.Query {
	now := s.today().cfg.Inclusion
	if SeesEveryRegion(v.Principal) || model == now {
		return q
	}
	var spaces []inclusion.Space
	if q.SpaceID == nil {
		spaces = now.Spaces(q.Region)
	} else if sp, ok := now.Space(*q.SpaceID); ok && (q.Region == "" || sp.Region == q.Region) {
		spaces = []inclusion.Space{sp} // a table's group by space: not every space again
	}
	q.Spaces, q.Region = make(map[domain.ID]bool, len(spaces)), ""
	for _, sp := range spaces {
		if v.InRegion(sp.Region) {
			q.Spaces[sp.ID] = true
		}
	}
	return q
}

// Sees is what a command's sender may refer to: the same rules as the
// reads. nil (everything) for roles not scoped to regions.
func (s *Service) Sees(v Viewer) func(domain.Ref) bool {
	if v.Role != access.Facilitator {
		return nil
	}
	return func(r domain.Ref) bool { return s.sees(v.Principal, r) }
}

// kind is what reading one kind of object takes: a capability, then the
// object visible to the principal, whose region it is.
type kind struct {
	capability access.Capability
	// region is the object's region ("" for every region's); ok is false
	// for one the principal may not see.
	region func(access.Principal, domain.ID) (region string, ok bool)
}

// kinds are every category's, for the rules that go by reference. A test
// checks that every aggregate of the registry has one.
func (s *Service) kinds() map[string]kind {
	return map[string]kind{
		space.Category:       {access.ReadAggregates, placed(s.visibleSpace, func(sp inclusion.Space) string { return sp.Region })},
		dialogue.Category:    {access.ReadRecords, placed(s.visibleDialogue, func(d inclusion.DialogueRow) string { return s.regionOfSpace(d.Dialogue.SpaceID) })},
		stakeholder.Category: {access.ReadRecords, placed(s.visibleStakeholderProfile, func(p stakeholder.Profile) string { return p.Region })},
		commitment.Category:  {access.ReadRecords, placed(s.visibleCommitment, s.regionOfCommitment)},
		outcome.Category:     {access.ReadRecords, placed(s.visibleOutcome, func(o outcomes.Outcome) string { return o.Region })},
		participant.Category: {access.ReadParticipants, placed(s.visibleParticipant, func(p participants.Participant) string { return p.Profile.Region })},
		// A results framework is the programme's: every region's.
		framework.Category: {access.ReadAggregates, placed(s.visibleFramework, func(frameworks.Framework) string { return "" })},
	}
}

// placed is a kind's region: the object's, when the principal sees it.
func placed[T any](visible func(access.Principal, domain.ID) (T, bool), regionOf func(T) string) func(access.Principal, domain.ID) (string, bool) {
	return func(who access.Principal, id domain.ID) (string, bool) {
		o, ok := visible(who, id)
		if !ok {
			return "", false
		}
		return regionOf(o), true
	}
}

func (s *Service) sees(who access.Principal, r domain.Ref) bool {
	_, ok := s.RegionOf(Viewer{Principal: who}, r)
	return ok
}

// RegionOf is the region of an object the viewer may see, for the write
// policy's region rule: "" for one of every region (a national or
// international stakeholder). ok is false for what they may not see, which
// the policy then treats as missing.
func (s *Service) RegionOf(v Viewer, r domain.Ref) (region string, ok bool) {
	k, ok := s.byKind[r.Category]
	if !ok {
		return "", false
	}
	return k.region(v.Principal, r.ID)
}

// RegionFor is the region a facilitator's list or figures cover: the one
// asked, which must be one of theirs (else it is not found), or their only
// one. Other roles cover what they ask, everywhere when they ask none.
func RegionFor(v Viewer, region string) (string, error) {
	who := v.Principal
	switch {
	case who.Role != access.Facilitator:
		return region, nil
	case region != "" && !who.InRegion(region):
		return "", ErrNotFound
	case region == "" && len(who.Regions) == 1:
		return who.Regions[0], nil
	case region == "":
		return "", BadInputIn(v.Language, "region", "a facilitator of several regions names one: %s", strings.Join(who.Regions, ", "))
	}
	return region, nil
}

// regionList is reference data that finds a region by what a person
// calls it (refdata.Data, the one the deciders check regions against).
type regionList interface {
	RegionCode(name string) (code string, ok bool)
}

// regionNamed is the region a viewer asked for, as the models know it:
// its code, found by code or name, case and spaces aside ("MOPTI",
// " mopti ", "Ségou"), "" when none is asked. A name that is no region's
// is refused to a viewer who sees every region; to one scoped to regions
// it is left for the caller to answer exactly as a region out of their
// scope (it is none of theirs), so that the two cannot be told apart.
// Every read that takes a region asks here first.
func (s *Service) regionNamed(v Viewer, asked string) (string, error) {
	name := strings.Join(strings.Fields(asked), " ")
	if name == "" {
		return "", nil
	}
	if code, ok := s.RegionCode(name); ok {
		return code, nil
	}
	if !SeesEveryRegion(v.Principal) {
		return strings.ToLower(name), nil
	}
	return "", BadInputIn(v.Language, "region", "%q is not a region of this deployment", asked)
}

// RegionCode is the code of the region a person named, by its code, its
// name or a label, case and spaces aside: the one rule by which reads
// (regionNamed) and writes (policy.Policy.Send) take a region. ok is
// false for a name that is no region's. Without reference data that
// finds names, a code is the name in lower case.
func (s *Service) RegionCode(name string) (code string, ok bool) {
	var regions regionList
	if s.cfg.Handler != nil {
		regions, _ = s.cfg.Handler.Reference().(regionList)
	}
	if regions == nil {
		return strings.ToLower(strings.Join(strings.Fields(name), " ")), true // codes are lower-case
	}
	return regions.RegionCode(name)
}

// Scope selects dialogues: a space, a region, a pillar, business dates.
type Scope struct {
	SpaceID  *domain.ID
	Region   string
	Pillar   string
	From, To domain.Date
}

// query checks a scope for a viewer and makes the model's query: a space
// must be one they see, and a facilitator stays within their regions.
func (s *Service) query(v Viewer, sc Scope) (inclusion.Query, error) {
	q := inclusion.Query{SpaceID: sc.SpaceID, Pillar: sc.Pillar, From: sc.From, To: sc.To}
	var err error
	if q.Region, err = s.regionNamed(v, sc.Region); err != nil {
		return q, err
	}
	if sc.SpaceID != nil {
		if _, ok := s.visibleSpace(v.Principal, *sc.SpaceID); !ok {
			return q, ErrNotFound
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, BadInputIn(v.Language, "to", "%s is before from (%s)", q.To, q.From)
	}
	if q.SpaceID == nil {
		q.Region, err = RegionFor(v, q.Region)
		return q, err
	}
	return q, nil
}
