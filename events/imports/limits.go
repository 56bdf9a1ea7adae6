package imports

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Limits bound what one import may cost, whichever door it comes through
// (the server's upload, `palabre import` here or with --server): a file
// is a stranger's until read, and a 2.5 KB zip can hold 200,000 rows.
// Every limit is checked as the file is read, never from what its headers
// declare, and its refusal names it (see LimitError). docs/IMPORTS.md
// states the figures and the memory they allow.
type Limits struct {
	// FileBytes bounds the file as sent (compressed, for a zip or a
	// workbook): the only part held whole, since a zip is read from its end.
	FileBytes int64
	// DecompressedBytes bounds what a zip's entries or a workbook's parts
	// expand to, all together, counted as they are read.
	DecompressedBytes int64
	// Rows bounds the rows of all the file's tables together.
	Rows int
	// CellsPerRow bounds one row's cells (its headings' too).
	CellsPerRow int
	// Cells bounds the cells held, all tables together.
	Cells int
	// RowBytes bounds one line of a CSV file, which its reader holds
	// whole.
	RowBytes int
	// CellBytes bounds one cell (Excel's own limit is 32,767 characters):
	// a reader never holds more of a cell, or of an XML tag, than this.
	CellBytes int
	// TextBytes bounds the text of all the cells held.
	TextBytes int64
	// SharedStrings and SharedStringBytes bound a workbook's shared
	// strings (xl/sharedStrings.xml), which every cell may name.
	SharedStrings     int
	SharedStringBytes int64
	// Deadline bounds an import's time, reading and planning included.
	// Rows are never cut: the one being written when it passes is
	// finished, and the report says how far the import went.
	Deadline time.Duration
	// RefusalsPerKind is how many refusals of one kind the report lists
	// row by row; beyond them it counts them.
	RefusalsPerKind int
}

// DefaultLimits admit 10,000 submissions of the form palabre ships (each
// with ten attendees and a commitment: ~120,000 rows, ~1.4 M cells, a
// 5 MB workbook that expands to ~60 MB) with room to spare, and hold an
// import under ~200 MB of memory.
func DefaultLimits() Limits {
	return Limits{
		FileBytes:         32 << 20,
		DecompressedBytes: 128 << 20,
		Rows:              150_000,
		CellsPerRow:       1_000,
		Cells:             2_500_000,
		RowBytes:          1 << 20,
		CellBytes:         256 << 10,
		TextBytes:         32 << 20,
		SharedStrings:     500_000,
		SharedStringBytes: 16 << 20,
		Deadline:          10 * time.Minute,
		RefusalsPerKind:   100,
	}
}

// Limit names one of Limits' bounds, in a refusal.
type Limit string

const (
	LimitFileBytes         Limit = "fileBytes"
	LimitDecompressedBytes Limit = "decompressedBytes"
	LimitRows              Limit = "rows"
	LimitCellsPerRow       Limit = "cellsPerRow"
	LimitCells             Limit = "cells"
	LimitRowBytes          Limit = "rowBytes"
	LimitCellBytes         Limit = "cellBytes"
	LimitTextBytes         Limit = "textBytes"
	LimitSharedStrings     Limit = "sharedStrings"
	LimitSharedStringBytes Limit = "sharedStringBytes"
	LimitDeadline          Limit = "deadline"
	LimitOneAtATime        Limit = "oneAtATime"
)

// ErrLimit is what every LimitError is (errors.Is).
var ErrLimit = errors.New("an import's limit is reached")

// LimitError is an import refused, or stopped, by one of its limits: the
// limit, its figure, and where the reader was (Sheet and Row, when it was
// in a table). Error is English; In tells it in the reader's language.
type LimitError struct {
	Limit Limit
	Value int64 // the limit's figure: bytes, rows, cells, or a duration's milliseconds
	Sheet string
	Row   int
	Done  int // for the deadline: the rows decided before it passed
}

func (e *LimitError) Error() string { return e.In("en") }

