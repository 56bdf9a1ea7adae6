package csvcell

import "strings"

// formulaTriggers make a spreadsheet read a cell as a formula when they
// begin it: OWASP's list for CSV injection (=, +, -, @, tab, carriage
// return; a line feed only ever ends a cell or a row). A minus followed
// by words ("- un") is neutralised too: OWASP names the character, not
// a pattern, and "-1+cmd|…" is the classic payload.
const formulaTriggers = "=+-@\t\r"

// separators are where a spreadsheet may begin a new cell inside a bare
// (unquoted) text: the two separators an export may be read with
// (French Excel splits a comma file on semicolons) and a tab.
const separators = ",;\t"

// quoted are the characters that make every CSV writer quote a cell
// (RFC 4180, encoding/csv): a line break or a double quote.
const quoted = "\r\n\""

// Text is the one way a text reaches a CSV cell: a formula trigger that
// begins a cell a spreadsheet would see is preceded by an apostrophe, as
// OWASP advises, so that it reads as text. Numbers the server computed
// never pass here: they stay numbers.
//
// Only the first character of a cell starts a formula (Excel,
// LibreOffice, Google Sheets), after any quotes or spaces some readers
// trim. A text holding a line break or a quote is written quoted, and
// every spreadsheet keeps a quoted cell whole, separators and line breaks
// inside it included: only its beginning is dangerous, so a bulleted
// "- un\n- deux" becomes "'- un\n- deux". A text written bare may be
// split by a reader using another separator (OWASP: "take care of the
// field separator"), so a trigger after a separator is neutralised too.
func Text(s string) string {
	if strings.IndexAny(s, formulaTriggers) < 0 {
		return s
	}
	cellStarters := separators
	if strings.ContainsAny(s, quoted) {
		cellStarters = ""
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
