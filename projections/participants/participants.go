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
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/internal/binsnap"
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

	mu     sync.RWMutex
	people map[domain.ID]*Participant
	// byCode indexes people by code, upper-cased, for imports' lookups
	// by the thousand; rebuilt with the model, never snapshotted.
	byCode map[string][]domain.ID
	// claims are the codes claimed in each region (codeKey) and by whom:
	// a participant without the claim of their code was enrolled before
	// codes were claimed per region (see Unclaimed).
	claims map[string]domain.ID
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
	m.people = map[domain.ID]*Participant{}
	m.byCode = map[string][]domain.ID{}
	m.claims = map[string]domain.ID{}
}

// codeKey is a code's key in a region: codes are unique per region,
// regardless of case (participant.CodeClaimed says why).
func codeKey(region, code string) string { return region + "\x00" + strings.ToUpper(code) }

// index files a participant under their code (upper-cased), and out of
// their old one; m.mu is held.
func (m *Model) index(id domain.ID, old, code string) {
	old, code = strings.ToUpper(old), strings.ToUpper(code)
	if old == code {
		if !slices.Contains(m.byCode[code], id) {
			m.byCode[code] = append(m.byCode[code], id)
		}
		return
	}
	if ids := slices.DeleteFunc(m.byCode[old], func(x domain.ID) bool { return x == id }); len(ids) > 0 {
		m.byCode[old] = ids
	} else {
		delete(m.byCode, old)
	}
	m.byCode[code] = append(m.byCode[code], id)
}

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
		m.people[id] = &Participant{ID: id, Profile: e.Profile, Consent: e.Consent, Sealed: e.Identity}
		m.index(id, e.Profile.Code, e.Profile.Code)
	case participant.ProfileCorrected:
		if p := m.people[id]; p != nil {
			m.index(id, p.Profile.Code, e.Profile.Code)
			p.Profile = e.Profile
			if e.Identity != nil {
				p.Sealed = e.Identity
			}
		}
	case participant.Erased:
		if p := m.people[id]; p != nil {
			p.Erased, p.ErasedOn, p.Sealed = true, e.ErasedOn, nil
		}
	case participant.CodeClaimed:
		if e.Region != "" { // a claim of the first scheme, across regions, claims nothing now
			m.claims[codeKey(e.Region, e.Code)] = e.ParticipantID
		}
	}
	return nil
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

