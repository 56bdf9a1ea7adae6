package read

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/disclosure"
	"github.com/palabre/palabre/core/pace"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// Config is what the service reads from; zero fields take defaults.
type Config struct {
	Inclusion    *inclusion.Model
	Commitments  *commitments.Model
	Stakeholders *stakeholders.Model
	Participants *participants.Model
	// Outcomes is optional: without it no outcome is found.
	Outcomes *outcomes.Model
	// Frameworks are the results frameworks; nil where the server has none.
	Frameworks *frameworks.Model
	// Handler reads objects' histories from the log.
	Handler *commands.Handler
	// AsOf answers inclusion views as they stood at a past moment; nil
	// where the server offers none.
	AsOf *projections.AsOf
	// SmallCells is the threshold below which counts are withheld from
	// roles without access to identities; default 5.
	SmallCells int
	// Disclosure is how those roles' figures are published; default
	// CellKey, which needs an inclusion model made with inclusion.NewKeyed.
	Disclosure Disclosure
	// CellKey are the perturbation's parameters; default
	// disclosure.DefaultParams.
	CellKey disclosure.Params
	// Replays bounds the past views one viewer's token may have replayed
	// from the log, cached ones free: this many at once, then one a
	// minute; default 4.
	Replays int
	// Clock dates "overdue" and paces replays; default time.Now.
	Clock func() time.Time
	// NameKey keys the blind index of names (see names.go): a secret
	// derived from the master key. Without it, lookups by name find no one.
	NameKey []byte
}

// Service answers every read of every transport.
type Service struct {
	cfg     Config
	release release
	replays *pace.Limiter
	byKind  map[string]kind // see kinds
	names   *nameIndex
	// figuresAt is when a past service's inclusion model was recorded
	// (At): the start of its moment's month; zero for the present.
	figuresAt time.Time
	// present is the service a past one was made from (At), whose models
	// say where each object is today and so who may see it (inScope); nil
	// for the present service itself.
	present *Service
}

// New checks the configuration and makes the service.
func New(cfg Config) (*Service, error) {
	if cfg.SmallCells <= 0 {
		cfg.SmallCells = 5
	}
	if cfg.Replays <= 0 {
		cfg.Replays = 4
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	rel, err := newRelease(cfg.Disclosure, cfg.SmallCells, cfg.CellKey, cfg.Inclusion == nil || cfg.Inclusion.Keyed())
	if err != nil {
		return nil, err
	}
	if rel.mode == CellKey && cfg.Inclusion != nil {
		// The base table publishes each cell once, through the table.
		cfg.Inclusion.UsePerturbation(rel.table.Perturb)
	}
	s := &Service{cfg: cfg, release: rel, replays: pace.New(cfg.Replays, time.Minute, cfg.Clock), names: newNameIndex(cfg.NameKey)}
	s.byKind = s.kinds()
	return s, nil
}

// Viewer is who reads: the token's principal, the log that takes the
// audit records of what they read, and whether they read an identity.
type Viewer struct {
	access.Principal
	Log zerolog.Logger
	// ReadIdentity is called after each identity is opened for them (a
	// transport keeps such answers out of its caches); may be nil.
	ReadIdentity func()
	// Language is the reader's, "fr" or "en": refusals are said in it.
	Language string
	// Leaves: the answer leaves the app — an export's file, a
	// publication — so it is given nothing kept for the alliance's own
	// pages (an outcome's locality: MayReadOutcomeLocality).
	Leaves bool
}

// stopped turns an ended context into ErrTimeout.
func stopped(ctx context.Context) error {
	if ctx.Err() != nil {
		return ErrTimeout
	}
	return nil
}
