package read

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/palabre/palabre/core/disclosure"
	"github.com/palabre/palabre/projections/inclusion"
)

// TestNoFigureIsPublishedInARowWhoseAttendanceIsWithheld is the
// recomputation's finding: a true 3 persons with disabilities published
// as 6 (share 0) in a row whose attendance of 5 was withheld.
func TestNoFigureIsPublishedInARowWhoseAttendanceIsWithheld(t *testing.T) {
	r, err := newRelease(CellKey, 5, disclosure.Params{}, true)
	if err != nil {
		t.Fatal(err)
	}
	attendanceKey, disabilityKey := keyWhere(t, r, 5, func(p int) bool { return p < 5 }), keyWhere(t, r, 3, func(p int) bool { return p >= 5 })
	f := publish(inclusion.Figures{Dialogues: 1, Attendance: 5, Unregistered: 5, PersonsWithDisabilities: 3, Groups: map[string]int{},
		Keys: &inclusion.Figures{Attendance: int(attendanceKey), PersonsWithDisabilities: int(disabilityKey)}})
	r.perturb(f)
	if a := f.Get("attendance"); !a.Suppressed {
		t.Fatalf("attendance published as %d, want withheld", a.Count)
	}
	for _, m := range f.Measures {
		if !m.Suppressed && m.Count != 0 {
			t.Errorf("%s published as %d in a row whose attendance is withheld", m.Name, m.Count)
		}
	}
}

// keyWhere finds a cell key that perturbs value to what ok accepts.
func keyWhere(t *testing.T, r release, value int, ok func(int) bool) uint32 {
	t.Helper()
	for k := uint32(0); k < 1<<32-1<<24; k += 1 << 24 {
		if ok(r.table.Perturb(value, k)) {
			return k
		}
	}
	t.Fatalf("no key perturbs %d as wanted", value)
	return 0
}

// TestSuppressHidesNoCountBehindARelationWithinOneFigure is the
// recomputation's finding in suppress mode: within one figure, a withheld
// count was recomputable from the others — registered as attendance minus
// the unregistered, young women as youth minus young men, and in a cell
// of one dialogue registered attendance as its unique participants (the
// same people). After suppression no relation may have exactly one
// member withheld while its total is published.
func TestSuppressHidesNoCountBehindARelationWithinOneFigure(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 9)
		f := inclusion.Figures{Dialogues: rapid.IntRange(1, 2).Draw(t, "dialogues"), Registered: n.Draw(t, "reg"), Unregistered: n.Draw(t, "unreg"), Groups: map[string]int{}}
		f.Attendance = f.Registered + f.Unregistered
		f.UniqueParticipants = f.Registered
		if f.Dialogues > 1 {
			f.UniqueParticipants = rapid.IntRange(min(f.Registered, 1), f.Registered).Draw(t, "unique")
		}
		f.Women = rapid.IntRange(0, f.Attendance).Draw(t, "women")
		f.Men = f.Attendance - f.Women
		f.YoungWomen, f.YoungMen = rapid.IntRange(0, f.Women).Draw(t, "yw"), rapid.IntRange(0, f.Men).Draw(t, "ym")
		f.Youth = f.YoungWomen + f.YoungMen
		p := publish(f)
		suppress([]line{{total: p}}, 5)
		for _, rel := range relationsWithin(p) {
			if rel.total.Suppressed {
				continue
			}
			withheld := 0
			for _, m := range rel.parts {
				if m.Suppressed {
					withheld++
				}
			}
			if withheld == 1 {
				t.Fatalf("%s is published and exactly one of its parts withheld: %+v", rel.total.Name, p.Measures)
			}
		}
	})
}
