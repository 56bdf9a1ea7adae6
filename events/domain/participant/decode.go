package participant

import (
	"encoding/base64"

	"github.com/palabre/palabre/events/internal/jsonscan"
)

// DecodeJSON decodes an Enrolled event by hand: with their code claims,
// enrolments are a third of a typical log's events. Like the dialogues'
// decoder, it reports false for anything beyond the plain JSON palabre
// writes, and the codec then decodes it reflectively.
func (e *Enrolled) DecodeJSON(data []byte) bool {
	s := jsonscan.New(data)
	s.Open('{')
	for first := true; s.Next('}', &first); {
		switch key := s.Key(); string(key) {
		case "consent":
			c := &e.Consent
			s.Open('{')
			for first := true; s.Next('}', &first); {
				switch string(s.Key()) {
				case "given":
					c.Given = s.Bool()
				case "on":
					s.Text(&c.On)
				default:
					s.Fail()
				}
			}
		case "identity":
			if e.Identity == nil {
				e.Identity = &SealedIdentity{}
			}
			decodeSealed(s, e.Identity)
		default:
			decodeProfileField(s, key, &e.Profile)
		}
	}
	return s.End()
}

// decodeProfileField reads the value of a profile's field named key.
func decodeProfileField(s *jsonscan.Scanner, key []byte, p *Profile) {
	switch string(key) {
	case "code":
		p.Code = s.String()
	case "sex":
		p.Sex = s.String()
	case "birthYear":
		p.BirthYear = s.Int()
	case "ageBand":
		p.AgeBand = s.String()
	case "functioning":
		f := &p.Functioning
		s.Open('{')
		for first := true; s.Next('}', &first); {
			var answer *string
			switch string(s.Key()) {
			case "seeing":
				answer = &f.Seeing
			case "hearing":
				answer = &f.Hearing
			case "walking":
				answer = &f.Walking
			case "cognition":
				answer = &f.Cognition
			case "selfCare":
				answer = &f.SelfCare
			case "communication":
				answer = &f.Communication
			default:
				s.Fail()
				continue
			}
			*answer = s.String()
		}
	case "displacement":
		p.Displacement = s.String()
	case "groups":
		p.Groups = s.Strings()
	case "constituency":
		p.Constituency = s.String()
	case "region":
		p.Region = s.String()
	case "locality":
		p.Locality = s.String()
	default:
		s.Fail() // an unknown or differently cased key: decode reflectively
	}
}

// decodeSealed reads a sealed identity's bytes, in base64 as encoding/json
// writes them.
func decodeSealed(s *jsonscan.Scanner, into *SealedIdentity) {
	s.Open('{')
	for first := true; s.Next('}', &first); {
		var b *[]byte
		switch string(s.Key()) {
		case "nonce":
			b = &into.Nonce
		case "ciphertext":
			b = &into.Ciphertext
		default:
			s.Fail()
			continue
		}
		text := s.Raw()
		*b = make([]byte, base64.StdEncoding.DecodedLen(len(text)))
		n, err := base64.StdEncoding.Decode(*b, text)
		if err != nil {
			s.Fail()
		}
		*b = (*b)[:n]
	}
}

// DecodeJSON decodes a CodeClaimed event by hand: there is one for each
// enrolment.
func (e *CodeClaimed) DecodeJSON(data []byte) bool {
	s := jsonscan.New(data)
	s.Open('{')
	for first := true; s.Next('}', &first); {
		switch string(s.Key()) {
		case "participantId":
			s.Text(&e.ParticipantID)
		case "region":
			e.Region = s.String()
		case "code":
			e.Code = s.String()
		default:
			s.Fail()
		}
	}
	return s.End()
}
