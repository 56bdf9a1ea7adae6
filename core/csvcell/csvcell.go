package csvcell

import "strings"

// formulaTriggers make a spreadsheet read a cell as a formula when they
// begin it: OWASP's list for CSV injection (=, +, -, @, tab, carriage
// return; a line feed only ever ends a cell or a row).
const formulaTriggers = "=+-@\t\r"

// cellStarters are where a spreadsheet may begin a new cell inside a
// text: the two separators an export may be read with (French Excel
// splits a comma file on semicolons), a tab, and a line break a reader
// lost in quotes takes for a new row.
const cellStarters = ",;\t\r\n"

// Text is the one way a text reaches a CSV cell: every formula trigger
// that begins the cell, or begins a cell a reader with another separator
// would see (after a separator or a line break, and any quotes or
// spaces), is
// preceded by an apostrophe, as OWASP advises, so that it reads as text.
// Numbers the server computed never pass here: they stay numbers.
func Text(s string) string {
	if strings.IndexAny(s, formulaTriggers) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	atStart := true
	for _, r := range s {
		switch {
		case atStart && (r == '"' || r == ' '): // some readers trim spaces
		case atStart && strings.ContainsRune(formulaTriggers, r):
			b.WriteByte('\'')
			atStart = false
		default:
			atStart = false
		}
		b.WriteRune(r)
		if strings.ContainsRune(cellStarters, r) {
			atStart = true
		}
	}
	return b.String()
}
