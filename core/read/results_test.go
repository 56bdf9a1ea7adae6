package read_test

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/events/domain"
)

var (
	analystViewer = read.Viewer{Principal: access.Principal{Role: access.Analyst, Subject: "analyst", TokenID: "t1"}, Log: zerolog.Nop()}
	adminViewer   = read.Viewer{Principal: access.Principal{Role: access.Admin, Subject: "admin", TokenID: "t2"}, Log: zerolog.Nop()}
)

// actualOf is an indicator's actual in a year, in an activity.
func actualOf(t *testing.T, a read.Activity, key string, year int) *read.Actual {
	t.Helper()
	for _, r := range a.Results {
		for _, in := range r.Indicators {
			if in.Key != key {
				continue
			}
			for _, p := range in.Periods {
				if p.Year == year {
					return p.Actual
				}
			}
		}
	}
	return nil
}

// TestIndicatorsComputedFromTheLogAreTheHandCountedOnes makes the
// fixture's report with exact figures (the release without noise, its
// threshold at 2, under which none of these counts falls) and checks
// every computed value against the counts in the fixture's comments.
func TestIndicatorsComputedFromTheLogAreTheHandCountedOnes(t *testing.T) {
	f := reporttest.New(t)
	svc := f.Service(t, read.Suppress, 2)
	r, err := svc.DonorReport(context.Background(), analystViewer, read.ReportQuery{FrameworkID: f.FrameworkID})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Activities) != 3 || r.Activities[1].Partner.Key != "MOP" || r.Activities[2].Partner.Key != "GAO" {
		t.Fatalf("activities: got %d, want the programme's then Mopti's and Gao's", len(r.Activities))
	}
	programme, mopti, gao := r.Activities[0], r.Activities[1], r.Activities[2]
	for _, c := range []struct {
		name     string
		activity read.Activity
		key      string
		year     int
		want     float64
		dims     []float64 // women, men, youth, with disabilities
	}{
		{"attendances, 2025", programme, "I1", 2025, 28, []float64{13, 15, 14, 5}},
		{"attendances, 2024", programme, "I1", 2024, 10, []float64{5, 5, 0, 0}},
		{"attendances in Mopti", mopti, "I1", 2025, 14, []float64{7, 7, 7, 2}},
		{"attendances in Gao", gao, "I1", 2025, 14, []float64{6, 8, 7, 3}},
		{"spaces meeting, 2025", programme, "I2", 2025, 2, nil},
		{"spaces meeting, 2024", programme, "I2", 2024, 1, nil},
		{"Gao's spaces meeting, 2025", gao, "I2", 2025, 1, nil},
		{"security commitments fulfilled", programme, "I3", 2025, 1, nil},
		{"Gao's security commitments fulfilled", gao, "I3", 2025, 0, nil},
		{"pastoralists' share (2 of 28)", programme, "I4", 2025, 7.1, nil},
		{"pastoralists' share in Mopti (2 of 14)", mopti, "I4", 2025, 14.3, nil},
		{"a value entered for Mopti", mopti, "I6", 2025, 1, nil},
		{"policy outcomes, 2025", programme, "I7", 2025, 1, nil},
		{"policy outcomes, 2024", programme, "I7", 2024, 1, nil},
		{"Mopti's policy outcomes, 2025", mopti, "I7", 2025, 1, nil},
		{"Gao's policy outcomes, 2025 (its outcome is of practice)", gao, "I7", 2025, 0, nil},
	} {
		a := actualOf(t, c.activity, c.key, c.year)
		if a == nil || a.Value == nil || *a.Value != c.want {
			t.Errorf("%s: got %+v, want %v", c.name, a, c.want)
			continue
		}
		for i, want := range c.dims {
			if d := a.Dimensions[i]; d.Count == nil || *d.Count != want {
				t.Errorf("%s, %s %s: got %v, want %v", c.name, d.Name, d.Value, d.Count, want)
			}
		}
	}
	if a := actualOf(t, programme, "I6", 2025); a != nil {
		t.Errorf("a value entered for Mopti is not the programme's: got %+v", a)
	}
	if a := actualOf(t, programme, "I5", 2025); a == nil || a.Comment != "Le gouverneur rend compte au CCS" || a.Value != nil {
		t.Errorf("the qualitative value: got %+v", a)
	}
}

