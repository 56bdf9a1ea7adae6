package participants

import (
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// A claim makes a code a participant's in a region (codeKey). Nearly
// every claim names a participant who has that code in that region: such
// a claim is a bit of their record (holdsClaim), where a map from the
// key's string held about 100 bytes a claim (25 MB for 250,000). The
// others — a claim whose enrolment has not arrived, one kept after its
// participant changed code or region — are in Model.otherClaims. A key's
// claim is in one place or the other, never both.

// keyOf is p's code's key in their region; m.mu is held.
func (m *Model) keyOf(p *person) string { return codeKey(m.words.At(p.region), m.codeOf(p)) }

// claim records that the claim of a code in a region names id; m.mu is
// held.
func (m *Model) claim(region, code string, id domain.ID) {
	key := codeKey(region, code)
	delete(m.otherClaims, key)
	if symbol, ok := m.words.Find(region); ok {
		m.withCode(strings.ToUpper(code), func(p *person) bool {
			if p.region == symbol && p.is(holdsClaim) {
				p.set(holdsClaim, false)
				return false
			}
			return true
		})
	}
	m.file(key, id)
}

// file keeps key's claim, naming id, in id's record if they hold that
// code there, else apart; m.mu is held and no claim of key is kept.
func (m *Model) file(key string, id domain.ID) {
	if i, ok := m.find(id); ok && m.keyOf(m.people.At(i)) == key {
		m.people.At(i).set(holdsClaim, true)
		return
	}
	m.otherClaims[key] = id
}

// leaving keeps apart the claim p holds before their code or region
// changes; arrived takes into p's record a claim of theirs kept apart
// once it has. m.mu is held.
func (m *Model) leaving(p *person) {
	if p.is(holdsClaim) {
		p.set(holdsClaim, false)
		m.otherClaims[m.keyOf(p)] = p.id
	}
}

func (m *Model) arrived(p *person) {
	if len(m.otherClaims) == 0 {
		return
	}
	key := m.keyOf(p)
	if id, ok := m.otherClaims[key]; ok && id == p.id {
		delete(m.otherClaims, key)
		p.set(holdsClaim, true)
	}
}

// claimed reports whether the claim of p's code in their region names
// them; m.mu is held.
func (m *Model) claimed(p *person) bool {
	if p.is(holdsClaim) {
		return true
	}
	id, ok := m.otherClaims[m.keyOf(p)]
	return ok && id == p.id
}

// claims returns every claim: its key and whom it names.
func (m *Model) claims() map[string]domain.ID {
	out := make(map[string]domain.ID, len(m.otherClaims))
	for key, id := range m.otherClaims {
		out[key] = id
	}
	for p := range m.each {
		if p.is(holdsClaim) {
			out[m.keyOf(p)] = p.id
		}
	}
	return out
}
