package schema_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/schema"
)

var update = flag.Bool("update", false, "rewrite schema/events from the Go event types")

const eventsDir = "events"

func TestEventSchemasMatchTheGoTypes(t *testing.T) {
	want := map[string][]byte{}
	for _, et := range registry.Codec().Types() {
		b, err := schema.EventSchema(et)
		if err != nil {
			t.Fatal(err)
		}
		want[schema.EventSchemaFile(et.Name, et.Version)] = b
	}
	if *update {
		os.RemoveAll(eventsDir)
		os.MkdirAll(eventsDir, 0o755)
		for name, b := range want {
			if err := os.WriteFile(filepath.Join(eventsDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(eventsDir)
	if err != nil {
		t.Fatalf("%v (run go test ./schema -update)", err)
	}
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("schema/events/%s has no Go event type (run go test ./schema -update)", e.Name())
		}
	}
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join(eventsDir, name))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("schema/events/%s differs from its Go type (run go test ./schema -update)", name)
		}
	}
}

// TestEveryEventAStoryProducesMatchesItsSchema runs a story that produces
// every event type through the real handler and store, and validates each
// stored event against its published schema.
func TestEveryEventAStoryProducesMatchesItsSchema(t *testing.T) {
	compiler := jsonschema.NewCompiler()
	schemas := map[string]*jsonschema.Schema{}
	for _, et := range registry.Codec().Types() {
		f, err := os.Open(filepath.Join(eventsDir, schema.EventSchemaFile(et.Name, et.Version)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		id := schema.EventSchemaID(et.Name, et.Version)
		if err := compiler.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
		if schemas[fmt.Sprintf("%s/%d", et.Name, et.Version)], err = compiler.Compile(id); err != nil {
			t.Fatal(err)
		}
	}
	store := runStory(t)
	seen := map[string]bool{}
	for rec, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		meta, err := events.UnmarshalMetadata(rec.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		sch := schemas[fmt.Sprintf("%s/%d", rec.Type, meta.SchemaVersion)]
		if sch == nil {
			t.Fatalf("no schema for %s version %d", rec.Type, meta.SchemaVersion)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(rec.Data))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not match its schema: %v\n%s", rec.Type, err, rec.Data)
		}
		seen[rec.Type] = true
	}
	var missing []string
	for _, et := range registry.Codec().Types() {
		if !seen[et.Name] {
			missing = append(missing, et.Name)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("the story never produced %s", strings.Join(missing, ", "))
	}
}

// runStory plays every command of the domain once.
func runStory(t *testing.T) *pebblestore.Store {
	t.Helper()
	dir := t.TempDir()
	store, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, err := keystore.Open(filepath.Join(dir, "keys"), bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	h := commands.New(store, refdata.Default(), &commands.Options{Keys: keys, CodeKey: keys.Secret(participant.CodeKeyPurpose), Clock: func() time.Time { return time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC) }})
	ctx := context.Background()
	d := domain.NewDate
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	m := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "story"} }

	km := m()
	must(commands.Stakeholder.Execute(ctx, h, km.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "Préfecture de Bandiagara", Type: "prefect", Level: "local", Region: "bandiagara"}}, km))
	must(commands.Stakeholder.Execute(ctx, h, km.CommandID, stakeholder.ChangeDetails{Profile: stakeholder.Profile{Name: "Préfecture de Bandiagara", Type: "prefect", Level: "regional", Region: "bandiagara"}}, m()))
	sm := m()
	half := 50.0
	must(commands.Space.Execute(ctx, h, sm.CommandID, space.Establish{Details: space.Details{Name: "Cadre de concertation", Kind: "justice-actors-exchange", Region: "bandiagara", Pillar: "justice", ConvenorID: &km.CommandID}, EstablishedOn: d(2026, 1, 3)}, sm))
	must(commands.Space.Execute(ctx, h, sm.CommandID, space.ChangeDetails{Details: space.Details{Name: "Cadre de concertation des acteurs de la justice", Kind: "justice-actors-exchange", Region: "bandiagara", Pillar: "justice"}}, m()))
	must(commands.Space.Execute(ctx, h, sm.CommandID, space.SetTargets{Targets: space.Targets{Women: &half, Youth: &half}}, m()))
	pm := m()
	must(h.Enrol(ctx, pm.CommandID, participant.Enrol{Profile: participant.Profile{Code: "BDG-001", Sex: "male", AgeBand: "18-24", Displacement: "none", Groups: []string{"pastoralists"}, Region: "bandiagara"}, Consent: participant.Consent{Given: true, On: d(2026, 1, 4)}}, keystore.Identity{Name: "Oumar", Phone: "+22370000000"}, pm))
	must(h.CorrectParticipant(ctx, pm.CommandID, participant.CorrectProfile{Profile: participant.Profile{Code: "BDG-001", Sex: "male", BirthYear: 2003, Displacement: "none", Region: "bandiagara"}}, &keystore.Identity{Name: "Oumar B."}, m()))
	dm := m()
	must(commands.Dialogue.Execute(ctx, h, dm.CommandID, dialogue.Hold{Record: dialogue.Record{SpaceID: sm.CommandID, HeldOn: d(2026, 2, 1), Format: "mobile-court-session", Pillar: "justice", StakeholderIDs: []domain.ID{km.CommandID}, Concerns: []dialogue.Concern{{Category: "justice"}}, Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: pm.CommandID}}, Headcount: dialogue.Headcount{AdultWomen: 3}}}}, dm))
	must(commands.Dialogue.Execute(ctx, h, dm.CommandID, dialogue.CorrectAttendance{Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultWomen: 4, Displaced: 1}}}, m()))
	must(commands.Dialogue.Execute(ctx, h, dm.CommandID, dialogue.Correct{Record: dialogue.Record{SpaceID: sm.CommandID, HeldOn: d(2026, 1, 31), Format: "mobile-court-session", Pillar: "justice", Title: "Audience foraine de Bourem", Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultWomen: 4, Displaced: 1}}}}, m()))
	for i, end := range []commitment.Command{commitment.Fulfil{On: d(2026, 5, 1)}, commitment.Break{On: d(2026, 5, 1)}, commitment.Withdraw{On: d(2026, 5, 1)}} {
		cm := m()
		must(commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.Make{Promise: commitment.Promise{StakeholderID: km.CommandID, SpaceID: &sm.CommandID, DialogueID: &dm.CommandID, Text: "Tenir une audience foraine par trimestre", Pillar: "justice", MadeOn: d(2026, 2, 1), DueOn: d(2026, 4, 1+i), Benefits: []string{"youth"}}}, cm))
		must(commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.ReportProgress{ReportedOn: d(2026, 3, 1), Status: "at-risk"}, m()))
		must(commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.ReviseDueDate{DueOn: d(2026, 9, 1), Reason: "saison des pluies"}, m()))
		must(commands.Commitment.Execute(ctx, h, cm.CommandID, end, m()))
	}
	om := m()
	record := outcome.Record{ActorID: km.CommandID, ChangeType: "practice", On: d(2026, 3, 10), Region: "bandiagara", Locality: "Bandiagara", Description: "La préfecture publie le calendrier des audiences",
		Significance: "Première fois", Contribution: "Plaidoyer", Tags: []string{"justice"}, Evidence: []outcome.Evidence{{Kind: "dialogue", ID: dm.CommandID}}}
	must(commands.Outcome.Execute(ctx, h, om.CommandID, outcome.Harvest{Record: record}, om))
	must(commands.Outcome.Execute(ctx, h, om.CommandID, outcome.MarkPublic{Public: true}, m()))
	must(commands.Outcome.Execute(ctx, h, om.CommandID, outcome.Revise{Record: record}, m()))
	request := ulid.Make()
	must(h.RequestSubstantiation(ctx, om.CommandID, outcome.RequestSubstantiation{RequestID: request, RequestedOn: d(2026, 3, 12)}, keystore.Identity{Name: "Awa", Organisation: "Radio"}, m()))
	must(commands.Outcome.Execute(ctx, h, om.CommandID, outcome.RecordSubstantiation{RequestID: request, AnsweredOn: d(2026, 3, 20), Verdict: "agree"}, m()))
	must(h.EraseVerifier(ctx, om.CommandID, outcome.EraseVerifier{RequestID: request, ErasedOn: d(2026, 3, 21)}, m()))
	fm, unit, two := m(), "unit", 2.0
	fw := commands.For(framework.Aggregate)
	programme := framework.Programme{Title: "Redevabilité", Identifier: "NL-KVK-1-PAL", ReportingOrg: framework.Organisation{Ref: "NL-KVK-1", Name: "Alliance", Type: "21"},
		Country: "ML", StartOn: d(2026, 1, 1), Vocabulary: framework.Vocabulary{Name: "Basket", URI: "https://example.org/basket"}}
	must(fw.Execute(ctx, h, fm.CommandID, framework.Define{Programme: programme}, fm))
	programme.Title = "Redevabilité et inclusion"
	must(fw.Execute(ctx, h, fm.CommandID, framework.ChangeDetails{Programme: programme}, m()))
	must(fw.Execute(ctx, h, fm.CommandID, framework.SetOutcome{Outcome: framework.Outcome{Key: "O1", Title: "Les autorités rendent compte"}}, m()))
	must(fw.Execute(ctx, h, fm.CommandID, framework.SetResult{Result: framework.Result{Key: "R1", OutcomeKey: "O1", Type: "output", Title: "Audiences tenues"}}, m()))
	must(fw.Execute(ctx, h, fm.CommandID, framework.SetIndicator{Indicator: framework.Indicator{Key: "I1", ResultKey: "R1", Title: "Audiences", Measure: unit, Ascending: true,
		Baseline: framework.Baseline{Year: 2025, Value: &two}, References: []string{"B-1"}}}, m()))
	must(fw.Execute(ctx, h, fm.CommandID, framework.RecordValue{Value: framework.Value{IndicatorKey: "I1", Year: 2026, Value: &two, Evidence: []string{"Rapport du greffe"}}}, m()))
	must(commands.Dialogue.Execute(ctx, h, dm.CommandID, dialogue.Retract{Reason: "saisie en double"}, m()))
	must(h.Erase(ctx, pm.CommandID, participant.Erase{ErasedOn: d(2026, 5, 2)}, m()))
	must(commands.Space.Execute(ctx, h, sm.CommandID, space.Close{ClosedOn: d(2026, 5, 30), Reason: "fin du projet"}, m()))
	return store
}
