package commands_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
)

// codes is a handler whose clock the test moves.
type codes struct {
	*commandstest.Env
	h   *commands.Handler
	now time.Time
}

func openCodes(t *testing.T) *codes {
	env := commandstest.Open(t, today)
	t.Cleanup(env.Close)
	c := &codes{Env: env, now: today}
	c.h = commands.New(env.Store, refdata.Default(), &commands.Options{Keys: env.Keys, Clock: func() time.Time { return c.now }})
	return c
}

func enrolment(code string) participant.Enrol {
	return participant.Enrol{
		Profile: participant.Profile{Code: code, Sex: "female", AgeBand: "18-24", Displacement: "none", Region: "gao"},
		Consent: participant.Consent{Given: true, On: domain.NewDate(2026, 3, 1)},
	}
}

func (c *codes) enrol(t *testing.T, cmd participant.Enrol) (domain.ID, error) {
	t.Helper()
	m := meta()
	_, err := c.h.Enrol(context.Background(), m.CommandID, cmd, keystore.Identity{Name: "Aminata"}, m)
	return m.CommandID, err
}

func refusedFor(t *testing.T, err error, field string) {
	t.Helper()
	var p *domain.Problems
	if !errors.As(err, &p) || len(*p) != 1 || (*p)[0].Field != field {
		t.Fatalf("want a refusal naming %s, got %v", field, err)
	}
}

func TestTwoParticipantsNeverHoldOneCode(t *testing.T) {
	c := openCodes(t)
	if _, err := c.enrol(t, enrolment("GAO-0042")); err != nil {
		t.Fatal(err)
	}
	_, err := c.enrol(t, enrolment("GAO-0042"))
	refusedFor(t, err, "code")
	_, err = c.enrol(t, enrolment("gao-0042")) // typed on a phone
	refusedFor(t, err, "code")
	c.now = c.now.Add(time.Hour) // a claim held by its participant never goes stale
	_, err = c.enrol(t, enrolment("GAO-0042"))
	refusedFor(t, err, "code")
	// A dry run says so too, and a retry of the first enrolment is not refused.
	dry := meta()
	dry.DryRun = true
	if _, err := c.h.Enrol(context.Background(), dry.CommandID, enrolment("GAO-0042"), keystore.Identity{Name: "Awa"}, dry); err == nil {
		t.Fatal("a dry run accepted a code another holds")
	}
}

func TestARefusedEnrolmentClaimsNoCode(t *testing.T) {
	c := openCodes(t)
	bad := enrolment("GAO-0007")
	bad.Sex = "unknown"
	if _, err := c.enrol(t, bad); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("a bad enrolment was not refused: %v", err)
	}
	dry := meta()
	dry.DryRun = true
	if _, err := c.h.Enrol(context.Background(), dry.CommandID, enrolment("GAO-0007"), keystore.Identity{Name: "Awa"}, dry); err != nil {
		t.Fatal(err)
	}
	if _, err := c.enrol(t, enrolment("GAO-0007")); err != nil {
		t.Fatalf("the code was taken by a refused enrolment or a dry run: %v", err)
	}
}

func TestACodeLeftByACorrectionIsFreeOnceItsClaimIsStale(t *testing.T) {
	c := openCodes(t)
	id, err := c.enrol(t, enrolment("GAO-0001"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.enrol(t, enrolment("GAO-0002"))
	if err != nil {
		t.Fatal(err)
	}
	moved := participant.CorrectProfile{Profile: enrolment("GAO-0002").Profile}
	_, err = c.h.CorrectParticipant(context.Background(), id, moved, nil, meta())
	refusedFor(t, err, "code")
	moved.Code = "GAO-0003"
	if _, err := c.h.CorrectParticipant(context.Background(), id, moved, nil, meta()); err != nil {
		t.Fatal(err)
	}
	_, err = c.enrol(t, enrolment("GAO-0001"))
	refusedFor(t, err, "code") // still within the grace of a claim
	c.now = c.now.Add(2 * time.Minute)
	if _, err := c.enrol(t, enrolment("GAO-0001")); err != nil {
		t.Fatalf("a code nobody has was refused: %v", err)
	}
}

func TestConcurrentEnrolmentsOfOneCodeLetOneIn(t *testing.T) {
	c := openCodes(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.enrol(t, enrolment("MOPTI-0100")) })
	}
	wg.Wait()
	accepted := 0
	for _, err := range errs {
		switch {
		case err == nil:
			accepted++
		case !errors.Is(err, domain.ErrRejected):
			t.Fatal(err)
		}
	}
	if accepted != 1 {
		t.Fatalf("%d enrolments of one code were accepted, want 1", accepted)
	}
}

func TestCodesOfParticipantsEnrolledBeforeClaimsAreClaimedOnce(t *testing.T) {
	c := openCodes(t)
	ctx := context.Background()
	legacy := func(code string) commands.CodeHolder {
		id := ulid.Make()
		e := enrolment(code)
		data, _, err := c.h.Codec().Encode(participant.Enrolled{Profile: e.Profile, Consent: e.Consent})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Store.Append(ctx, domain.StreamName(participant.Category, id), events.NoStream{},
			events.EventData{ID: events.ID(ulid.Make()), Type: "ParticipantEnrolled", Data: data, Metadata: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return commands.CodeHolder{ID: id, Code: code}
	}
	first, second, other := legacy("KID-01"), legacy("KID-01"), legacy("KID-02")
	dups, err := c.h.ClaimCodes(ctx, []commands.CodeHolder{first, second, other}, "palabre")
	if err != nil || len(dups) != 1 || dups[0] != second {
		t.Fatalf("duplicates %v, %v; want the second KID-01", dups, err)
	}
	if dups, err := c.h.ClaimCodes(ctx, []commands.CodeHolder{first, other}, "palabre"); err != nil || len(dups) != 0 {
		t.Fatalf("a second run: %v, %v", dups, err)
	}
	_, err = c.enrol(t, enrolment("KID-02"))
	refusedFor(t, err, "code")
}
