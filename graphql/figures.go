package graphql

import (
	"slices"

	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/graphql/disclosure"
	"github.com/palabre/palabre/projections/inclusion"
)

// measure is one published count with its share of attendance; both are
// withheld when suppressed.
type measure struct {
	name       string
	count      int
	share      float64
	suppressed bool
	key        uint32 // the cell key, for perturbation
}

// published are the figures a caller receives.
type published struct {
	dialogues int
	measures  []*measure // in measureNames order, then groups by code
}

var measureNames = []string{"attendance", "registered", "unregistered", "uniqueParticipants", "women", "men",
	"youth", "youngWomen", "youngMen", "ageUnknown", "personsWithDisabilities", "displaced"}

func (p *published) get(name string) *measure {
	for _, m := range p.measures {
		if m.name == name {
			return m
		}
	}
	return nil
}

func (p *published) groups() []*measure { return p.measures[len(measureNames):] }

// publish turns figures into measures, exact and with their cell keys,
// nothing perturbed or withheld yet.
func publish(f inclusion.Figures) *published {
	counts := []int{f.Attendance, f.Registered, f.Unregistered, f.UniqueParticipants, f.Women, f.Men,
		f.Youth, f.YoungWomen, f.YoungMen, f.AgeUnknown, f.PersonsWithDisabilities, f.Displaced}
	keys := make([]int, len(counts))
	groupKeys := map[string]int{}
	if k := f.Keys; k != nil {
		keys = []int{k.Attendance, k.Registered, k.Unregistered, k.UniqueParticipants, k.Women, k.Men,
			k.Youth, k.YoungWomen, k.YoungMen, k.AgeUnknown, k.PersonsWithDisabilities, k.Displaced}
		groupKeys = k.Groups
	}
	p := &published{dialogues: f.Dialogues}
	for i, name := range measureNames {
		p.measures = append(p.measures, &measure{name: name, count: counts[i], share: f.Share(counts[i]), key: uint32(keys[i])})
	}
	codes := make([]string, 0, len(f.Groups))
	for code := range f.Groups {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		p.measures = append(p.measures, &measure{name: "group:" + code, count: f.Groups[code], share: f.Share(f.Groups[code]), key: uint32(groupKeys[code])})
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
	// answers can still be differenced: for deployments that must publish
	// exact figures and control who asks.
	Suppress Disclosure = "suppress"
)

// release is the one rule for what a role without access to identities
// may see of figures: every view and dialogue goes through it.
type release struct {
	mode      Disclosure
	threshold int
	table     *disclosure.Table
}

// view releases a view's rows and total, and what its targets let one
// infer: whether a target is met is judged on the published figures,
// and dropped when they are withheld.
func (r release) view(rows []*published, total *published, targets *space.Targets) map[string]bool {
	if r.mode == Suppress {
		suppress(rows, total, r.threshold)
	} else {
		for _, p := range append(slices.Clone(rows), total) {
			r.perturb(p)
		}
	}
	if targets == nil {
		return map[string]bool{}
	}
	count := func(name string) int { return total.get(name).count }
	met := inclusion.Met(*targets, inclusion.Figures{Attendance: count("attendance"), Women: count("women"), Youth: count("youth"),
		PersonsWithDisabilities: count("personsWithDisabilities"), Displaced: count("displaced")})
	for name := range met {
		if total.get(targetMeasure[name]).suppressed || total.get("attendance").suppressed {
			delete(met, name) // met or not would hint at the withheld count
		}
	}
	return met
}

// dialogue releases one dialogue's figures: its attendance alone, from the
// threshold up, since per-dialogue breakdowns next to the views' totals
// would single people out.
func (r release) dialogue(p *published) {
	if r.mode == CellKey {
		r.perturb(p)
	}
	for _, m := range p.measures {
		if m.name != "attendance" || m.suppressed || m.count < r.threshold {
			m.suppressed, m.count, m.share = true, 0, 0
		}
	}
}

// perturb replaces each count by its perturbed value, withholds those
// still between zero and the threshold (all of them when attendance is
// withheld: every share would reveal it), and takes shares from the
// published counts.
func (r release) perturb(p *published) {
	for _, m := range p.measures {
		m.count = r.table.Perturb(m.count, m.key)
	}
	attendance := p.get("attendance")
	for _, m := range p.measures {
		if attendance.count > 0 && attendance.count < r.threshold || m.count > 0 && m.count < r.threshold {
			m.suppressed, m.count, m.share = true, 0, 0
			continue
		}
		m.share = 0
		if attendance.count > 0 {
			m.share = min(1, float64(m.count)/float64(attendance.count))
		}
	}
}

// suppress withholds, for a caller without access to identities, every
// count below threshold (zero is published: it singles nobody out), then
// whatever would let a withheld count be recomputed: the other half of a
// pair that sums to a published figure, and, across a view's buckets
// whose total is published, a second bucket when only one is withheld
// (or the total when no other bucket is left). When attendance itself is
// withheld, every share would reveal it, so the whole figure is withheld.
// Repeats until nothing changes.
func suppress(rows []*published, total *published, threshold int) {
	all := append(slices.Clone(rows), total)
	for _, p := range all {
		for _, m := range p.measures {
			if m.count > 0 && m.count < threshold {
				m.suppressed = true
			}
		}
	}
	names := map[string]bool{}
	for _, p := range all {
		for _, m := range p.measures {
			names[m.name] = true
		}
	}
	for changed := true; changed; {
		changed = false
		mark := func(m *measure) {
			if m != nil && !m.suppressed {
				m.suppressed, changed = true, true
			}
		}
		for _, p := range all {
			for _, pair := range [][2]string{{"women", "men"}, {"youngWomen", "youngMen"}, {"registered", "unregistered"}} {
				a, b := p.get(pair[0]), p.get(pair[1])
				if a.suppressed != b.suppressed {
					mark(a)
					mark(b)
				}
			}
			if p.get("attendance").suppressed {
				for _, m := range p.measures {
					mark(m)
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		for name := range names {
			t := total.get(name)
			if t == nil || t.suppressed {
				continue
			}
			var withheld int
			var smallest *measure
			for _, r := range rows {
				m := r.get(name)
				switch {
				case m == nil:
				case m.suppressed:
					withheld++
				case m.count > 0 && (smallest == nil || m.count < smallest.count):
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
	}
	for _, p := range all {
		for _, m := range p.measures {
			if m.suppressed {
				m.count, m.share = 0, 0
			}
		}
	}
}
