package read

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/stakeholders"
)

// What was recorded by a past moment: a donor report and a publication
// made again later for the same moment read the log as it stood then, so
// that they are the same, byte for byte, whatever was recorded since.

// pastRecords are the record models replayed together to a moment, in one
// read of the log: a report as of a moment costs two replays (these and
// the inclusion figures at the start of the month), not one per model.
type pastRecords struct {
	frameworks   *frameworks.Model
	commitments  *commitments.Model
	outcomes     *outcomes.Model
	stakeholders *stakeholders.Model
}

var _ projections.Projection = (*pastRecords)(nil)

func (p *pastRecords) models() []projections.Projection {
	return []projections.Projection{p.frameworks, p.commitments, p.outcomes, p.stakeholders}
}

func (p *pastRecords) Name() string { return "frameworks+commitments+outcomes+stakeholders" }

func (p *pastRecords) Version() int { return 1 } // in memory only: never compared

func (p *pastRecords) Reset() {
	for _, m := range p.models() {
		m.Reset()
	}
}

func (p *pastRecords) Apply(e projections.Event) error {
	for _, m := range p.models() {
		if err := m.Apply(e); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot and Restore: a past view lives in memory only.
func (p *pastRecords) Snapshot(io.Writer) error { return errNoSnapshot }
func (p *pastRecords) Restore(io.Reader) error  { return errNoSnapshot }

var errNoSnapshot = errors.New("a past view is not snapshotted")

// recordsAt are the record models as recorded at a moment; replays are
// paced per token.
func (s *Service) recordsAt(ctx context.Context, v Viewer, at time.Time) (*pastRecords, error) {
	return replayed(ctx, s, v, at, func() *pastRecords {
		return &pastRecords{frameworks: frameworks.New(), commitments: commitments.New(s.cfg.Clock), outcomes: outcomes.New(), stakeholders: stakeholders.New()}
	})
}

// notToCome refuses a moment after today (UTC): the start of a month not
// yet begun is after every record, so a view "as of" a day to come would
// publish what is still being recorded and, made again later, differ.
// Today is taken: a report as of it is as of the moment it is made
// (reportSources), which its stamp says.
func (s *Service) notToCome(at time.Time) error {
	if last := endOfDay(s.cfg.Clock()); at.After(last) {
		return BadInput("asOf", "%s is after today (%s): a report or a publication is as recorded on a day that has come", at.UTC().Format(time.RFC3339), last.Format(time.DateOnly))
	}
	return nil
}

// At is the read service as the log stood at a past moment: its records
// (commitments, stakeholders, outcomes, frameworks) replayed together to
// it, in one read of the log, and its inclusion model — its figures and
// its spaces — as recorded at the start of that moment's month, for every
// role, as the base table publishes past views (a second read). A
// publication reads through it, so that made again later for the same
// moment it is the same. Returns a BAD_USER_INPUT on asOf for a moment
// after today.
//
// Participants are not replayed: a past service opens no record of a
// person, and reads none.
func (s *Service) At(ctx context.Context, v Viewer, at time.Time) (*Service, error) {
	if err := s.notToCome(at); err != nil {
		return nil, err
	}
	if s.cfg.Inclusion == nil {
		return nil, BadInput("asOf", "past views are not available on this server")
	}
	past, err := s.recordsAt(ctx, v, at.UTC())
	if err != nil {
		return nil, err
	}
	figuresAt := MonthStart(at)
	spaces, err := s.modelAt(ctx, v, figuresAt)
	if err != nil {
		return nil, err
	}
	then := *s
	then.cfg.Frameworks, then.cfg.Commitments, then.cfg.Outcomes = past.frameworks, past.commitments, past.outcomes
	then.cfg.Stakeholders, then.cfg.Inclusion, then.cfg.Participants = past.stakeholders, spaces, nil
	then.figuresAt, then.present = figuresAt, s.today()
	then.byKind = then.kinds() // its rules read its own models
	return &then, nil
}
