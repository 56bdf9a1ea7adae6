// Package participant is the participant aggregate: a person who attends
// dialogues, recorded under a pseudonymous code with the demographics that
// inclusion figures need.
//
// A participant's name and phone number never appear in an event in clear.
// The application seals them under a key of this participant's own, kept
// outside the event log, before the command is decided; erasure deletes
// that key, so the history stays and the person is gone.
package participant

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "participant-<ULID>".
const Category = "participant"

// Closed vocabularies.
var (
	Sexes         = []string{"female", "male"}
	AgeBands      = []string{"under-15", "15-17", "18-24", "25-35", "36-59", "60-plus"}
	Displacements = []string{"none", "internally-displaced", "returnee", "refugee"}
	// Difficulties are the Washington Group Short Set's answers.
	Difficulties = []string{"no-difficulty", "some-difficulty", "a-lot-of-difficulty", "cannot-do-at-all"}
)

// Functioning holds the Washington Group Short Set answers; an empty answer
// was not asked or refused.
type Functioning struct {
	Seeing        string `json:"seeing,omitempty"`
	Hearing       string `json:"hearing,omitempty"`
	Walking       string `json:"walking,omitempty"`
	Cognition     string `json:"cognition,omitempty"`
	SelfCare      string `json:"selfCare,omitempty"`
	Communication string `json:"communication,omitempty"`
}

func (f Functioning) answers() map[string]string {
	return map[string]string{"seeing": f.Seeing, "hearing": f.Hearing, "walking": f.Walking, "cognition": f.Cognition, "selfCare": f.SelfCare, "communication": f.Communication}
}

// HasDisability applies the Washington Group cut-off: "a lot of
// difficulty" or "cannot do at all" in any domain.
func (f Functioning) HasDisability() bool {
	// Inclusion views call this for every attendee: no allocation here.
	for _, a := range [...]string{f.Seeing, f.Hearing, f.Walking, f.Cognition, f.SelfCare, f.Communication} {
		if a == "a-lot-of-difficulty" || a == "cannot-do-at-all" {
			return true
		}
	}
	return false
}

