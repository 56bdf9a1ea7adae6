package participants

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/internal/binsnap"
	"github.com/palabre/palabre/projections/internal/compact"
)

// Snapshot implements projections.Projection in binsnap's compact form:
// ciphertext only, sorted by id.
func (m *Model) Snapshot(out io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	order := make([]int32, m.people.Len())
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return m.people.At(a).id.Compare(m.people.At(b).id) })
	w := binsnap.NewWriter(out)
	w.Uint(uint64(len(order)))
	for _, i := range order {
		m.write(w, m.people.At(i))
	}
	claims := m.claims()
	codes := slices.Sorted(maps.Keys(claims))
	w.Uint(uint64(len(codes)))
	for _, code := range codes {
		w.String(code)
		w.ID(claims[code])
	}
	return w.Flush()
}

// write writes one participant's record; m.mu is held.
func (m *Model) write(w *binsnap.Writer, p *person) {
	t := m.traits.At(p.traits)
	w.ID(p.id)
	w.Bytes(m.bytes.Get(p.code))
	f := &t.Functioning
	for _, s := range []string{t.Sex, t.AgeBand, f.Seeing, f.Hearing, f.Walking, f.Cognition, f.SelfCare, f.Communication,
		t.Displacement, m.words.At(p.constituency), m.words.At(p.region), m.words.At(p.locality)} {
		w.String(s)
	}
	w.Int(int64(t.BirthYear))
	groups := m.groups.At(t.groups)
	w.Uint(uint64(len(groups)))
	for _, g := range groups {
		w.String(g)
	}
	w.Bool(p.is(consentGiven))
	w.Date(p.consentOn.Date())
	w.Bool(p.is(erased))
	w.Date(p.erasedOn.Date())
	w.Bool(p.is(hasSealed))
	if p.is(hasSealed) {
		b := m.bytes.Get(p.sealed)
		w.Bytes(b[:p.nonceLen])
		w.Bytes(b[p.nonceLen:])
	}
}

// RestoresInMemory implements projections.InMemoryRestorer: Restore
// decodes its snapshot from memory (binsnap.NewReader).
func (m *Model) RestoresInMemory() {}

var _ projections.InMemoryRestorer = (*Model)(nil)

// Restore implements projections.Projection.
func (m *Model) Restore(in io.Reader) error {
	r := binsnap.NewReader(in)
	m.Reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	n := r.Count()
	for range n {
		if err := m.read(r); err != nil {
			return err
		}
	}
	if r.Err() == nil && m.ids.Len() != n {
		return fmt.Errorf("%w: a participant appears twice", binsnap.ErrCorrupt)
	}
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		code := r.String()
		m.file(code, r.ID()) // keys come sorted, each once

	}
	return r.Err()
}

// read reads one participant's record, as write wrote it, and enrols
// them; m.mu is held.
func (m *Model) read(r *binsnap.Reader) error {
	id := r.ID()
	var pr participant.Profile
	pr.Code = r.String()
	f := &pr.Functioning
	for _, s := range []*string{&pr.Sex, &pr.AgeBand, &f.Seeing, &f.Hearing, &f.Walking, &f.Cognition, &f.SelfCare, &f.Communication,
		&pr.Displacement, &pr.Constituency, &pr.Region, &pr.Locality} {
		*s = r.Symbol()
	}
	pr.BirthYear = int(r.Int())
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		pr.Groups = append(pr.Groups, r.Symbol())
	}
	var consent participant.Consent
	consent.Given, consent.On = r.Bool(), r.Date()
	gone, erasedOn := r.Bool(), r.Date()
	var sealed *participant.SealedIdentity
	if r.Bool() {
		sealed = &participant.SealedIdentity{Nonce: r.Bytes(), Ciphertext: r.Bytes()}
	}
	if r.Err() != nil {
		return r.Err()
	}
	m.enrol(id, &pr, consent, sealed)
	i, _ := m.find(id)
	p := m.people.At(i)
	p.set(erased, gone)
	p.erasedOn = compact.DayOf(erasedOn)
	return nil
}
