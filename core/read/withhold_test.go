package read

import (
	"testing"

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
