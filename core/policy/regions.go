package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
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
// sets it; known is false when the command leaves the region as it was,
// or takes it from a reference the sender may not see (which the handler
// decides as missing).
func (p *Policy) after(v read.Viewer, cmd domain.Command) (field, region string, known bool) {
	regionOf := func(category string, id domain.ID) (string, bool) {
		return p.cfg.Read.RegionOf(v, domain.Ref{Category: category, ID: id})
	}
	switch c := cmd.(type) {
	case space.Establish:
		return "region", c.Region, true
	case space.ChangeDetails:
		return "region", c.Region, true
	case stakeholder.Register:
		return "region", c.Region, true
	case stakeholder.ChangeDetails:
		return "region", c.Region, true
	case participant.Enrol:
		return "region", c.Region, true
	case participant.CorrectProfile:
		return "region", c.Region, true
	case dialogue.Hold:
		region, known = regionOf(space.Category, c.SpaceID)
		return "spaceId", region, known
	case commitment.Make:
		// Its space's region, else its stakeholder's.
		if c.SpaceID != nil {
			region, known = regionOf(space.Category, *c.SpaceID)
			return "spaceId", region, known
		}
		region, known = regionOf(stakeholder.Category, c.StakeholderID)
		return "stakeholderId", region, known
	}
	return "", "", false
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
