package read

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

func TestNamesFoldForCaseAccentsSpacesAndWordOrder(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"Kadiatou Traoré", "  TRAORE   kadiatou "},
		{"Aïcha Maïga-Touré", "aicha maiga toure"},
		{"Œuvre Cœur", "oeuvre coeur"},
	} {
		if FoldName(c.a) != FoldName(c.b) {
			t.Errorf("%q folds to %q, %q to %q", c.a, FoldName(c.a), c.b, FoldName(c.b))
		}
	}
	if FoldName("Kadiatou Traoré") == FoldName("Kadiatou Traore Diallo") {
		t.Error("a name with another word folds like the shorter one")
	}
	if FoldName(" - ' ") != "" {
		t.Errorf("punctuation folds to %q", FoldName(" - ' "))
	}
}

// people is a participants model over a real key store, and how to enrol,
// correct and erase in it.
type people struct {
	t     testing.TB
	keys  *keystore.Store
	model *participants.Model
}

func newPeople(t testing.TB) *people {
	keys, err := keystore.Open(t.TempDir(), bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &people{t: t, keys: keys, model: participants.New(keys)}
}

func (p *people) apply(id domain.ID, e domain.Event) {
	p.t.Helper()
	if err := p.model.Apply(projections.Event{Domain: e, AggregateID: id}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *people) enrol(code, region, name string) domain.ID {
	p.t.Helper()
	id := domain.ID(ulid.Make())
	sealed, err := p.keys.Seal(context.Background(), id, keystore.Identity{Name: name})
	if err != nil {
		p.t.Fatal(err)
	}
	p.apply(id, participant.Enrolled{Profile: participant.Profile{Code: code, Region: region}, Identity: sealed})
	return id
}

func (p *people) rename(id domain.ID, code, region, name string) {
	p.t.Helper()
	sealed, err := p.keys.Seal(context.Background(), id, keystore.Identity{Name: name})
	if err != nil {
		p.t.Fatal(err)
	}
	p.apply(id, participant.ProfileCorrected{Profile: participant.Profile{Code: code, Region: region}, Identity: sealed})
}

func (p *people) erase(id domain.ID) {
	p.t.Helper()
	if err := p.keys.Forget(context.Background(), id); err != nil {
		p.t.Fatal(err)
	}
	p.apply(id, participant.Erased{})
}

func codesOf(list []participants.Participant) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.Profile.Code)
	}
	return out
}

func TestAFacilitatorFindsTheirRegionsPeopleByNameAsCodesOnly(t *testing.T) {
	pp := newPeople(t)
	kadiatou := pp.enrol("GAO-0001", "gao", "Kadiatou Traoré")
	pp.enrol("GAO-0002", "gao", "kadiatou TRAORE") // a homonym
	pp.enrol("MOP-0001", "mopti", "Kadiatou Traoré")
	pp.enrol("GAO-0003", "gao", "Ousmane Maïga")
	svc, err := New(Config{Participants: pp.model, NameKey: []byte("name key")})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	read := 0
	gao := Viewer{Principal: access.Principal{Role: access.Facilitator, Regions: []string{"gao"}, Subject: "awa", TokenID: "tok1", Session: true},
		Log: zerolog.New(&log), ReadIdentity: func() { read++ }}

	got, err := svc.ParticipantsNamed(context.Background(), gao, "", "traore kadiatou")
	if err != nil || !slices.Equal(codesOf(got), []string{"GAO-0001", "GAO-0002"}) {
		t.Fatalf("gao's facilitator looking for Kadiatou Traoré: %v, %v", codesOf(got), err)
	}
	if got, _ := svc.ParticipantsNamed(context.Background(), gao, "", "Kadiatou Traor"); len(got) != 0 {
		t.Errorf("a name one letter short found %v", codesOf(got))
	}
	if _, err := svc.ParticipantsNamed(context.Background(), gao, "mopti", "Kadiatou Traoré"); !errors.Is(err, ErrNotFound) {
		t.Errorf("gao's facilitator asking in mopti: %v", err)
	}
	if _, err := svc.ParticipantsNamed(context.Background(), gao, "", " - "); err == nil {
		t.Error("a name of punctuation only was looked up")
	}
	analyst := Viewer{Principal: access.Principal{Role: access.Analyst}, Log: zerolog.Nop()}
	if _, err := svc.ParticipantsNamed(context.Background(), analyst, "", "Kadiatou Traoré"); err == nil {
		t.Error("an analyst looked a name up")
	}
	if read == 0 || !strings.Contains(log.String(), `"audit":"name lookup"`) || !strings.Contains(log.String(), `"token":"tok1"`) ||
		strings.Contains(strings.ToLower(log.String()), "kadiatou") || strings.Contains(strings.ToLower(log.String()), "traor") {
		t.Errorf("the audit of the lookups (answers marked uncacheable %d times): %s", read, log.String())
	}

	// A correction renames; an erasure drops the person at once.
	pp.rename(kadiatou, "GAO-0001", "gao", "Kadiatou Diallo")
	if got, _ := svc.ParticipantsNamed(context.Background(), gao, "", "Kadiatou Traoré"); !slices.Equal(codesOf(got), []string{"GAO-0002"}) {
		t.Errorf("after GAO-0001's rename, the old name finds %v", codesOf(got))
	}
	if got, _ := svc.ParticipantsNamed(context.Background(), gao, "gao", "Diallo Kadiatou"); !slices.Equal(codesOf(got), []string{"GAO-0001"}) {
		t.Errorf("after GAO-0001's rename, the new name finds %v", codesOf(got))
	}
	pp.erase(kadiatou)
	if got, _ := svc.ParticipantsNamed(context.Background(), gao, "", "Kadiatou Diallo"); len(got) != 0 {
		t.Errorf("an erased person is still found: %v", codesOf(got))
	}
	if _, ok := svc.names.entries[kadiatou]; ok {
		t.Error("the erased person's hash is still in the index")
	}
}

// BenchmarkParticipantsNamed is a lookup among 2,000 participants once
// the index is built (the first lookup after a start opens every sealed
// identity: see the log line).
func BenchmarkParticipantsNamed(b *testing.B) {
	pp := newPeople(b)
	for i := range 2000 {
		pp.enrol(fmt.Sprintf("GAO-%04d", i), "gao", fmt.Sprintf("Personne Numéro %d", i))
	}
	svc, err := New(Config{Participants: pp.model, NameKey: []byte("k")})
	if err != nil {
		b.Fatal(err)
	}
	gao := Viewer{Principal: access.Principal{Role: access.Facilitator, Regions: []string{"gao"}}, Log: zerolog.Nop()}
	start := time.Now()
	if got, _ := svc.ParticipantsNamed(context.Background(), gao, "", "personne numero 7"); len(got) != 1 {
		b.Fatalf("found %d", len(got))
	}
	b.Logf("the first lookup, opening 2,000 identities: %v", time.Since(start))
	b.ResetTimer()
	for b.Loop() {
		svc.ParticipantsNamed(context.Background(), gao, "", "personne numero 7")
	}
}
