package commands_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
)

func gaoEnrolment(code string) participant.Enrol {
	return participant.Enrol{
		Profile: participant.Profile{Code: code, Sex: "female", BirthYear: 1999, Displacement: "none", Region: "gao"},
		Consent: participant.Consent{Given: true, On: domain.NewDate(2026, 2, 1)},
	}
}

func TestAnIDNamesOneObjectAcrossEveryKind(t *testing.T) {
	_, h := open(t, t.TempDir())
	ctx := context.Background()
	m := meta()
	if _, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m); err != nil {
		t.Fatal(err)
	}
	// A dialogue, then a participant, created with the space's id.
	hold := dialogue.Hold{Record: dialogue.Record{SpaceID: m.CommandID, HeldOn: domain.NewDate(2026, 3, 1), Format: "workshop", Pillar: "security"}}
	if _, err := commands.Dialogue.Execute(ctx, h, m.CommandID, hold, m); !errors.Is(err, commands.ErrCommandIDReused) {
		t.Fatalf("a dialogue made with a space's id: got %v, want ErrCommandIDReused", err)
	}
	if _, err := commands.Participant.Execute(ctx, h, m.CommandID, gaoEnrolment("GAO-1"), m); !errors.Is(err, commands.ErrCommandIDReused) {
		t.Fatalf("a participant made with a space's id: got %v, want ErrCommandIDReused", err)
	}
	// The same kind with another command id: the same answer, not the
	// decider's "already established", which names the kind.
	other := meta()
	if _, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), other); !errors.Is(err, commands.ErrCommandIDReused) {
		t.Fatalf("a second space with the same id: got %v, want ErrCommandIDReused", err)
	}
}

func TestAReferenceTheSenderMayNotSeeIsDecidedAsMissing(t *testing.T) {
	_, h := open(t, t.TempDir())
	ctx := context.Background()
	sm := meta()
	if _, err := commands.Space.Execute(ctx, h, sm.CommandID, establish(), sm); err != nil {
		t.Fatal(err)
	}
	pm := meta()
	if _, err := commands.Participant.Execute(ctx, h, pm.CommandID, gaoEnrolment("GAO-1"), pm); err != nil {
		t.Fatal(err)
	}
	hold := func(attendee domain.ID) dialogue.Hold {
		return dialogue.Hold{Record: dialogue.Record{SpaceID: sm.CommandID, HeldOn: domain.NewDate(2026, 3, 1), Format: "workshop", Pillar: "security",
			Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: attendee}}}}}
	}
	blind := meta()
	blind.Sees = func(r domain.Ref) bool { return r.Category != participant.Category }
	_, hidden := commands.Dialogue.Execute(ctx, h, blind.CommandID, hold(pm.CommandID), blind)
	missing := meta()
	missing.Sees = blind.Sees
	absent := meta().CommandID
	_, none := commands.Dialogue.Execute(ctx, h, missing.CommandID, hold(absent), missing)
	if hidden == nil || none == nil {
		t.Fatalf("hidden attendee: %v; missing attendee: %v; want both refused", hidden, none)
	}
	if got, want := hidden.Error(), none.Error(); got != replaceID(want, absent, pm.CommandID) {
		t.Fatalf("hidden attendee answered\n  %s\nmissing attendee answered\n  %s", got, want)
	}
}

func replaceID(s string, from, to domain.ID) string {
	out := []byte(s)
	f, r := from.String(), to.String()
	for i := 0; i+len(f) <= len(out); i++ {
		if string(out[i:i+len(f)]) == f {
			copy(out[i:], r)
		}
	}
	return string(out)
}

func TestOnlyAnAcceptedEnrolmentMakesAKey(t *testing.T) {
	env := commandstest.Open(t, today)
	t.Cleanup(env.Close)
	ctx := context.Background()
	keys := func() []string {
		t.Helper()
		names, err := filepath.Glob(filepath.Join(env.Dir, "keys", "*.key"))
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	who := keystore.Identity{Name: "CANARY-Fatoumata", Phone: "+223 70 00 00 00"}

	// Refused by the decider (no such region): no key.
	bad := gaoEnrolment("GAO-1")
	bad.Region = "atlantis"
	m := meta()
	if _, err := env.Handler.Enrol(ctx, m.CommandID, bad, who, m); err == nil {
		t.Fatal("an enrolment in no region was accepted")
	}
	if k := keys(); len(k) != 0 {
		t.Fatalf("a refused enrolment left keys %v", k)
	}

	// Accepted, erased, then replayed with the same command id: the erased
	// person's key is not made again.
	m = meta()
	if _, err := env.Handler.Enrol(ctx, m.CommandID, gaoEnrolment("GAO-2"), who, m); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Handler.Erase(ctx, m.CommandID, participant.Erase{ErasedOn: domain.NewDate(2026, 3, 1)}, meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Handler.Enrol(ctx, m.CommandID, gaoEnrolment("GAO-2"), who, m); err != nil {
		t.Fatalf("the replayed enrolment: %v, want the first result", err)
	}
	if _, err := os.Stat(filepath.Join(env.Dir, "keys", m.CommandID.String()+".key")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the replayed enrolment of an erased person made their key again (stat: %v)", err)
	}
	if k := keys(); len(k) != 0 {
		t.Fatalf("keys left: %v", k)
	}
}