// Profile is what is recorded of a participant, all of it pseudonymous.
type Profile struct {
	// Code is the pseudonymous code facilitators use, e.g. "GAO-0042".
	Code string `json:"code"`
	Sex  string `json:"sex"`
	// Exactly one of BirthYear and AgeBand: never a birth date.
	BirthYear    int         `json:"birthYear,omitempty"`
	AgeBand      string      `json:"ageBand,omitempty"`
	Functioning  Functioning `json:"functioning"`
	Displacement string      `json:"displacement"`
	// Groups are excluded-group codes from the deployment's reference data.
	Groups       []string `json:"groups,omitempty"`
	Constituency string   `json:"constituency,omitempty"`
	Region       string   `json:"region"`
	Locality     string   `json:"locality,omitempty"`
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

func checkProfile(p *domain.Problems, pr Profile, env domain.Env) {
	if !codePattern.MatchString(pr.Code) {
		p.Add("code", "must be 1–40 letters, digits, '-' or '_' (a pseudonymous code, never a name)")
	}
	domain.OneOf(p, "sex", pr.Sex, true, Sexes)
	switch {
	case pr.BirthYear != 0 && pr.AgeBand != "":
		p.Add("birthYear", "give a birth year or an age band, not both")
	case pr.BirthYear == 0 && pr.AgeBand == "":
		p.Add("birthYear", "a birth year or an age band is required")
	case pr.BirthYear != 0 && (pr.BirthYear < 1900 || !env.Today.IsZero() && pr.BirthYear > env.Today.Year()):
		p.Add("birthYear", "%d is not a plausible birth year", pr.BirthYear)
	default:
		domain.OneOf(p, "ageBand", pr.AgeBand, false, AgeBands)
	}
	for domainName, a := range pr.Functioning.answers() {
		domain.OneOf(p, "functioning."+domainName, a, false, Difficulties)
	}
	domain.OneOf(p, "displacement", pr.Displacement, true, Displacements)
	seen := map[string]bool{}
	for i, g := range pr.Groups {
		field := fmt.Sprintf("groups[%d]", i)
		switch {
		case !env.Reference.HasGroup(g):
			p.Add(field, "%q is not an excluded group of this deployment", g)
		case seen[g]:
			p.Add(field, "%q is listed twice", g)
		}
		seen[g] = true
	}
	domain.Text(p, "constituency", pr.Constituency, false, 200)
	domain.CheckRegion(p, "region", pr.Region, true, env)
	domain.Text(p, "locality", pr.Locality, false, 200)
}

// SealedIdentity is a name and phone number encrypted (AES-256-GCM) under
// the participant's own key. Only the key store can open it; erasure
// deletes the key.
type SealedIdentity = domain.SealedIdentity

func checkSealed(p *domain.Problems, s *SealedIdentity) { domain.CheckSealed(p, "identity", s) }

// Consent records the participant's informed consent to being recorded.
type Consent struct {
	Given bool        `json:"given"`
	On    domain.Date `json:"on"`
}

// Commands. Command is sealed.
type (
	Command interface {
		isCommand()
		// CommandName names the command for good: the idempotency hash
		// covers it, so renaming a Go type never changes a command.
		CommandName() string
	}

	Enrol struct {
		Profile
		Consent  Consent         `json:"consent"`
		Identity *SealedIdentity `json:"identity,omitempty"`
	}
	CorrectProfile struct {
		Profile
		// Identity, when set, replaces the sealed name and phone.
		Identity *SealedIdentity `json:"identity,omitempty"`
	}
	Erase struct {
		ErasedOn domain.Date `json:"erasedOn"`
	}
)

func (Enrol) isCommand()                   {}
func (CorrectProfile) isCommand()          {}
func (Erase) isCommand()                   {}
func (Enrol) CommandName() string          { return "EnrolParticipant" }
func (CorrectProfile) CommandName() string { return "CorrectParticipant" }
func (Erase) CommandName() string          { return "EraseParticipant" }

// Events. Event is sealed.
type (
	Event interface {
		domain.Event
		isEvent()
	}
	Enrolled struct {
		Profile
		Consent  Consent         `json:"consent"`
		Identity *SealedIdentity `json:"identity,omitempty"`
	}
	ProfileCorrected struct {
		Profile
		Identity *SealedIdentity `json:"identity,omitempty"`
	}
	Erased struct {
		ErasedOn domain.Date `json:"erasedOn"`
	}
)

// CodeClaimed makes a code one participant's in a region. It is the only
// event of the "participantcode" streams, one per region and code, which
// the command handler creates once (and takes over only from a stale
// claim) so that two participants of a region never hold one code, across
// servers too.
//
// Codes are unique per region, not across the deployment: each region's
// team keeps its own register of pseudonymous codes and cannot coordinate
// with the other regions' teams, and a person who moves is enrolled in
// their new region's register. So whether a code is taken is never
// observable outside its region.
//
// Version 1 had no region: its claims, in streams named after the code
// alone, claim nothing now (the handler claims those codes again).
type CodeClaimed struct {
	ParticipantID domain.ID `json:"participantId"`
	Region        string    `json:"region"`
	Code          string    `json:"code"`
}

// CodeCategory is the category of the streams that claim codes.
const CodeCategory = "participantcode"

// CodeKeyPurpose names, for keystore.Secret, the key that ids derived from
// codes are made with: claims' streams and imported participants.
const CodeKeyPurpose = "participant codes"

// CodeStreamID is the id of the stream that claims a code in a region,
// keyed (HMAC-SHA-256) with a key derived from the master key, so that the
// log's stream names do not map back to codes without it. Codes are
// unique regardless of case: "gao-0042" typed on a phone is GAO-0042.
func CodeStreamID(key []byte, region, code string) domain.ID {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("participant code\n" + region + "\n" + strings.ToUpper(code)))
	var id domain.ID
	copy(id[:], mac.Sum(nil))
	return id
}

