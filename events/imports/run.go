package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/space"
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
}

// Refused reports whether any row was refused (the CLI's exit status).
func (r Report) Refused() bool { return r.Counts[Refused] > 0 }

// Options say how to run an import.
type Options struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// RecordedBy is who the events are recorded by.
	RecordedBy string
	// Sees is what the importer may refer to (commands.Meta.Sees).
	Sees func(domain.Ref) bool
	// Allow says whether the importer may run a command on an object, by
	// the rules its mutation follows (role, regions); nil allows all.
	Allow func(ctx context.Context, id domain.ID, cmd any) error
}

// Row is one line of an export planned as commands: a submission (a
// dialogue and its commitments) or a line of a register.
type Row interface {
	// Where is the line, for the report.
	Where() Record
	// Planned are the problems found while planning: the row is refused
	// with them, unrun.
	Planned() []Problem
	// run checks every command of the row, then writes them unless the
	// import is a dry run.
	run(ctx context.Context, h *commands.Handler, opts Options) (Outcome, []Problem, error)
}

// Run imports planned rows through the command handler, each whole or not
// at all: every command of a row is first decided without being written,
// and only a row whose every part is accepted is written. Commands' ids
// derive from the rows, so a row imported before adds nothing.
func Run(ctx context.Context, h *commands.Handler, rows []Row, opts Options) (Report, error) {
	report := Report{Counts: map[Outcome]int{}}
	for _, row := range rows {
		where := row.Where()
		res := Result{Sheet: where.Sheet, Row: where.Row, Problems: row.Planned()}
		if len(res.Problems) == 0 {
			outcome, problems, err := row.run(ctx, h, opts)
			if err != nil {
				return report, fmt.Errorf("%s row %d: %w", where.Sheet, where.Row, err)
			}
			res.Outcome, res.Problems = outcome, problems
		}
		if len(res.Problems) > 0 {
			res.Outcome = Refused
		}
		report.Results = append(report.Results, res)
		report.Counts[res.Outcome]++
	}
	return report, nil
}

func (o Options) meta(id domain.ID, dry bool) commands.Meta {
	return commands.Meta{CommandID: ulid.ULID(id), RecordedBy: o.RecordedBy, Sees: o.Sees, DryRun: dry}
}

// allowed applies Allow to a command, as a refusal of the row's column.
func (o Options) allowed(ctx context.Context, r Record, column string, id domain.ID, cmd any) []Problem {
	if o.Allow == nil || o.Allow(ctx, id, cmd) == nil {
		return nil
	}
	var p domain.Problems
	p.Add(column, "is not yours to import: another region's, or your role may not write it")
	return []Problem{{Sheet: r.Sheet, Row: r.Row, Column: column, Problem: p[0]}}
}

// Where implements Row.
func (p Plan) Where() Record { return p.Submission.Record }

// Planned implements Row.
func (p Plan) Planned() []Problem { return p.Problems }

