package commands_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/space"
)

// TestAResultSaysWhereTheCommandLeavesItsObject: the write policy judges
// the region a command leaves an object in, for a dry run as for a write,
// and a repeat answers as the first run.
func TestAResultSaysWhereTheCommandLeavesItsObject(t *testing.T) {
	_, h := open(t, t.TempDir())
	ctx := context.Background()
	sm := meta()
	res, err := commands.Space.Execute(ctx, h, sm.CommandID, establish(), sm)
	if err != nil || res.Where != (domain.Where{Region: "gao"}) {
		t.Fatalf("established: got %+v, %v", res.Where, err)
	}
	moved := establish().Details
	moved.Region = "mopti"
	dry := meta()
	dry.DryRun = true
	res, err = commands.Space.Execute(ctx, h, sm.CommandID, space.ChangeDetails{Details: moved}, dry)
	if err != nil || res.Where != (domain.Where{Region: "mopti"}) {
		t.Fatalf("a move, dry: got %+v, %v", res.Where, err)
	}
	dm := meta()
	hold := dialogue.Hold{Record: dialogue.Record{SpaceID: sm.CommandID, HeldOn: domain.NewDate(2026, 3, 1), Format: "workshop", Pillar: "security",
		Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultMen: 2}}}}
	want := domain.Where{Of: &domain.Ref{Category: space.Category, ID: sm.CommandID}}
	for _, run := range []string{"first", "repeat"} {
		held, err := commands.Dialogue.Execute(ctx, h, dm.CommandID, hold, dm)
		if err != nil || !reflect.DeepEqual(held.Where, want) {
			t.Fatalf("a dialogue, %s run: got %+v, %v", run, held.Where, err)
		}
	}
}
