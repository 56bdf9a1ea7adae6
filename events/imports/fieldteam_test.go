package imports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/imports"
)

// The exports of testdata/ (its README says which server file each
// column and shape follows): three submissions, before and after the
// third was edited on the server.

// sheet reads one fixture table, its {SPACE} and {HOLDER} the world's.
func (w *world) sheet(t testing.TB, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("{SPACE}", w.space.String(), "{HOLDER}", w.holder.String()).Replace(string(b))
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// koboSheets are Kobo's sheets of an export taken before or after the edit.
func (w *world) koboSheets(t testing.TB, when string) map[string][][]string {
	return map[string][][]string{"Dialogue communautaire _ pré": w.sheet(t, "kobo/"+when+"-main.csv"),
		"attendees": w.sheet(t, "kobo/"+when+"-attendees.csv"), "commitments": w.sheet(t, "kobo/"+when+"-commitments.csv")}
}

var koboSheetOrder = []string{"Dialogue communautaire _ pré", "attendees", "commitments"}

// koboWorkbook writes Kobo's XLSX: with typed cells (xls_types_as_text
// false: numbers as numbers, dates and date-times as date cells, the
// date-times formatted yyyy-mm-dd as the issue found them) or with every
// value as text.
func koboWorkbook(t testing.TB, sheets map[string][][]string, typed bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	for i, name := range koboSheetOrder {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else {
			f.NewSheet(name)
		}
		rows := sheets[name]
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := setKoboCell(f, name, cell, rows[0][c], v, typed && r > 0, dateStyle); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func setKoboCell(f *excelize.File, sheet, cell, header, v string, typed bool, dateStyle int) error {
	if !typed || v == "" {
		return f.SetCellStr(sheet, cell, v)
	}
	if n, err := strconv.Atoi(v); err == nil && !strings.Contains(header, "uuid") {
		return f.SetCellInt(sheet, cell, int64(n))
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04:05", "2006-01-02T15:04:05.000-07:00"} {
		if at, err := time.Parse(layout, v); err == nil {
			if err := f.SetCellValue(sheet, cell, at.UTC()); err != nil {
				return err
			}
			return f.SetCellStyle(sheet, cell, cell, dateStyle)
		}
	}
	return f.SetCellStr(sheet, cell, v)
}

func ptr[T any](v T) *T { return &v }

// koboCSV writes Kobo's CSV (formpack's to_csv): the first section only,
// ";" between cells, every cell quoted.
func koboCSV(sheets map[string][][]string) []byte {
	var b strings.Builder
	for _, row := range sheets[koboSheetOrder[0]] {
		for i, v := range row {
			if i > 0 {
				b.WriteString(";")
			}
			b.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// odkZip writes ODK Central's CSV zip of an export taken before or after
// the edit, its tables changed by edit first (nil: as they are).
func (w *world) odkZip(t testing.TB, when string, edit func(name string, rows [][]string)) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"palabre_dialogue.csv", "palabre_dialogue-attendees.csv", "palabre_dialogue-commitments.csv"} {
		rows := w.sheet(t, "odk/"+when+"-"+name)
		if edit != nil {
			edit(name, rows)
		}
		f, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		cw := csv.NewWriter(f)
		cw.WriteAll(rows)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// importFile imports a file as a server would after earlier imports:
// codes are looked up in the participants read model, as it stands.
func (w *world) importFile(t *testing.T, name string, file []byte, dry bool) imports.Report {
	t.Helper()
	w.codes = w.codesFromTheLog(t)
	return w.runFile(t, name, file, dry)
}

// written counts the events of each type in the log.
func (w *world) written(t testing.TB) map[string]int {
	t.Helper()
	n := map[string]int{}
	for rec, err := range w.env.Store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		n[rec.Type]++
	}
	return n
}

// reportOf is a report as its reader reads it.
func reportOf(t testing.TB, r imports.Report, language string) string {
	t.Helper()
	var out bytes.Buffer
	if err := r.Write(&out, language); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// columnDropped is a sheet without the columns whose header is one of names.
func columnDropped(rows [][]string, names ...string) [][]string {
	out := make([][]string, len(rows))
	for r, row := range rows {
		for c, v := range row {
			drop := false
			for _, n := range names {
				drop = drop || rows[0][c] == n
			}
			if !drop {
				out[r] = append(out[r], v)
			}
		}
	}
	return out
}
