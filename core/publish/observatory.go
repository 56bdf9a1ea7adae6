package publish

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/commitments"
)

// Observatory is everything a publication shows, and nothing else.
type Observatory struct {
	AsOf      domain.Date `json:"asOf"`
	DelayDays int         `json:"delayDays"`
	Cutoff    domain.Date `json:"cutoff"`
	// Authorities are those with a commitment published: by name when
	// Named, else by type and region.
	Authorities      []Authority `json:"authorities"`
	RatesByAuthority []Rate      `json:"ratesByAuthority"`
	RatesByRegion    []Rate      `json:"ratesByRegion"`
	Inclusion        []Cell      `json:"inclusion"`
	// InclusionTo is the last day the inclusion figures cover.
	InclusionTo domain.Date `json:"inclusionTo"`
	Outcomes    []Outcome   `json:"outcomes"`
}

// Authority is a stakeholder who made a commitment published.
type Authority struct {
	Ref string `json:"ref"`
	// Name is empty unless Named.
	Name        string       `json:"name"`
	Named       bool         `json:"named"`
	Type        string       `json:"type"`
	Level       string       `json:"level"`
	Region      string       `json:"region,omitempty"`
	Commitments []Commitment `json:"commitments"`
}

// Commitment is a commitment as the cut-off saw it.
type Commitment struct {
	Ref       string      `json:"ref"`
	Authority string      `json:"authority"` // the authority's Ref
	Region    string      `json:"region,omitempty"`
	Pillar    string      `json:"pillar"`
	Text      string      `json:"text"` // empty unless its authority is named and it names no place
	MadeOn    domain.Date `json:"madeOn"`
	DueOn     domain.Date `json:"dueOn"` // zero when unknown at the cut-off
	Status    string      `json:"status"`
	SettledOn domain.Date `json:"settledOn"`
	Progress  []Progress  `json:"progress"`
	id        domain.ID   // never published: the log's id
}

// Progress is one dated follow-up: its kind, a progress report's status,
// and how many items of evidence support it (their texts stay private).
type Progress struct {
	N             int         `json:"n"` // its rank among the commitment's progress reports, from 1
	On            domain.Date `json:"on"`
	Kind          string      `json:"kind"`
	Status        string      `json:"status,omitempty"`
	EvidenceItems int         `json:"evidenceItems"`
}

// Rate is the commitments of an authority or a region and the share kept.
type Rate struct {
	Key       string `json:"key"` // an authority's Ref or a region
	Label     string `json:"label"`
	Made      int    `json:"made"`
	Open      int    `json:"open"`
	Fulfilled int    `json:"fulfilled"`
	Broken    int    `json:"broken"`
	Withdrawn int    `json:"withdrawn"`
	// Rate is fulfilled ÷ (fulfilled + broken), as the commitments read
	// model defines it; nil when none is settled.
	Rate *float64 `json:"rate"`
}

// Build applies the policy to what the read service gives a reader
// without identities: the commitments and outcomes an advocacy lead
// reads, and the inclusion figures an analyst is released, all as the
// log stood at the policy's moment (Policy.Moment): built again later
// for the same date, whatever was recorded since, it is the same.
// A date still to come is refused (read.Service.At).
func Build(ctx context.Context, svc *read.Service, p Policy) (*Observatory, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	o := &Observatory{AsOf: p.AsOf, DelayDays: p.DelayDays, Cutoff: p.Cutoff()}
	records := Records()
	svc, err := svc.At(ctx, records, p.Moment())
	if err != nil {
		return nil, fmt.Errorf("publish as of %s: %w", p.AsOf, err)
	}
	list, err := svc.Commitments(records, read.CommitmentQuery{})
	if err != nil {
		return nil, fmt.Errorf("publish: commitments: %w", err)
	}
	ps, err := placesOf(svc, records)
	if err != nil {
		return nil, fmt.Errorf("publish: spaces: %w", err)
	}
	byID := map[domain.ID]string{} // commitment id → its Ref
	o.Authorities = authorities(svc, records, p, ps, list, byID)
	o.RatesByAuthority, o.RatesByRegion = rates(o.Authorities)
	if o.Inclusion, o.InclusionTo, err = inclusionCells(ctx, svc, p); err != nil {
		return nil, err
	}
	if o.Outcomes, err = outcomesOf(svc, records, p, ps, byID, o.Authorities); err != nil {
		return nil, err
	}
	return o, nil
}

// Records is the reader a publication asks for records: an advocacy
// lead's reading (commitments, stakeholders, outcomes), of an answer that
// leaves the app, so that the read service keeps back what stays inside
// (an outcome's locality).
func Records() read.Viewer {
	return read.Viewer{Principal: access.Principal{Role: access.Advocacy, Subject: "publication", TokenID: "publication"}, Log: zerolog.Nop(), Leaves: true}
}

// authorities group the published commitments by who made them, each
// commitment as the cut-off saw it.
func authorities(svc *read.Service, v read.Viewer, p Policy, ps places, list []commitments.Commitment, refs map[domain.ID]string) []Authority {
	index := map[domain.ID]int{}
	var out []Authority
	for _, c := range list {
		if !p.Dated(c.MadeOn) {
			continue
		}
		i, ok := index[c.StakeholderID]
		if !ok {
			h, err := svc.Stakeholder(v, c.StakeholderID)
			if err != nil {
				continue
			}
			i = len(out)
			index[c.StakeholderID] = i
			out = append(out, ps.authorityOf(h.Profile))
		}
		region, _ := svc.RegionOf(v, domain.Ref{Category: "commitment", ID: c.ID})
		pub := commitmentAt(p, c, region)
		if !out[i].Named || ps.mentioned(pub.Text) {
			pub.Text = "" // its wording would name whom or where the publication does not
		}
		out[i].Commitments = append(out[i].Commitments, pub)
	}
	// Those named by name, then the others by region and type.
	slices.SortStableFunc(out, func(a, b Authority) int {
		if a.Named != b.Named {
			if a.Named {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Type, b.Type))
	})
	n := 0
	for i := range out {
		out[i].Ref = fmt.Sprintf("A%d", i+1)
		for j := range out[i].Commitments {
			n++
			c := &out[i].Commitments[j]
			c.Ref, c.Authority = fmt.Sprintf("C%d", n), out[i].Ref
			refs[c.id] = c.Ref
		}
	}
	return out
}
