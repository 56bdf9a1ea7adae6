package imports

import (
	"bytes"
	"io"
	"strconv"

	"github.com/palabre/palabre/events/domain"
)

// sheetReader reads one worksheet's cells, a row at a time, into a Table
// laid out as the sheet numbers its rows: the headings are row 1, and a
// row with no value is an empty row (as excelize's GetRows gives them).
type sheetReader struct {
	wb    *workbook
	t     *Table
	held  int // rows held so far, headings included
	width int // the headings' cells: a row's likely width
	row   int // the current row's number
	cells []string
	// the current cell
	col, style int
	kind       string
	value      []byte
	// interned holds each short value once: an export repeats its
	// codes, choices and parents' uuids on every row.
	interned   map[string]string
	inValue    bool
	inInline   bool
	inPhonetic bool
}

// readSheet reads a worksheet's part into t.
func (wb *workbook) readSheet(r io.Reader, t *Table) error {
	s := &sheetReader{wb: wb, t: t}
	scan := newSheetScanner(r, wb.budget.lim.CellBytes+64<<10)
	for {
		tok, err := scan.next()
		if err != nil {
			return err
		}
		switch tok {
		case xmlStart:
			s.start(scan)
			if scan.selfClosing {
				if err := s.end(string(scan.name)); err != nil {
					return err
				}
			}
		case xmlText:
			if s.inValue || s.inInline && !s.inPhonetic {
				s.value = appendUnescaped(s.value, scan.buf)
			}
		case xmlEnd:
			if string(scan.name) == "sheetData" {
				return nil
			}
			if err := s.end(string(scan.name)); err != nil {
				return err
			}
		}
	}
}

// end closes an element.
func (s *sheetReader) end(name string) error {
	switch name {
	case "c":
		return s.endCell()
	case "row":
		return s.endRow()
	case "v":
		s.inValue = false
	case "is":
		s.inInline = false
	case "rPh":
		s.inPhonetic = false
	}
	return nil
}

func (s *sheetReader) start(scan *sheetScanner) {
	switch string(scan.name) {
	case "row":
		s.row++
		if n, err := strconv.Atoi(scan.attr("r")); err == nil && n > s.row {
			s.row = n
		}
		s.cells, s.col = make([]string, 0, s.width), 0
	case "c":
		s.col++
		if n := column(scan.attr("r")); n > 0 {
			s.col = n
		}
		s.kind, s.style = scan.attr("t"), 0
		if style := scan.attr("s"); style != "" {
			s.style, _ = strconv.Atoi(style)
		}
		s.value = s.value[:0]
	case "v":
		s.inValue = true
	case "is":
		s.inInline = true
	case "rPh":
		s.inPhonetic = true
	}
}

// endCell keeps the cell's value, at its column, when it has one.
func (s *sheetReader) endCell() error {
	lim := s.wb.budget.lim
	var v string
	if s.kind == "s" {
		i, err := strconv.Atoi(string(bytes.TrimSpace(s.value)))
		if err != nil || i < 0 || i >= len(s.wb.strings) {
			return domain.Reject("file", "%s row %d: a cell names shared string %q, which the workbook does not have", s.t.Name, s.row, s.value)
		}
		v = s.wb.strings[i]
	} else {
		v = s.intern(s.value)
	}
	if v == "" {
		return nil
	}
	if s.col > lim.CellsPerRow {
		return &LimitError{Limit: LimitCellsPerRow, Value: int64(lim.CellsPerRow), Sheet: s.t.Name, Row: s.row}
	}
	if s.wb.dates[s.style] {
		v = cellDate(v)
	}
	if err := s.wb.budget.hold(s.t.Name, s.row, len(v)); err != nil {
		return err
	}
	for len(s.cells) < s.col-1 {
		s.cells = append(s.cells, "")
	}
	if len(s.cells) >= s.col { // a column named twice, or out of order: the later value
		s.cells[s.col-1] = v
		return nil
	}
	s.cells = append(s.cells, v)
	return nil
}

// endRow holds a row with a value, after the empty rows before it.
func (s *sheetReader) endRow() error {
	if len(s.cells) == 0 {
		return nil
	}
	budget := s.wb.budget
	if gap := s.row - 1 - s.held; gap > 0 {
		if err := budget.skip(s.t.Name, s.row, gap); err != nil {
			return err
		}
		for range gap {
			s.hold(nil)
		}
	}
	if err := budget.row(s.t.Name, s.row, len(s.cells)); err != nil {
		return err
	}
	s.hold(s.cells)
	return nil
}

// intern is b as a string, held once per sheet when it is short.
func (s *sheetReader) intern(b []byte) string {
	if len(b) > 64 || len(s.interned) >= 1<<16 {
		return string(b)
	}
	if v, ok := s.interned[string(b)]; ok {
		return v
	}
	if s.interned == nil {
		s.interned = map[string]string{}
	}
	v := string(b)
	s.interned[v] = v
	return v
}

func (s *sheetReader) hold(cells []string) {
	if s.held == 0 {
		s.t.Headers, s.width = trimAll(cells), len(cells)
	} else {
		s.t.Rows = append(s.t.Rows, cells)
	}
	s.held++
}
