// Package participants is the identity-bearing read model: participants'
// pseudonymous records, and their names and phone numbers opened — only
// for a viewer allowed to see them in the participant's region — through
// the key store. The model itself holds ciphertext only, in memory and in
// its snapshots; an erased participant's identity cannot be opened by
// anyone, since their key is gone.
package participants

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/internal/compact"
)

// ErrNotFound is returned alike for a participant that does not exist and
// for one the viewer may not see, so that a refusal reveals nothing.
var ErrNotFound = errors.New("participant not found")

// Viewer is the caller asking, as the API's access rules describe them.
type Viewer interface {
	// MaySeeIdentitiesIn reports whether the viewer may see the names of
	// participants of a region.
	MaySeeIdentitiesIn(region string) bool
}

// Opener opens sealed identities; *keystore.Store is one.
type Opener interface {
	Open(ctx context.Context, id domain.ID, sealed *participant.SealedIdentity) (keystore.Identity, error)
}

// Participant is the pseudonymous record of one participant.
type Participant struct {
	ID       domain.ID                   `json:"id"`
	Profile  participant.Profile         `json:"profile"`
	Consent  participant.Consent         `json:"consent"`
	Erased   bool                        `json:"erased"`
	ErasedOn domain.Date                 `json:"erasedOn"`
	Sealed   *participant.SealedIdentity `json:"sealed,omitempty"`
}

// Model is the participants read model; it implements projections.Projection.
type Model struct {
	opener Opener

	mu sync.RWMutex
	store
	// otherClaims are the claims of codes in a region (codeKey), and whom
	// they name, that their participant's record does not hold
	// (claims.go): a participant without the claim of their code was
	// enrolled before codes were claimed per region (see Unclaimed).
	otherClaims map[string]domain.ID
}

// New returns an empty model that opens identities with opener.
func New(opener Opener) *Model {
	m := &Model{opener: opener}
	m.Reset()
	return m
}

func (m *Model) Name() string { return "participants" }
func (m *Model) Version() int { return 4 } // 3: claims; 4: per region

func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.store = newStore()
	m.otherClaims = map[string]domain.ID{}
}

// codeKey is a code's key in a region: codes are unique per region,
// regardless of case (participant.CodeClaimed says why).
func codeKey(region, code string) string { return region + "\x00" + strings.ToUpper(code) }

// Apply implements projections.Projection.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	e, id := ev.Domain, ev.AggregateID
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := e.(type) {
	case participant.Enrolled:
		m.enrol(id, &e.Profile, e.Consent, e.Identity)
	case participant.ProfileCorrected:
		if i, ok := m.find(id); ok {
			m.correct(i, &e.Profile, e.Identity)
		}
	case participant.Erased:
		if i, ok := m.find(id); ok {
			p := m.people.At(i)
			p.set(erased, true)
			p.erasedOn = compact.DayOf(e.ErasedOn)
			m.setSealed(p, nil)
		}
	case participant.CodeClaimed:
		if e.Region != "" { // a claim of the first scheme, across regions, claims nothing now
			m.claim(e.Region, e.Code, e.ParticipantID)
		}
	}
	return nil
}

// enrol adds a participant, or replaces their record if enrolled
// already; m.mu is held.
func (m *Model) enrol(id domain.ID, pr *participant.Profile, consent participant.Consent, sealed *participant.SealedIdentity) {
	i, known := m.find(id)
	if !known {
		i = m.add(id)
	}
	p := m.people.At(i)
	old := m.codeOf(p)
	if known {
		m.leaving(p)
	}
	m.bytes.Clear(p.sealed)
	*p = person{id: id, nextSameCode: p.nextSameCode, consentOn: compact.DayOf(consent.On), erasedOn: compact.NoDay}
	p.set(consentGiven, consent.Given)
	m.setProfile(p, pr)
	m.setSealed(p, sealed)
	m.reindex(i, known, old, pr.Code)
	m.arrived(p)
}

// correct replaces person i's profile, and their sealed identity if the
// correction brings one; m.mu is held.
func (m *Model) correct(i int32, pr *participant.Profile, sealed *participant.SealedIdentity) {
	p := m.people.At(i)
	old := m.codeOf(p)
	m.leaving(p)
	m.setProfile(p, pr)
	if sealed != nil {
		m.setSealed(p, sealed)
	}
	m.reindex(i, true, old, pr.Code)
	m.arrived(p)
}

// reindex files person i under their code, and out of their old one if
// they were indexed and it differs, upper-cased; a person whose code
// keeps its letters keeps their place. m.mu is held.
func (m *Model) reindex(i int32, indexed bool, old, code string) {
	old, code = strings.ToUpper(old), strings.ToUpper(code)
	if indexed && old == code {
		return
	}
	if indexed {
		m.unlink(i, old)
	}
	m.link(i, code)
}

// Erasure is a person erased, by pseudonymous id: safe to keep beside a
// copy of the master key, to re-apply to an older backup. A participant
// is named by their id; an outcome's verifier by the outcome's id (ID)
// and the request's (Request), since their key is the request's.
type Erasure struct {
	ID      domain.ID
	On      domain.Date
	Request *domain.ID
}

