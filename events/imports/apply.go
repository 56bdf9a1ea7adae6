package imports

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
)

// Where implements Row.
func (p Plan) Where() Record { return p.Submission.Record }

// Planned implements Row.
func (p Plan) Planned() []Problem { return p.Problems }

// step is one command of a submission: on id, under its own command id.
type step struct {
	id, commandID domain.ID
	cmd           domain.Command
	row           Record // where its refusal is told
	question      string // the question a refusal without a field names
}

// run decides a submission, then writes it unless the import is a dry
// run. Its dialogue is held when there is none; when there is one, this
// version of the submission corrects it, unless this version was applied
// before or is older than what is there (an export taken before an edit):
// then nothing changes. Its commitments are reconciled slot by slot
// (commitmentSteps). A failure that is not the store's is the row's
// refusal, never the file's end.
func (p Plan) run(ctx context.Context, h *commands.Handler, send Sender, opts Options) (Outcome, []Problem, error) {
	outcome, problems, err := p.apply(ctx, h, send, opts)
	if err != nil && !stopsTheFile(err) {
		return Refused, []Problem{p.unapplied()}, nil
	}
	return outcome, problems, err
}

// stopsTheFile tells the store's failures and an ending context, which
// stop an import, from what only one row meets.
func stopsTheFile(err error) bool {
	for _, stop := range []error{context.Canceled, context.DeadlineExceeded, events.ErrUnavailable, events.ErrStoreFailed, events.ErrClosed, events.ErrLocked, commands.ErrNoCodeKey} {
		if errors.Is(err, stop) {
			return true
		}
	}
	return false
}

func (p Plan) unapplied() Problem {
	var d domain.Problems
	d.Add("", "this submission could not be applied: the other rows go on; tell your administrator")
	return Problem{Sheet: p.Submission.Sheet, Row: p.Submission.Row, Problem: d[0]}
}

func (p Plan) apply(ctx context.Context, h *commands.Handler, send Sender, opts Options) (Outcome, []Problem, error) {
	file := p.file
	if file == nil {
		file = newFileState()
	}
	held, _, err := commands.Dialogue.Load(ctx, h, p.DialogueID)
	if err != nil {
		return Refused, nil, err
	}
	steps, outcome, problems, err := p.dialogueStep(ctx, send, held)
	if outcome == Already || problems != nil || err != nil {
		return outcome, problems, err
	}
	pending, problems, err := p.enrolments(ctx, h, send, held, file)
	if problems != nil || err != nil {
		return Refused, problems, err
	}
	if problems, err := p.awaitedKnown(ctx, h, file); problems != nil || err != nil {
		return Refused, problems, err
	}
	more, problems, err := p.commitmentSteps(ctx, h)
	if problems != nil || err != nil {
		return Refused, problems, err
	}
	steps = append(steps, more...)
	if len(steps) == 0 && len(pending) == 0 {
		return Already, nil, nil
	}
	unwritten := func(id domain.ID) bool { return pending[id] || (opts.DryRun && file.known(id)) }
	for _, s := range steps {
		_, err := send.Send(ctx, s.id, checked(s.cmd, unwritten, held.Exists), meta(s.commandID, true), nil)
		if problems, err := p.refusal(err, s.row, s.question); problems != nil || err != nil {
			return Refused, problems, err
		}
	}
	if opts.DryRun {
		for id := range pending {
			file.enrol(id)
		}
		return Checked, nil, nil
	}
	for _, e := range p.Enrolments {
		if pending[e.ID] {
			if _, err := send.Send(ctx, e.ID, e.Cmd, meta(e.ID, false), nil); err != nil {
				problems, err := p.refusal(err, e.Row, "participantCode")
				return Refused, problems, err
			}
			file.enrol(e.ID)
		}
	}
	for _, s := range steps {
		if _, err := send.Send(ctx, s.id, s.cmd, meta(s.commandID, false), nil); err != nil {
			problems, err := p.refusal(err, s.row, s.question)
			return Refused, problems, err
		}
	}
	return outcome, nil, nil
}

// checked is what a dry run decides of a command: without the attendees
// not enrolled yet (the row enrols them first), and a commitment as made
// outside a dialogue not written yet.
func checked(cmd domain.Command, unwritten func(domain.ID) bool, dialogueThere bool) domain.Command {
	keep := func(as []dialogue.Attendee) []dialogue.Attendee {
		return slices.DeleteFunc(slices.Clone(as), func(a dialogue.Attendee) bool { return unwritten(a.ParticipantID) })
	}
	switch c := cmd.(type) {
	case dialogue.Hold:
		c.Attendees = keep(c.Attendees)
		return c
	case dialogue.Correct:
		c.Attendees = keep(c.Attendees)
		return c
	case commitment.Make:
		if !dialogueThere {
			c.DialogueID = nil
		}
		return c
	}
	return cmd
}

