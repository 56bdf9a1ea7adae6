package read

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
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
	// inclusion is nil but for a whole past service (At): its spaces
	// place the commitments made at them.
	inclusion *inclusion.Model
}

var _ projections.Projection = (*pastRecords)(nil)

func (p *pastRecords) models() []projections.Projection {
	out := []projections.Projection{p.frameworks, p.commitments, p.outcomes, p.stakeholders}
	if p.inclusion != nil {
		out = append(out, p.inclusion)
	}
	return out
}

// Name names the models replayed, so that the past views' cache keeps the
// report's and the service's apart.
func (p *pastRecords) Name() string {
	var names []string
	for _, m := range p.models() {
		names = append(names, m.Name())
	}
	return strings.Join(names, "+")
}

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

// recordsAt are the record models as recorded at a moment, with the
// inclusion model's spaces when asked; replays are paced per token.
func (s *Service) recordsAt(ctx context.Context, v Viewer, at time.Time, withSpaces bool) (*pastRecords, error) {
	return replayed(ctx, s, v, at, func() *pastRecords {
		p := &pastRecords{frameworks: frameworks.New(), commitments: commitments.New(s.cfg.Clock), outcomes: outcomes.New(), stakeholders: stakeholders.New()}
		if withSpaces {
			p.inclusion = s.cfg.Inclusion.Blank()
		}
		return p
	})
}

// notToCome refuses a moment after today (UTC): the start of a month not
// yet begun is after every record, so a view "as of" a day to come would
// publish what is still being recorded and, made again later, differ.
// Today is taken, as a report is said to be submitted on a date.
func (s *Service) notToCome(at time.Time) error {
	if last := endOfDay(s.cfg.Clock()); at.After(last) {
		return BadInput("asOf", "%s is after today (%s): a report or a publication is as recorded on a day that has come", at.UTC().Format(time.RFC3339), last.Format(time.DateOnly))
	}
	return nil
}

// At is the read service as the log stood at a past moment: its records
// (commitments, stakeholders, outcomes, frameworks, spaces) replayed
// together to it, in one read of the log, and its inclusion views seen
// at it when they name no moment of their own (for a role answered from
// the base table, at the start of its month). A publication reads through
// it, so that made again later for the same moment it is the same.
// Returns a BAD_USER_INPUT on asOf for a moment after today.
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
	past, err := s.recordsAt(ctx, v, at.UTC(), true)
	if err != nil {
		return nil, err
	}
	then := *s
	then.cfg.Frameworks, then.cfg.Commitments, then.cfg.Outcomes = past.frameworks, past.commitments, past.outcomes
	then.cfg.Stakeholders, then.cfg.Inclusion, then.cfg.Participants = past.stakeholders, past.inclusion, nil
	then.at = at.UTC()
	then.byKind = then.kinds() // its rules read its own models
	return &then, nil
}
