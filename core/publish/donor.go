package publish

import (
	"context"
	"time"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
)

// DonorReport is a framework's donor report as it leaves the alliance, in
// every form it takes: the API's donorReport, its XLSX and CSV exports,
// the IATI file, `palabre report`. Every door asks for it here, so that
// one rule (Policy.DonorReport) decides what each carries; none is
// published another way.
func DonorReport(ctx context.Context, svc *read.Service, v read.Viewer, q read.ReportQuery) (*read.Report, error) {
	r, err := svc.DonorReport(ctx, v, q)
	if err != nil {
		return nil, err
	}
	return ForDonor(r).DonorReport(r), nil
}

// ForDonor is the policy a donor report leaves by: as of the report's own
// date, with the read service's delay (its figures are those recorded at
// the start of the report's month) and none of its own, so that a report
// made again for the same date gives the same file.
func ForDonor(r *read.Report) Policy {
	return Policy{AsOf: domain.DateOf(r.AsOf.UTC())}
}

// DonorReport is the report as it may leave the alliance: a copy in which
// each actual keeps how many items of evidence support it but not what
// they say (they may name people or meetings), and so does each value of
// the framework it carries; no year that begins after the cut-off has an
// actual. Applied twice, it is applied once.
func (p Policy) DonorReport(r *read.Report) *read.Report {
	out := *r
	out.Framework.Values = make([]framework.Value, len(r.Values))
	for i, v := range r.Values {
		v.Evidence = nil // the framework's own record keeps them
		out.Framework.Values[i] = v
	}
	out.Activities = make([]read.Activity, len(r.Activities))
	for i, a := range r.Activities {
		a.Results = append([]read.ResultReport(nil), a.Results...)
		for j, rr := range a.Results {
			rr.Indicators = append([]read.IndicatorReport(nil), rr.Indicators...)
			for k, in := range rr.Indicators {
				in.Periods = p.periods(in.Periods)
				rr.Indicators[k] = in
			}
			a.Results[j] = rr
		}
		out.Activities[i] = a
	}
	return &out
}

// periods are a copy of an indicator's periods under the policy.
func (p Policy) periods(ps []read.Period) []read.Period {
	out := make([]read.Period, len(ps))
	for i, pe := range ps {
		if pe.Actual != nil {
			if p.Dated(domain.NewDate(pe.Year, time.January, 1)) {
				a := *pe.Actual
				a.Evidence = nil // how many (EvidenceItems), never what
				pe.Actual = &a
			} else {
				pe.Actual, pe.Achievement = nil, nil
			}
		}
		out[i] = pe
	}
	return out
}