// dialogueStep decides what this version does to the dialogue: hold it,
// correct it, or nothing (Already: this version, or a later one, is
// there).
func (p Plan) dialogueStep(ctx context.Context, send Sender, held dialogue.State) ([]step, Outcome, []Problem, error) {
	rec := p.Submission.Record
	switch {
	case !held.Exists:
		return []step{{id: p.DialogueID, commandID: p.CommandID, cmd: dialogue.Hold{Record: p.Dialogue}, row: rec, question: "spaceId"}}, Imported, nil, nil
	case sameRecord(held.Record, p.Dialogue):
		return nil, Corrected, nil, nil // its commitments may still change
	case p.Submission.First():
		return nil, Already, nil, nil // an export taken before an edit
	}
	correct := dialogue.Correct{Record: p.Dialogue}
	for _, id := range p.laterVersions() {
		res, err := send.Send(ctx, p.DialogueID, checked(correct, func(domain.ID) bool { return true }, true), meta(id, true), nil)
		if res.Repeated || errors.Is(err, commands.ErrCommandIDReused) {
			return nil, Already, nil, nil // this version, or a later one, was applied
		}
	}
	return []step{{id: p.DialogueID, commandID: p.CommandID, cmd: correct, row: rec, question: "spaceId"}}, Corrected, nil, nil
}

// laterVersions are the command ids a version, or one after it, was
// applied under: this version's, and for Central's numbered edits the
// next ones' (up to laterEdits after it, an export seldom skipping more).
func (p Plan) laterVersions() []domain.ID {
	ids := []domain.ID{p.CommandID}
	for n := p.edits + 1; p.edits > 0 && n <= p.edits+laterEdits; n++ {
		ids = append(ids, p.editID(n))
	}
	return ids
}

const laterEdits = 20

// sameRecord compares what two records say, as their events would.
func sameRecord(a, b dialogue.Record) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// commitmentSteps reconciles the commitments heard with those an earlier
// version made, slot by slot (a slot is a row of the commitments'
// repeat): one made for a new slot; a due date revised; one reworded or
// given to another stakeholder withdrawn and the new one made; one the
// edit dropped withdrawn. A commitment followed up in palabre (fulfilled
// or broken) is not replaced: the row is refused, to be corrected there.
func (p Plan) commitmentSteps(ctx context.Context, h *commands.Handler) ([]step, []Problem, error) {
	var steps []step
	for slot := 0; ; slot++ {
		current, gen, err := p.currentCommitment(ctx, h, slot)
		if err != nil {
			return nil, nil, err
		}
		if slot >= len(p.Commitments) && gen < 0 {
			return steps, nil, nil
		}
		withdraw := func(note string) step {
			return step{id: p.commitmentID(slot, gen), commandID: p.ids("commitment", strconv.Itoa(slot), "withdraw", strconv.Itoa(gen)),
				cmd: commitment.Withdraw{On: current.Promise.MadeOn, Note: note}, row: p.Submission.Record, question: "commitments"}
		}
		if slot >= len(p.Commitments) {
			if current.Status == commitment.Open {
				steps = append(steps, withdraw(droppedNote))
			}
			continue
		}
		c := p.Commitments[slot]
		made := step{id: p.commitmentID(slot, gen+1), commandID: p.commitmentID(slot, gen+1), cmd: c.Cmd, row: c.Row, question: "stakeholderId"}
		switch {
		case gen < 0:
			steps = append(steps, made)
		case current.Promise.StakeholderID == c.Cmd.StakeholderID && current.Promise.Text == c.Cmd.Text:
			if due := c.Cmd.DueOn; current.Status == commitment.Open && !due.IsZero() && due != current.Promise.DueOn {
				steps = append(steps, step{id: p.commitmentID(slot, gen), commandID: p.ids("commitment", strconv.Itoa(slot), "due", strconv.Itoa(gen), due.String()),
					cmd: commitment.ReviseDueDate{DueOn: due, Reason: revisedNote}, row: c.Row, question: "dueOn"})
			}
		case current.Status == commitment.Open:
			steps = append(steps, withdraw(rewordedNote), made)
		case current.Status == commitment.Withdrawn:
			steps = append(steps, made)
		default:
			var d domain.Problems
			d.Add("text", "this commitment is followed up in palabre (fulfilled or broken): an edit of the submission does not replace it; correct it in palabre")
			return nil, []Problem{{Sheet: c.Row.Sheet, Row: c.Row.Row, Column: c.Row.Header("text"), Problem: d[0]}}, nil
		}
	}
}

