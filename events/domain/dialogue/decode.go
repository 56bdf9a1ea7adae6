package dialogue

import (
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/internal/jsonscan"
)

// DecodeJSON decodes a Held event by hand: it is over half of a typical
// log and a rebuild spends most of its time decoding. It reports false for
// anything beyond the plain JSON palabre writes (the codec then decodes it
// reflectively), so both ways always agree; a fuzz test holds them to it.
func (e *Held) DecodeJSON(data []byte) bool {
	s := jsonscan.New(data)
	r := &e.Record
	s.Open('{')
	for first := true; s.Next('}', &first); {
		switch string(s.Key()) {
		case "spaceId":
			s.Text(&r.SpaceID)
		case "heldOn":
			s.Text(&r.HeldOn)
		case "format":
			r.Format = s.String()
		case "title":
			r.Title = s.String()
		case "topics":
			r.Topics = s.Strings()
		case "pillar":
			r.Pillar = s.String()
		case "locality":
			r.Locality = s.String()
		case "language":
			r.Language = s.String()
		case "durationMinutes":
			r.DurationMinutes = s.Int()
		case "facilitators":
			r.Facilitators = s.Strings()
		case "stakeholderIds":
			r.StakeholderIDs = []domain.ID{}
			s.Open('[')
			for first := true; s.Next(']', &first); {
				r.StakeholderIDs = append(r.StakeholderIDs, domain.ID{})
				s.Text(&r.StakeholderIDs[len(r.StakeholderIDs)-1])
			}
		case "concerns":
			r.Concerns = []Concern{}
			s.Open('[')
			for first := true; s.Next(']', &first); {
				var c Concern
				s.Open('{')
				for first := true; s.Next('}', &first); {
					switch string(s.Key()) {
					case "category":
						c.Category = s.String()
					case "summary":
						c.Summary = s.String()
					default:
						s.Fail()
					}
				}
				r.Concerns = append(r.Concerns, c)
			}
		case "attendees":
			// Attendees are most of a dialogue, each an object: sized at once.
			r.Attendees = make([]Attendee, 0, s.Count('{'))
			s.Open('[')
			for first := true; s.Next(']', &first); {
				r.Attendees = append(r.Attendees, Attendee{})
				a := &r.Attendees[len(r.Attendees)-1]
				s.Open('{')
				for first := true; s.Next('}', &first); {
					switch string(s.Key()) {
					case "participantId":
						s.Text(&a.ParticipantID)
					case "spoke":
						a.Spoke = s.Bool()
					default:
						s.Fail()
					}
				}
			}
		case "headcount":
			h := &r.Headcount
			s.Open('{')
			for first := true; s.Next('}', &first); {
				var n *int
				switch string(s.Key()) {
				case "youngWomen":
					n = &h.YoungWomen
				case "adultWomen":
					n = &h.AdultWomen
				case "youngMen":
					n = &h.YoungMen
				case "adultMen":
					n = &h.AdultMen
				case "withDisabilities":
					n = &h.WithDisabilities
				case "displaced":
					n = &h.Displaced
				default:
					s.Fail()
					continue
				}
				*n = s.Int()
			}
		default:
			s.Fail() // an unknown or differently cased key: decode reflectively
		}
	}
	return s.End()
}