// Merged is erasure lists as one, in the list's order.
func Merged(lists ...[]Erasure) []Erasure {
	out := slices.Concat(lists...)
	SortErasures(out)
	return out
}

// SortErasures puts erasures in the list's order: by date, then id.
func SortErasures(list []Erasure) {
	slices.SortFunc(list, func(a, b Erasure) int {
		if c := a.On.Time().Compare(b.On.Time()); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
}

// each calls yield with every participant's record, in the order
// enrolled, until it returns false; m.mu is held.
func (m *Model) each(yield func(*person) bool) {
	for i := range int32(m.people.Len()) {
		if !yield(m.people.At(i)) {
			return
		}
	}
}

func byID(a, b Participant) int { return a.ID.Compare(b.ID) }

// Erasures lists every erasure, by date then id.
func (m *Model) Erasures() []Erasure {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Erasure
	for p := range m.each {
		if p.is(erased) {
			out = append(out, Erasure{ID: p.id, On: p.erasedOn.Date()})
		}
	}
	SortErasures(out)
	return out
}

// Unclaimed lists the participants whose code has no claim of theirs in
// their region: enrolled before codes were claimed per region, or sharing
// a code with another of their region.
func (m *Model) Unclaimed() []commands.CodeHolder {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []commands.CodeHolder
	for p := range m.each {
		if !m.claimed(p) {
			out = append(out, commands.CodeHolder{ID: p.id, Region: m.words.At(p.region), Code: m.codeOf(p)})
		}
	}
	// Oldest first: of two people sharing a code, the first enrolled keeps it.
	slices.SortFunc(out, func(a, b commands.CodeHolder) int { return a.ID.Compare(b.ID) })
	return out
}

// Records returns every participant's record, sealed identity included,
// for the operator's tools that hold the data directory (restore,
// doctor); never for an API viewer.
func (m *Model) Records() []Participant {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Participant, 0, m.people.Len())
	for p := range m.each {
		out = append(out, m.participant(p, true))
	}
	slices.SortFunc(out, byID)
	return out
}

// Get returns a participant's pseudonymous record, without its sealed
// identity, if the viewer may see participants of its region.
func (m *Model) Get(v Viewer, id domain.ID) (Participant, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.find(id)
	if !ok || !v.MaySeeIdentitiesIn(m.words.At(m.people.At(i).region)) {
		return Participant{}, ErrNotFound
	}
	return m.participant(m.people.At(i), false), nil
}

// List returns the pseudonymous records of a region's participants by code.
func (m *Model) List(v Viewer, region string) []Participant {
	if !v.MaySeeIdentitiesIn(region) {
		return nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	symbol, ok := m.words.Find(region)
	if !ok {
		return nil
	}
	var out []Participant
	for p := range m.each {
		if p.region == symbol {
			out = append(out, m.participant(p, false))
		}
	}
	slices.SortFunc(out, func(a, b Participant) int {
		if c := strings.Compare(a.Profile.Code, b.Profile.Code); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
	return out
}

// WithCode returns the pseudonymous records of everyone with a code, as a
// person types it (spaces around and letter case do not matter), among
// the participants the viewer may see, in every region they see (codes are
// unique per region only), so there may be more than one.
func (m *Model) WithCode(v Viewer, code string) []Participant {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Participant
	m.withCode(strings.ToUpper(strings.TrimSpace(code)), func(p *person) bool {
		if v.MaySeeIdentitiesIn(m.words.At(p.region)) {
			out = append(out, m.participant(p, false))
		}
		return true
	})
	slices.SortFunc(out, byID)
	return out
}

// ByCode finds a participant by their pseudonymous code in a region,
// regardless of case, if the viewer may see the region's participants: ok
// is false when none has it, ambiguous true when two do (codes were not
// unique before imports needed them to be). Codes are unique per region,
// so another region's participants are never looked at.
func (m *Model) ByCode(v Viewer, region, code string) (id domain.ID, ok, ambiguous bool) {
	if !v.MaySeeIdentitiesIn(region) {
		return id, false, false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	symbol, known := m.words.Find(region)
	if !known {
		return id, false, false
	}
	m.withCode(strings.ToUpper(code), func(p *person) bool {
		if p.region != symbol {
			return true
		}
		if ok {
			ambiguous = true
			return false
		}
		id, ok = p.id, true
		return true
	})
	return id, ok, ambiguous
}

// Identity opens a participant's name and phone for a viewer allowed to
// see them. Returns ErrNotFound for a missing participant or a viewer who
// may not see their region, and keystore.ErrErased after erasure.
func (m *Model) Identity(ctx context.Context, v Viewer, id domain.ID) (keystore.Identity, error) {
	m.mu.RLock()
	i, ok := m.find(id)
	var sealed *participant.SealedIdentity
	var gone bool
	if ok {
		p := m.people.At(i)
		sealed, gone = m.sealedOf(p), p.is(erased)
		ok = v.MaySeeIdentitiesIn(m.words.At(p.region))
	}
	m.mu.RUnlock()
	switch {
	case !ok:
		return keystore.Identity{}, ErrNotFound
	case gone || sealed == nil:
		return keystore.Identity{}, keystore.ErrErased
	}
	return m.opener.Open(ctx, id, sealed)
}
