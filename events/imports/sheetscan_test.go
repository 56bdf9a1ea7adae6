package imports_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/events/imports"
)

// The workbook reader reads a sheet as excelize does (GetRows with raw
// values), text that XML escapes included: the two are compared on a
// workbook written by excelize, cell by cell and through its stream
// writer, with accents, quotes, markup, line ends, gaps and numbers.
func TestTheWorkbookReaderReadsCellsAsExcelizeDoes(t *testing.T) {
	f := excelize.NewFile()
	texts := []any{"Sécurité & justice", `"cité" <b>gras</b> 'apostrophe'`, "ligne 1\nligne 2", "ligne 1\r\nligne 2", "  espaces  ", "a > b", "]]>", "émoji 🕊️", "&amp; littéral", 42, 3.25, true, -7, ""}
	for i, v := range texts {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", cell, v)
		cell, _ = excelize.CoordinatesToCellName(i+2, 3) // a gap: row 2 is empty, column A of row 3 too
		f.SetCellValue("Sheet1", cell, v)
	}
	f.SetCellFormula("Sheet1", "A5", "1+1")
	f.NewSheet("stream")
	w, _ := f.NewStreamWriter("stream")
	w.SetRow("A1", texts)
	w.SetRow("B4", []any{excelize.Cell{Value: "x & y"}, nil, "z"})
	w.Flush()
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	tables, err := imports.ReadWithin(context.Background(), "export.xlsx", b.Bytes(), imports.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for i, sheet := range []string{"Sheet1", "stream"} {
		rows, err := theirs.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for j := range rows[0] {
			rows[0][j] = strings.TrimSpace(rows[0][j])
		}
		got := append([][]string{tables[i].Headers}, tables[i].Rows...)
		for r := range max(len(got), len(rows)) {
			var ours, want []string
			if r < len(got) {
				ours = got[r]
			}
			if r < len(rows) {
				want = rows[r]
			}
			// a formula with no value cached is an empty cell to excelize,
			// no cell to palabre: an empty row either way
			if strings.Join(ours, "") != "" || strings.Join(want, "") != "" {
				if !reflect.DeepEqual(ours, want) {
					t.Errorf("%s row %d:\n got %q\nwant %q", sheet, r+1, ours, want)
				}
			}
		}
	}
}
