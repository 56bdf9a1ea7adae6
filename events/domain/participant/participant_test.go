package participant_test

import (
	"testing"

	. "github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/participant"
)

func profile() participant.Profile {
	return participant.Profile{
		Code: "GAO-0042", Sex: "female", BirthYear: 2001, Displacement: "internally-displaced",
		Functioning: participant.Functioning{Walking: "a-lot-of-difficulty"},
		Groups:      []string{"pastoralists"}, Region: "gao", Constituency: "youth mediator",
	}
}

func TestParticipantDecisions(t *testing.T) {
	consent := participant.Consent{Given: true, On: Date(2026, 2, 1)}
	sealed := &participant.SealedIdentity{Nonce: make([]byte, 12), Ciphertext: make([]byte, 40)}
	enrolled := participant.Enrolled{Profile: profile(), Consent: consent, Identity: sealed}
	banded := profile()
	banded.BirthYear, banded.AgeBand = 0, "18-24"
	bad := participant.Profile{Code: "Aminata Traoré", Sex: "x", BirthYear: 1850, Displacement: "lost", Groups: []string{"pastoralists", "pastoralists", "aliens"}, Region: "atlantis", Functioning: participant.Functioning{Seeing: "blurry"}}
	Run(t, participant.Decide, participant.Evolve, []Scenario[participant.Command, participant.Event]{
		{Name: "a participant is enrolled with consent and a sealed identity",
			When: participant.Enrol{Profile: profile(), Consent: consent, Identity: sealed}, Then: []participant.Event{enrolled}},
		{Name: "an age band stands in for a birth year",
			When: participant.Enrol{Profile: banded, Consent: consent}, Then: []participant.Event{participant.Enrolled{Profile: banded, Consent: consent}}},
		{Name: "no enrolment without consent",
			When: participant.Enrol{Profile: profile(), Consent: participant.Consent{On: Date(2026, 2, 1)}}, Rejects: []string{"consent.given"}},
		{Name: "every invalid field is reported, and a code that looks like a name is refused",
			When:    participant.Enrol{Profile: bad, Consent: participant.Consent{Given: true}},
			Rejects: []string{"code", "sex", "birthYear", "functioning.seeing", "displacement", "groups[1]", "groups[2]", "region", "consent.on"}},
		{Name: "a birth year or an age band, not both",
			When: participant.Enrol{Profile: func() participant.Profile { p := profile(); p.AgeBand = "18-24"; return p }(), Consent: consent}, Rejects: []string{"birthYear"}},
		{Name: "a malformed sealed identity is refused",
			When: participant.Enrol{Profile: profile(), Consent: consent, Identity: &participant.SealedIdentity{Nonce: []byte{1}}}, Rejects: []string{"identity"}},
		{Name: "enrolled once",
			Given: []participant.Event{enrolled}, When: participant.Enrol{Profile: profile(), Consent: consent}, Rejects: []string{"participantId"}},
		{Name: "a profile is corrected",
			Given: []participant.Event{enrolled}, When: participant.CorrectProfile{Profile: banded}, Then: []participant.Event{participant.ProfileCorrected{Profile: banded}}},
		{Name: "an erased participant takes no correction",
			Given: []participant.Event{enrolled, participant.Erased{ErasedOn: Date(2026, 3, 1)}}, When: participant.CorrectProfile{Profile: banded}, Rejects: []string{"participantId"}},
		{Name: "an erased participant is not erased twice",
			Given: []participant.Event{enrolled, participant.Erased{ErasedOn: Date(2026, 3, 1)}}, When: participant.Erase{ErasedOn: Date(2026, 3, 2)}, Rejects: []string{"participantId"}},
		{Name: "erasure is dated",
			Given: []participant.Event{enrolled}, When: participant.Erase{}, Rejects: []string{"erasedOn"}},
	})
}

func TestErasureForgetsTheSealedIdentity(t *testing.T) {
	s := participant.Evolve(participant.State{}, participant.Enrolled{Profile: profile(), Identity: &participant.SealedIdentity{}})
	s = participant.Evolve(s, participant.Erased{ErasedOn: Date(2026, 3, 1)})
	if s.Identity != nil || !s.Facts().Erased || s.Profile.Sex != "female" {
		t.Fatalf("after erasure: %+v", s)
	}
}

func TestYouthIsFifteenToThirtyFiveOnTheDay(t *testing.T) {
	p := profile()
	for _, tc := range []struct {
		birthYear   int
		band        string
		youth, know bool
	}{{2011, "", true, true}, {2012, "", false, true}, {1991, "", true, true}, {1990, "", false, true}, {0, "25-35", true, true}, {0, "36-59", false, true}, {0, "", false, false}} {
		p.BirthYear, p.AgeBand = tc.birthYear, tc.band
		if y, k := p.IsYouth(Date(2026, 6, 1)); y != tc.youth || k != tc.know {
			t.Errorf("born %d band %q: youth %v known %v, want %v %v", tc.birthYear, tc.band, y, k, tc.youth, tc.know)
		}
	}
	if !profile().Functioning.HasDisability() || (participant.Functioning{Seeing: "some-difficulty"}).HasDisability() {
		t.Error("the Washington Group cut-off is a lot of difficulty or worse")
	}
}

func TestACodesClaimStreamIsOnePerRegionAndCodeUnderAKey(t *testing.T) {
	key, other := []byte("key one"), []byte("key two")
	id := participant.CodeStreamID(key, "gao", "GAO-0042")
	if participant.CodeStreamID(key, "gao", "gao-0042") != id {
		t.Error("a code typed in lower case is another code")
	}
	for what, differs := range map[string]bool{
		"another region":     participant.CodeStreamID(key, "mopti", "GAO-0042") != id,
		"another code":       participant.CodeStreamID(key, "gao", "GAO-0043") != id,
		"another master key": participant.CodeStreamID(other, "gao", "GAO-0042") != id,
	} {
		if !differs {
			t.Errorf("%s names the same claim stream", what)
		}
	}
}
