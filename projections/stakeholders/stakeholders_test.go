package stakeholders_test

import (
	"bytes"
	"context"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/projections"
	"reflect"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections/stakeholders"
)

func TestEngagementHistoryFollowsDialoguesAndCommitments(t *testing.T) {
	env := commandstest.Open(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	defer env.Close()
	ctx, h := context.Background(), env.Handler
	id := func() domain.ID { return ulid.Make() }
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	meta := func(i domain.ID) commands.Meta { return commands.Meta{CommandID: i} }
	mayor, police, sp := id(), id(), id()
	must(commands.Stakeholder.Execute(ctx, h, mayor, stakeholder.Register{Profile: stakeholder.Profile{Name: "Mairie de Gao", Type: "mayor", Level: "local", Region: "gao"}}, meta(mayor)))
	must(commands.Stakeholder.Execute(ctx, h, police, stakeholder.Register{Profile: stakeholder.Profile{Name: "Commissariat de Mopti", Type: "police", Level: "local", Region: "mopti"}}, meta(police)))
	must(commands.Space.Execute(ctx, h, sp, space.Establish{Details: space.Details{Name: "CCS", Kind: "other", Region: "gao", Pillar: "security"}, EstablishedOn: domain.NewDate(2026, 1, 1)}, meta(sp)))
	d1, d2 := id(), id()
	hold := func(d domain.ID, on domain.Date, who ...domain.ID) {
		must(commands.Dialogue.Execute(ctx, h, d, dialogue.Hold{Record: dialogue.Record{SpaceID: sp, HeldOn: on, Format: "committee-meeting", Pillar: "security", StakeholderIDs: who}}, meta(d)))
	}
	hold(d1, domain.NewDate(2026, 2, 1), mayor, police)
	hold(d2, domain.NewDate(2026, 3, 1), mayor)
	must(commands.Dialogue.Execute(ctx, h, d1, dialogue.Retract{Reason: "doublon"}, meta(id())))
	// An edited submission names the mayor where it named the police.
	d3 := id()
	hold(d3, domain.NewDate(2026, 2, 15), police)
	must(commands.Dialogue.Execute(ctx, h, d3, dialogue.Correct{Record: dialogue.Record{SpaceID: sp, HeldOn: domain.NewDate(2026, 2, 14), Format: "committee-meeting", Pillar: "security", StakeholderIDs: []domain.ID{mayor}}}, meta(id())))
	kept, broken, open := id(), id(), id()
	for _, c := range []domain.ID{kept, broken, open} {
		must(commands.Commitment.Execute(ctx, h, c, commitment.Make{Promise: commitment.Promise{StakeholderID: mayor, Text: "t", Pillar: "security", MadeOn: domain.NewDate(2026, 3, 2)}}, meta(c)))
	}
	must(commands.Commitment.Execute(ctx, h, kept, commitment.Fulfil{On: domain.NewDate(2026, 4, 1)}, meta(id())))
	must(commands.Commitment.Execute(ctx, h, broken, commitment.Break{On: domain.NewDate(2026, 4, 2)}, meta(id())))

	m := stakeholders.New()
	for rec, err := range env.Store.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
			t.Fatal(err)
		}
	}
	got, ok := m.Get(mayor)
	want := map[commitment.Status][]domain.ID{commitment.Fulfilled: {kept}, commitment.Broken: {broken}, commitment.Open: {open}}
	if !ok || !reflect.DeepEqual(got.Dialogues, []domain.ID{d2, d3}) || !reflect.DeepEqual(got.Commitments, want) || got.LastEngagedOn != domain.NewDate(2026, 3, 2) {
		t.Fatalf("mayor: %+v", got)
	}
	if p, _ := m.Get(police); len(p.Dialogues) != 0 {
		t.Fatalf("the police attended only a retracted dialogue and one corrected to name the mayor instead: %+v", p)
	}
	if list := m.List("gao"); len(list) != 1 || list[0].ID != mayor {
		t.Fatalf("gao lists %+v", list)
	}

	var snap bytes.Buffer
	m.Snapshot(&snap)
	restored := stakeholders.New()
	if err := restored.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	restored.Snapshot(&again)
	if !bytes.Equal(snap.Bytes(), again.Bytes()) || !reflect.DeepEqual(restored.List(""), m.List("")) {
		t.Fatal("a restored snapshot differs")
	}
}
