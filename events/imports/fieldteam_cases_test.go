package imports_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
)

// exportOf is one download option of the fixtures' submissions.
type exportOf struct {
	name string
	file func(w *world, t *testing.T, when string) []byte
}

var (
	koboTyped = exportOf{"export.xlsx", func(w *world, t *testing.T, when string) []byte { return koboWorkbook(t, w.koboSheets(t, when), true) }}
	koboText  = exportOf{"export.xlsx", func(w *world, t *testing.T, when string) []byte { return koboWorkbook(t, w.koboSheets(t, when), false) }}
	odkCSVZip = exportOf{"palabre_dialogue.zip", func(w *world, t *testing.T, when string) []byte { return w.odkZip(t, when, nil) }}
)

// dialogueIn finds the one dialogue held in a pillar (the edited
// submission's is the only one in inclusion).
func (w *world) dialogueIn(t *testing.T, pillar string) (domain.ID, dialogue.State) {
	t.Helper()
	var found []domain.ID
	for rec, err := range w.env.Store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Type == "DialogueHeld" && strings.Contains(string(rec.Data), `"pillar":"`+pillar+`"`) {
			id, err := domain.ParseID("id", rec.Stream[len("dialogue-"):])
			if err != nil {
				t.Fatal(err)
			}
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d dialogues in the %s pillar, want 1", len(found), pillar)
	}
	d, _, err := commands.Dialogue.Load(context.Background(), w.env.Handler, found[0])
	if err != nil {
		t.Fatal(err)
	}
	return found[0], d
}

// commitmentsAt lists a dialogue's commitments as the read model does.
func (w *world) commitmentsAt(t *testing.T, id domain.ID) map[string]commitments.Commitment {
	t.Helper()
	m := commitments.New(func() time.Time { return now })
	if _, _, err := projections.Replay(context.Background(), w.env.Store, m); err != nil {
		t.Fatal(err)
	}
	out := map[string]commitments.Commitment{}
	for _, c := range m.MadeAt(id) {
		out[c.Text] = c
	}
	return out
}

// Case 1: an edit that changes the date and the commitments corrects
// the dialogue and makes, revises and withdraws its commitments, from
// either server and in either order; every row goes on.
func TestAnEditCorrectsTheDialogueAndItsCommitments(t *testing.T) {
	for name, servers := range map[string][2]exportOf{"Kobo": {koboTyped, koboTyped}, "ODK Central": {odkCSVZip, odkCSVZip},
		"Kobo then Central": {koboTyped, odkCSVZip}, "Central then Kobo as text": {odkCSVZip, koboText}} {
		first, export := servers[0], servers[1]
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			if r := w.importFile(t, first.name, first.file(w, t, "before"), false); r.Counts[imports.Imported] != 3 {
				t.Fatalf("before the edit: %v\n%s", r.Counts, reportOf(t, r, "fr"))
			}
			before := w.written(t)
			r := w.importFile(t, export.name, export.file(w, t, "after"), false)
			if r.Counts[imports.Corrected] != 1 || r.Counts[imports.Already] != 2 || r.Refused() {
				t.Fatalf("after the edit: %v\n%s", r.Counts, reportOf(t, r, "fr"))
			}
			id, d := w.dialogueIn(t, "inclusion")
			if d.Record.HeldOn != domain.NewDate(2026, 5, 3) || d.Record.Title != "Place des jeunes et des femmes" ||
				d.Record.Headcount.AdultWomen != 5 || len(d.Record.Attendees) != 2 {
				t.Errorf("the edited dialogue: %+v", d.Record)
			}
			made := w.commitmentsAt(t, id)
			want := map[string]string{"Un local pour les jeunes": "open 2026-12-31", "Une réunion par mois": "withdrawn",
				"Une réunion par mois avec les femmes": "open 2026-07-01", "Une émission de radio": "withdrawn"}
			for text, status := range want {
				c, ok := made[text]
				got := string(c.Status)
				if c.Status == "open" {
					got += " " + c.DueOn.String()
				}
				if !ok || got != status {
					t.Errorf("commitment %q: %s, want %s", text, got, status)
				}
			}
			after := w.written(t)
			if after["DialogueHeld"] != before["DialogueHeld"] || after["CommitmentMade"] != before["CommitmentMade"]+1 {
				t.Errorf("the edit held or made too much: %v then %v", before, after)
			}
			// The same export again, then the older one: nothing changes.
			for _, when := range []string{"after", "before"} {
				if r := w.importFile(t, export.name, export.file(w, t, when), false); r.Counts[imports.Already] != 3 {
					t.Errorf("the export taken %s the edit, again: %v\n%s", when, r.Counts, reportOf(t, r, "fr"))
				}
			}
			if again := w.written(t); len(again) != len(after) || again["DialogueCorrected"] != after["DialogueCorrected"] || again["CommitmentWithdrawn"] != after["CommitmentWithdrawn"] {
				t.Errorf("importing again wrote %v after %v", again, after)
			}
		})
	}
}

