package importstest

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// ShippedFormExport writes n submissions of the form palabre ships as
// KoboToolbox's XLSX export with XML values and headers and groups in the
// headers (formpack's reporting/export.py): the submissions' sheet, then
// a sheet per repeat joined by _parent_index, dates as date cells. Each
// has registered attendees among GAO-0000 to GAO-{people-1}, newcomers
// enrolled by the import (NEW-…), and a commitment of holder.
func ShippedFormExport(b testing.TB, space, holder string, n, registered, newcomers, people int) []byte {
	b.Helper()
	f := excelize.NewFile()
	const main = "Dialogue communautaire _ pré"
	f.SetSheetName("Sheet1", main)
	f.NewSheet("attendees")
	f.NewSheet("commitments")
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	heldOn := excelize.Cell{StyleID: date, Value: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)}
	sheets := map[string][][]any{}
	sheets[main] = [][]any{{"start", "end", "dialogue/spaceId", "dialogue/heldOn", "dialogue/format", "dialogue/pillar", "dialogue/title", "dialogue/topics",
		"dialogue/locality", "dialogue/language", "dialogue/durationMinutes", "headcount/youngWomen", "headcount/adultWomen", "headcount/youngMen",
		"headcount/adultMen", "headcount/withDisabilities", "headcount/displaced", "stakeholderIds", "meta/instanceID", "meta/rootUuid",
		"_id", "_uuid", "_submission_time", "_validation_status", "_index"}}
	sheets["attendees"] = [][]any{{"attendees/participantCode", "attendees/spoke", "attendees/newParticipant", "attendees/sex", "attendees/ageBand",
		"attendees/displacement", "attendees/groups", "attendees/consent", "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"}}
	sheets["commitments"] = [][]any{{"commitments/stakeholderId", "commitments/text", "commitments/dueOn", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"}}
	for i := range n {
		uuid := fmt.Sprintf("5d0c1f2e-0000-4000-8000-%012d", i)
		sheets[main] = append(sheets[main], []any{"2026-05-04T09:00:00.000+00:00", "2026-05-04T11:00:00.000+00:00", space, heldOn, "community-dialogue", "security",
			"Dialogue " + strconv.Itoa(i), "sécurité,foire", "Bourem", "songhay", 120, 1, 2, 1, 3, 0, 1, holder, "uuid:" + uuid, "uuid:" + uuid,
			100000 + i, uuid, "2026-05-04T12:00:00", "", i + 1})
		for a := range registered {
			code := fmt.Sprintf("GAO-%04d", (i*registered+a)%people)
			sheets["attendees"] = append(sheets["attendees"], []any{code, "yes", "no", "", "", "", "", "", len(sheets["attendees"]), main, i + 1, 100000 + i, uuid})
		}
		for a := range newcomers {
			code := fmt.Sprintf("NEW-%05d-%d", i, a)
			sheets["attendees"] = append(sheets["attendees"], []any{code, "no", "yes", "male", "18-24", "internally-displaced", "", "yes", len(sheets["attendees"]), main, i + 1, 100000 + i, uuid})
		}
		sheets["commitments"] = append(sheets["commitments"], []any{holder, "Patrouilles mixtes les jours de foire", heldOn, len(sheets["commitments"]), main, i + 1, uuid})
	}
	for _, name := range []string{main, "attendees", "commitments"} {
		w, err := f.NewStreamWriter(name)
		if err != nil {
			b.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := w.SetRow(cell, row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}
