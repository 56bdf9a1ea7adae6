package publish

import (
	"testing"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/commitments"
)

var policy = Policy{AsOf: domain.NewDate(2026, 12, 3), DelayDays: 45} // cut-off 19 October 2026

func TestACommitmentIsPublishedAsTheCutOffSawIt(t *testing.T) {
	c := commitments.Commitment{Text: "Patrouilles", MadeOn: domain.NewDate(2026, 1, 5), DueOn: domain.NewDate(2027, 3, 1), Status: "fulfilled",
		SettledOn: domain.NewDate(2026, 11, 20), History: []commitments.Update{
			{Kind: "progress", On: domain.NewDate(2026, 3, 1), Status: "at-risk", Note: "confidentiel", Evidence: []string{"pv.pdf", "photo"}},
			{Kind: "due-date-revised", On: domain.NewDate(2026, 6, 1), DueOn: domain.NewDate(2026, 12, 1)},
			{Kind: "progress", On: domain.NewDate(2026, 11, 1), Status: "on-track"},
			{Kind: "due-date-revised", On: domain.NewDate(2026, 11, 2), DueOn: domain.NewDate(2027, 3, 1)},
			{Kind: "fulfilled", On: domain.NewDate(2026, 11, 20)},
		}}
	got := commitmentAt(policy, c, "gao")
	switch {
	case got.Status != "open" || !got.SettledOn.IsZero():
		t.Errorf("settled after the cut-off, yet published %s on %s", got.Status, got.SettledOn)
	case got.DueOn != domain.NewDate(2026, 12, 1):
		t.Errorf("due %s, want the due date in force at the cut-off, 2026-12-01", got.DueOn)
	case len(got.Progress) != 1 || got.Progress[0].N != 1 || got.Progress[0].EvidenceItems != 2 || got.Progress[0].Status != "at-risk":
		t.Errorf("progress %+v, want the first report alone, with 2 items of evidence", got.Progress)
	}
	if r := tally("gao", "gao", []Commitment{got, {Status: "fulfilled"}, {Status: "broken"}, {Status: "broken"}}); r.Rate == nil || *r.Rate != 1.0/3 || r.Made != 4 || r.Open != 1 {
		t.Errorf("tally %+v", r)
	}
}

func TestADonorReportKeepsHowManyItemsOfEvidenceNeverWhatTheySay(t *testing.T) {
	v := 12.0
	r := &read.Report{Activities: []read.Activity{{Results: []read.ResultReport{{Indicators: []read.IndicatorReport{{Periods: []read.Period{
		{Year: 2026, Actual: &read.Actual{Value: &v, Evidence: []string{"Liste de présence d'Aminata", "PV"}, EvidenceItems: 2}, Achievement: &v},
		{Year: 2027, Actual: &read.Actual{Value: &v}, Achievement: &v},
	}}}}}}}}
	out := policy.DonorReport(r)
	got := out.Activities[0].Results[0].Indicators[0].Periods
	if a := got[0].Actual; a == nil || len(a.Evidence) != 0 || a.EvidenceItems != 2 {
		t.Errorf("2026's actual %+v, want two items of evidence without their texts", a)
	}
	if got[1].Actual != nil || got[1].Achievement != nil {
		t.Errorf("2027 begins after the cut-off, yet has an actual %+v", got[1].Actual)
	}
	if again := policy.DonorReport(out).Activities[0].Results[0].Indicators[0].Periods[0].Actual; again.EvidenceItems != 2 {
		t.Errorf("applied twice, the policy lost the count: %+v", again)
	}
	if r.Activities[0].Results[0].Indicators[0].Periods[0].Actual.Evidence[0] == "" {
		t.Error("the policy changed the report it was given, not a copy")
	}
}

func TestAPolicyNamesWhatIsWrong(t *testing.T) {
	err := Policy{DelayDays: -1}.Validate()
	if err == nil || err.Error() != "--as-of: a publication needs its date\n--delay-days: must be between 0 and 3650, not -1" {
		t.Errorf("Validate = %v", err)
	}
	if got := (Policy{AsOf: domain.NewDate(2026, 12, 3), DelayDays: 45}).lastWholeMonth(); got != domain.NewDate(2026, 9, 30) {
		t.Errorf("last whole month ends %s, want 2026-09-30", got)
	}
	if got := (Policy{AsOf: domain.NewDate(2026, 11, 30)}).lastWholeMonth(); got != domain.NewDate(2026, 11, 30) {
		t.Errorf("a cut-off on a month's last day keeps that month: %s", got)
	}
}