// Erasures lists every erasure, by date then id.
func (m *Model) Erasures() []Erasure {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Erasure
	for _, p := range m.people {
		if p.Erased {
			out = append(out, Erasure{ID: p.ID, On: p.ErasedOn})
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
	for _, p := range m.people {
		if m.claims[codeKey(p.Profile.Region, p.Profile.Code)] != p.ID {
			out = append(out, commands.CodeHolder{ID: p.ID, Region: p.Profile.Region, Code: p.Profile.Code})
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
	out := make([]Participant, 0, len(m.people))
	for _, p := range m.people {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Participant) int { return a.ID.Compare(b.ID) })
	return out
}

// Get returns a participant's pseudonymous record, without its sealed
// identity, if the viewer may see participants of its region.
func (m *Model) Get(v Viewer, id domain.ID) (Participant, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.people[id]
	if !ok || !v.MaySeeIdentitiesIn(p.Profile.Region) {
		return Participant{}, ErrNotFound
	}
	out := *p
	out.Sealed = nil
	return out, nil
}

// List returns the pseudonymous records of a region's participants by code.
func (m *Model) List(v Viewer, region string) []Participant {
	if !v.MaySeeIdentitiesIn(region) {
		return nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Participant
	for _, p := range m.people {
		if p.Profile.Region == region {
			c := *p
			c.Sealed = nil
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Participant) int {
		if a.Profile.Code != b.Profile.Code {
			if a.Profile.Code < b.Profile.Code {
				return -1
			}
			return 1
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
	for _, id := range m.byCode[strings.ToUpper(strings.TrimSpace(code))] {
		if p := m.people[id]; v.MaySeeIdentitiesIn(p.Profile.Region) {
			c := *p
			c.Sealed = nil
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Participant) int { return a.ID.Compare(b.ID) })
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
	for _, pid := range m.byCode[strings.ToUpper(code)] {
		if m.people[pid].Profile.Region == region {
			if ok {
				return id, true, true
			}
			id, ok = pid, true
		}
	}
	return id, ok, false
}

// Identity opens a participant's name and phone for a viewer allowed to
// see them. Returns ErrNotFound for a missing participant or a viewer who
// may not see their region, and keystore.ErrErased after erasure.
func (m *Model) Identity(ctx context.Context, v Viewer, id domain.ID) (keystore.Identity, error) {
	m.mu.RLock()
	p, ok := m.people[id]
	var sealed *participant.SealedIdentity
	var erased bool
	if ok {
		sealed, erased = p.Sealed, p.Erased
		ok = v.MaySeeIdentitiesIn(p.Profile.Region)
	}
	m.mu.RUnlock()
	switch {
	case !ok:
		return keystore.Identity{}, ErrNotFound
	case erased || sealed == nil:
		return keystore.Identity{}, keystore.ErrErased
	}
	return m.opener.Open(ctx, id, sealed)
}

// Snapshot implements projections.Projection in binsnap's compact form:
// ciphertext only, sorted by id.
func (m *Model) Snapshot(out io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	list := make([]*Participant, 0, len(m.people))
	for _, p := range m.people {
		list = append(list, p)
	}
	slices.SortFunc(list, func(a, b *Participant) int { return a.ID.Compare(b.ID) })
	w := binsnap.NewWriter(out)
	w.Uint(uint64(len(list)))
	for _, p := range list {
		w.ID(p.ID)
		pr := &p.Profile
		for _, s := range []string{pr.Code, pr.Sex, pr.AgeBand, pr.Functioning.Seeing, pr.Functioning.Hearing, pr.Functioning.Walking,
			pr.Functioning.Cognition, pr.Functioning.SelfCare, pr.Functioning.Communication, pr.Displacement, pr.Constituency, pr.Region, pr.Locality} {
			w.String(s)
		}
		w.Int(int64(pr.BirthYear))
		w.Uint(uint64(len(pr.Groups)))
		for _, g := range pr.Groups {
			w.String(g)
		}
		w.Bool(p.Consent.Given)
		w.Date(p.Consent.On)
		w.Bool(p.Erased)
		w.Date(p.ErasedOn)
		w.Bool(p.Sealed != nil)
		if p.Sealed != nil {
			w.String(string(p.Sealed.Nonce))
			w.String(string(p.Sealed.Ciphertext))
		}
	}
	codes := slices.Sorted(maps.Keys(m.claims))
	w.Uint(uint64(len(codes)))
	for _, code := range codes {
		w.String(code)
		w.ID(m.claims[code])
	}
	return w.Flush()
}

// Restore implements projections.Projection.
func (m *Model) Restore(in io.Reader) error {
	r := binsnap.NewReader(in)
	m.Reset()
	m.mu.Lock()
	defer m.mu.Unlock()
	n := r.Count()
	slab := make([]Participant, 0, min(n, 1<<20)) // a damaged count must not exhaust memory
	for range n {
		if len(slab) == cap(slab) {
			slab = make([]Participant, 0, min(n, 1<<20))
		}
		slab = append(slab, Participant{ID: r.ID()})
		p := &slab[len(slab)-1]
		pr := &p.Profile
		pr.Code = r.String()
		for _, s := range []*string{&pr.Sex, &pr.AgeBand, &pr.Functioning.Seeing, &pr.Functioning.Hearing, &pr.Functioning.Walking,
			&pr.Functioning.Cognition, &pr.Functioning.SelfCare, &pr.Functioning.Communication, &pr.Displacement, &pr.Constituency, &pr.Region, &pr.Locality} {
			*s = r.Symbol()
		}
		pr.BirthYear = int(r.Int())
		for range r.Count() {
			if r.Err() != nil {
				break
			}
			pr.Groups = append(pr.Groups, r.Symbol())
		}
		p.Consent.Given, p.Consent.On = r.Bool(), r.Date()
		p.Erased, p.ErasedOn = r.Bool(), r.Date()
		if r.Bool() {
			p.Sealed = &participant.SealedIdentity{Nonce: []byte(r.String()), Ciphertext: []byte(r.String())}
		}
		if r.Err() != nil {
			return r.Err()
		}
		m.people[p.ID] = p
		m.index(p.ID, p.Profile.Code, p.Profile.Code)
	}
	if r.Err() == nil && len(m.people) != n {
		return fmt.Errorf("%w: a participant appears twice", binsnap.ErrCorrupt)
	}
	for range r.Count() {
		if r.Err() != nil {
			break
		}
		code := r.String()
		m.claims[code] = r.ID()
	}
	return r.Err()
}