// What a commitment changed by an edit says in its history (data, in the
// deployment's language).
const (
	droppedNote  = "Retiré à l’import : la soumission modifiée ne contient plus cet engagement."
	rewordedNote = "Retiré à l’import : la soumission modifiée le reformule ou le prête à une autre partie prenante."
	revisedNote  = "Échéance corrigée par une modification de la soumission."
)

// currentCommitment is a slot's latest commitment and its generation
// (-1: the slot has none yet).
func (p Plan) currentCommitment(ctx context.Context, h *commands.Handler, slot int) (commitment.State, int, error) {
	var current commitment.State
	for gen := 0; ; gen++ {
		s, _, err := commands.Commitment.Load(ctx, h, p.commitmentID(slot, gen))
		if err != nil || !s.Exists {
			return current, gen - 1, err
		}
		current = s
	}
}

// enrolments checks the new attendees' enrolments, in the region of the
// dialogue's space, and returns those not enrolled yet. An earlier
// submission may have enrolled the same code: that person is the
// attendee.
func (p Plan) enrolments(ctx context.Context, h *commands.Handler, send Sender, held dialogue.State, file *fileState) (map[domain.ID]bool, []Problem, error) {
	if len(p.Enrolments) == 0 {
		return nil, nil, nil
	}
	spaceID := p.Dialogue.SpaceID
	if held.Exists {
		spaceID = held.Record.SpaceID
	}
	where, _, err := commands.Space.Load(ctx, h, spaceID)
	if err != nil {
		return nil, nil, err
	}
	pending := map[domain.ID]bool{}
	for i := range p.Enrolments {
		e := &p.Enrolments[i]
		if file.known(e.ID) {
			continue // by an earlier submission of the file
		}
		e.Cmd.Region = where.Details.Region
		res, err := send.Send(ctx, e.ID, e.Cmd, meta(e.ID, true), nil)
		if errors.Is(err, commands.ErrCommandIDReused) {
			continue // enrolled by another submission, with its profile
		}
		if problems, err := p.refusal(err, e.Row, "participantCode"); problems != nil || err != nil {
			return nil, codesAt(problems, e.Row.Header("participantCode")), err
		}
		if !res.Repeated {
			pending[e.ID] = true
		}
	}
	return pending, nil, nil
}

// awaitedKnown checks that the attendees no one had the code of when the
// file was planned were enrolled since, by an earlier submission.
func (p Plan) awaitedKnown(ctx context.Context, h *commands.Handler, file *fileState) ([]Problem, error) {
	var problems []Problem
	for _, a := range p.awaited {
		if file.known(a.ID) {
			continue
		}
		s, _, err := commands.Participant.Load(ctx, h, a.ID)
		if err != nil {
			return nil, err
		}
		if !s.Exists {
			var d domain.Problems
			d.Add("participantCode", "no participant has the code %s: enrol them first, or answer yes to “not yet enrolled” with their profile", a.Code)
			problems = append(problems, Problem{Sheet: a.Row.Sheet, Row: a.Row.Row, Column: a.Row.Header("participantCode"), Problem: d[0]})
		}
	}
	return problems, nil
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

// repeatField is a domain field inside a repeat ("attendees[2].participantId").
var repeatField = regexp.MustCompile(`^(attendees|concerns)\[(\d+)\]\.(\w+)$`)

// refusal is refusal with the domain's fields told as the export's
// columns, on the repeat's row they come from: "headcount.withDisabilities"
// is "headcount/withDisabilities" of the submission's row,
// "attendees[1].participantId" the second attendee's participantCode.
func (p Plan) refusal(err error, r Record, question string) ([]Problem, error) {
	problems, err := refusal(err, r, question)
	for i, pr := range problems {
		rec, name := r, pr.Field
		if m := repeatField.FindStringSubmatch(name); m != nil {
			if n, _ := strconv.Atoi(m[2]); n < len(p.Submission.Repeats[m[1]]) {
				rec, name = p.Submission.Repeats[m[1]][n], m[3]
			}
		}
		problems[i].Sheet, problems[i].Row, problems[i].Column = rec.Sheet, rec.Row, columnOf(rec, cmp.Or(name, question))
	}
	return problems, err
}

// columnOf is the export's column a domain field comes from: the
// innermost part of its path the export has a column for
// ("consent.given" is "consent"), as the export heads it.
func columnOf(r Record, field string) string {
	if j := strings.IndexByte(field, '['); j >= 0 {
		field = field[:j]
	}
	parts := strings.Split(field, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		name := parts[i]
		if name == "participantId" {
			name = "participantCode"
		}
		if r.Has(name) {
			return r.Header(name)
		}
	}
	return field
}