// TestTheReportPublishesOnlyWhatTheReleaseGivesAnAnalyst: under cell-key
// disclosure, an admin's report is the analyst's (a report leaves the
// alliance), each computed count is the analyst's own answer for the same
// scope, and a facilitator, whose token is scoped to regions, is refused.
func TestTheReportPublishesOnlyWhatTheReleaseGivesAnAnalyst(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	svc := f.Service(t, read.CellKey, 5)
	byAnalyst, err := svc.DonorReport(ctx, analystViewer, read.ReportQuery{FrameworkID: f.FrameworkID})
	if err != nil {
		t.Fatal(err)
	}
	byAdmin, err := svc.DonorReport(ctx, adminViewer, read.ReportQuery{FrameworkID: f.FrameworkID})
	if err != nil {
		t.Fatal(err)
	}
	for i := range byAnalyst.Activities {
		for _, key := range []string{"I1", "I4"} {
			a, b := actualOf(t, byAnalyst.Activities[i], key, 2025), actualOf(t, byAdmin.Activities[i], key, 2025)
			if (a.Value == nil) != (b.Value == nil) || a.Value != nil && *a.Value != *b.Value {
				t.Errorf("activity %d, %s: the admin's report says %v, the analyst's %v", i, key, b.Value, a.Value)
			}
		}
	}
	view, err := svc.Inclusion(ctx, analystViewer, read.InclusionQuery{Scope: read.Scope{Region: "mopti", From: domain.NewDate(2025, 1, 1), To: domain.NewDate(2025, 12, 31)}})
	if err != nil {
		t.Fatal(err)
	}
	got := actualOf(t, byAnalyst.Activities[1], "I1", 2025)
	for _, m := range []struct {
		measure string
		value   *float64
	}{{"attendance", got.Value}, {"women", got.Dimensions[0].Count}, {"youth", got.Dimensions[2].Count}, {"personsWithDisabilities", got.Dimensions[3].Count}} {
		want := view.Total.Get(m.measure)
		switch {
		case want.Suppressed != (m.value == nil):
			t.Errorf("Mopti's %s: withheld %v in the report, %v in the analyst's view", m.measure, m.value == nil, want.Suppressed)
		case m.value != nil && *m.value != float64(want.Count):
			t.Errorf("Mopti's %s: %v in the report, %d in the analyst's view", m.measure, *m.value, want.Count)
		}
	}
	gao := read.Viewer{Principal: access.Principal{Role: access.Facilitator, Regions: []string{"gao"}, Subject: "gao", TokenID: "t3"}, Log: zerolog.Nop(), Language: "fr"}
	if _, err := svc.DonorReport(ctx, gao, read.ReportQuery{FrameworkID: f.FrameworkID}); read.CodeOf(err) != read.CodeForbidden {
		t.Errorf("a facilitator of Gao: got %v, want FORBIDDEN", err)
	}
	scoped := analystViewer
	scoped.Regions = []string{"gao"}
	if _, err := svc.DonorReport(ctx, scoped, read.ReportQuery{FrameworkID: f.FrameworkID}); read.CodeOf(err) != read.CodeForbidden {
		t.Errorf("an analyst of Gao alone: got %v, want FORBIDDEN", err)
	}
	if _, err := svc.DonorReport(ctx, analystViewer, read.ReportQuery{FrameworkID: f.Mopti}); err != read.ErrNotFound {
		t.Errorf("a space's id as a framework's: got %v, want not found", err)
	}
}

// Found in review: analysts, who read aggregates only, read the evidence
// texts of values entered by hand, which may name a person or a meeting.
// Only admins, who enter them, read them.
func TestOnlyAdminsReadTheEvidenceOfAValueEnteredByHand(t *testing.T) {
	f := reporttest.New(t)
	svc := f.Service(t, read.CellKey, 5)
	texts := func(v read.Viewer) (n int) {
		fw, err := svc.Framework(v, f.FrameworkID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range fw.Values {
			n += len(x.Evidence)
		}
		return n
	}
	if texts(adminViewer) == 0 {
		t.Fatal("the fixture has no evidence text for an admin to read")
	}
	advocacy := read.Viewer{Principal: access.Principal{Role: access.Advocacy, Subject: "advocacy", TokenID: "t3"}, Log: zerolog.Nop()}
	for name, v := range map[string]read.Viewer{"an analyst": analystViewer, "an advocacy lead": advocacy} {
		if n := texts(v); n > 0 {
			t.Errorf("%s reads %d evidence texts", name, n)
		}
	}
}
