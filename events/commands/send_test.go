package commands_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// TestACommandOnAMissingObjectIsDecidedAsTheHandlerWould: DecideMissing
// answers, word for word, what the handler answers for an object that
// does not exist, for every command that is not a creation.
func TestACommandOnAMissingObjectIsDecidedAsTheHandlerWould(t *testing.T) {
	env := commandstest.Open(t, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
	t.Cleanup(env.Close)
	on := domain.NewDate(2026, 3, 2)
	for _, cmd := range []domain.Command{space.ChangeDetails{}, space.SetTargets{}, space.Close{ClosedOn: on}, stakeholder.ChangeDetails{},
		participant.CorrectProfile{}, participant.Erase{ErasedOn: on}, dialogue.CorrectAttendance{}, dialogue.Retract{Reason: "x"},
		commitment.ReportProgress{}, commitment.ReviseDueDate{}, commitment.Fulfil{}, commitment.Break{}, commitment.Withdraw{}} {
		_, creates, err := commands.KindOf(cmd)
		if err != nil || creates {
			t.Fatalf("%s: creates %v, %v", cmd.CommandName(), creates, err)
		}
		missing := commands.DecideMissing(env.Handler, cmd)
		if cmd.CommandName() == "EraseParticipant" {
			if !errors.Is(missing, domain.ErrRejected) {
				t.Errorf("an erasure of no one: %v", missing)
			}
			continue // it destroys a key before it decides: not sent here
		}
		_, sent := commands.Send(context.Background(), env.Handler, ulid.Make(), cmd, commands.Meta{CommandID: ulid.Make(), DryRun: true}, nil)
		if !errors.Is(missing, domain.ErrRejected) || sent == nil || missing.Error() != sent.Error() {
			t.Errorf("%s: decided as missing %v; sent on a missing object %v", cmd.CommandName(), missing, sent)
		}
	}
	if _, _, err := commands.KindOf(nil); !errors.Is(err, commands.ErrUnknownCommand) {
		t.Errorf("no command: %v", err)
	}
}
