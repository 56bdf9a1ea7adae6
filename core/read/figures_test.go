package read

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/palabre/palabre/projections/inclusion"
)

// TestNoSuppressedCountCanBeRecomputed draws tables (groups × buckets,
// each group's total, each bucket's total and the grand total; no groups
// is a plain view) and checks, after suppression, that every count below
// the threshold is withheld, and that no withheld count can be recovered
// from what is published: not from its pair (women and men, registered
// and unregistered), not from the other cells of any line that adds up to
// a published total (a group's buckets, a bucket's groups, the groups'
// totals), and not from a share and the attendance.
func TestNoSuppressedCountCanBeRecomputed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const k = 5
		cells, grouped, buckets := randomCells(t)
		total, table, published, raw := exactTable(cells, grouped, buckets)
		suppress(tableLines(total, table), k)
		checkSmallCountsWithheld(t, published, raw, k)
		checkNoLoneWithheldCell(t, readerLines(total, table, buckets))
	})
}

// randomCells are a table's cells, [group][bucket], of random figures:
// without groups, one row.
func randomCells(t *rapid.T) (cells [][]inclusion.Figures, grouped bool, buckets int) {
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
	groups := rapid.IntRange(0, 3).Draw(t, "groups")
	buckets = rapid.IntRange(0, 4).Draw(t, "buckets")
	cells = make([][]inclusion.Figures, max(groups, 1)) // [group][bucket]
	for g := range cells {
		for j := range buckets {
			cells[g] = append(cells[g], figures(fmt.Sprintf("%d.%d.", g, j)))
		}
	}
	return cells, groups > 0, buckets
}

// exactTable is the exact table of the cells, before suppression: its
// total by bucket and a row per group, every published cell and its raw
// figures, in the same order.
func exactTable(cells [][]inclusion.Figures, grouped bool, buckets int) (total exact, table []exact, published []*Figures, raw []inclusion.Figures) {
	exactOf := func(rows []inclusion.Figures) (exact, []inclusion.Figures) {
		e := exact{total: publish(sum(rows...))}
		for _, r := range rows {
			e.rows = append(e.rows, Row{Figures: publish(r)})
		}
		return e, append(slices.Clone(rows), sum(rows...))
	}
	var bucketTotals []inclusion.Figures
	for j := range buckets {
		var col []inclusion.Figures
		for g := range cells {
			col = append(col, cells[g][j])
		}
		bucketTotals = append(bucketTotals, sum(col...))
	}
	total, raw = exactOf(bucketTotals)
	published = cellsOfExact(total)
	if grouped {
		for g := range cells {
			e, r := exactOf(cells[g])
			table = append(table, e)
			published, raw = append(published, cellsOfExact(e)...), append(raw, r...)
		}
	}
	return total, table, published, raw
}

// readerLines are the sums a reader can check, written out again here.
func readerLines(total exact, table []exact, buckets int) []line {
	lines := []line{{parts: rowFigures(total.rows), total: total.total}}
	var groupTotals []*Figures
	for _, g := range table {
		lines = append(lines, line{parts: rowFigures(g.rows), total: g.total})
		groupTotals = append(groupTotals, g.total)
	}
	if len(table) > 0 {
		lines = append(lines, line{parts: groupTotals, total: total.total})
		for j := range buckets {
			var col []*Figures
			for _, g := range table {
				col = append(col, g.rows[j].Figures)
			}
			lines = append(lines, line{parts: col, total: total.rows[j].Figures})
		}
	}
	return lines
}

// checkSmallCountsWithheld: every count below k is withheld, a withheld
// one shows nothing, and of a pair both or neither are withheld.
func checkSmallCountsWithheld(t *rapid.T, published []*Figures, raw []inclusion.Figures, k int) {
	for i, p := range published {
		for _, m := range p.Measures {
			actual := trueCount(raw[i], m.Name)
			if actual > 0 && actual < k && !m.Suppressed {
				t.Fatalf("%s = %d published", m.Name, actual)
			}
			if m.Suppressed && (m.Count != 0 || m.Share != 0) {
				t.Fatalf("%s withheld but its value is there", m.Name)
			}
		}
		for _, pair := range [][2]string{{"women", "men"}, {"registered", "unregistered"}} {
			a, b := p.Get(pair[0]), p.Get(pair[1])
			if a.Suppressed != b.Suppressed && !p.Get("attendance").Suppressed {
				t.Fatalf("%s and %s: one withheld, the other published with attendance", pair[0], pair[1])
			}
		}
	}
}

// checkNoLoneWithheldCell: no line that adds up to a published total has
// exactly one withheld cell, which the others would give away.
func checkNoLoneWithheldCell(t *rapid.T, lines []line) {
	for li, l := range lines {
		for _, m := range l.total.Measures {
			if m.Suppressed || len(l.parts) == 0 {
				continue
			}
			withheld := 0
			for _, r := range l.parts {
				if x := r.Get(m.Name); x != nil && x.Suppressed {
					withheld++
				}
			}
			if withheld == 1 {
				t.Fatalf("line %d, %s: one cell withheld, the others and the total published", li, m.Name)
			}
		}
	}
}

func cellsOfExact(e exact) []*Figures {
	out := rowFigures(e.rows)
	return append(out, e.total)
}

// sum adds figures up, as the model does over the dialogues of a group.
func sum(fs ...inclusion.Figures) inclusion.Figures {
	out := inclusion.Figures{Groups: map[string]int{}}
	for _, f := range fs {
		out.Dialogues += f.Dialogues
		out.Attendance += f.Attendance
		out.Registered += f.Registered
		out.Unregistered += f.Unregistered
		out.Women += f.Women
		out.Men += f.Men
		out.PersonsWithDisabilities += f.PersonsWithDisabilities
		for g, c := range f.Groups {
			out.Groups[g] += c
		}
	}
	return out
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
