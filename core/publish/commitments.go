package publish

import (
	"slices"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/projections/commitments"
)

// commitmentAt is a commitment as it stood at the cut-off: its follow-ups
// dated by then, the status they left, and the due date then in force.
func commitmentAt(p Policy, c commitments.Commitment, region string) Commitment {
	out := Commitment{id: c.ID, Region: region, Pillar: c.Pillar, Text: c.Text, MadeOn: c.MadeOn,
		Status: string(commitment.Open), DueOn: c.DueOn, Progress: []Progress{}}
	reports := 0
	revisedLater := false
	var dueAtCutoff domain.Date
	for _, u := range c.History {
		if u.Kind == "progress" {
			reports++
		}
		if !p.Dated(u.On) {
			revisedLater = revisedLater || u.Kind == "due-date-revised"
			continue
		}
		switch u.Kind {
		case "due-date-revised":
			dueAtCutoff = u.DueOn
			continue
		case string(commitment.Fulfilled), string(commitment.Broken), string(commitment.Withdrawn):
			out.Status, out.SettledOn = u.Kind, u.On
		}
		pr := Progress{On: u.On, Kind: u.Kind, Status: u.Status, EvidenceItems: len(u.Evidence)}
		if u.Kind == "progress" {
			pr.N = reports
		}
		out.Progress = append(out.Progress, pr)
	}
	if revisedLater {
		// The due date in force then is the last revision's by then; the
		// first one, before any revision, the read model no longer holds.
		out.DueOn = dueAtCutoff
	}
	return out
}

// tally counts commitments by status; its rate is the commitments read
// model's (fulfilled ÷ settled), here over statuses at the cut-off, which
// that model, holding only the present, cannot count.
func tally(key, label string, cs []Commitment) Rate {
	r := Rate{Key: key, Label: label}
	for _, c := range cs {
		r.Made++
		switch commitment.Status(c.Status) {
		case commitment.Open:
			r.Open++
		case commitment.Fulfilled:
			r.Fulfilled++
		case commitment.Broken:
			r.Broken++
		case commitment.Withdrawn:
			r.Withdrawn++
		}
	}
	if settled := r.Fulfilled + r.Broken; settled > 0 {
		rate := float64(r.Fulfilled) / float64(settled)
		r.Rate = &rate
	}
	return r
}

// rates are the fulfilment rates by authority and by region.
func rates(as []Authority) (byAuthority, byRegion []Rate) {
	regions := map[string][]Commitment{}
	for _, a := range as {
		byAuthority = append(byAuthority, tally(a.Ref, a.Name, a.Commitments))
		for _, c := range a.Commitments {
			if c.Region != "" {
				regions[c.Region] = append(regions[c.Region], c)
			}
		}
	}
	keys := make([]string, 0, len(regions))
	for r := range regions {
		keys = append(keys, r)
	}
	slices.Sort(keys)
	for _, r := range keys {
		byRegion = append(byRegion, tally(r, r, regions[r]))
	}
	return byAuthority, byRegion
}

// RatesIn are the rates of the authorities over their commitments in a
// region ("" for the commitments of no region), those with any there: a
// region's page lists who made the commitments its rate counts.
func (o *Observatory) RatesIn(region string) []Rate {
	var out []Rate
	for _, a := range o.Authorities {
		var there []Commitment
		for _, c := range a.Commitments {
			if c.Region == region {
				there = append(there, c)
			}
		}
		if len(there) > 0 {
			out = append(out, tally(a.Ref, a.Name, there))
		}
	}
	return out
}

// NoRegion reports whether any commitment published is of no region (an
// authority of no region's, made at no space).
func (o *Observatory) NoRegion() bool {
	for _, a := range o.Authorities {
		if slices.ContainsFunc(a.Commitments, func(c Commitment) bool { return c.Region == "" }) {
			return true
		}
	}
	return false
}
