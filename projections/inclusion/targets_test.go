package inclusion_test

import (
	"context"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

func TestATargetMetExactlyIsMetAndWomenKeepTheirDefault(t *testing.T) {
	env := commandstest.Open(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	t.Cleanup(env.Close)
	ctx := context.Background()
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make()} }
	establish := func(targets *space.Targets) domain.ID {
		m := meta()
		if _, err := commands.Space.Execute(ctx, env.Handler, m.CommandID, space.Establish{Details: space.Details{Name: "Comité", Kind: "other", Region: "gao", Pillar: "security"},
			EstablishedOn: domain.NewDate(2025, 1, 1), Targets: targets}, m); err != nil {
			t.Fatal(err)
		}
		return m.CommandID
	}
	twentyNine, forty := 29.0, 40.0
	exact := establish(&space.Targets{Women: &twentyNine})
	youthOnly := establish(&space.Targets{Youth: &forty})
	for _, s := range []domain.ID{exact, youthOnly} {
		// 29 women and 71 men, 40 of them young: every target met exactly.
		m := meta()
		if _, err := commands.Dialogue.Execute(ctx, env.Handler, m.CommandID, dialogue.Hold{Record: dialogue.Record{SpaceID: s, HeldOn: domain.NewDate(2025, 3, 1),
			Format: "workshop", Pillar: "security", Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{YoungWomen: 9, AdultWomen: 20, YoungMen: 31, AdultMen: 40}}}}, m); err != nil {
			t.Fatal(err)
		}
	}
	model := inclusion.New()
	for rec, err := range env.Store.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if err := model.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
			t.Fatal(err)
		}
	}
	v, err := model.View(context.Background(), inclusion.Query{SpaceID: &exact})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Met["women"] {
		t.Errorf("29 women of 100 against a 29 %% target: met = %v", v.Met)
	}
	v, err = model.View(context.Background(), inclusion.Query{SpaceID: &youthOnly})
	if err != nil {
		t.Fatal(err)
	}
	if v.Targets.Women == nil || *v.Targets.Women != space.DefaultWomenTarget {
		t.Fatalf("a space set up with only a youth target has women's target %v, want the default %d", v.Targets.Women, space.DefaultWomenTarget)
	}
	if v.Met["women"] || !v.Met["youth"] {
		t.Errorf("29 %% women against 30 %%, 40 %% youth against 40 %%: met = %v", v.Met)
	}
	if v, _ := model.View(context.Background(), inclusion.Query{SpaceID: &exact, Region: "mopti"}); v.Total.Dialogues != 0 {
		t.Errorf("a gao space with region mopti selects %d dialogues, want none (filters combine)", v.Total.Dialogues)
	}
}
