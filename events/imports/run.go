package imports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

// Outcome is what became of a submission.
type Outcome string

const (
	Imported  Outcome = "imported"
	Corrected Outcome = "corrected" // an edited submission: the dialogue's attendance replaced
	Already   Outcome = "already"   // imported before: nothing added
	Refused   Outcome = "refused"
	Checked   Outcome = "checked" // a dry run found it acceptable
)

// Result is one row's line of the report.
type Result struct {
	Sheet    string
	Row      int
	Outcome  Outcome
	Problems []Problem
}

// Report is an import's, row by row, and its totals.
type Report struct {
	Results []Result
	Counts  map[Outcome]int
	// Beyond counts, per kind, the refusals left out of Results once
	// Options.RefusalsPerKind of that kind were listed.
	Beyond []Summary
}

// Summary is a kind of refusal beyond those listed: its first instance
// not listed, and how many there were.
type Summary struct {
	Example Problem
	Count   int
}

// Refused reports whether any row was refused (the CLI's exit status).
func (r Report) Refused() bool { return r.Counts[Refused] > 0 }

// Options say how to run an import.
type Options struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// RefusalsPerKind is how many problems of one kind (a column and a
	// reason) the report lists; beyond them it counts them in
	// Report.Beyond. 0 lists every one.
	RefusalsPerKind int
	// Parallel is how many rows may run at once (see runRows); 0 or 1
	// runs them one at a time. The Sender must then be safe for
	// concurrent use.
	Parallel int
}

// Sender sends the importer's commands by the importer's rules (the write
// policy bound to their principal), so that a file can do nothing its
// sender could not do another way. Its refusals are a *domain.Problems (or
// unwrap to one): a row's refusal, never the file's failure.
type Sender interface {
	// Send runs cmd on the object id, or only decides it when
	// meta.DryRun; identity is what an enrolment seals (see commands.Send).
	Send(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error)
}

// Row is one line of an export planned as commands: a submission (a
// dialogue and its commitments) or a line of a register.
type Row interface {
	// Where is the line, for the report.
	Where() Record
	// Planned are the problems found while planning: the row is refused
	// with them, unrun.
	Planned() []Problem
	// keys are the objects the row touches (see runRows), given the
	// people the file enrols; enrols are those it enrols.
	keys(enrolled map[domain.ID]bool) []domain.ID
	enrols() []domain.ID
	// run checks every command of the row, then writes them unless the
	// import is a dry run.
	run(ctx context.Context, h *commands.Handler, send Sender, opts Options) (Outcome, []Problem, error)
}

// Run imports planned rows through send, each whole or not at all: every
// command of a row is first decided without being written, and only a row
// whose every part is accepted is written. Commands' ids derive from the
// rows, so a row imported before adds nothing. h reads what a row's
// accepted commands name (the region of the space its new attendees are
// enrolled in).
//
// Every refusal of a row is in the report, the first
// opts.RefusalsPerKind of a kind in full; Run returns an error only when
// the store fails (ErrUnavailable and the like) or ctx ends, which is
// checked between rows only: a row is never cut. The report then holds
// the rows decided before. Rows run opts.Parallel at once, those touching
// the same object in the file's order (see runRows).
func Run(ctx context.Context, h *commands.Handler, send Sender, rows []Row, opts Options) (Report, error) {
	report := Report{Counts: map[Outcome]int{}}
	kinds := refusalKinds{limit: opts.RefusalsPerKind, seen: map[string]int{}}
	decided, err := runRows(ctx, h, send, rows, opts, opts.Parallel)
	for _, res := range decided {
		if res.err != nil {
			return report, res.err
		}
		if res.Outcome == Refused {
			res.Problems = kinds.keep(&report, res.Problems)
		}
		report.Results = append(report.Results, res.Result)
		report.Counts[res.Outcome]++
	}
	return report, err
}

// refusalKinds counts problems by kind (column and reason, before its
// values), so that a file refused 200,000 times for one reason answers a
// hundred lines and a count, not 200,000 lines.
type refusalKinds struct {
	limit int
	seen  map[string]int // kind → problems seen
	index map[string]int // kind → its summary in Report.Beyond
}

