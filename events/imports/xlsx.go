package imports

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/xuri/excelize/v2"
)

// A workbook is read here part by part, as a stream of XML tokens, rather
// than by excelize, which decompresses every part whole (a part over
// 16 MB to a temporary file) and holds every shared string: a 307 KB
// workbook became a 300 MB file and 1.1 GB of memory. Only what the
// export's tables need is read: the sheets' names and order, the shared
// strings, which styles are dates, and each sheet's cells.

// ReadXLSX reads every sheet of a workbook within DefaultLimits.
func ReadXLSX(r io.Reader) ([]Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, DefaultLimits().FileBytes+1))
	if err != nil {
		return nil, err
	}
	return ReadWithin(context.Background(), "export.xlsx", b, DefaultLimits())
}

// workbook is a workbook's zip and what its sheets' cells refer to.
type workbook struct {
	z       *zip.Reader
	budget  *budget
	strings []string     // shared strings, by index
	dates   map[int]bool // styles (cellXfs indexes) that show a date
}

// readXLSX reads every sheet of a workbook, in the workbook's order,
// dates as YYYY-MM-DD whatever the cells' format; a sheet with no row is
// left out.
func readXLSX(r io.ReaderAt, size int64, budget *budget) ([]Table, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, domain.Reject("file", "not a workbook Excel can open")
	}
	wb := &workbook{z: z, budget: budget}
	sheets, err := wb.sheets()
	if err != nil {
		return nil, err
	}
	if err := wb.readStyles(); err != nil {
		return nil, err
	}
	if err := wb.readSharedStrings(); err != nil {
		return nil, err
	}
	var out []Table
	for _, s := range sheets {
		t := Table{Name: s.name}
		if !wb.has(s.path) { // else read as empty, and the file said to hold no submission
			return nil, domain.Reject("file", "the workbook lists a sheet %s it does not hold: save it again from Excel or LibreOffice", s.name)
		}
		if err := wb.part(s.path, func(r io.Reader) error { return wb.readSheet(r, &t) }); err != nil {
			return nil, err
		}
		if t.Headers != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// has says whether the workbook holds the part name.
func (wb *workbook) has(name string) bool {
	return slices.ContainsFunc(wb.z.File, func(f *zip.File) bool { return f.Name == name })
}

// part streams one part of the workbook through read, counted against
// the decompressed bytes and guarded against oversized tokens. A part
// that is not there reads as empty.
func (wb *workbook) part(name string, read func(io.Reader) error) error {
	for _, f := range wb.z.File {
		if f.Name != name {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return domain.Reject("file", "not a workbook Excel can open: its part %s cannot be read", name)
		}
		defer r.Close()
		if err := read(wb.budget.xmlRuns(wb.budget.expand(r))); err != nil && !errors.Is(err, io.EOF) {
			if errors.Is(err, ErrLimit) || errors.Is(err, domain.ErrRejected) || errors.Is(err, wb.budget.ctx.Err()) && wb.budget.ctx.Err() != nil {
				return err
			}
			return domain.Reject("file", "not a workbook Excel can open: its part %s is damaged", name)
		}
		return nil
	}
	return nil
}

type sheetPart struct{ name, path string }

// sheets lists the workbook's sheets in order, with their parts' paths
// (xl/workbook.xml names them, xl/_rels/workbook.xml.rels places them).
func (wb *workbook) sheets() ([]sheetPart, error) {
	targets := map[string]string{}
	err := wb.part("xl/_rels/workbook.xml.rels", decoding(func(d *xml.Decoder) error {
		return eachElement(d, func(e xml.StartElement) error {
			if e.Name.Local == "Relationship" {
				targets[attr(e, "Id")] = attr(e, "Target")
			}
			return nil
		})
	}))
	if err != nil {
		return nil, err
	}
	var out []sheetPart
	err = wb.part("xl/workbook.xml", decoding(func(d *xml.Decoder) error {
		return eachElement(d, func(e xml.StartElement) error {
			if e.Name.Local != "sheet" {
				return nil
			}
			target := targets[attr(e, "id")]
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join("xl", target)
			}
			out = append(out, sheetPart{name: attr(e, "name"), path: target})
			return nil
		})
	}))
	if err == nil && len(out) == 0 {
		err = domain.Reject("file", "the workbook has no sheet")
	}
	return out, err
}