func (CodeClaimed) EventType() string      { return "ParticipantCodeClaimed" }
func (CodeClaimed) isEvent()               {}
func (Enrolled) EventType() string         { return "ParticipantEnrolled" }
func (ProfileCorrected) EventType() string { return "ParticipantProfileCorrected" }
func (Erased) EventType() string           { return "ParticipantErased" }
func (Enrolled) isEvent()                  {}
func (ProfileCorrected) isEvent()          {}
func (Erased) isEvent()                    {}

// Upcasters lift this aggregate's older events: a version 1 claim gets an
// empty region, which no participant has.
var Upcasters = []domain.Upcaster{{Type: CodeClaimed{}.EventType(), From: 1, Up: func(b json.RawMessage) (json.RawMessage, error) { return b, nil }}}

// EventTypes are this aggregate's events at their current versions.
var EventTypes = []domain.EventType{domain.TypeOf[Enrolled](1), domain.TypeOf[ProfileCorrected](1), domain.TypeOf[Erased](1), domain.TypeOf[CodeClaimed](2)}

// State is what decisions need to know of one participant.
type State struct {
	Exists   bool
	Profile  Profile
	Identity *SealedIdentity
	Erased   bool
}

// Facts are what other aggregates may check of this participant.
func (s State) Facts() domain.ParticipantFacts {
	return domain.ParticipantFacts{Region: s.Profile.Region, Erased: s.Erased}
}

// Refs names the aggregates a command refers to: none.
func Refs(Command) []domain.Ref { return nil }

// Decide returns the events a command produces, or every reason it is
// refused.
func Decide(s State, c Command, env domain.Env) ([]Event, error) {
	var p domain.Problems
	if _, isNew := c.(Enrol); !isNew {
		switch {
		case !s.Exists:
			return nil, domain.Reject("participantId", "no such participant")
		case s.Erased:
			return nil, domain.Reject("participantId", "the participant has been erased")
		}
	}
	switch c := c.(type) {
	case Enrol:
		if s.Exists {
			return nil, domain.Reject("participantId", "the participant is already enrolled")
		}
		checkProfile(&p, c.Profile, env)
		if !c.Consent.Given {
			p.Add("consent.given", "a participant is enrolled only with their informed consent")
		}
		domain.CheckDate(&p, "consent.on", c.Consent.On, true, env)
		checkSealed(&p, c.Identity)
		return domain.Decided[Event](p, Enrolled(c))
	case CorrectProfile:
		if len(c.Groups) == 0 {
			c.Groups = nil // no groups, however sent, is no change
		}
		checkProfile(&p, c.Profile, env)
		checkSealed(&p, c.Identity)
		if c.Identity == nil && reflect.DeepEqual(c.Profile, s.Profile) {
			return nil, p.Err()
		}
		return domain.Decided[Event](p, ProfileCorrected(c))
	case Erase:
		domain.CheckDate(&p, "erasedOn", c.ErasedOn, true, env)
		return domain.Decided[Event](p, Erased(c))
	}
	panic("participant: unknown command")
}

// Evolve folds one event into the state.
func Evolve(s State, e Event) State {
	switch e := e.(type) {
	case Enrolled:
		s.Exists, s.Profile, s.Identity = true, e.Profile, e.Identity
	case ProfileCorrected:
		s.Profile = e.Profile
		if e.Identity != nil {
			s.Identity = e.Identity
		}
	case Erased:
		s.Erased, s.Identity = true, nil
	}
	return s
}

// IsYouth reports whether someone of this profile is 15–35 on a date (the
// African Youth Charter's band). known is false when the age band straddles
// the limit or nothing is recorded.
func (pr Profile) IsYouth(on domain.Date) (youth, known bool) {
	if pr.BirthYear != 0 {
		age := on.Year() - pr.BirthYear
		return age >= 15 && age <= 35, true
	}
	switch pr.AgeBand {
	case "15-17", "18-24", "25-35":
		return true, true
	case "under-15", "36-59", "60-plus":
		return false, true
	}
	return false, false
}

// Fingerprint identifies an enrolment without its sealed identity, whose
// random nonce differs between honest retries.
func (c Enrol) Fingerprint() any { c.Identity = nil; return c }

// Fingerprint identifies a correction without its sealed identity.
func (c CorrectProfile) Fingerprint() any { c.Identity = nil; return c }
