package participants_test

import (
	"bytes"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// TestSharedCodesAnswerTheFirstIndexedThroughCorrectionsAndARestore:
// participants sharing a code (legacy records, letter case aside) are
// found in the order they took it: a correction of its letters alone
// keeps a participant's place, a change of code moves them to the end,
// and a restore files them by id.
func TestSharedCodesAnswerTheFirstIndexedThroughCorrectionsAndARestore(t *testing.T) {
	m := participants.New(nil)
	ids := map[string]domain.ID{}
	apply := func(name string, e domain.Event) {
		t.Helper()
		if _, ok := ids[name]; !ok {
			var id domain.ID
			id[15] = byte(10 - len(ids)) // the later enrolled have the smaller ids
			ids[name] = id
		}
		if err := m.Apply(projections.Event{Domain: e, AggregateID: ids[name]}); err != nil {
			t.Fatal(err)
		}
	}
	profile := func(region, code string) participant.Profile {
		return participant.Profile{Code: code, Sex: "female", AgeBand: "25-35", Displacement: "none", Region: region}
	}
	all := facilitator{"gao": true, "mopti": true}
	first := func(code string, wantName string, wantAmbiguous bool) {
		t.Helper()
		id, ok, ambiguous := m.ByCode(all, "gao", code)
		if !ok || id != ids[wantName] || ambiguous != wantAmbiguous {
			t.Fatalf("ByCode(gao, %q) = %v, %v, %v; want %s, ambiguous %v", code, id, ok, ambiguous, wantName, wantAmbiguous)
		}
	}
	apply("awa", participant.Enrolled{Profile: profile("gao", "g-1")})
	apply("binta", participant.Enrolled{Profile: profile("gao", "G-1")})
	apply("coumba", participant.Enrolled{Profile: profile("mopti", "g-1")})
	apply("djeneba", participant.Enrolled{Profile: profile("gao", "ÉCOLE-1")})
	first("G-1", "awa", true)
	apply("awa", participant.ProfileCorrected{Profile: profile("gao", "G-1")}) // letters only: keeps her place
	first("g-1", "awa", true)
	apply("awa", participant.ProfileCorrected{Profile: profile("gao", "G-2")})
	first("g-1", "binta", false)
	apply("awa", participant.ProfileCorrected{Profile: profile("gao", "g-1")}) // back, at the end
	first("G-1", "binta", true)
	first("école-1", "djeneba", false)
	if got := m.WithCode(all, " g-1 "); len(got) != 3 || got[0].ID != ids["coumba"] || got[2].ID != ids["awa"] || got[2].Profile.Code != "g-1" {
		t.Fatalf("WithCode: %+v", got)
	}
	if got := m.WithCode(all, "G-2"); len(got) != 0 {
		t.Fatalf("the code left still finds %+v", got)
	}
	var snap bytes.Buffer
	if err := m.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	restored := participants.New(nil)
	if err := restored.Restore(&snap); err != nil {
		t.Fatal(err)
	}
	m = restored
	first("G-1", "binta", true) // by id now: Binta's is the smaller
}