// readStyles finds the cell styles that show dates: a built-in date
// format (14 to 22) or a custom one that writes a year or a day.
func (wb *workbook) readStyles() error {
	wb.dates = map[int]bool{}
	custom := map[string]bool{}
	inXfs, xf := false, 0
	return wb.part("xl/styles.xml", decoding(func(d *xml.Decoder) error {
		for {
			tok, err := d.RawToken()
			if err != nil {
				return err
			}
			switch e := tok.(type) {
			case xml.StartElement:
				switch e.Name.Local {
				case "numFmt":
					format := strings.ToLower(attr(e, "formatCode"))
					custom[attr(e, "numFmtId")] = strings.Contains(format, "yy") || strings.Contains(format, "dd")
				case "cellXfs":
					inXfs = true
				case "xf":
					if inXfs {
						id := attr(e, "numFmtId")
						n, _ := strconv.Atoi(id)
						wb.dates[xf] = (n >= 14 && n <= 22) || custom[id]
						xf++
					}
				}
			case xml.EndElement:
				if e.Name.Local == "cellXfs" {
					inXfs = false
				}
			}
		}
	}))
}

// readSharedStrings reads the strings cells refer to by index, each
// item's text runs joined (phonetic runs left out), within the limits on
// their count and bytes.
func (wb *workbook) readSharedStrings() error {
	lim := wb.budget.lim
	var size int64
	return wb.part("xl/sharedStrings.xml", decoding(func(d *xml.Decoder) error {
		var item strings.Builder
		inItem, inText, phonetic := false, false, false
		for {
			tok, err := d.RawToken()
			if err != nil {
				return err
			}
			switch e := tok.(type) {
			case xml.StartElement:
				switch e.Name.Local {
				case "si":
					inItem = true
					item.Reset()
					if len(wb.strings) >= lim.SharedStrings {
						return &LimitError{Limit: LimitSharedStrings, Value: int64(lim.SharedStrings)}
					}
				case "t":
					inText = inItem && !phonetic
				case "rPh":
					phonetic = true
				}
			case xml.EndElement:
				switch e.Name.Local {
				case "si":
					inItem = false
					wb.strings = append(wb.strings, item.String())
				case "t":
					inText = false
				case "rPh":
					phonetic = false
				}
			case xml.CharData:
				if inText {
					if size += int64(len(e)); size > lim.SharedStringBytes {
						return &LimitError{Limit: LimitSharedStringBytes, Value: lim.SharedStringBytes}
					}
					item.Write(e)
				}
			}
		}
	}))
}

// decoding reads a part as XML tokens, through read.
func decoding(read func(*xml.Decoder) error) func(io.Reader) error {
	return func(r io.Reader) error { return read(xml.NewDecoder(r)) }
}

// eachElement calls f with every start element of a part.
func eachElement(d *xml.Decoder, f func(xml.StartElement) error) error {
	for {
		tok, err := d.RawToken()
		if err != nil {
			return err
		}
		if e, ok := tok.(xml.StartElement); ok {
			if err := f(e); err != nil {
				return err
			}
		}
	}
}

// attr is an element's attribute by its local name ("" when absent).
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// cellDate writes a date cell's serial number as YYYY-MM-DD; another
// value is kept as it is.
func cellDate(v string) string {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return v
	}
	return t.Format(time.DateOnly)
}

// column is the 1-based column of a cell reference ("AB12" → 28), 0 when
// it has none.
func column(ref string) int {
	n := 0
	for _, c := range []byte(ref) {
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
		if n > 1<<20 {
			break // beyond any sheet: refused as too many cells per row
		}
	}
	return n
}
