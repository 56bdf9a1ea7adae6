package graphql

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/palabre/palabre/projections/inclusion"
)

// TestNoSuppressedCountCanBeRecomputed draws views (buckets and their
// total) and checks, after suppression, that every count below the
// threshold is withheld, and that no withheld count can be recovered from
// what is published: not from its pair (women and men, registered and
// unregistered), not from the other buckets and the total, and not from a
// share and the attendance.
func TestNoSuppressedCountCanBeRecomputed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const k = 5
		n := rapid.IntRange(0, 12)
		figures := func(label string) inclusion.Figures {
			f := inclusion.Figures{Dialogues: 1, Registered: n.Draw(t, label+"reg"), Unregistered: n.Draw(t, label+"unreg"), Groups: map[string]int{}}
			f.Attendance = f.Registered + f.Unregistered
			f.Women = rapid.IntRange(0, f.Attendance).Draw(t, label+"women")
			f.Men = f.Attendance - f.Women
			f.PersonsWithDisabilities = rapid.IntRange(0, f.Attendance).Draw(t, label+"pwd")
			if g := rapid.IntRange(0, f.Registered).Draw(t, label+"group"); g > 0 {
				f.Groups["pastoralists"] = g
			}
			return f
		}
		var rows []inclusion.Figures
		var total inclusion.Figures
		total.Groups = map[string]int{}
		for i := range rapid.IntRange(0, 4).Draw(t, "rows") {
			r := figures(string(rune('a' + i)))
			rows = append(rows, r)
			total.Dialogues++
			total.Attendance += r.Attendance
			total.Registered += r.Registered
			total.Unregistered += r.Unregistered
			total.Women += r.Women
			total.Men += r.Men
			total.PersonsWithDisabilities += r.PersonsWithDisabilities
			for g, c := range r.Groups {
				total.Groups[g] += c
			}
		}
		pubRows := make([]*published, len(rows))
		for i, r := range rows {
			pubRows[i] = publish(r)
		}
		pubTotal := publish(total)
		suppress(pubRows, pubTotal, k)

		all := append(append([]*published{}, pubRows...), pubTotal)
		raw := append(append([]inclusion.Figures{}, rows...), total)
		for i, p := range all {
			for _, m := range p.measures {
				actual := trueCount(raw[i], m.name)
				if actual > 0 && actual < k && !m.suppressed {
					t.Fatalf("%s = %d published", m.name, actual)
				}
				if m.suppressed && (m.count != 0 || m.share != 0) {
					t.Fatalf("%s withheld but its value is there", m.name)
				}
			}
			for _, pair := range [][2]string{{"women", "men"}, {"registered", "unregistered"}} {
				a, b := p.get(pair[0]), p.get(pair[1])
				if a.suppressed != b.suppressed && !p.get("attendance").suppressed {
					t.Fatalf("%s and %s: one withheld, the other published with attendance", pair[0], pair[1])
				}
			}
		}
		if len(rows) > 0 {
			for _, m := range pubTotal.measures {
				if m.suppressed {
					continue
				}
				withheld := 0
				for _, r := range pubRows {
					if x := r.get(m.name); x != nil && x.suppressed {
						withheld++
					}
				}
				if withheld == 1 {
					t.Fatalf("%s: one bucket withheld, the others and the total published", m.name)
				}
			}
		}
	})
}

func trueCount(f inclusion.Figures, name string) int {
	switch name {
	case "attendance":
		return f.Attendance
	case "registered":
		return f.Registered
	case "unregistered":
		return f.Unregistered
	case "women":
		return f.Women
	case "men":
		return f.Men
	case "personsWithDisabilities":
		return f.PersonsWithDisabilities
	case "group:pastoralists":
		return f.Groups["pastoralists"]
	}
	return 0
}
