package policy

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/keystore"
)

// Config is what the policy judges and runs commands with.
type Config struct {
	Handler *commands.Handler
	// Read says what a principal may see.
	Read *read.Service
	// Wait returns once the read models hold a position
	// (projections.Runner.WaitFor), for a Sender's read-your-writes; nil
	// where no read model follows the log (the command line's import,
	// whose operator is not scoped to regions).
	Wait func(context.Context, events.Position) error
	// Envelopes opens the identities devices seal to the server
	// (SendSealed);
	// nil: sealed identities are refused.
	Envelopes *keystore.Envelopes
}

// Policy judges every write.
type Policy struct{ cfg Config }

// New makes the policy.
func New(cfg Config) *Policy { return &Policy{cfg: cfg} }

// Allow reports whether the principal may do an operation, by the table:
// nil, or a *Forbidden.
func (p *Policy) Allow(who access.Principal, op Operation) error {
	r, ok := ruleOf(op)
	switch {
	case !ok:
		return fmt.Errorf("policy: no rule for %q", op) // a command added without its line in the table
	case !who.Can(r.Capability):
		return forbidden(op, false, "your token's role may not %s", r.Capability)
	case who.Session && !r.Session:
		return forbidden(op, true, "a browser session may not do this: send your token itself (Authorization: Bearer)")
	}
	return nil
}

// Send judges a command sent by a principal and, when it is allowed, runs
// it through the handler; meta's RecordedBy and Sees are the principal's,
// whatever meta says. identity is what an enrolment seals or a correction
// replaces (see commands.Send).
//
// Returns a *Forbidden for a role or a session that may not, a
// *domain.Problems for what the region rule refuses (another region's
// object answered exactly as a missing one), and otherwise the handler's
// errors.
func (p *Policy) Send(ctx context.Context, who access.Principal, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error) {
	cmd = p.regionCoded(cmd)
	meta, err := p.judge(ctx, who, id, cmd, meta)
	if err != nil {
		return commands.Result[domain.Event]{}, err
	}
	return commands.Send(ctx, p.cfg.Handler, id, cmd, meta, identity)
}

// regionCoded is a command with the region it puts its object in given
// as its code, found by the rule reads take a region by
// (read.Service.RegionCode): "Gao", " MOPTI " or a label are gao's. A
// name that is no region's is left as written, for the decider to refuse
// naming the field, in the reader's language.
func (p *Policy) regionCoded(cmd domain.Command) domain.Command {
	agg, ok := registry.Of(cmd)
	if !ok {
		return cmd
	}
	where, _, puts := agg.PutsOf(cmd)
	if !puts || where.Of != nil || where.Region == "" {
		return cmd
	}
	code, known := p.cfg.Read.RegionCode(where.Region)
	if !known || code == where.Region {
		return cmd
	}
	if placed, ok := agg.PlaceAny(cmd, code); ok {
		return placed.(domain.Command)
	}
	return cmd
}

// judge applies the table and the region rule to a command, and gives
// meta the principal's RecordedBy and Sees.
func (p *Policy) judge(ctx context.Context, who access.Principal, id domain.ID, cmd domain.Command, meta commands.Meta) (commands.Meta, error) {
	if err := p.Allow(who, Operation(cmd.CommandName())); err != nil {
		return meta, err
	}
	v := read.Viewer{Principal: who, Log: zerolog.Nop()}
	meta.RecordedBy, meta.Sees = who.Subject, p.cfg.Read.Sees(v)
	if meta.Sees != nil { // a sender scoped to regions
		if err := p.inRegions(ctx, v, id, cmd, meta); err != nil {
			return meta, err
		}
	}
	return meta, nil
}

// Forbidden refuses an operation to a role, or to a browser session. It
// unwraps to a *domain.Problems, so that an import reports it as a row's
// refusal like any other.
type Forbidden struct {
	Operation Operation
	// Session: the role may, but only with its token as a bearer.
	Session  bool
	problems domain.Problems
}

func forbidden(op Operation, session bool, format string, args ...any) *Forbidden {
	f := &Forbidden{Operation: op, Session: session}
	f.problems.Add("", format, args...)
	return f
}

func (f *Forbidden) Error() string { return f.problems[0].Reason }

// Unwrap gives the refusal as a problem without a field.
func (f *Forbidden) Unwrap() error { return &f.problems }

// In says the refusal in a language ("fr" or "en").
func (f *Forbidden) In(language string) string { return f.problems[0].In(language) }
