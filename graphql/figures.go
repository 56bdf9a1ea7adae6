package graphql

import (
	"slices"

	"github.com/palabre/palabre/projections/inclusion"
)

// measure is one published count with its share of attendance; both are
// withheld when suppressed.
type measure struct {
	name       string
	count      int
	share      float64
	suppressed bool
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

// publish turns figures into measures, nothing suppressed yet.
func publish(f inclusion.Figures) *published {
	counts := []int{f.Attendance, f.Registered, f.Unregistered, f.UniqueParticipants, f.Women, f.Men,
		f.Youth, f.YoungWomen, f.YoungMen, f.AgeUnknown, f.PersonsWithDisabilities, f.Displaced}
	p := &published{dialogues: f.Dialogues}
	for i, name := range measureNames {
		p.measures = append(p.measures, &measure{name: name, count: counts[i], share: f.Share(counts[i])})
	}
	codes := make([]string, 0, len(f.Groups))
	for code := range f.Groups {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		p.measures = append(p.measures, &measure{name: "group:" + code, count: f.Groups[code], share: f.Share(f.Groups[code])})
	}
	return p
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
