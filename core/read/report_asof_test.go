package read_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
)

// TestAReportIsNeverDatedAfterToday: a report "as of" a day still to
// come would take its inclusion figures from the log as it stands (the
// start of a month not yet begun is after every record), so it would
// publish the current month, which the exclusion policy says is never
// published, and made again later for the same date it would differ.
// It is refused naming asOf; a report as of today (its end) is made.
func TestAReportIsNeverDatedAfterToday(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	svc := f.Service(t, read.CellKey, 5)
	for _, at := range []time.Time{time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), reporttest.Clock().AddDate(1, 0, 0)} {
		_, err := svc.DonorReport(ctx, analystViewer, read.ReportQuery{FrameworkID: f.FrameworkID, AsOf: at})
		var refusal *read.Error
		if !errors.As(err, &refusal) || refusal.Code != read.CodeBadUserInput || refusal.Field != "asOf" {
			t.Errorf("a report as of %s, after the server's day (%s): got %v, want BAD_USER_INPUT on asOf", at, reporttest.Clock(), err)
		}
	}
	today, err := read.ReportMoment("2026-06-01")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DonorReport(ctx, analystViewer, read.ReportQuery{FrameworkID: f.FrameworkID, AsOf: today}); err != nil {
		t.Errorf("a report as of today: %v", err)
	}
}
