package read

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/palabre/palabre/core/disclosure"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/projections/inclusion"
)

// Measure is one published count with its share of attendance; both are
// withheld when suppressed.
type Measure struct {
	Name       string // a MeasureNames entry, or "group:" and a group's code
	Count      int
	Share      float64 // 0–1
	Suppressed bool
	key        uint32 // the cell key, for perturbation
}

// Figures are inclusion figures as a viewer receives them.
type Figures struct {
	Dialogues int
	Measures  []*Measure // in MeasureNames order, then groups by code
}

// MeasureNames are the measures of every Figures, in order.
var MeasureNames = []string{"attendance", "registered", "unregistered", "uniqueParticipants", "women", "men",
	"youth", "youngWomen", "youngMen", "ageUnknown", "personsWithDisabilities", "displaced"}

// Get is the measure of that name; nil for a group the figures lack.
func (p *Figures) Get(name string) *Measure {
	for _, m := range p.Measures {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Groups are the excluded groups' measures.
func (p *Figures) Groups() []*Measure { return p.Measures[len(MeasureNames):] }

// publish turns figures into measures, exact and with their cell keys,
// nothing perturbed or withheld yet.
func publish(f inclusion.Figures) *Figures {
	// Arrays, not slices: a table publishes hundreds of figures.
	counts := [...]int{f.Attendance, f.Registered, f.Unregistered, f.UniqueParticipants, f.Women, f.Men,
		f.Youth, f.YoungWomen, f.YoungMen, f.AgeUnknown, f.PersonsWithDisabilities, f.Displaced}
	var keys [len(counts)]int
	var groupKeys map[string]int // nil reads as zeros
	if k := f.Keys; k != nil {
		keys = [...]int{k.Attendance, k.Registered, k.Unregistered, k.UniqueParticipants, k.Women, k.Men,
			k.Youth, k.YoungWomen, k.YoungMen, k.AgeUnknown, k.PersonsWithDisabilities, k.Displaced}
		groupKeys = k.Groups
	}
	type group struct {
		code  string
		count int
	}
	var groupsBuf [16]group
	groups := groupsBuf[:0]
	for code, n := range f.Groups {
		groups = append(groups, group{code, n})
	}
	slices.SortFunc(groups, func(a, b group) int { return strings.Compare(a.code, b.code) })
	// One block for the measures: a table publishes thousands of figures.
	block := make([]Measure, 0, len(MeasureNames)+len(groups))
	for i, name := range MeasureNames {
		block = append(block, Measure{Name: name, Count: counts[i], Share: f.Share(counts[i]), key: uint32(keys[i])})
	}
	for _, g := range groups {
		block = append(block, Measure{Name: "group:" + g.code, Count: g.count, Share: f.Share(g.count), key: uint32(groupKeys[g.code])})
	}
	p := &Figures{Dialogues: f.Dialogues, Measures: make([]*Measure, len(block))}
	for i := range block {
		p.Measures[i] = &block[i]
	}
	return p
}

// Disclosure names how figures are published to roles without access to
// identities.
type Disclosure string

const (
	// CellKey perturbs every count with the cell-key method, then withholds
	// what is still below the threshold: differencing two answers yields
	// noise. The default.
	CellKey Disclosure = "cellkey"
	// Suppress publishes exact counts and withholds small ones and what
	// would let them be recomputed within one answer. Two overlapping
	// answers can still be differenced, so palabre serve refuses it: it
	// stays as the attack suite's undefended control.
	Suppress Disclosure = "suppress"
)

// release is the one rule for what a role without access to identities
// may see of figures: every view, table and dialogue goes through it.
type release struct {
	mode      Disclosure
	threshold int
	table     *disclosure.Table
}

// newRelease checks the disclosure settings.
func newRelease(mode Disclosure, threshold int, params disclosure.Params, keyed bool) (release, error) {
	r := release{mode: mode, threshold: threshold}
	if r.mode == "" {
		r.mode = CellKey
	}
	switch r.mode {
	case Suppress:
		return r, nil
	case CellKey:
	default:
		return r, fmt.Errorf("disclosure must be %s or %s, not %q", CellKey, Suppress, r.mode)
	}
	if r.threshold < 2 {
		return r, errors.New("cell-key disclosure needs a small-count threshold of at least 2: a true 1 is never perturbed")
	}
	if !keyed {
		return r, errors.New("cell-key disclosure needs an inclusion model keyed by the server's secret (inclusion.NewKeyed)")
	}
	if params == (disclosure.Params{}) {
		params = disclosure.DefaultParams
	}
	table, err := disclosure.NewTable(params)
	r.table = table
	return r, err
}

// line is a published total and the parts that add up to it: a view's
// buckets and its total, a table's groups in one bucket and that
// bucket's total, or a group's buckets and the group's total.
type line struct {
	parts []*Figures
	total *Figures
}

// figures releases every figure of the lines.
func (r release) figures(lines []line) {
	if r.mode == Suppress {
		suppress(lines, r.threshold)
		return
	}
	for _, p := range cellsOf(lines) {
		r.perturb(p)
	}
}

// met judges targets on published figures, and drops what they withhold:
// met or not would hint at the withheld count.
func met(targets *space.Targets, total *Figures) map[string]bool {
	if targets == nil {
		return map[string]bool{}
	}
	count := func(name string) int { return total.Get(name).Count }
	out := inclusion.Met(*targets, inclusion.Figures{Attendance: count("attendance"), Women: count("women"), Youth: count("youth"),
		PersonsWithDisabilities: count("personsWithDisabilities"), Displaced: count("displaced")})
	for name := range out {
		if total.Get(TargetMeasure[name]).Suppressed || total.Get("attendance").Suppressed {
			delete(out, name)
		}
	}
	return out
}

// TargetMeasure names the measure each space target is judged on.
var TargetMeasure = map[string]string{"women": "women", "youth": "youth", "disability": "personsWithDisabilities", "displaced": "displaced"}

// dialogue releases one dialogue's figures. Under cell-key, none: its
// records are already published once, in its base cell, and a figure of
// its own would be a second, independent noisy view of them. Under
// suppress, its attendance alone, from the threshold up, since
// per-dialogue breakdowns next to the views' totals would single people
// out.
func (r release) dialogue(p *Figures) {
	for _, m := range p.Measures {
		if r.mode == CellKey || m.Name != "attendance" || m.Count < r.threshold {
			m.Suppressed, m.Count, m.Share = true, 0, 0
		}
	}
}

// perturb replaces each count by its perturbed value, then withholds.
func (r release) perturb(p *Figures) {
	for _, m := range p.Measures {
		m.Count = r.table.Perturb(m.Count, m.key)
	}
	r.withhold(p)
}

// withhold takes published counts and withholds those between zero and
// the threshold — all of them when attendance is (every share and every
// count beside it would hint at it) — and takes shares from the published
// counts.
func (r release) withhold(p *Figures) {
	attendance := p.Get("attendance").Count
	attendanceWithheld := attendance > 0 && attendance < r.threshold
	for _, m := range p.Measures {
		if attendanceWithheld || m.Suppressed || m.Count > 0 && m.Count < r.threshold {
			m.Suppressed, m.Count, m.Share = true, 0, 0
			continue
		}
		m.Share = 0
		if attendance > 0 {
			m.Share = min(1, float64(m.Count)/float64(attendance))
		}
	}
}

// cellsOf lists every figure of the lines once.
func cellsOf(lines []line) []*Figures {
	var all []*Figures
	seen := map[*Figures]bool{}
	for _, l := range lines {
		for _, p := range append(slices.Clone(l.parts), l.total) {
			if !seen[p] {
				seen[p] = true
				all = append(all, p)
			}
		}
	}
	return all
}

// suppress withholds, for a viewer without access to identities, every
// count below threshold (zero is published: it singles nobody out), then
// whatever would let a withheld count be recomputed: the other half of a
// pair that sums to a published figure, a second member of every sum
// within the figure (relationsWithin: attendance, youth, and in a cell of
// one dialogue registered = unique participants), and, along every line whose total
// is published, a second part when only one is withheld (or the total
// when no other part is left; that total may be a part of another line,
// as a table's group totals are). When attendance itself is withheld,
// every share would reveal it, so the whole figure is withheld. Repeats
// until nothing changes.
func suppress(lines []line, threshold int) {
	all := cellsOf(lines)
	names := map[string]bool{}
	for _, p := range all {
		for _, m := range p.Measures {
			names[m.Name] = true
			if m.Count > 0 && m.Count < threshold {
				m.Suppressed = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		mark := func(m *Measure) {
			if m != nil && !m.Suppressed {
				m.Suppressed, changed = true, true
			}
		}
		for _, p := range all {
			for _, pair := range [][2]string{{"women", "men"}, {"youngWomen", "youngMen"}, {"registered", "unregistered"}} {
				a, b := p.Get(pair[0]), p.Get(pair[1])
				if a.Suppressed != b.Suppressed {
					mark(a)
					mark(b)
				}
			}
			if p.Get("attendance").Suppressed {
				for _, m := range p.Measures {
					mark(m)
				}
			}
		}
		for _, p := range all {
			for _, rel := range relationsWithin(p) {
				protectSum(rel.total, rel.parts, mark)
			}
		}
		for _, l := range lines {
			if len(l.parts) == 0 {
				continue
			}
			for name := range names {
				protectLine(l, name, mark)
			}
		}
	}
	for _, p := range all {
		for _, m := range p.Measures {
			if m.Suppressed {
				m.Count, m.Share = 0, 0
			}
		}
	}
}

// relation is a sum within one figure: total = the parts (as a reader
// may assume: registered people of unknown sex or age are few).
type relation struct {
	total *Measure
	parts []*Measure
}

// relationsWithin are the sums a reader can form within one figure:
// attendance of registered and unregistered, and of women and men; youth
// of young women and young men; and in a figure of one dialogue, its
// registered attendance and its unique participants, the same people.
func relationsWithin(p *Figures) []relation {
	get := p.Get
	rels := []relation{
		{get("attendance"), []*Measure{get("registered"), get("unregistered")}},
		{get("attendance"), []*Measure{get("women"), get("men")}},
		{get("youth"), []*Measure{get("youngWomen"), get("youngMen")}},
	}
	if p.Dialogues == 1 {
		rels = append(rels, relation{get("registered"), []*Measure{get("uniqueParticipants")}},
			relation{get("uniqueParticipants"), []*Measure{get("registered")}})
	}
	return rels
}

// protectLine withholds a second cell of a line where exactly one part is
// withheld and the total is published.
func protectLine(l line, name string, mark func(*Measure)) {
	parts := make([]*Measure, len(l.parts))
	for i, r := range l.parts {
		parts[i] = r.Get(name)
	}
	protectSum(l.total.Get(name), parts, mark)
}

// protectSum withholds a second member of a sum whose total is published
// and exactly one part withheld: the smallest published part, or the
// total when no part is left.
func protectSum(t *Measure, parts []*Measure, mark func(*Measure)) {
	if t == nil || t.Suppressed {
		return
	}
	var withheld int
	var smallest *Measure
	for _, m := range parts {
		switch {
		case m == nil:
		case m.Suppressed:
			withheld++
		case m.Count > 0 && (smallest == nil || m.Count < smallest.Count):
			smallest = m
		}
	}
	if withheld == 1 {
		if smallest != nil {
			mark(smallest)
		} else {
			mark(t)
		}
	}
}
