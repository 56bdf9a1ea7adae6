package imports_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/imports/importstest"
	"github.com/palabre/palabre/events/keystore"
)

var now = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// world is a deployment with a Gao space and stakeholder, and one
// participant enrolled as GAO-0001.
type world struct {
	env           *commandstest.Env
	space, holder domain.ID
	person        domain.ID
	codes         imports.Codes
	// regionCode finds regions by name (Directory.RegionCode); nil takes
	// them as written.
	regionCode func(name string) (string, bool)
}

func newWorld(t testing.TB) *world { return newWorldWith(t, bytes.Repeat([]byte{7}, 32)) }

// newWorldWith is a world under another master key.
func newWorldWith(t testing.TB, masterKey []byte) *world {
	w := &world{env: commandstest.OpenWith(t, now, masterKey), space: domain.ID(ulid.Make()), holder: domain.ID(ulid.Make()), person: domain.ID(ulid.Make())}
	t.Cleanup(w.env.Close)
	ctx, h := context.Background(), w.env.Handler
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "admin"} }
	if _, err := commands.Space.Execute(ctx, h, w.space, space.Establish{Details: space.Details{Name: "Comité consultatif de sécurité de Gao",
		Kind: "security-advisory-committee", Region: "gao", Pillar: "security"}, EstablishedOn: domain.NewDate(2025, 1, 1)}, meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := commands.Stakeholder.Execute(ctx, h, w.holder, stakeholder.Register{Profile: stakeholder.Profile{Name: "Gouvernorat de Gao",
		Type: "governor", Level: "regional", Region: "gao"}}, meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Enrol(ctx, w.person, participant.Enrol{Profile: participant.Profile{Code: "GAO-0001", Sex: "female", AgeBand: "25-35",
		Displacement: "none", Region: "gao"}, Consent: participant.Consent{Given: true, On: domain.NewDate(2025, 2, 1)}},
		keystore.Identity{Name: "Awa Canari"}, meta()); err != nil {
		t.Fatal(err)
	}
	w.codes = func(region, code string) (domain.ID, bool, bool) {
		return w.person, region == "gao" && code == "GAO-0001", false
	}
	return w
}

// directory is what planning looks up in this world: its codes, spaces
// from the log, and the key its master key derives.
func (w *world) directory() imports.Directory {
	spaceRegion := func(id domain.ID) (string, bool) {
		s, _, err := commands.Space.Load(context.Background(), w.env.Handler, id)
		return s.Details.Region, err == nil && s.Exists
	}
	return imports.Directory{Codes: w.codes, Key: w.env.CodeKey, SpaceRegion: spaceRegion, RegionCode: w.regionCode,
		Dialogue: func(id domain.ID) (string, bool) {
			d, _, err := commands.Dialogue.Load(context.Background(), w.env.Handler, id)
			if err != nil || !d.Exists {
				return "", false
			}
			return spaceRegion(d.Record.SpaceID)
		}}
}

func (w *world) events(t *testing.T) int {
	n := 0
	for _, err := range w.env.Store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// submission is one row of the fixture: its uuid, what it edits, its
// pillar, its headcount of adult women, and its attendees' codes.
type submission struct {
	uuid, replaces, pillar string
	root                   string // Kobo's meta/rootUuid: the first version's
	women                  int
	codes                  []string
	commitment             string
	holder                 string // the commitment's stakeholder; default the world's
	validation             string // Kobo's _validation_status
}

// koboXLSX writes submissions as KoboToolbox exports them as XLSX with
// "XML values and headers" and groups in headers: a sheet of submissions
// (dates as date cells), a sheet per repeat joined by _parent_index.
func (w *world) koboXLSX(t testing.TB, subs ...submission) []byte {
	f := excelize.NewFile()
	main := "Dialogue communautaire _ pré"
	f.SetSheetName("Sheet1", main)
	heads := []any{"start", "end", "dialogue/spaceId", "dialogue/heldOn", "dialogue/format", "dialogue/pillar", "headcount/youngWomen", "headcount/adultWomen",
		"headcount/youngMen", "headcount/adultMen", "headcount/withDisabilities", "headcount/displaced", "stakeholderIds", "meta/instanceID", "meta/deprecatedID", "meta/rootUuid",
		"_id", "_uuid", "_submission_time", "_validation_status", "_index"}
	f.SetSheetRow(main, "A1", &heads)
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	att := []any{"attendees/participantCode", "attendees/spoke", "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"}
	com := []any{"commitments/stakeholderId", "commitments/text", "commitments/dueOn", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"}
	f.NewSheet("attendees")
	f.SetSheetRow("attendees", "A1", &att)
	f.NewSheet("commitments")
	f.SetSheetRow("commitments", "A1", &com)
	ar, cr := 2, 2
	for i, s := range subs {
		row := []any{"2026-05-04T09:00:00.000+00:00", "2026-05-04T11:00:00.000+00:00", w.space.String(), time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC),
			"community-dialogue", s.pillar, 0, s.women, 0, 3, 0, 1, w.holder.String(), "uuid:" + s.uuid, "uuid:" + s.replaces, s.root,
			1000 + i, s.uuid, "2026-05-04T12:00:00", s.validation, i + 1}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow(main, cell, &row)
		dcell, _ := excelize.CoordinatesToCellName(4, i+2)
		f.SetCellStyle(main, dcell, dcell, dateStyle)
		for _, code := range s.codes {
			r := []any{code, "yes", ar - 1, main, i + 1, 1000 + i, s.uuid}
			c, _ := excelize.CoordinatesToCellName(1, ar)
			f.SetSheetRow("attendees", c, &r)
			ar++
		}
		if s.commitment != "" {
			holder := w.holder.String()
			if s.holder != "" {
				holder = s.holder
			}
			r := []any{holder, s.commitment, "2026-09-30", cr - 1, main, i + 1, s.uuid}
			c, _ := excelize.CoordinatesToCellName(1, cr)
			f.SetSheetRow("commitments", c, &r)
			cr++
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (w *world) run(t testing.TB, file []byte, dry bool) imports.Report {
	return w.runFile(t, "export.xlsx", file, dry)
}

// runFile plans a file by its name, as the command line and the server do,
// and imports it.
func (w *world) runFile(t testing.TB, name string, file []byte, dry bool) imports.Report {
	t.Helper()
	rows, err := imports.Plans(name, file, w.directory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := imports.Run(context.Background(), w.env.Handler, w.sender(), rows, imports.Options{DryRun: dry})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAKoboExportImportsOnceWholeRowsOrNothing(t *testing.T) {
	w := newWorld(t)
	before := w.events(t)
	file := w.koboXLSX(t,
		submission{uuid: "a1", pillar: "security", women: 4, codes: []string{"GAO-0001"}, commitment: "Patrouilles mixtes les jours de foire"},
		submission{uuid: "b2", pillar: "security", women: 2, codes: []string{"GAO-9999"}, commitment: "Un engagement qui ne doit pas être écrit"},
		submission{uuid: "c3", pillar: "fishing", women: 1},
		// A good dialogue whose commitment names nobody registered: the
		// whole row is refused, its dialogue not written.
		submission{uuid: "d4", pillar: "justice", women: 3, commitment: "Audiences foraines", holder: ulid.Make().String()},
		// One the team did not approve in Kobo.
		submission{uuid: "e5", pillar: "justice", women: 3, validation: "validation_status_not_approved"},
	)
	// A dry run checks everything and writes nothing.
	dry := w.run(t, file, true)
	if dry.Counts[imports.Checked] != 1 || dry.Counts[imports.Refused] != 4 || w.events(t) != before {
		t.Fatalf("dry run: %v, %d events written", dry.Counts, w.events(t)-before)
	}
	r := w.run(t, file, false)
	if r.Counts[imports.Imported] != 1 || r.Counts[imports.Refused] != 4 || !r.Refused() {
		t.Fatalf("first import: %+v", r)
	}
	written := w.events(t) - before
	if written != 2 { // the dialogue and the commitment; nothing of the refused rows
		t.Fatalf("%d events written, want 2", written)
	}
	var out bytes.Buffer
	if err := r.Write(&out, "fr"); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, want := range []string{"attendees ligne 3, colonne attendees/participantCode : aucun·e participant·e n’a le code GAO-9999",
		"ligne 4, colonne dialogue/pillar : \"fishing\" n’est pas l’une des valeurs", "commitments ligne 4, colonne commitments/stakeholderId : la partie prenante", "ligne 6, colonne _validation_status : la soumission est marquée « non approuvée » dans Kobo", "1 importé", "4 refusé"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "Awa") {
		t.Error("the report holds a name")
	}
	// The same file again adds nothing.
	again := w.run(t, file, false)
	if again.Counts[imports.Already] != 1 || w.events(t)-before != written {
		t.Fatalf("a second import: %v, %d events", again.Counts, w.events(t)-before)
	}
	// An edited submission corrects the dialogue its first version made.
	edit := w.koboXLSX(t, submission{uuid: "a1-v2", replaces: "a1", pillar: "security", women: 9, codes: []string{"GAO-0001"}, commitment: "Patrouilles mixtes les jours de foire"})
	if e := w.run(t, edit, false); e.Counts[imports.Corrected] != 1 || w.events(t)-before != written+1 {
		t.Fatalf("an edit: %+v, %d events", e, w.events(t)-before)
	}
	// An edit of the edit: its deprecatedID names the second version, its
	// rootUuid the first, whose dialogue it corrects.
	again2 := w.koboXLSX(t, submission{uuid: "a1-v3", replaces: "a1-v2", root: "uuid:a1", pillar: "security", women: 11, codes: []string{"GAO-0001"}, commitment: "Patrouilles mixtes les jours de foire"})
	if e := w.run(t, again2, false); e.Counts[imports.Corrected] != 1 || w.events(t)-before != written+2 {
		t.Fatalf("an edit of an edit: %+v, %d events", e, w.events(t)-before)
	}
}

// planCSV plans the one submission of a CSV export.
func (w *world) planCSV(t *testing.T, csv string) imports.Plan {
	t.Helper()
	table, err := imports.ReadCSV("submissions.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	subs, err := imports.Submissions([]imports.Table{table})
	if err != nil {
		t.Fatal(err)
	}
	return imports.PlanDialogue(subs[0], w.directory())
}

// importsOne runs a planned row, which must be imported.
func (w *world) importsOne(t *testing.T, p imports.Row) {
	t.Helper()
	r, err := imports.Run(context.Background(), w.env.Handler, w.sender(), []imports.Row{p}, imports.Options{})
	if err != nil || r.Counts[imports.Imported] != 1 {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestACSVExportWithSplitSelectMultipleImports(t *testing.T) {
	w := newWorld(t)
	csv := "\uFEFFdialogue;spaceId;heldOn;format;pillar;adultWomen;adultMen;stakeholderIds/" + w.holder.String() + ";_uuid;_submission_time\n" +
		"x;" + w.space.String() + ";2026-05-04;workshop;justice;5;6;1;csv-1;2026-05-04T12:00:00\n"
	p := w.planCSV(t, csv)
	if len(p.Problems) > 0 || len(p.Dialogue.StakeholderIDs) != 1 || p.Dialogue.Headcount.AdultMen != 6 {
		t.Fatalf("plan: %+v", p)
	}
	w.importsOne(t, p)
}

// A text answer may hold line breaks (Enketo's multi-line text): in a CSV
// export they are inside a quoted cell, as Python's csv writer quotes them
// in formpack's CSV export (src/formpack/reporting/export.py). A one-line
// field takes them as spaces rather than refusing the submission.
func TestLineBreaksInAOneLineAnswerBecomeSpaces(t *testing.T) {
	w := newWorld(t)
	csv := "title;locality;spaceId;heldOn;format;pillar;adultWomen;_uuid;_submission_time\n" +
		"\"\ufeffDialogue\r\nà\u2028Gao\";\"Quartier\tSossokoïra\n\";" + w.space.String() + ";2026-05-04;workshop;justice;5;csv-lines;2026-05-04T12:00:00\n"
	p := w.planCSV(t, csv)
	if len(p.Problems) > 0 || p.Dialogue.Title != "Dialogue à Gao" || p.Dialogue.Locality != "Quartier Sossokoïra" {
		t.Fatalf("plan: title %q, locality %q, problems %+v", p.Dialogue.Title, p.Dialogue.Locality, p.Problems)
	}
	w.importsOne(t, p)
}

func TestAnODKCentralZipImportsWithItsRepeats(t *testing.T) {
	w := newWorld(t)
	file := importstest.Zipped(t,
		[2]string{"palabre_dialogue.csv", "SubmissionDate,dialogue-spaceId,dialogue-heldOn,dialogue-format,dialogue-pillar,headcount-adultWomen,meta-instanceID,KEY\n" +
			"2026-05-04T12:00:00.000Z," + w.space.String() + ",2026-05-04,workshop,justice,7,uuid:odk-1,uuid:odk-1\n"},
		[2]string{"palabre_dialogue-attendees.csv", "participantCode,spoke,PARENT_KEY,KEY\nGAO-0001,yes,uuid:odk-1,uuid:odk-1/attendees[1]\n"},
		[2]string{"media/photo.jpg", "not a table"})
	tables, err := imports.Read("palabre_dialogue.zip", file)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := imports.Submissions(tables)
	if err != nil {
		t.Fatal(err)
	}
	p := imports.PlanDialogue(subs[0], w.directory())
	if len(p.Problems) > 0 || len(p.Dialogue.Attendees) != 1 || !p.Dialogue.Attendees[0].Spoke || p.Dialogue.Headcount.AdultWomen != 7 {
		t.Fatalf("plan: %+v", p)
	}
	w.importsOne(t, p)
}

// direct sends an import's commands straight to the handler: the write
// policy's rules are core/policy's to test.
type direct struct{ h *commands.Handler }

func (d direct) Send(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error) {
	meta.RecordedBy = "import"
	return commands.Send(ctx, d.h, id, cmd, meta, identity)
}

func (w *world) sender() imports.Sender { return direct{w.env.Handler} }
