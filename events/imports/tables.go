package imports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/palabre/palabre/events/domain"
)

// Table is one sheet of an export: its name, headings and rows (as text).
type Table struct {
	Name    string
	Headers []string
	Rows    [][]string
	// shown are the headers as the export wrote them, when a mapping
	// renamed some (nil: Headers): what a report names.
	shown []string
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

// Read reads an export by its file's extension within DefaultLimits.
func Read(name string, b []byte) ([]Table, error) {
	return ReadWithin(context.Background(), name, b, DefaultLimits())
}

// ReadWithin reads an export by its file's extension: a workbook, ODK
// Central's zip, or one CSV table (named after the file, as ODK names
// repeats' files), refusing it at the first of lim's bounds it passes.
//
// Returns a *LimitError (ErrLimit) for a bound, a *domain.Problems naming
// the file for a type it does not read, ctx's error when it ends.
func ReadWithin(ctx context.Context, name string, b []byte, lim Limits) ([]Table, error) {
	if int64(len(b)) > lim.FileBytes {
		return nil, &LimitError{Limit: LimitFileBytes, Value: lim.FileBytes}
	}
	budget := newBudget(ctx, lim)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return readXLSX(bytes.NewReader(b), int64(len(b)), budget)
	case ".csv":
		t, err := readCSV(filepath.Base(name), bytes.NewReader(b), budget)
		return []Table{t}, err
	case ".zip":
		return readODKZip(b, budget)
	}
	return nil, domain.Reject("file", "%q is not an export palabre reads: an export is .xlsx, .csv, or ODK Central's .zip of CSV files", filepath.Base(name))
}

// ReadODKZip reads ODK Central's CSV export within DefaultLimits.
func ReadODKZip(b []byte) ([]Table, error) {
	return readODKZip(b, newBudget(context.Background(), DefaultLimits()))
}

// readODKZip reads ODK Central's CSV export: a zip of the submissions'
// CSV file and one per repeat ("FORM-attendees.csv"), whose PARENT_KEY
// names the submission's KEY. The submissions' table comes first. Each
// entry is streamed, its bytes counted as they decompress.
func readODKZip(b []byte, budget *budget) ([]Table, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, domain.Reject("file", "not a zip file, as ODK Central's export is")
	}
	var main, repeats []Table
	for _, f := range z.File {
		if f.FileInfo().IsDir() || !strings.EqualFold(filepath.Ext(f.Name), ".csv") {
			continue // media files travel in the same zip
		}
		r, err := f.Open()
		if err != nil {
			return nil, domain.Reject("file", "the zip's file %s cannot be read", f.Name)
		}
		t, err := readCSV(filepath.Base(f.Name), budget.expand(r), budget)
		r.Close()
		if err != nil {
			return nil, err // it names the table
		}
		if t.column("PARENT_KEY") >= 0 {
			repeats = append(repeats, t)
		} else {
			main = append(main, t)
		}
	}
	if len(main) != 1 {
		names := make([]string, len(main))
		for i, t := range main {
			names[i] = t.Name
		}
		return nil, domain.Reject("file", "the zip holds %d tables of submissions (%s); ODK Central's export holds one, its repeats' files with a PARENT_KEY column", len(main), strings.Join(names, ", "))
	}
	return append(main, repeats...), nil
}

// ReadCSV reads one CSV table within DefaultLimits.
func ReadCSV(name string, r io.Reader) (Table, error) {
	return readCSV(name, r, newBudget(context.Background(), DefaultLimits()))
}

// readCSV reads one table of a CSV export: UTF-8 with or without a byte
// order mark, separated by commas or semicolons (French Excel's, when the
// first line has more of them), a row at a time.
func readCSV(name string, r io.Reader, budget *budget) (Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	head, _ := br.Peek(br.Size()) // as much of the first line as a buffer holds
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return Table{}, domain.Reject("file", "%s is in UTF-16 (Excel's “Unicode text”): save it as “CSV UTF-8”", name)
	case bytes.IndexByte(head, 0) >= 0: // text has no NUL byte: a PDF, a picture, a workbook renamed
		return Table{}, domain.Reject("file", "%s is not text, as a CSV file is: export it again as CSV", name)
	case !utf8Head(head): // French Excel's “CSV (séparateur: point-virgule)” is Windows-1252
		return Table{}, domain.Reject("file", "%s is not in UTF-8: save it from Excel as “CSV UTF-8”", name)
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	comma := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		comma = ';'
	}
	cr := csv.NewReader(budget.csvRuns(br, comma))
	cr.Comma, cr.FieldsPerRecord = comma, -1
	t := Table{Name: name}
	for n := 1; ; n++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ErrLimit) {
				return t, withPlace(err, name, n)
			}
			return t, notCSV(name, err)
		}
		if err := budget.row(name, n, len(row)); err != nil {
			return t, err
		}
		if err := budget.hold(name, n, textOf(row)); err != nil {
			return t, err
		}
		if t.Headers == nil {
			t.Headers = trimAll(row)
			continue
		}
		t.Rows = append(t.Rows, row)
	}
	if t.Headers == nil {
		return Table{}, domain.Reject("file", "%s is empty", name)
	}
	return t, nil
}

// utf8Head says whether the start of a file is UTF-8: a character cut
// by the end of what was peeked does not count against it.
func utf8Head(head []byte) bool {
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 && len(head)-i >= utf8.UTFMax {
			return false
		}
		i += n
	}
	return true
}

// notCSV says where a table is not CSV: encoding/csv refuses a quotation
// mark out of place, at a line (its own words are English).
func notCSV(name string, err error) error {
	var at *csv.ParseError
	if errors.As(err, &at) {
		return domain.Reject("file", "%s line %d: a quotation mark out of place, so it is not a CSV file palabre reads", name, at.Line)
	}
	return domain.Reject("file", "%s is not a CSV file palabre reads", name)
}

func textOf(row []string) (n int) {
	for _, c := range row {
		n += len(c)
	}
	return n
}

// withPlace names, in a limit's refusal, where the reader was.
func withPlace(err error, sheet string, row int) error {
	var limit *LimitError
	if errors.As(err, &limit) && limit.Sheet == "" {
		limit.Sheet, limit.Row = sheet, row
	}
	return err
}

func trimAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.TrimSpace(x)
	}
	return out
}
