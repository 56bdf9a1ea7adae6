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
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Found in review: the observatory named a cadi, an imam and a village's
// chiefdom with their locality, and their commitments' wording named
// them again. A publication names institutions acting beyond a locality
// (the court of Mopti), never one person by their title nor a local
// office by its commune: those show as their type and region, without
// their wording, in every page and every data file.
func TestAPublicationNamesNoPersonAndNoLocalOffice(t *testing.T) {
	f := reporttest.New(t)
	f.Later(t)
	for _, who := range []stakeholder.Profile{
		{Name: "Tribunal de grande instance de Mopti", Type: "court", Level: "regional", Region: "mopti"},
		{Name: "Cadi de Bankass", Type: "cadi", Level: "local", Region: "mopti"},
		{Name: "Imam de la grande mosquée de Mopti", Type: "religious-leader", Level: "regional", Region: "mopti"},
		{Name: "Mairie de Sévaré", Type: "mayor", Level: "local", Region: "mopti"},
	} {
		promise(t, f, who, who.Name+" s'engage à éclairer le marché")
	}
	files := built(t, f.Service(t, read.CellKey, 5), publish.Policy{AsOf: domain.NewDate(2026, 5, 2)})
	var all []byte
	for _, body := range files {
		all = append(all, body...)
	}
	for _, leak := range []string{"Bankass", "Imam de la grande", "Sévaré"} {
		if bytes.Contains(all, []byte(leak)) {
			t.Errorf("the publication holds %q", leak)
		}
	}
	for _, shown := range []string{"Tribunal de grande instance de Mopti s'engage", "Cadi · mopti (A", "libellé non publié"} {
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
