package read

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/participants"
)

// Finding a person by name without any browser holding a name: the
// server keeps, in memory only, a keyed hash (HMAC-SHA256 under a key
// derived from the master key) of each participant's folded name, and
// answers a name with the codes whose hash is the same. The index is
// reconciled with the participants' model on every lookup: a new or
// corrected identity is hashed, an erased one is dropped at once, and
// nothing of it is ever written to disk, so no erasure leaves it behind.
//
// Its limits: the match is exact once folded (case, accents, spaces and
// punctuation, and the order of the words, are ignored; a misspelling is
// not), and homonyms return several codes.

// FoldName is a name as the index compares it: lower case, without
// accents, its words (letters and digits) sorted and joined by one space.
// "  TRAORÉ  Kadiatou-Binta" and "kadiatou binta traore" fold alike.
func FoldName(name string) string {
	words := FoldWords(name)
	slices.Sort(words)
	return strings.Join(words, " ")
}

// FoldWords are a text's words in their order, lower case and without
// accents: "Mairie de Sévaré" is mairie, de, sevare.
func FoldWords(text string) []string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent, decomposed from its letter
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteString(foldLetter(unicode.ToLower(r)))
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Fields(b.String())
}

// foldLetter spells the letters NFKD does not decompose as their
// unaccented equivalents.
func foldLetter(r rune) string {
	switch r {
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	case 'ß':
		return "ss"
	case 'ø':
		return "o"
	case 'ł':
		return "l"
	case 'đ':
		return "d"
	}
	return string(r)
}

// nameIndex is the blind index: per participant whose identity is
// sealed, the sealed value it was made from and its name's hash.
type nameIndex struct {
	key     []byte
	mu      sync.Mutex
	entries map[domain.ID]nameEntry
}

type nameEntry struct {
	sealed *participant.SealedIdentity
	hash   [sha256.Size]byte
}

func newNameIndex(key []byte) *nameIndex {
	return &nameIndex{key: key, entries: map[domain.ID]nameEntry{}}
}

func (x *nameIndex) hash(name string) (out [sha256.Size]byte) {
	m := hmac.New(sha256.New, x.key)
	m.Write([]byte(FoldName(name)))
	copy(out[:], m.Sum(nil))
	return out
}

// everyRegion lets the index open every identity: it is the server's own
// reading, never answered to anyone as a name.
type everyRegion struct{}

func (everyRegion) MaySeeIdentitiesIn(string) bool { return true }

// find returns the ids whose folded name is the one asked, after bringing
// the index up to the model: identities not yet hashed (new, corrected,
// or restored from a snapshot) are opened and hashed, and those erased
// are dropped.
func (x *nameIndex) find(ctx context.Context, people *participants.Model, name string) ([]domain.ID, error) {
	if len(x.key) == 0 || people == nil {
		return nil, nil // no key, no index: nobody is found by name
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	live := map[domain.ID]bool{}
	for _, p := range people.Records() {
		if p.Erased || p.Sealed == nil {
			continue
		}
		live[p.ID] = true
		if e, ok := x.entries[p.ID]; ok && e.sealed == p.Sealed {
			continue
		}
		who, err := people.Identity(ctx, everyRegion{}, p.ID)
		if errors.Is(err, keystore.ErrErased) || errors.Is(err, participants.ErrNotFound) {
			delete(live, p.ID) // erased since Records was read
			continue
		}
		if err != nil {
			return nil, err
		}
		x.entries[p.ID] = nameEntry{sealed: p.Sealed, hash: x.hash(who.Name)}
	}
	want := x.hash(name)
	var out []domain.ID
	for id, e := range x.entries {
		switch {
		case !live[id]:
			delete(x.entries, id)
		case hmac.Equal(e.hash[:], want[:]):
			out = append(out, id)
		}
	}
	return out, nil
}

// ParticipantsNamed are the pseudonymous records of the participants of
// a region ("" for all the viewer may see) whose name, folded, is the one
// given — codes, never a name — for viewers who may see the region's
// participants; by code. Every lookup leaves an audit record (never the
// name asked) and its answer is kept out of caches.
//
// Returns BadInput for a name that folds to nothing, and ErrNotFound for
// a region the viewer may not see.
func (s *Service) ParticipantsNamed(ctx context.Context, v Viewer, region, name string) ([]participants.Participant, error) {
	if err := Must(v, access.ReadParticipants); err != nil {
		return nil, err
	}
	if FoldName(name) == "" {
		return nil, BadInput("name", "give a name: letters, in any case, with or without accents")
	}
	region, err := s.regionNamed(v, region)
	if err != nil {
		return nil, err
	}
	if region != "" && !v.MaySeeIdentitiesIn(region) {
		return nil, ErrNotFound
	}
	ids, err := s.names.find(ctx, s.cfg.Participants, name)
	if err != nil {
		v.Log.Error().Err(err).Msg("the name index could not open an identity")
		return nil, ErrInternal
	}
	out := []participants.Participant{}
	for _, id := range ids {
		p, err := s.Participant(v, id)
		if err == nil && (region == "" || p.Profile.Region == region) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b participants.Participant) int {
		return cmp.Or(strings.Compare(a.Profile.Code, b.Profile.Code), a.ID.Compare(b.ID))
	})
	if v.ReadIdentity != nil {
		v.ReadIdentity()
	}
	v.Log.Info().Str("audit", "name lookup").Str("subject", v.Subject).Str("token", v.TokenID).
		Str("region", region).Int("matches", len(out)).Msg("audit")
	return out, nil
}