// keep returns the problems still listed, counting the others.
func (k *refusalKinds) keep(report *Report, problems []Problem) []Problem {
	if k.limit <= 0 {
		return problems
	}
	kept := problems[:0:0]
	for _, p := range problems {
		kind := p.Column + "\x00" + cmp.Or(p.Template, p.Reason)
		k.seen[kind]++
		if k.seen[kind] <= k.limit {
			kept = append(kept, p)
			continue
		}
		if k.index == nil {
			k.index = map[string]int{}
		}
		i, ok := k.index[kind]
		if !ok {
			i = len(report.Beyond)
			k.index[kind] = i
			report.Beyond = append(report.Beyond, Summary{Example: p})
		}
		report.Beyond[i].Count++
	}
	return kept
}

func meta(id domain.ID, dry bool) commands.Meta {
	return commands.Meta{CommandID: ulid.ULID(id), DryRun: dry}
}

// refusal turns a command's refusal into the row's problems, at column
// when the problem names no field. A repeated command id or a conflict
// is the row's too; other errors (the store's) stop the import.
func refusal(err error, r Record, column string) ([]Problem, error) {
	var refused *domain.Problems
	var p domain.Problems
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &refused):
		p = *refused
	case errors.Is(err, commands.ErrCommandIDReused):
		p.Add(column, "names an object that is already another one: this row was imported before with other answers")
	case errors.Is(err, commands.ErrConflict):
		p.Add(column, "what this row changes kept changing while it was imported: import the file again")
	default:
		return nil, err
	}
	out := make([]Problem, len(p))
	for i, problem := range p {
		out[i] = Problem{Sheet: r.Sheet, Row: r.Row, Column: cmp.Or(problem.Field, column), Problem: problem}
	}
	return out, nil
}

// Write writes the report for a person, in French or English: a line per
// problem of a row not imported, with its row, column and reason, then
// the totals. It never holds a name or phone: rows are numbers and codes.
func (r Report) Write(w io.Writer, language string) error {
	for _, res := range r.Results {
		if res.Outcome != Refused {
			continue
		}
		for _, p := range res.Problems {
			if err := WriteProblem(w, language, p.Sheet, p.Row, p.Column, p.In(language)); err != nil {
				return err
			}
		}
	}
	for _, b := range r.Beyond {
		if err := WriteBeyond(w, language, b.Count, b.Example.Column, b.Example.In(language)); err != nil {
			return err
		}
	}
	return WriteTotals(w, language, r.Counts)
}

// WriteBeyond writes a report's line for the refusals of a kind it does
// not list: how many, and the first of them.
func WriteBeyond(w io.Writer, language string, count int, column, example string) error {
	format := "… and %d more refusals of this kind (column %s), the first: %s\n"
	if language == "fr" {
		format = "… et %d autres refus de ce genre (colonne %s), dont le premier : %s\n"
	}
	_, err := fmt.Fprintf(w, format, count, column, example)
	return err
}

// reportWords are the report's words, French then English.
var reportWords = map[string][2]string{
	string(Imported): {"importé", "imported"}, string(Corrected): {"corrigé", "corrected"}, string(Already): {"déjà là", "already there"},
	string(Refused): {"refusé", "refused"}, string(Checked): {"accepté (essai : rien n’est écrit)", "accepted (dry run: nothing written)"},
	"row": {"ligne", "row"}, "column": {"colonne", "column"}, "total": {"Total", "Total"},
}

func say(language, word string) string {
	if language == "fr" {
		return reportWords[word][0]
	}
	return reportWords[word][1]
}

// WriteProblem writes one line of a report: where, and why. A problem of
// a whole file names no column.
func WriteProblem(w io.Writer, language, sheet string, row int, column, reason string) error {
	if column == "" {
		_, err := fmt.Fprintf(w, "%s %s %d : %s\n", sheet, say(language, "row"), row, reason)
		return err
	}
	_, err := fmt.Fprintf(w, "%s %s %d, %s %s : %s\n", sheet, say(language, "row"), row, say(language, "column"), column, reason)
	return err
}

// WriteTotals writes a report's last line: how many rows had each outcome.
func WriteTotals(w io.Writer, language string, counts map[Outcome]int) error {
	_, err := fmt.Fprintf(w, "%s : %d %s, %d %s, %d %s, %d %s, %d %s\n", say(language, "total"),
		counts[Imported], say(language, string(Imported)), counts[Corrected], say(language, string(Corrected)), counts[Already], say(language, string(Already)),
		counts[Checked], say(language, string(Checked)), counts[Refused], say(language, string(Refused)))
	return err
}