// run checks then writes one submission.
func (p Plan) run(ctx context.Context, h *commands.Handler, opts Options) (Outcome, []Problem, error) {
	hold := dialogue.Hold{Record: p.Dialogue}
	if problems := opts.allowed(ctx, p.Submission.Record, "spaceId", p.DialogueID, hold); problems != nil {
		return Refused, problems, nil
	}
	enrolments, problems, err := p.enrolments(ctx, h, opts)
	if problems != nil || err != nil {
		return Refused, problems, err
	}
	if len(enrolments) > 0 {
		// Checked without the people not yet enrolled, written with them.
		hold.Attendees = slices.DeleteFunc(slices.Clone(hold.Attendees), func(a dialogue.Attendee) bool { return enrolments[a.ParticipantID] })
	}
	correction := dialogue.CorrectAttendance{Attendance: p.Dialogue.Attendance}
	write := func(dry bool) (commands.Result[dialogue.Event], error) {
		return commands.Dialogue.Execute(ctx, h, p.DialogueID, hold, opts.meta(p.CommandID, dry))
	}
	res, err := write(true)
	if errors.Is(err, commands.ErrCommandIDReused) {
		// The dialogue is there and this is another version of its
		// submission (an edit): it corrects the attendance.
		write = func(dry bool) (commands.Result[dialogue.Event], error) {
			return commands.Dialogue.Execute(ctx, h, p.DialogueID, correction, opts.meta(p.CommandID, dry))
		}
		res, err = write(true)
	}
	edit := isCorrection(res)
	if problems, err := refusal(err, p.Submission.Record); problems != nil || err != nil {
		return Refused, problems, err
	}
	for _, c := range p.Commitments {
		if problems := opts.allowed(ctx, c.Row, "stakeholderId", c.ID, c.Cmd); problems != nil {
			return Refused, problems, nil
		}
		check := c.Cmd
		check.DialogueID = nil // not written yet: checked as made outside it
		_, err := commands.Commitment.Execute(ctx, h, c.ID, check, opts.meta(c.ID, true))
		if errors.Is(err, commands.ErrCommandIDReused) {
			continue // imported before, with its dialogue
		}
		if problems, err := refusal(err, c.Row); problems != nil || err != nil {
			return Refused, problems, err
		}
	}
	if opts.DryRun {
		if res.Repeated {
			return Already, nil, nil
		}
		return Checked, nil, nil
	}
	for _, e := range p.Enrolments {
		if enrolments[e.ID] {
			if _, err := h.Enrol(ctx, e.ID, e.Cmd, keystore.Identity{}, opts.meta(e.ID, false)); err != nil {
				problems, err := refusal(err, e.Row)
				return Refused, problems, err
			}
		}
	}
	hold.Attendees = p.Dialogue.Attendees
	res, err = write(false)
	if problems, err := refusal(err, p.Submission.Record); problems != nil || err != nil {
		return Refused, problems, err
	}
	added := !res.Repeated || len(enrolments) > 0
	for _, c := range p.Commitments {
		r, err := commands.Commitment.Execute(ctx, h, c.ID, c.Cmd, opts.meta(c.ID, false))
		if problems, err := refusal(err, c.Row); problems != nil || err != nil {
			return Refused, problems, err
		}
		added = added || !r.Repeated
	}
	switch {
	case !added:
		return Already, nil, nil
	case edit:
		return Corrected, nil, nil
	}
	return Imported, nil, nil
}

// enrolments checks the new attendees' enrolments, in the space's region,
// and returns those not enrolled yet. An earlier submission of the file
// may have enrolled the same code: that person is the attendee.
func (p Plan) enrolments(ctx context.Context, h *commands.Handler, opts Options) (map[domain.ID]bool, []Problem, error) {
	if len(p.Enrolments) == 0 {
		return nil, nil, nil
	}
	if opts.Sees != nil && !opts.Sees(domain.Ref{Category: space.Category, ID: p.Dialogue.SpaceID}) {
		return nil, nil, nil // the dialogue is refused for its space
	}
	where, _, err := commands.Space.Load(ctx, h, p.Dialogue.SpaceID)
	if err != nil {
		return nil, nil, err
	}
	pending := map[domain.ID]bool{}
	for i := range p.Enrolments {
		e := &p.Enrolments[i]
		e.Cmd.Region = where.Details.Region
		if problems := opts.allowed(ctx, e.Row, "participantCode", e.ID, e.Cmd); problems != nil {
			return nil, problems, nil
		}
		res, err := h.Enrol(ctx, e.ID, e.Cmd, keystore.Identity{}, opts.meta(e.ID, true))
		if errors.Is(err, commands.ErrCommandIDReused) {
			continue // enrolled by another submission, with its profile
		}
		if problems, err := refusal(err, e.Row); problems != nil || err != nil {
			return nil, codesAt(problems, "participantCode"), err
		}
		if !res.Repeated {
			pending[e.ID] = true
		}
	}
	return pending, nil, nil
}

// codesAt names a refused enrolment's code column for a code's problem.
func codesAt(problems []Problem, column string) []Problem {
	for i := range problems {
		if problems[i].Column == "code" {
			problems[i].Column = column
		}
	}
	return problems
}

// isCorrection: the events decided correct an attendance.
func isCorrection(r commands.Result[dialogue.Event]) bool {
	for _, e := range r.Events {
		if _, ok := e.(dialogue.AttendanceCorrected); ok {
			return true
		}
	}
	return false
}

// refusal turns a command's refusal into the row's problems; other errors
// (the store's) stop the import.
func refusal(err error, r Record) ([]Problem, error) {
	var problems *domain.Problems
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &problems):
		out := make([]Problem, len(*problems))
		for i, p := range *problems {
			out[i] = Problem{Sheet: r.Sheet, Row: r.Row, Column: p.Field, Problem: p}
		}
		return out, nil
	}
	return nil, err
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
	return WriteTotals(w, language, r.Counts)
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

// WriteProblem writes one line of a report: where, and why.
func WriteProblem(w io.Writer, language, sheet string, row int, column, reason string) error {
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
