package imports

import (
	"context"
	"io"
)

// budget is what one file may still cost while it is read: every reader
// of an export draws on it as it goes, so that a file is refused at the
// first byte, row or cell beyond Limits, before it is held.
type budget struct {
	ctx          context.Context
	lim          Limits
	decompressed int64
	rows, cells  int
	text         int64
}

func newBudget(ctx context.Context, lim Limits) *budget { return &budget{ctx: ctx, lim: lim} }

// expand counts what r (a zip entry or a workbook part, decompressing)
// yields against the decompressed bytes, whatever its header declared.
func (b *budget) expand(r io.Reader) io.Reader { return &expanding{r: r, b: b} }

type expanding struct {
	r io.Reader
	b *budget
}

func (e *expanding) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.b.decompressed += int64(n)
	if e.b.decompressed > e.b.lim.DecompressedBytes {
		return n, &LimitError{Limit: LimitDecompressedBytes, Value: e.b.lim.DecompressedBytes}
	}
	return n, err
}

// row admits the row numbered n of sheet, of width cells, before it is
// held: the rows of the whole file, its cells, and the context (checked
// every 1,024 rows, so that a long read ends with its import).
func (b *budget) row(sheet string, n, width int) error {
	b.rows++
	if b.rows > b.lim.Rows {
		return &LimitError{Limit: LimitRows, Value: int64(b.lim.Rows), Sheet: sheet, Row: n}
	}
	if width > b.lim.CellsPerRow {
		return &LimitError{Limit: LimitCellsPerRow, Value: int64(b.lim.CellsPerRow), Sheet: sheet, Row: n}
	}
	b.cells += width
	if b.cells > b.lim.Cells {
		return &LimitError{Limit: LimitCells, Value: int64(b.lim.Cells), Sheet: sheet, Row: n}
	}
	if b.rows%1024 == 0 {
		return b.ctx.Err()
	}
	return nil
}

// skip admits rows that hold nothing (a workbook's gaps), which are held
// as empty rows.
func (b *budget) skip(sheet string, n, count int) error {
	if b.rows+count > b.lim.Rows {
		return &LimitError{Limit: LimitRows, Value: int64(b.lim.Rows), Sheet: sheet, Row: n}
	}
	b.rows += count
	return nil
}

// hold admits n bytes of a cell's text.
func (b *budget) hold(sheet string, row, n int) error {
	b.text += int64(n)
	if b.text > b.lim.TextBytes {
		return &LimitError{Limit: LimitTextBytes, Value: b.lim.TextBytes, Sheet: sheet, Row: row}
	}
	return nil
}

// runs guards a stream before a parser buffers it: no run of bytes
// between two separators may exceed max, so that no token a parser holds
// (an XML tag or text, a CSV field or line) is longer. In a CSV file,
// separators inside quotes do not count.
type runs struct {
	r          io.Reader
	separators [256]bool
	quoted     bool // CSV: "…" hide separators
	max        int
	limit      Limit
	run        int
	inQuotes   bool
	// line is the run since the last unquoted newline (CSV), held to
	// lineMax.
	line, lineMax int
}

func (g *runs) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		g.run++
		g.line++
		switch {
		case g.quoted && c == '"':
			g.inQuotes = !g.inQuotes
		case g.inQuotes:
		case g.separators[c]:
			g.run = 0
			if c == '\n' {
				g.line = 0
			}
		}
		if g.run > g.max {
			return n, &LimitError{Limit: g.limit, Value: int64(g.max)}
		}
		if g.lineMax > 0 && g.line > g.lineMax {
			return n, &LimitError{Limit: LimitRowBytes, Value: int64(g.lineMax)}
		}
	}
	return n, err
}

// xmlRuns guards an XML part: no tag or text longer than a cell may be.
func (b *budget) xmlRuns(r io.Reader) io.Reader {
	g := &runs{r: r, max: b.lim.CellBytes, limit: LimitCellBytes}
	g.separators['<'] = true
	return g
}

// csvRuns guards a CSV table separated by comma: no field longer than a
// cell, no line longer than a row may be.
func (b *budget) csvRuns(r io.Reader, comma rune) io.Reader {
	g := &runs{r: r, max: b.lim.CellBytes, limit: LimitCellBytes, quoted: true, lineMax: b.lim.RowBytes}
	g.separators[byte(comma)], g.separators['\n'] = true, true
	return g
}
