package imports

import (
	"context"
	"errors"
	"sync"

	"github.com/palabre/palabre/events/commands"
)

// Importer is the one way in for an import, whatever its door (the
// server's upload, `palabre import` here or through a server): it holds
// the limits, admits one import at a time per importer, and reads, plans
// and runs a file within them. Safe for concurrent use.
type Importer struct {
	limits  Limits
	mu      sync.Mutex
	running map[string]bool
}

// NewImporter is an Importer within limits (DefaultLimits for most).
func NewImporter(limits Limits) *Importer {
	return &Importer{limits: limits, running: map[string]bool{}}
}

// Limits are the importer's.
func (im *Importer) Limits() Limits { return im.limits }

// Job is one file to import, and for whom.
type Job struct {
	// By is who imports (a token's id): one import at a time each.
	By string
	// Name is the file's name, whose extension says how it is read.
	Name string
	Data []byte
	// Mapping, nil for palabre's own form and registers.
	Mapping   *Mapping
	Directory Directory
	// Handler reads what rows name; Send sends their commands by the
	// importer's rules (see Run).
	Handler *commands.Handler
	Send    Sender
	Options Options
}

// Import reads, plans and runs job's file within the importer's limits.
//
// Returns a *LimitError (errors.Is ErrLimit) when a limit refuses the
// file before any row runs, or when the deadline passes between rows: the
// report then holds the rows decided before it. Returns
// commands.ErrNoCodeKey when the directory has no key, a plain error for a
// file that is not an export, and Run's errors.
func (im *Importer) Import(ctx context.Context, job Job) (Report, error) {
	leave, err := im.enter(job.By)
	if err != nil {
		return Report{}, err
	}
	defer leave()
	if len(job.Directory.Key) == 0 {
		return Report{}, commands.ErrNoCodeKey
	}
	timed, cancel := context.WithTimeout(ctx, im.limits.Deadline)
	defer cancel()
	past := func(err error) error {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return &LimitError{Limit: LimitDeadline, Value: im.limits.Deadline.Milliseconds()}
		}
		return err
	}
	tables, err := ReadWithin(timed, job.Name, job.Data, im.limits)
	if err != nil {
		return Report{}, past(err)
	}
	rows, err := PlanTables(tables, job.Directory, job.Mapping)
	if err != nil {
		return Report{}, err
	}
	if err := timed.Err(); err != nil {
		return Report{}, past(err)
	}
	opts := job.Options
	opts.RefusalsPerKind = im.limits.RefusalsPerKind
	opts.Parallel = parallelRows
	report, err := Run(timed, job.Handler, job.Send, rows, opts)
	var limit *LimitError
	if err = past(err); errors.As(err, &limit) {
		limit.Done = len(report.Results)
	}
	return report, err
}

// parallelRows is how many rows of an import run at once: enough to
// share the disk's syncs (see events/pebblestore's figures), few enough
// that an import leaves the server's cores to others.
const parallelRows = 16

// enter admits one import at a time per importer; leave lets the next in.
func (im *Importer) enter(by string) (leave func(), err error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.running[by] {
		return nil, &LimitError{Limit: LimitOneAtATime, Value: 1}
	}
	im.running[by] = true
	return func() {
		im.mu.Lock()
		defer im.mu.Unlock()
		delete(im.running, by)
	}, nil
}
