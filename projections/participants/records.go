package participants

import (
	"hash/maphash"
	"slices"
	"strings"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/projections/internal/compact"
)

// person is a participant's record as the model keeps it (issue 26):
// 68 bytes without a pointer, in a column by dense index. Their code
// and sealed identity lie in the model's byte arena, the words of their
// profile in its tables; a Participant is built per answer.
type person struct {
	id domain.ID
	// code is the code as given; sealed is the nonce then the ciphertext,
	// nonceLen bytes of nonce.
	code, sealed compact.Span
	nonceLen     uint32
	// traits names the profile's closed vocabulary (traits); region,
	// constituency and locality are words.
	traits, region, constituency, locality uint32
	consentOn, erasedOn                    compact.Day
	// nextSameCode is the next participant whose upper-cased code has the
	// same hash (byCode), -1 at the end.
	nextSameCode int32
	flags        uint8
}

const (
	consentGiven uint8 = 1 << iota
	erased
	hasSealed
	holdsClaim // the claim of their code in their region names them (claims.go)
)

func (p *person) is(flag uint8) bool { return p.flags&flag != 0 }

func (p *person) set(flag uint8, on bool) {
	if on {
		p.flags |= flag
	} else {
		p.flags &^= flag
	}
}

// traits is the part of a profile drawn from closed vocabularies (sex,
// age, functioning, displacement, groups): few combinations, so it is
// interned whole, 4 bytes a participant.
type traits struct {
	Sex, AgeBand string
	BirthYear    int
	participant.Functioning
	Displacement string
	groups       uint32 // an index of the model's groups
}

// store is where the records' parts are kept: one per model, replaced
// by Reset.
type store struct {
	people compact.Column[person]
	ids    compact.Index // people by id
	bytes  compact.Arena[byte]
	words  compact.Table[string]
	traits compact.Table[traits]
	groups compact.Lists
	// byCode indexes people by code, upper-cased, for imports' lookups by
	// the thousand: the hash of a code to the first of a chain through
	// person.nextSameCode, in the order indexed.
	byCode map[uint64]int32
	seed   maphash.Seed
}

func newStore() store {
	return store{byCode: map[uint64]int32{}, seed: maphash.MakeSeed()}
}

// find returns the index of the participant with id.
func (s *store) find(id domain.ID) (int32, bool) {
	return s.ids.Find(compact.HashID(id), func(i int32) bool { return s.people.At(i).id == id })
}

// add adds a record for id and returns its index.
func (s *store) add(id domain.ID) int32 {
	i := s.people.Append(person{id: id, nextSameCode: -1})
	s.ids.Add(compact.HashID(id), i, func(j int32) uint64 { return compact.HashID(s.people.At(j).id) })
	return i
}

// setProfile files a profile in p's record; the code is indexed apart.
func (s *store) setProfile(p *person, pr *participant.Profile) {
	groups := s.groups.Of(pr.Groups)
	p.traits = s.traits.Of(traits{pr.Sex, pr.AgeBand, pr.BirthYear, pr.Functioning, pr.Displacement, groups})
	p.region, p.constituency, p.locality = s.words.Of(pr.Region), s.words.Of(pr.Constituency), s.words.Of(pr.Locality)
	p.code = s.bytes.Put([]byte(pr.Code))
}

func (s *store) setSealed(p *person, sealed *participant.SealedIdentity) {
	s.bytes.Clear(p.sealed) // what it replaces is not kept in memory
	p.sealed, p.nonceLen = compact.Span{}, 0
	p.set(hasSealed, sealed != nil)
	if sealed != nil {
		p.sealed = s.bytes.Put(append(append([]byte(nil), sealed.Nonce...), sealed.Ciphertext...))
		p.nonceLen = uint32(len(sealed.Nonce))
	}
}

// sealedOf returns a copy of p's sealed identity, nil if none: the
// model's bytes are cleared when it is replaced.
func (s *store) sealedOf(p *person) *participant.SealedIdentity {
	if !p.is(hasSealed) {
		return nil
	}
	b := slices.Clone(s.bytes.Get(p.sealed))
	return &participant.SealedIdentity{Nonce: b[:p.nonceLen:p.nonceLen], Ciphertext: b[p.nonceLen:]}
}

func (s *store) codeOf(p *person) string { return string(s.bytes.Get(p.code)) }

// hasCode reports whether p's code, upper-cased, is upper.
func (s *store) hasCode(p *person, upper string) bool {
	code := s.bytes.Get(p.code)
	if len(code) != len(upper) {
		return strings.ToUpper(string(code)) == upper // not ASCII: upper-casing may change its length
	}
	for i, c := range code {
		if c >= 0x80 {
			return strings.ToUpper(string(code)) == upper
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

// participant builds p's Participant, with its sealed identity if sealed.
func (s *store) participant(p *person, sealed bool) Participant {
	t := s.traits.At(p.traits)
	out := Participant{
		ID: p.id,
		Profile: participant.Profile{
			Code: s.codeOf(p), Sex: t.Sex, BirthYear: t.BirthYear, AgeBand: t.AgeBand, Functioning: t.Functioning,
			Displacement: t.Displacement, Groups: s.groups.At(t.groups), Constituency: s.words.At(p.constituency),
			Region: s.words.At(p.region), Locality: s.words.At(p.locality),
		},
		Consent:  participant.Consent{Given: p.is(consentGiven), On: p.consentOn.Date()},
		Erased:   p.is(erased),
		ErasedOn: p.erasedOn.Date(),
	}
	if sealed {
		out.Sealed = s.sealedOf(p)
	}
	return out
}

// codeHash is the hash an upper-cased code is indexed by.
func (s *store) codeHash(upper string) uint64 { return maphash.String(s.seed, upper) }

// first is the first of the chain of people whose upper-cased code hashes
// as upper's, -1 if none.
func (s *store) first(upper string) int32 {
	if i, ok := s.byCode[s.codeHash(upper)]; ok {
		return i
	}
	return -1
}

// withCode calls yield for each person whose code, upper-cased, is upper,
// in the order indexed, until yield returns false.
func (s *store) withCode(upper string, yield func(*person) bool) {
	for i := s.first(upper); i >= 0; {
		p := s.people.At(i)
		if s.hasCode(p, upper) && !yield(p) {
			return
		}
		i = p.nextSameCode
	}
}

// link files person i at the end of its code's chain.
func (s *store) link(i int32, upper string) {
	h := s.codeHash(upper)
	s.people.At(i).nextSameCode = -1
	j, ok := s.byCode[h]
	if !ok {
		s.byCode[h] = i
		return
	}
	for next := s.people.At(j).nextSameCode; next >= 0; next = s.people.At(j).nextSameCode {
		j = next
	}
	s.people.At(j).nextSameCode = i
}

// unlink takes person i out of its code's chain.
func (s *store) unlink(i int32, upper string) {
	h := s.codeHash(upper)
	next := s.people.At(i).nextSameCode
	j, ok := s.byCode[h]
	switch {
	case !ok:
		return
	case j == i && next < 0:
		delete(s.byCode, h)
		return
	case j == i:
		s.byCode[h] = next
		return
	}
	for ; j >= 0; j = s.people.At(j).nextSameCode {
		if p := s.people.At(j); p.nextSameCode == i {
			p.nextSameCode = next
			return
		}
	}
}
