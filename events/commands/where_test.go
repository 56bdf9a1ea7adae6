package commands_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
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

// TestAStreamHoldingAnotherAggregatesEventIsRefused: one Execute folds
// every aggregate, so the check that a stream's events are its own is the
// descriptor's, and says so.
func TestAStreamHoldingAnotherAggregatesEventIsRefused(t *testing.T) {
	s, h := open(t, t.TempDir())
	ctx := context.Background()
	id := ulid.Make()
	data, _, err := h.Codec().Encode(dialogue.Retracted{Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, domain.StreamName(space.Category, id), events.NoStream{},
		events.EventData{ID: events.ID(ulid.Make()), Type: "DialogueRetracted", Data: data, Metadata: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	m := meta()
	if _, err := commands.Space.Execute(ctx, h, id, space.Close{ClosedOn: domain.NewDate(2026, 3, 1)}, m); !errors.Is(err, domain.ErrOtherAggregate) {
		t.Fatalf("got %v, want ErrOtherAggregate", err)
	}
	if _, _, err := commands.Space.Load(ctx, h, id); !errors.Is(err, domain.ErrOtherAggregate) {
		t.Fatalf("load: got %v, want ErrOtherAggregate", err)
	}
}
