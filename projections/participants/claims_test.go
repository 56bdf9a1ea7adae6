package participants_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// TestUnclaimedMatchesAPlainMapOfClaims drives the model with random
// enrolments, corrections, erasures and claims among a few people, codes
// and regions — claims before enrolments, of others' codes, kept after a
// change of code — and checks Unclaimed after every event, and after a
// restore, against a plain map of claims.
func TestUnclaimedMatchesAPlainMapOfClaims(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 3))
	m := participants.New(nil)
	type held struct{ region, code string }
	people := map[domain.ID]held{}
	claims := map[string]domain.ID{} // what the model held before issue 26
	key := func(region, code string) string { return region + "\x00" + strings.ToUpper(code) }
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	for step := range 3000 {
		var id domain.ID
		id[15] = byte(1 + rng.IntN(12)) // not the zero id, which a map's missing claim would name
		region, code := pick("gao", "mopti", "kidal"), pick("c-1", "C-1", "c-2", "d-3")
		profile := participant.Profile{Code: code, Sex: "male", AgeBand: "18-24", Displacement: "none", Region: region}
		var e domain.Event
		switch rng.IntN(4) {
		case 0:
			e = participant.Enrolled{Profile: profile}
			people[id] = held{region, code}
		case 1:
			if _, ok := people[id]; ok {
				people[id] = held{region, code}
			}
			e = participant.ProfileCorrected{Profile: profile}
		case 2:
			e = participant.Erased{ErasedOn: domain.NewDate(2026, 5, 1)}
		default:
			e = participant.CodeClaimed{ParticipantID: id, Region: region, Code: code}
			claims[key(region, code)] = id
		}
		if err := m.Apply(projections.Event{Domain: e, AggregateID: id}); err != nil {
			t.Fatal(err)
		}
		var want []commands.CodeHolder
		for pid, h := range people {
			if claims[key(h.region, h.code)] != pid {
				want = append(want, commands.CodeHolder{ID: pid, Region: h.region, Code: h.code})
			}
		}
		slices.SortFunc(want, func(a, b commands.CodeHolder) int { return a.ID.Compare(b.ID) })
		if got := m.Unclaimed(); !slices.Equal(got, want) {
			t.Fatalf("step %d (%T): unclaimed\n%v\nwant\n%v", step, e, got, want)
		}
		if step%500 == 499 {
			var snap bytes.Buffer
			m.Snapshot(&snap)
			restored := participants.New(nil)
			if err := restored.Restore(bytes.NewReader(snap.Bytes())); err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			restored.Snapshot(&again)
			if got := restored.Unclaimed(); !slices.Equal(got, want) || !bytes.Equal(again.Bytes(), snap.Bytes()) {
				t.Fatalf("step %d: after a restore, unclaimed %v (want %v), same bytes %v", step, got, want, bytes.Equal(again.Bytes(), snap.Bytes()))
			}
			m = restored
		}
	}
}
