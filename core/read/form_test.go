package read_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"
	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/stakeholders"
)

// The form's spaces and stakeholders are the viewer's: their region's
// open spaces, and the stakeholders they may see.
func TestTheDialogueFormHoldsTheOpenSpacesAndStakeholdersTheViewerMaySee(t *testing.T) {
	env := commandstest.Open(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	defer env.Close()
	ctx := context.Background()
	establish := func(name, region string) string {
		id := ulid.Make()
		if _, err := commands.Space.Execute(ctx, env.Handler, id, space.Establish{Details: space.Details{Name: name, Kind: "other", Region: region, Pillar: "justice"},
			EstablishedOn: domain.NewDate(2026, 1, 1)}, commands.Meta{CommandID: id}); err != nil {
			t.Fatal(err)
		}
		return id.String()
	}
	gao, mopti, closed := establish("Espace de Gao", "gao"), establish("Espace de Mopti", "mopti"), establish("Espace fermé", "gao")
	if _, err := commands.Space.Execute(ctx, env.Handler, ulid.MustParse(closed), space.Close{ClosedOn: domain.NewDate(2026, 2, 1)}, commands.Meta{CommandID: ulid.Make()}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []stakeholder.Profile{{Name: "Tribunal de Gao", Type: "court", Level: "regional", Region: "gao"},
		{Name: "Mairie de Mopti", Type: "mayor", Level: "local", Region: "mopti"}, {Name: "Ministère", Type: "ministry", Level: "national"}} {
		id := ulid.Make()
		if _, err := commands.Stakeholder.Execute(ctx, env.Handler, id, stakeholder.Register{Profile: h}, commands.Meta{CommandID: id}); err != nil {
			t.Fatal(err)
		}
	}
	spaces, holders := inclusion.New(), stakeholders.New()
	if _, _, err := projections.Replay(ctx, env.Store, spaces, holders); err != nil {
		t.Fatal(err)
	}
	svc, err := read.New(read.Config{Inclusion: spaces, Stakeholders: holders, Disclosure: read.Suppress})
	if err != nil {
		t.Fatal(err)
	}
	facilitator := read.Viewer{Principal: access.Principal{Role: access.Facilitator, Regions: []string{"gao"}, Subject: "f"}, Log: zerolog.Nop()}
	body, err := svc.DialogueForm(facilitator, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	choices := choicesOf(t, body)
	if !strings.Contains(choices, "space\t"+gao) || strings.Contains(choices, mopti) || strings.Contains(choices, closed) {
		t.Errorf("Gao's facilitator's spaces:\n%s", choices)
	}
	if !strings.Contains(choices, "Tribunal de Gao") || !strings.Contains(choices, "Ministère") || strings.Contains(choices, "Mairie de Mopti") {
		t.Errorf("Gao's facilitator's stakeholders:\n%s", choices)
	}
	analyst := read.Viewer{Principal: access.Principal{Role: access.Analyst, Subject: "a"}, Log: zerolog.Nop()}
	if _, err := svc.DialogueForm(analyst, nil, time.Now()); err == nil {
		t.Error("an analyst, who reads no records, had the form")
	}
}

// choicesOf is the form's choices sheet, a tab-separated line per row.
func choicesOf(t *testing.T, body []byte) string {
	t.Helper()
	book, err := excelize.OpenReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows("choices")
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\n")
	}
	return b.String()
}
