package publish_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Found in review: the observatory named a cadi, an imam and a village's
// chiefdom with their locality, and their commitments' wording named
// them again; then, offices registered as regional whose names hold a
// space's locality. A publication names institutions acting beyond a locality
// (the court of Mopti), never one person by their title nor a local
// office by its commune: those show as their type and region, without
// their wording, in every page and every data file.
func TestAPublicationNamesNoPersonAndNoLocalOffice(t *testing.T) {
	f := reporttest.New(t)
	f.Later(t)
	space := space.Establish{Details: space.Details{Name: "Comité consultatif de sécurité", Kind: "security-advisory-committee", Region: "mopti", Locality: "Soni Aliber", Pillar: "security"},
		EstablishedOn: domain.NewDate(2024, 1, 5)}
	if _, err := commands.Send(context.Background(), f.Handler, ulid.Make(), space, commands.Meta{CommandID: ulid.Make(), RecordedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, who := range []stakeholder.Profile{
		{Name: "Tribunal de grande instance de Mopti", Type: "court", Level: "regional", Region: "mopti"},
		{Name: "Cadi de Bankass", Type: "cadi", Level: "local", Region: "mopti"},
		{Name: "Imam de la grande mosquée de Mopti", Type: "religious-leader", Level: "regional", Region: "mopti"},
		{Name: "Mairie de Sévaré", Type: "mayor", Level: "regional", Region: "mopti"},
		{Name: "Poste de commandement des FAMa de Soni-Aliber", Type: "fama-unit", Level: "regional", Region: "mopti"},
	} {
		promise(t, f, who, who.Name+" s'engage à éclairer le marché")
	}
	promise(t, f, stakeholder.Profile{Name: "Direction régionale de la police de Mopti", Type: "police", Level: "regional", Region: "mopti"}, "Patrouiller à Soni Aliber")
	// As of the server's day: the space, recorded on the later day, is one of the
	// places the publication knows (it reads spaces at the start of its month).
	files := built(t, f.Service(t, read.CellKey, 5), publish.Policy{AsOf: domain.NewDate(2026, 6, 1)})
	var all []byte
	for _, body := range files {
		all = append(all, body...)
	}
	for _, leak := range []string{"Bankass", "Imam de la grande", "Sévaré", "Soni"} {
		if bytes.Contains(all, []byte(leak)) {
			t.Errorf("the publication holds %q: %s", leak, all[max(0, bytes.Index(all, []byte(leak))-200):bytes.Index(all, []byte(leak))+50])
		}
	}
	for _, shown := range []string{"Tribunal de grande instance de Mopti s'engage", "Direction régionale de la police de Mopti", "Cadi · mopti (A", "libellé non publié"} {
		if !bytes.Contains(all, []byte(shown)) {
			t.Errorf("the publication lacks %q", shown)
		}
	}
}

func TestWhoAPublicationNames(t *testing.T) {
	for _, c := range []struct {
		p    stakeholder.Profile
		want bool
	}{
		{stakeholder.Profile{Type: "governor", Level: "regional"}, true},
		{stakeholder.Profile{Type: "ministry", Level: "national"}, true},
		{stakeholder.Profile{Type: "prefect", Level: "local"}, false},
		{stakeholder.Profile{Type: "mayor", Level: "regional"}, false},
		{stakeholder.Profile{Type: "village-chief", Level: "local"}, false},
		{stakeholder.Profile{Type: "traditional-authority", Level: "regional"}, false},
		{stakeholder.Profile{Type: "cadi", Level: "national"}, false},
	} {
		if got := publish.Named(c.p); got != c.want {
			t.Errorf("Named(%+v) = %v", c.p, got)
		}
	}
}

// promise records, on the fixture's later day, a stakeholder and a
// commitment it made in 2025.
func promise(t *testing.T, f *reporttest.Fixture, who stakeholder.Profile, text string) {
	t.Helper()
	ctx := context.Background()
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "test"} }
	holder := ulid.Make()
	if _, err := commands.Send(ctx, f.Handler, holder, stakeholder.Register{Profile: who}, meta(), nil); err != nil {
		t.Fatal(err)
	}
	made := commitment.Make{Promise: commitment.Promise{StakeholderID: holder, Text: text, Pillar: "security", MadeOn: domain.NewDate(2025, 6, 1)}}
	if _, err := commands.Send(ctx, f.Handler, ulid.Make(), made, meta(), nil); err != nil {
		t.Fatal(err)
	}
}
