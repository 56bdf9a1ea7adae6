package inclusion

import (
	"maps"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
)

// tally accumulates Figures over dialogues.
type tally struct {
	f      Figures
	unique map[domain.ID]struct{}
}

func newTally() *tally {
	return &tally{f: Figures{Groups: map[string]int{}}, unique: map[domain.ID]struct{}{}}
}

// add counts one dialogue: its registered attendees by their current
// profiles, on the dialogue's date, and its headcount.
func (t *tally) add(d *Dialogue, people map[domain.ID]participant.Profile) {
	f := &t.f
	f.Dialogues++
	for _, a := range d.Attendance.Attendees {
		f.Registered++
		t.unique[a.ParticipantID] = struct{}{}
		p, ok := people[a.ParticipantID]
		if !ok {
			continue
		}
		female := p.Sex == "female"
		if female {
			f.Women++
		} else if p.Sex == "male" {
			f.Men++
		}
		switch youth, known := p.IsYouth(d.HeldOn); {
		case !known:
			f.AgeUnknown++
		case youth:
			f.Youth++
			if female {
				f.YoungWomen++
			} else if p.Sex == "male" {
				f.YoungMen++
			}
		}
		if p.Functioning.HasDisability() {
			f.PersonsWithDisabilities++
		}
		if p.Displacement != "" && p.Displacement != "none" {
			f.Displaced++
		}
		for _, g := range p.Groups {
			f.Groups[g]++
		}
	}
	h := d.Attendance.Headcount
	f.Unregistered += h.Total()
	f.Women += h.YoungWomen + h.AdultWomen
	f.Men += h.YoungMen + h.AdultMen
	f.Youth += h.YoungWomen + h.YoungMen
	f.YoungWomen += h.YoungWomen
	f.YoungMen += h.YoungMen
	f.PersonsWithDisabilities += h.WithDisabilities
	f.Displaced += h.Displaced
}

func (t *tally) figures() Figures {
	f := t.f
	f.Attendance = f.Registered + f.Unregistered
	f.UniqueParticipants = len(t.unique)
	f.Groups = maps.Clone(f.Groups)
	return f
}
