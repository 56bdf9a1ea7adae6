package inclusion

import (
	"io"
	"slices"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/projections/internal/binsnap"
)

// Snapshot implements projections.Projection in a compact binary form:
// spaces, then participants (whose order gives the indexes dialogues use),
// then dialogues, each list sorted by id so the same events always give
// the same bytes.
func (m *Model) Snapshot(out io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	w := binsnap.NewWriter(out)

	spaces := make([]*Space, 0, len(m.spaces))
	for _, s := range m.spaces {
		spaces = append(spaces, s)
	}
	slices.SortFunc(spaces, func(a, b *Space) int { return a.ID.Compare(b.ID) })
	w.Uint(uint64(len(spaces)))
	for _, s := range spaces {
		w.ID(s.ID)
		w.String(s.Name)
		w.String(s.Region)
		w.String(s.Pillar)
		for _, t := range []*float64{s.Targets.Women, s.Targets.Youth, s.Targets.Disability, s.Targets.Displaced} {
			w.Bool(t != nil)
			if t != nil {
				w.Float(*t)
			}
		}
		w.Bool(s.Closed)
	}

	people := slices.Clone(m.people)
	slices.SortFunc(people, func(a, b *person) int { return a.id.Compare(b.id) })
	order := make(map[*person]uint64, len(people))
	w.Uint(uint64(len(people)))
	for i, p := range people {
		order[p] = uint64(i)
		w.ID(p.id)
		w.Bool(p.enrolled)
		writeProfile(w, &p.profile)
	}

	dialogues := make([]*Dialogue, 0, len(m.dialogues))
	for _, d := range m.dialogues {
		dialogues = append(dialogues, d)
	}
	slices.SortFunc(dialogues, func(a, b *Dialogue) int { return a.ID.Compare(b.ID) })
	w.Uint(uint64(len(dialogues)))
	for _, d := range dialogues {
		w.ID(d.ID)
		w.ID(d.SpaceID)
		w.Int(int64(d.HeldOn.Time().Unix() / 86400))
		w.String(d.Pillar)
		w.Bool(d.Retracted)
		h := d.Attendance.Headcount
		for _, n := range []int{h.YoungWomen, h.AdultWomen, h.YoungMen, h.AdultMen, h.WithDisabilities, h.Displaced} {
			w.Uint(uint64(n))
		}
		for _, x := range []string{d.Format, d.Title, d.Locality, d.Language} {
			w.String(x)
		}
		w.Uint(uint64(d.DurationMinutes))
		writeStrings(w, d.Topics)
		writeStrings(w, d.Facilitators)
		w.Uint(uint64(len(d.StakeholderIDs)))
		for _, id := range d.StakeholderIDs {
			w.ID(id)
		}
		w.Uint(uint64(len(d.Concerns)))
		for _, c := range d.Concerns {
			w.String(c.Category)
			w.String(c.Summary)
		}
		w.Uint(uint64(len(d.attendees)))
		for k, i := range d.attendees {
			w.Uint(order[m.people[i]])
			w.Bool(d.Attendance.Attendees[k].Spoke)
		}
	}
	return w.Flush()
}

func writeStrings(w *binsnap.Writer, xs []string) {
	w.Uint(uint64(len(xs)))
	for _, x := range xs {
		w.String(x)
	}
}

// readStrings reads a list written by writeStrings; an empty list reads
// as nil, as JSON decoding gives it.
func readStrings(r *binsnap.Reader) []string {
	var xs []string
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		xs = append(xs, r.String())
	}
	return xs
}

func writeProfile(w *binsnap.Writer, p *participant.Profile) {
	for _, s := range []string{p.Code, p.Sex, p.AgeBand, p.Functioning.Seeing, p.Functioning.Hearing, p.Functioning.Walking,
		p.Functioning.Cognition, p.Functioning.SelfCare, p.Functioning.Communication, p.Displacement, p.Constituency, p.Region, p.Locality} {
		w.String(s)
	}
	w.Int(int64(p.BirthYear))
	writeStrings(w, p.Groups)
}

