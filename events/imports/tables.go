// Package imports turns the exports field teams already have —
// KoboToolbox and ODK submissions of the form palabre ships — into
// commands, idempotently: each command's id derives from the submission's
// uuid, so importing the same file twice, or an overlapping later export,
// adds nothing twice. A submission is a dialogue and its commitments,
// written whole or not at all, and every row is reported: imported,
// already there, or refused with its row, column and reason.
package imports

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Table is one sheet of an export: its name, headings and rows (as text).
type Table struct {
	Name    string
	Headers []string
	Rows    [][]string
}

// column finds a heading: exactly, or by its last segment, since Kobo
// prefixes a question with its groups ("dialogue/spaceId") with "/", "."
// or ":" as the separator, or none; ODK Central with "-".
func (t Table) column(name string) int {
	for i, h := range t.Headers {
		if h == name {
			return i
		}
	}
	for i, h := range t.Headers {
		if lastSegment(h) == name {
			return i
		}
	}
	return -1
}

func lastSegment(h string) string {
	if i := strings.LastIndexAny(h, "/.:-"); i >= 0 {
		return h[i+1:]
	}
	return h
}

// Read reads an export by its file's extension: a workbook, or one CSV
// table (named after the file, as ODK names repeats' files).
func Read(name string, b []byte) ([]Table, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return ReadXLSX(bytes.NewReader(b))
	case ".csv":
		t, err := ReadCSV(filepath.Base(name), bytes.NewReader(b))
		return []Table{t}, err
	case ".zip":
		return ReadODKZip(b)
	}
	return nil, fmt.Errorf("an export is .xlsx, .csv, or ODK Central's .zip of CSV files")
}

// ReadODKZip reads ODK Central's CSV export: a zip of the submissions'
// CSV file and one per repeat ("FORM-attendees.csv"), whose PARENT_KEY
// names the submission's KEY. The submissions' table comes first.
func ReadODKZip(b []byte) ([]Table, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("not a zip file: %w", err)
	}
	var main []Table
	var repeats []Table
	for _, f := range z.File {
		if f.FileInfo().IsDir() || !strings.EqualFold(filepath.Ext(f.Name), ".csv") {
			continue // media files travel in the same zip
		}
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		t, err := ReadCSV(filepath.Base(f.Name), r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		if t.column("PARENT_KEY") >= 0 {
			repeats = append(repeats, t)
		} else {
			main = append(main, t)
		}
	}
	if len(main) != 1 {
		return nil, fmt.Errorf("the zip holds %d tables of submissions; ODK Central's export holds one", len(main))
	}
	return append(main, repeats...), nil
}

// ReadXLSX reads every sheet of a workbook, dates as YYYY-MM-DD whatever
// the cells' format.
func ReadXLSX(r io.Reader) ([]Table, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("not a workbook Excel can open: %w", err)
	}
	defer f.Close()
	var out []Table
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			continue
		}
		t := Table{Name: name, Headers: trimAll(rows[0])}
		for i, row := range rows[1:] {
			t.Rows = append(t.Rows, datesOf(f, name, i+2, row))
		}
		out = append(out, t)
	}
	return out, nil
}

// datesOf writes a row's date cells, which raw values give as Excel serial
// numbers, as YYYY-MM-DD.
func datesOf(f *excelize.File, sheet string, row int, values []string) []string {
	for c, v := range values {
		if _, err := strconv.ParseFloat(v, 64); err != nil || v == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(c+1, row)
		if style, err := f.GetCellStyle(sheet, cell); err == nil && isDateStyle(f, style) {
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				if t, err := excelize.ExcelDateToTime(n, false); err == nil {
					values[c] = t.Format(time.DateOnly)
				}
			}
		}
	}
	return values
}

func isDateStyle(f *excelize.File, id int) bool {
	style, err := f.GetStyle(id)
	if err != nil || style == nil {
		return false
	}
	if style.NumFmt >= 14 && style.NumFmt <= 22 {
		return true
	}
	format := strings.ToLower(deref(style.CustomNumFmt))
	return strings.Contains(format, "yy") || strings.Contains(format, "dd")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ReadCSV reads one table of a CSV export: UTF-8 with or without a byte
// order mark, separated by commas or semicolons (French Excel's).
func ReadCSV(name string, r io.Reader) (Table, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Table{}, err
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	first, _, _ := bytes.Cut(b, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return Table{}, fmt.Errorf("not a CSV file: %w", err)
	}
	if len(rows) == 0 {
		return Table{}, fmt.Errorf("the file is empty")
	}
	return Table{Name: name, Headers: trimAll(rows[0]), Rows: rows[1:]}, nil
}

func trimAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.TrimSpace(x)
	}
	return out
}
