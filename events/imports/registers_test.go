package imports_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// codesFromTheLog finds participants by code as the command line does:
// through the participants' model replayed from the log.
func (w *world) codesFromTheLog(t *testing.T) imports.Codes {
	t.Helper()
	m := participants.New(w.env.Keys)
	if _, _, err := projections.Replay(context.Background(), w.env.Store, m); err != nil {
		t.Fatal(err)
	}
	return func(region, code string) (domain.ID, bool, bool) { return m.ByCode(everyone{}, region, code) }
}

type everyone struct{}

func (everyone) MaySeeIdentitiesIn(string) bool { return true }

const participantsRegister = "code;sex;birthYear;ageBand;displacement;groups;region;locality;consent;consentOn;walking;name;phone\n" +
	"GAO-0100;female;1998;;internally-displaced;;gao;Sossokoira;oui;2026-02-01;;Fatoumata Maïga;+223 70 00 00 01\n" +
	"GAO-0101;male;;60-plus;none;;gao;;oui;2026-02-01;a-lot-of-difficulty;Boubacar Touré;\n" +
	"GAO-0102;unknown;;18-24;none;;gao;;oui;2026-02-01;;Mariam Cissé;\n" +
	"gao-0100;female;;18-24;none;;gao;;oui;2026-02-01;;Aïssata Diallo;\n" +
	"GAO-0001;female;;25-35;returnee;;gao;;oui;2025-02-01;;;\n"

func outcomes(r imports.Report) map[int]imports.Outcome {
	out := map[int]imports.Outcome{}
	for _, res := range r.Results {
		out[res.Row] = res.Outcome
	}
	return out
}

func TestAParticipantsRegisterEnrolsSealsNamesAndCorrectsOnReimport(t *testing.T) {
	w := newWorld(t)
	w.codes = w.codesFromTheLog(t)
	before := w.events(t)
	dry := w.runFile(t, "participants.csv", []byte(participantsRegister), true)
	if w.events(t) != before || dry.Counts[imports.Checked] != 3 {
		t.Fatalf("a dry run wrote %d events or checked %v", w.events(t)-before, dry.Counts)
	}
	r := w.runFile(t, "participants.csv", []byte(participantsRegister), false)
	want := map[int]imports.Outcome{2: imports.Imported, 3: imports.Imported, 4: imports.Refused, 5: imports.Refused, 6: imports.Corrected}
	for row, o := range want {
		if outcomes(r)[row] != o {
			t.Fatalf("row %d: %s, want %s (%+v)", row, outcomes(r)[row], o, r.Results)
		}
	}
	var report bytes.Buffer
	if err := r.Write(&report, "fr"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ligne 4, colonne sex", "ligne 5, colonne code : gao-0100 figure aussi à la ligne 2"} {
		if !strings.Contains(report.String(), want) {
			t.Fatalf("the report lacks %q:\n%s", want, report.String())
		}
	}
	// Names and phones are sealed: nowhere in the log in clear, nor in the report.
	for rec, err := range w.env.Store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"Fatoumata", "Touré", "70 00 00 01", "Mariam"} {
			if bytes.Contains(rec.Data, []byte(secret)) || strings.Contains(report.String(), secret) {
				t.Fatalf("%q is in clear in %s or the report", secret, rec.Stream)
			}
		}
	}
	// The same register again adds nothing; a changed line corrects.
	w.codes = w.codesFromTheLog(t)
	n := w.events(t)
	again := w.runFile(t, "participants.csv", []byte(participantsRegister), false)
	if w.events(t) != n || again.Counts[imports.Already] != 3 {
		t.Fatalf("a second import wrote %d events: %v", w.events(t)-n, again.Counts)
	}
	changed := strings.Replace(participantsRegister, "60-plus;none", "60-plus;returnee", 1)
	if r := w.runFile(t, "participants.csv", []byte(changed), false); outcomes(r)[3] != imports.Corrected {
		t.Fatalf("a changed line: %+v", r.Results)
	}
}

func TestStakeholdersAndSpacesRegistersImportOnce(t *testing.T) {
	w := newWorld(t)
	f := excelize.NewFile()
	rows := [][]any{{"name", "type", "level", "region"}, {"Mairie de Gao", "mayor", "local", "gao"}, {"Tribunal de grande instance", "court", "regional", "atlantis"}}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var xlsx bytes.Buffer
	if err := f.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	r := w.runFile(t, "stakeholders.xlsx", xlsx.Bytes(), false)
	if outcomes(r)[2] != imports.Imported || outcomes(r)[3] != imports.Refused || r.Results[1].Problems[0].Column != "region" {
		t.Fatalf("stakeholders: %+v", r.Results)
	}
	if again := w.runFile(t, "stakeholders.xlsx", xlsx.Bytes(), false); outcomes(again)[2] != imports.Already {
		t.Fatalf("stakeholders again: %+v", again.Results)
	}
	spaces := "name,kind,region,locality,pillar,establishedOn\nCadre de concertation de Bourem,community-dialogue-forum,gao,Bourem,inclusion,2025-06-01\n"
	if r := w.runFile(t, "spaces.csv", []byte(spaces), false); outcomes(r)[2] != imports.Imported {
		t.Fatalf("spaces: %+v", r.Results)
	}
	renamed := strings.Replace(spaces, ",Bourem,", ",Bourem-ville,", 1)
	if r := w.runFile(t, "spaces.csv", []byte(renamed), false); outcomes(r)[2] != imports.Corrected {
		t.Fatalf("a space's locality changed: %+v", r.Results)
	}
}