func readProfile(r *binsnap.Reader) participant.Profile {
	var p participant.Profile
	for _, s := range []*string{&p.Code, &p.Sex, &p.AgeBand, &p.Functioning.Seeing, &p.Functioning.Hearing, &p.Functioning.Walking,
		&p.Functioning.Cognition, &p.Functioning.SelfCare, &p.Functioning.Communication, &p.Displacement, &p.Constituency, &p.Region, &p.Locality} {
		*s = r.String()
	}
	p.BirthYear = int(r.Int())
	p.Groups = readStrings(r)
	return p
}

// Restore implements projections.Projection.
func (m *Model) Restore(in io.Reader) error {
	r := binsnap.NewReader(in)
	m.Reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	for range r.Count() {
		s := &Space{ID: r.ID(), Name: r.String(), Region: r.String(), Pillar: r.String()}
		for _, t := range []**float64{&s.Targets.Women, &s.Targets.Youth, &s.Targets.Disability, &s.Targets.Displaced} {
			if r.Bool() {
				v := r.Float()
				*t = &v
			}
		}
		s.Closed = r.Bool()
		if r.Err() != nil {
			return r.Err()
		}
		m.spaces[s.ID] = s
	}
	n := r.Count()
	m.people = make([]*person, 0, min(n, 1<<20)) // a damaged count must not exhaust memory
	for range n {
		id := domain.ID(r.ID())
		enrolled := r.Bool()
		profile := readProfile(r)
		if r.Err() != nil {
			return r.Err()
		}
		if enrolled {
			m.setProfile(id, profile) // no dialogue to recount yet
		} else {
			m.personOf(id)
		}
	}
	for range r.Count() {
		d := &Dialogue{ID: r.ID(), SpaceID: r.ID()}
		d.HeldOn = domain.DateOf(epoch.AddDate(0, 0, int(r.Int())))
		d.Pillar, d.Retracted = r.String(), r.Bool()
		h := &d.Attendance.Headcount
		for _, n := range []*int{&h.YoungWomen, &h.AdultWomen, &h.YoungMen, &h.AdultMen, &h.WithDisabilities, &h.Displaced} {
			*n = int(r.Uint())
		}
		d.Format, d.Title, d.Locality, d.Language = r.String(), r.String(), r.String(), r.String()
		d.DurationMinutes = int(r.Uint())
		d.Topics, d.Facilitators = readStrings(r), readStrings(r)
		for range r.Count() {
			if r.Err() != nil {
				break
			}
			d.StakeholderIDs = append(d.StakeholderIDs, r.ID())
		}
		for range r.Count() {
			if r.Err() != nil {
				break
			}
			d.Concerns = append(d.Concerns, dialogue.Concern{Category: r.String(), Summary: r.String()})
		}
		k := r.Count()
		d.attendees = make([]uint32, 0, min(k, 1024))
		d.Attendance.Attendees = make([]dialogue.Attendee, 0, min(k, 1024))
		for range k {
			i := r.Uint()
			spoke := r.Bool()
			if r.Err() != nil || i >= uint64(len(m.people)) {
				return errorOr(r.Err(), binsnap.ErrCorrupt)
			}
			d.attendees = append(d.attendees, uint32(i))
			d.Attendance.Attendees = append(d.Attendance.Attendees, dialogue.Attendee{ParticipantID: m.people[i].id, Spoke: spoke})
			m.people[i].dialogues = append(m.people[i].dialogues, d)
		}
		if r.Err() != nil {
			return r.Err()
		}
		if len(d.Attendance.Attendees) == 0 {
			d.Attendance.Attendees = nil
		}
		m.recount(d)
		m.dialogues[d.ID] = d
		if !d.Retracted {
			m.bySpace[d.SpaceID] = append(m.bySpace[d.SpaceID], d)
		}
	}
	for _, list := range m.bySpace {
		slices.SortFunc(list, func(a, b *Dialogue) int {
			if dialogueBefore(a, b) {
				return -1
			}
			return 1
		})
	}
	return r.Err()
}

var epoch = domain.NewDate(1970, 1, 1).Time()

func errorOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
