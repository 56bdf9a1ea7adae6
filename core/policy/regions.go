package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/registry"
)

// inRegions is the region rule for a sender scoped to regions: the object
// is in their regions after the command, it is visible to them (else the
// command is decided as on a missing one), and it was in their regions. The
// references are the handler's, through meta.Sees.
func (p *Policy) inRegions(ctx context.Context, v read.Viewer, id domain.ID, cmd domain.Command, meta commands.Meta) error {
	category, creates, err := commands.KindOf(cmd)
	if err != nil {
		return err
	}
	target := domain.Ref{Category: category, ID: id}
	// Where the object will be is judged first: an import derives ids from
	// a region and a name anyone can compute, so a creation outside the
	// sender's regions must be refused before its id is looked at.
	if field, region, known := p.after(v, cmd); known {
		if err := mayWrite(v, field, region); err != nil {
			return err
		}
	}
	switch before, visible := p.cfg.Read.RegionOf(v, target); {
	case creates && !visible:
		// A new object, or another region's under this id: the handler
		// would tell the second apart (a repeat returns its first result),
		// so it is answered here as any taken id is.
		taken, err := p.cfg.Handler.Exists(ctx, target)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("%w: %s", commands.ErrCommandIDReused, meta.CommandID)
		}
	case !visible:
		return commands.DecideMissing(p.cfg.Handler, cmd)
	case !creates:
		return mayWrite(v, "region", before)
	}
	return nil
}

// after is the region a command leaves its object in, and the field that
// sets it, as the command's aggregate describes it (domain.Aggregate.Puts);
// known is false when the command leaves the region as it was, or takes it
// from a reference the sender may not see (which the handler decides as
// missing).
func (p *Policy) after(v read.Viewer, cmd domain.Command) (field, region string, known bool) {
	agg, ok := registry.Of(cmd)
	if !ok {
		return "", "", false
	}
	where, field, ok := agg.PutsOf(cmd)
	switch {
	case !ok:
		return "", "", false
	case where.Of == nil:
		return field, where.Region, true
	}
	region, known = p.cfg.Read.RegionOf(v, *where.Of)
	return field, region, known
}

// mayWrite: a region must be one of the sender's. An object without a
// region (a national or international stakeholder, a commitment of one
// made at no space) is every region's, and no facilitator holds every
// region.
func mayWrite(v read.Viewer, field, region string) error {
	switch {
	case region == "" && !v.InRegion(""):
		return domain.Reject(field, "is every region's (national or international level): only an admin or advocacy may write it")
	case !v.InRegion(region):
		return domain.Reject(field, "%q is not one of your regions (%s)", region, strings.Join(v.Regions, ", "))
	}
	return nil
}