func TestANewAttendeeWithAProfileIsEnrolledUnderTheirCode(t *testing.T) {
	w := newWorld(t)
	submissions := "spaceId,heldOn,format,pillar,adultWomen,adultMen,_uuid,_submission_time\n" +
		w.space.String() + ",2026-05-04,workshop,inclusion,0,0,new-1,2026-05-04T12:00:00\n" +
		w.space.String() + ",2026-05-05,workshop,inclusion,0,0,new-2,2026-05-05T12:00:00\n"
	attendees := "participantCode,spoke,newParticipant,sex,ageBand,displacement,groups,consent,_submission__uuid\n" +
		"GAO-0001,yes,no,,,,,,new-1\n" +
		"NEW-01,no,yes,female,18-24,internally-displaced,,yes,new-1\n" +
		"NEW-02,no,yes,male,36-59,none,,no,new-2\n"
	read := func() []imports.Row {
		main, err := imports.ReadCSV("dialogue.csv", strings.NewReader(submissions))
		if err != nil {
			t.Fatal(err)
		}
		repeat, err := imports.ReadCSV("dialogue-attendees.csv", strings.NewReader(attendees))
		if err != nil {
			t.Fatal(err)
		}
		subs, err := imports.Submissions([]imports.Table{main, repeat})
		if err != nil {
			t.Fatal(err)
		}
		w.codes = w.codesFromTheLog(t)
		return []imports.Row{imports.PlanDialogue(subs[0], w.directory()), imports.PlanDialogue(subs[1], w.directory())}
	}
	before := w.events(t)
	r, err := imports.Run(context.Background(), w.env.Handler, w.sender(), read(), imports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if outcomes(r)[2] != imports.Imported || outcomes(r)[3] != imports.Refused || r.Results[1].Problems[0].Column != "consent" {
		t.Fatalf("%+v", r.Results)
	}
	if got := w.events(t) - before; got != 3 { // NEW-01's claim and enrolment, the dialogue; nothing of NEW-02
		t.Fatalf("%d events written, want 3", got)
	}
	id, ok, _ := w.codesFromTheLog(t)("gao", "NEW-01")
	if !ok {
		t.Fatal("NEW-01 was not enrolled")
	}
	enrolled, _, err := commandsParticipant(t, w, id)
	if err != nil || enrolled.Profile.Region != "gao" || enrolled.Profile.Displacement != "internally-displaced" {
		t.Fatalf("NEW-01: %+v %v", enrolled, err)
	}
	n := w.events(t)
	again, err := imports.Run(context.Background(), w.env.Handler, w.sender(), read(), imports.Options{})
	if err != nil || w.events(t) != n || outcomes(again)[2] != imports.Already {
		t.Fatalf("again: %+v %v, %d events", again.Results, err, w.events(t)-n)
	}
}

func commandsParticipant(t *testing.T, w *world, id domain.ID) (participant.State, []participant.Event, error) {
	t.Helper()
	return commands.Participant.Load(context.Background(), w.env.Handler, id)
}

// A register may name a region by its name, as every write may: the row
// is the one under the region's code, whatever the file calls it, so
// importing it again with the code finds it already there.
func TestARegisterNamesARegionByItsNameOrItsCode(t *testing.T) {
	w := newWorld(t)
	w.regionCode = refdata.Default().RegionCode
	named := "name,type,level,region\nMairie de Tombouctou,mayor,local,Tombouctou\n"
	if r := w.runFile(t, "stakeholders.csv", []byte(named), false); outcomes(r)[2] != imports.Imported {
		t.Fatalf("a stakeholder of Tombouctou by name: %+v", r.Results)
	}
	coded := strings.Replace(named, ",Tombouctou\n", ",tombouctou\n", 1)
	if r := w.runFile(t, "stakeholders.csv", []byte(coded), false); outcomes(r)[2] != imports.Already {
		t.Fatalf("the same stakeholder by its region's code: %+v, want already imported", r.Results)
	}
}

// A register's refusal of its object's id names the register's own id
// column, not the command's field (stakeholderId, spaceId), which the
// file does not have.
func TestARegisterRefusalNamesItsOwnIDColumn(t *testing.T) {
	w := newWorld(t)
	unknown := "name,type,level,region,id\nMairie X,mayor,local,gao,01JEAXBC9GVSTCQCSVTAPV94PX\n"
	r := w.runFile(t, "stakeholders.csv", []byte(unknown), false)
	if len(r.Results) == 0 || len(r.Results[0].Problems) == 0 || r.Results[0].Problems[0].Column != "id" {
		t.Fatalf("an unknown stakeholder id: %+v, want a refusal at column id", r.Results)
	}
}