// Case 1, in the other order: the export after the edit comes first, the
// older one after it changes nothing.
func TestAnOlderExportAfterTheEditChangesNothing(t *testing.T) {
	w := newWorld(t)
	if r := w.importFile(t, "export.xlsx", koboTyped.file(w, t, "after"), false); r.Counts[imports.Imported] != 3 {
		t.Fatalf("the edited export: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	before := w.written(t)
	if r := w.importFile(t, "palabre_dialogue.zip", w.odkZip(t, "before", nil), false); r.Counts[imports.Already] != 3 {
		t.Fatalf("the older export: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	if after := w.written(t); len(after) != len(before) {
		t.Errorf("the older export wrote %v after %v", after, before)
	}
	if _, d := w.dialogueIn(t, "inclusion"); d.Record.HeldOn != domain.NewDate(2026, 5, 3) {
		t.Errorf("the older export moved the dialogue back to %s", d.Record.HeldOn)
	}
}

// Case 2: Central's repeat rows name the logical submission's KEY, the
// first version's instance id, not the edited version's meta-instanceID
// (central-backend lib/data/briefcase.js: writeMetadata puts
// submission.instanceId in KEY, keyForStacks the same in PARENT_KEY).
func TestAnODKZipWithAnEditedSubmissionImportsWhole(t *testing.T) {
	w := newWorld(t)
	r := w.importFile(t, "palabre_dialogue.zip", w.odkZip(t, "after", nil), false)
	if r.Counts[imports.Imported] != 3 {
		t.Fatalf("%v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	if _, d := w.dialogueIn(t, "inclusion"); len(d.Record.Attendees) != 2 {
		t.Errorf("the edited submission's attendees: %+v", d.Record.Attendees)
	}
}

// Case 3: a person enrolled by one submission attends a later one of the
// same file, which Central lists first (newest first): rows apply in
// submission order, in a dry run as in an import.
func TestANewcomerEnrolledEarlierInTheFileIsKnownLaterInIt(t *testing.T) {
	for _, export := range []exportOf{koboTyped, odkCSVZip} {
		t.Run(export.name, func(t *testing.T) {
			w := newWorld(t)
			file := export.file(w, t, "before")
			if dry := w.importFile(t, export.name, file, true); dry.Counts[imports.Checked] != 3 {
				t.Fatalf("a dry run: %v\n%s", dry.Counts, reportOf(t, dry, "fr"))
			}
			if r := w.importFile(t, export.name, file, false); r.Counts[imports.Imported] != 3 {
				t.Fatalf("%v\n%s", r.Counts, reportOf(t, r, "fr"))
			}
			if n := w.written(t)["ParticipantEnrolled"]; n != 2 { // the world's GAO-0001 and the newcomer
				t.Errorf("%d enrolments, want 2", n)
			}
		})
	}
}

// Case 4: the same submissions through every download option, Kobo's
// (formpack's XLSX with xls_types_as_text false, then true) and Central's
// (briefcase.js's zip), are the same dialogues: named by meta/rootUuid and
// KEY, never by _submission_time, which the typed workbook formats as a
// date.
func TestTheSameSubmissionsThroughEveryDownloadOptionAddNothing(t *testing.T) {
	w := newWorld(t)
	if r := w.importFile(t, "export.xlsx", koboTyped.file(w, t, "before"), false); r.Counts[imports.Imported] != 3 {
		t.Fatalf("Kobo's XLSX: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	before := w.written(t)
	for _, export := range []exportOf{koboText, odkCSVZip, koboTyped} {
		if r := w.importFile(t, export.name, export.file(w, t, "before"), false); r.Counts[imports.Already] != 3 {
			t.Errorf("%s: %v\n%s", export.name, r.Counts, reportOf(t, r, "fr"))
		}
	}
	if after := w.written(t); len(after) != len(before) || after["DialogueHeld"] != 3 {
		t.Errorf("other download options wrote %v after %v", after, before)
	}
}

// Case 5: Central's review state "rejected" (briefcase.js's ReviewState
// column) is refused as Kobo's "not approved" (formpack's
// ValidationStatusCopyField, its uid with XML values) is, and the report
// says which statuses are refused.
func TestAnODKSubmissionRejectedInReviewIsRefused(t *testing.T) {
	w := newWorld(t)
	rejected := w.odkZip(t, "before", func(name string, rows [][]string) {
		if name == "palabre_dialogue.csv" {
			rows[2][27] = "rejected" // b2's ReviewState
		}
	})
	r := w.importFile(t, "palabre_dialogue.zip", rejected, false)
	if r.Counts[imports.Imported] != 2 || r.Counts[imports.Refused] != 1 {
		t.Fatalf("%v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	want := "palabre_dialogue.csv ligne 3, colonne ReviewState : la soumission est marquée « rejetée » dans ODK Central ; sont refusées les soumissions « non approuvées » (Kobo) et « rejetées » (ODK Central)"
	if got := reportOf(t, r, "fr"); !strings.Contains(got, want) {
		t.Errorf("the report lacks %q:\n%s", want, got)
	}
}

// Case 6: Kobo's CSV holds the submissions' sheet only (formpack's to_csv
// writes the first section; kpi issue 2337): no attendee, concern or
// commitment. It is refused with one line saying so and what to export,
// so that nothing half-imported needs completing later.
func TestAKoboCSVIsRefusedWithTheAdviceToExportXLSX(t *testing.T) {
	w := newWorld(t)
	before := w.written(t)
	r := w.importFile(t, "export.csv", koboCSV(w.koboSheets(t, "before")), false)
	got := reportOf(t, r, "fr")
	if r.Counts[imports.Refused] != 1 || len(r.Results) != 1 || strings.Count(got, "\n") != 2 {
		t.Fatalf("%v\n%s", r.Counts, got)
	}
	if !strings.Contains(got, "le CSV de Kobo ne contient pas les groupes répétés") || !strings.Contains(got, "exportez en XLSX") {
		t.Errorf("the report does not say why nor what to do:\n%s", got)
	}
	if en := reportOf(t, r, "en"); !strings.Contains(en, "export as XLSX") {
		t.Errorf("in English:\n%s", en)
	}
	if after := w.written(t); len(after) != len(before) {
		t.Errorf("a refused CSV wrote %v", after)
	}
	// The XLSX of the same submissions then imports them whole.
	if r := w.importFile(t, "export.xlsx", koboTyped.file(w, t, "before"), false); r.Counts[imports.Imported] != 3 {
		t.Fatalf("the XLSX after the CSV: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
}

// Case 7: exports of a Kobo made before it exported meta/rootUuid (kpi's
// COPY_FIELDS without META_ROOT_UUID): an edit changes _uuid but keeps
// _id (formpack's IdCopyField), which links it to its dialogue.
func TestAKoboExportWithoutRootUUIDLinksAnEditByItsID(t *testing.T) {
	w := newWorld(t)
	old := func(when string) []byte {
		sheets := w.koboSheets(t, when)
		for name, rows := range sheets {
			sheets[name] = columnDropped(rows, "meta/rootUuid", "_submission_meta/rootUuid")
		}
		return koboWorkbook(t, sheets, true)
	}
	if r := w.importFile(t, "export.xlsx", old("before"), false); r.Counts[imports.Imported] != 3 {
		t.Fatalf("before: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	r := w.importFile(t, "export.xlsx", old("after"), false)
	if r.Counts[imports.Corrected] != 1 || r.Counts[imports.Already] != 2 || w.written(t)["DialogueHeld"] != 3 {
		t.Fatalf("after: %v, %v\n%s", r.Counts, w.written(t), reportOf(t, r, "fr"))
	}
	if _, d := w.dialogueIn(t, "inclusion"); d.Record.HeldOn != domain.NewDate(2026, 5, 3) {
		t.Errorf("the edited dialogue is held on %s", d.Record.HeldOn)
	}
}

// Case 8: an export with labels for headers and values (Kobo's default
// when the form has translations) gets one line saying what to export.
func TestALabelsExportIsAnsweredWithOneLine(t *testing.T) {
	w := newWorld(t)
	sheets := w.koboSheets(t, "before")
	labels := map[string]string{"dialogue/spaceId": "Le dialogue/Espace de concertation", "dialogue/heldOn": "Le dialogue/Date",
		"dialogue/format": "Le dialogue/Format", "dialogue/pillar": "Le dialogue/Pilier", "attendees/participantCode": "Participant·es inscrit·es/Code du/de la participant·e"}
	for _, rows := range sheets {
		for c, h := range rows[0] {
			if l, ok := labels[h]; ok {
				rows[0][c] = l
			}
		}
	}
	r := w.importFile(t, "export.xlsx", koboWorkbook(t, sheets, false), true)
	got := reportOf(t, r, "fr")
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, "exportez avec les valeurs et en-têtes XML") {
		t.Fatalf("%v\n%s", r.Counts, got)
	}
}

// Case 9: the report names a column as the export heads it.
func TestTheReportNamesColumnsAsTheExportHeadsThem(t *testing.T) {
	w := newWorld(t)
	sheets := w.koboSheets(t, "before")
	main := sheets[koboSheetOrder[0]]
	main[1][2] = "01J00000000000000000000000" // a1's dialogue/spaceId: no space of this server
	main[3][15] = "9"                         // c3's headcount/withDisabilities, above its total
	r := w.importFile(t, "export.xlsx", koboWorkbook(t, sheets, true), true)
	got := reportOf(t, r, "fr")
	for _, want := range []string{"ligne 2, colonne dialogue/spaceId :", "ligne 4, colonne headcount/withDisabilities :"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}

// failingOn sends as the world does, but fails, as no domain rule
// would, every command on one object.
type failingOn struct {
	imports.Sender
	id domain.ID
}

func (f failingOn) Send(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error) {
	if id == f.id {
		return commands.Result[domain.Event]{}, errors.New("an unforeseen failure")
	}
	return f.Sender.Send(ctx, id, cmd, meta, identity)
}

// A submission that cannot be applied is that row's refusal, in the
// reader's language; the rows after it go on.
func TestASubmissionThatCannotBeAppliedIsRefusedAndTheOthersGoOn(t *testing.T) {
	w := newWorld(t)
	w.codes = w.codesFromTheLog(t)
	rows, err := imports.Plans("palabre_dialogue.zip", w.odkZip(t, "before", nil), w.directory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	second := rows[1].(imports.Plan).DialogueID // b2, in submission order
	r, err := imports.Run(context.Background(), w.env.Handler, failingOn{w.sender(), second}, rows, imports.Options{})
	if err != nil {
		t.Fatalf("the file stopped: %v", err)
	}
	if r.Counts[imports.Imported] != 2 || r.Counts[imports.Refused] != 1 {
		t.Fatalf("%v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	if got := reportOf(t, r, "fr"); !strings.Contains(got, "palabre_dialogue.csv ligne 3 : cette soumission n’a pas pu être appliquée : les autres lignes continuent") {
		t.Errorf("the report:\n%s", got)
	}
}

// An edit does not replace a commitment followed up in palabre: the row
// is refused, saying so, and nothing of it is written.
func TestAnEditOfACommitmentFollowedUpIsRefused(t *testing.T) {
	w := newWorld(t)
	w.importFile(t, "palabre_dialogue.zip", w.odkZip(t, "before", nil), false)
	id, _ := w.dialogueIn(t, "inclusion")
	meeting := w.commitmentsAt(t, id)["Une réunion par mois"].ID
	if _, err := commands.Commitment.Execute(context.Background(), w.env.Handler, meeting, commitment.Fulfil{On: domain.NewDate(2026, 5, 20)},
		commands.Meta{CommandID: ulid.Make(), RecordedBy: "facilitator-gao"}); err != nil {
		t.Fatal(err)
	}
	before := w.written(t)
	r := w.importFile(t, "palabre_dialogue.zip", w.odkZip(t, "after", nil), false)
	want := "palabre_dialogue-commitments.csv ligne 3, colonne text : cet engagement a déjà un suivi dans palabre (tenu ou rompu)"
	if got := reportOf(t, r, "fr"); r.Counts[imports.Refused] != 1 || !strings.Contains(got, want) {
		t.Fatalf("%v\n%s", r.Counts, got)
	}
	if after := w.written(t); after["DialogueCorrected"] != before["DialogueCorrected"] || after["CommitmentWithdrawn"] != before["CommitmentWithdrawn"] {
		t.Errorf("a refused edit wrote %v after %v", after, before)
	}
}

// Central counts a submission's edits: an export taken at the first edit,
// imported after one taken at the second, changes nothing.
func TestAnOlderEditFromCentralAfterANewerOneChangesNothing(t *testing.T) {
	w := newWorld(t)
	second := w.odkZip(t, "after", func(name string, rows [][]string) {
		if name == "palabre_dialogue.csv" { // c3, edited once more: columns title, meta-instanceID, Edits
			rows[1][7], rows[1][20], rows[1][29] = "Place des jeunes, des femmes et des anciens", "uuid:c3333333-0000-4000-8000-0000000000f3", "2"
		}
	})
	if r := w.importFile(t, "palabre_dialogue.zip", second, false); r.Counts[imports.Imported] != 3 {
		t.Fatalf("the second edit: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	before := w.written(t)
	if r := w.importFile(t, "palabre_dialogue.zip", w.odkZip(t, "after", nil), false); r.Counts[imports.Already] != 3 {
		t.Fatalf("the first edit after the second: %v\n%s", r.Counts, reportOf(t, r, "fr"))
	}
	if _, d := w.dialogueIn(t, "inclusion"); d.Record.Title != "Place des jeunes, des femmes et des anciens" || len(w.written(t)) != len(before) {
		t.Errorf("the first edit took the dialogue back to %q", d.Record.Title)
	}
}

// Case 3 with rows side by side, as the server runs them: the newcomer's
// later submission still waits for the one that enrols them.
func TestANewcomerIsKnownLaterWhenRowsRunSideBySide(t *testing.T) {
	w := newWorld(t)
	w.codes = w.codesFromTheLog(t)
	for _, dry := range []bool{true, false} {
		rows, err := imports.Plans("palabre_dialogue.zip", w.odkZip(t, "before", nil), w.directory(), nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := imports.Run(context.Background(), w.env.Handler, w.sender(), rows, imports.Options{DryRun: dry, Parallel: 16})
		if err != nil || r.Refused() || len(r.Results) != 3 {
			t.Fatalf("dry run %v: %v %v\n%s", dry, r.Counts, err, reportOf(t, r, "fr"))
		}
	}
}
