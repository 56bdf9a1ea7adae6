package read_test

import (
	"context"
	"testing"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// TestAnOutcomesLocalityGoesOnlyToWhoRecordsItInTheApp: one rule, in the
// read service, for every door: the locality of a Gao outcome is read, by
// Outcome and Outcomes alike, by an admin, an advocacy lead and Gao's
// facilitator in the app; not by Mopti's facilitator (who does not find
// the outcome), and by no one whose answer leaves the app (an export, a
// publication), however privileged.
func TestAnOutcomesLocalityGoesOnlyToWhoRecordsItInTheApp(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "test"} }
	actor, id := ulid.Make(), ulid.Make()
	if _, err := commands.Send(ctx, f.Handler, actor, stakeholder.Register{Profile: stakeholder.Profile{Name: "Tribunal de Gao", Type: "court", Level: "regional", Region: "gao"}}, meta(), nil); err != nil {
		t.Fatal(err)
	}
	harvest := outcome.Harvest{Record: outcome.Record{ActorID: actor, ChangeType: "practice", On: domain.NewDate(2025, 5, 1), Region: "gao", Locality: "Tin-Kéra",
		Description: "Le tribunal siège", Significance: "s", Contribution: "c"}}
	if _, err := commands.Send(ctx, f.Handler, id, harvest, meta(), nil); err != nil {
		t.Fatal(err)
	}
	svc := f.Service(t, read.CellKey, 5)
	viewer := func(role access.Role, leaves bool, regions ...string) read.Viewer {
		return read.Viewer{Principal: access.Principal{Role: role, Regions: regions, Subject: "s", TokenID: "t"}, Log: zerolog.Nop(), Leaves: leaves}
	}
	for _, tc := range []struct {
		name     string
		v        read.Viewer
		reads    bool // the outcome
		locality string
	}{
		{"an admin", viewer(access.Admin, false), true, "Tin-Kéra"},
		{"an advocacy lead", viewer(access.Advocacy, false), true, "Tin-Kéra"},
		{"Gao's facilitator", viewer(access.Facilitator, false, "gao"), true, "Tin-Kéra"},
		{"Mopti's facilitator", viewer(access.Facilitator, false, "mopti"), false, ""},
		{"an admin's export", viewer(access.Admin, true), true, ""},
		{"Gao's facilitator's export", viewer(access.Facilitator, true, "gao"), true, ""},
		{"a publication", viewer(access.Advocacy, true), true, ""},
	} {
		o, err := svc.Outcome(tc.v, id)
		if (err == nil) != tc.reads || o.Locality != tc.locality {
			t.Errorf("%s: Outcome %q, %v; want the locality %q", tc.name, o.Locality, err, tc.locality)
		}
		list, _ := svc.Outcomes(tc.v, read.OutcomeQuery{Region: "gao"})
		for _, o := range list {
			if o.ID == id && o.Locality != tc.locality {
				t.Errorf("%s: Outcomes gives the locality %q, want %q", tc.name, o.Locality, tc.locality)
			}
		}
	}
}