func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// limitWords say each limit, French then English, with the figure (%s)
// already written for a person (“32 Mo”, “150 000”).
var limitWords = map[Limit][2]string{
	LimitFileBytes: {"le fichier dépasse %s (limite de taille d’un fichier importé)",
		"the file exceeds %s (the limit on an imported file's size)"},
	LimitDecompressedBytes: {"le fichier décompressé dépasse %s (limite des octets décompressés : un zip ou un classeur qui se déplie autant n’est pas un export)",
		"the file decompresses to more than %s (the limit on decompressed bytes: a zip or workbook that expands so far is not an export)"},
	LimitRows: {"le fichier dépasse %s lignes (limite de lignes par fichier) : exportez moins de soumissions à la fois, par période",
		"the file exceeds %s rows (the limit on rows per file): export fewer submissions at a time, by period"},
	LimitCellsPerRow: {"une ligne dépasse %s cellules (limite de cellules par ligne)",
		"a row exceeds %s cells (the limit on cells per row)"},
	LimitCells: {"le fichier dépasse %s cellules (limite de cellules par fichier) : exportez moins de soumissions à la fois",
		"the file exceeds %s cells (the limit on cells per file): export fewer submissions at a time"},
	LimitRowBytes: {"une ligne du fichier dépasse %s (limite de taille d’une ligne)",
		"a line of the file exceeds %s (the limit on a line's size)"},
	LimitCellBytes: {"une cellule ou une balise dépasse %s (limite de taille d’une cellule)",
		"a cell or tag exceeds %s (the limit on a cell's size)"},
	LimitTextBytes: {"le texte des cellules dépasse %s (limite du texte lu par fichier) : exportez moins de soumissions à la fois",
		"the cells' text exceeds %s (the limit on text read per file): export fewer submissions at a time"},
	LimitSharedStrings: {"le classeur a plus de %s textes partagés (limite de sharedStrings.xml)",
		"the workbook has more than %s shared strings (the limit on sharedStrings.xml)"},
	LimitSharedStringBytes: {"les textes partagés du classeur dépassent %s (limite de sharedStrings.xml)",
		"the workbook's shared strings exceed %s (the limit on sharedStrings.xml)"},
	LimitDeadline: {"l’import a dépassé son délai de %s (limite de durée d’un import) : les lignes décidées avant sont dans le rapport ; importez le fichier à nouveau pour la suite (rien ne sera importé deux fois)",
		"the import ran past its deadline of %s (the limit on an import's time): the rows decided before are in the report; import the file again for the rest (nothing is imported twice)"},
	LimitOneAtATime: {"un import de ce jeton est déjà en cours (limite d’un import à la fois par jeton) : attendez qu’il finisse",
		"an import by this token is already running (the limit of one import at a time per token): wait until it ends"},
}

// In tells the refusal in language ("fr", else English), where it is.
func (e *LimitError) In(language string) string {
	words, fr := limitWords[e.Limit], language == "fr"
	text := words[1]
	if fr {
		text = words[0]
	}
	msg := text
	if strings.Contains(text, "%s") { // one at a time has no figure
		msg = fmt.Sprintf(text, e.figure(fr))
	}
	if e.Sheet != "" && e.Row > 0 {
		where := fmt.Sprintf("%s %s %d", e.Sheet, say(language, "row"), e.Row)
		if fr {
			return where + " : " + msg // a space before the colon in French only
		}
		return where + ": " + msg
	}
	return msg
}

// figure writes the limit's value for a person: sizes in Mo/MB or Ko/KB,
// durations in minutes or seconds, counts with a thousands separator.
func (e *LimitError) figure(fr bool) string {
	switch e.Limit {
	case LimitFileBytes, LimitDecompressedBytes, LimitRowBytes, LimitCellBytes, LimitTextBytes, LimitSharedStringBytes:
		unit, n := [2]string{"Mo", "MB"}, e.Value>>20
		if e.Value < 1<<20 {
			unit, n = [2]string{"Ko", "KB"}, e.Value>>10
		}
		if fr {
			return fmt.Sprintf("%s %s", thousands(n, fr), unit[0])
		}
		return fmt.Sprintf("%s %s", thousands(n, fr), unit[1])
	case LimitDeadline:
		d := time.Duration(e.Value) * time.Millisecond
		switch {
		case d >= time.Minute && d%time.Minute == 0:
			return fmt.Sprintf("%d min", d/time.Minute)
		case d >= time.Second && d%time.Second == 0:
			return fmt.Sprintf("%d s", d/time.Second)
		}
		return fmt.Sprintf("%d ms", e.Value)
	}
	return thousands(e.Value, fr)
}

// thousands writes n grouped by thousands, as each language writes it
// (a narrow no-break space in French).
func thousands(n int64, fr bool) string {
	s := fmt.Sprint(n)
	sep := ","
	if fr {
		sep = "\u202f"
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}
