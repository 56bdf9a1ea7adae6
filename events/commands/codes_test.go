package commands_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	c.h = commands.New(env.Store, refdata.Default(), &commands.Options{Keys: env.Keys, CodeKey: env.CodeKey, Clock: func() time.Time { return c.now }})
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
	appendRaw := func(stream, typ string, data []byte, metadata string) {
		t.Helper()
		if _, err := c.Store.Append(ctx, stream, events.Any{}, events.EventData{ID: events.ID(ulid.Make()), Type: typ, Data: data, Metadata: []byte(metadata)}); err != nil {
			t.Fatal(err)
		}
	}
	legacy := func(region, code string) commands.CodeHolder {
		id := ulid.Make()
		e := enrolmentIn(region, code)
		data, _, err := c.h.Codec().Encode(participant.Enrolled{Profile: e.Profile, Consent: e.Consent})
		if err != nil {
			t.Fatal(err)
		}
		appendRaw(domain.StreamName(participant.Category, id), "ParticipantEnrolled", data, `{}`)
		return commands.CodeHolder{ID: id, Region: region, Code: code}
	}
	first, second, other, elsewhere := legacy("gao", "KID-01"), legacy("gao", "KID-01"), legacy("gao", "KID-02"), legacy("mopti", "KID-01")
	// A claim of the first scheme, in a stream named after the code alone
	// (version 1, no region), claims nothing now.
	old := sha256.Sum256([]byte("participant code\nKID-02"))
	appendRaw(domain.StreamName(participant.CodeCategory, domain.ID(old[:16])), "ParticipantCodeClaimed",
		[]byte(`{"participantId":"`+other.ID.String()+`","code":"KID-02"}`), `{"schemaVersion":1,"recordedAt":"2026-01-01T00:00:00Z"}`)
	dups, err := c.h.ClaimCodes(ctx, []commands.CodeHolder{first, second, other, elsewhere}, "palabre")
	if err != nil || len(dups) != 1 || dups[0] != second {
		t.Fatalf("duplicates %v, %v; want the second KID-01 of gao", dups, err)
	}
	if dups, err := c.h.ClaimCodes(ctx, []commands.CodeHolder{first, other, elsewhere}, "palabre"); err != nil || len(dups) != 0 {
		t.Fatalf("a second run: %v, %v", dups, err)
	}
	_, err = c.enrol(t, enrolmentIn("gao", "KID-02"))
	refusedFor(t, err, "code")
	_, err = c.enrol(t, enrolmentIn("mopti", "KID-01"))
	refusedFor(t, err, "code")
	if _, err := c.enrol(t, enrolmentIn("mopti", "KID-02")); err != nil {
		t.Fatalf("a code of gao's only, enrolled in mopti: %v", err)
	}
}

// enrolmentIn is an enrolment in a region.
func enrolmentIn(region, code string) participant.Enrol {
	e := enrolment(code)
	e.Region = region
	return e
}

func TestACodeOfAnotherRegionIsAFreshCodeInThisOne(t *testing.T) {
	c := openCodes(t)
	if _, err := c.enrol(t, enrolmentIn("mopti", "MOP-0001")); err != nil {
		t.Fatal(err)
	}
	// Gao's facilitator enrols Mopti's code and a code nobody has: both
	// answers are the same, a new Gao participant, and a check says so too.
	for _, code := range []string{"MOP-0001", "GAO-0500"} {
		dry := meta()
		dry.DryRun = true
		checked, err := c.h.Enrol(context.Background(), dry.CommandID, enrolmentIn("gao", code), keystore.Identity{Name: "Awa"}, dry)
		if err != nil || len(checked.Events) != 1 {
			t.Fatalf("a check of %s in gao: %+v, %v", code, checked, err)
		}
		m := meta()
		res, err := c.h.Enrol(context.Background(), m.CommandID, enrolmentIn("gao", code), keystore.Identity{Name: "Awa"}, m)
		if err != nil || len(res.Events) != 1 || res.Repeated {
			t.Fatalf("enrolling %s in gao: %+v, %v", code, res, err)
		}
	}
	// Inside a region a code is still one person's, whatever its case.
	_, err := c.enrol(t, enrolmentIn("gao", "mop-0001"))
	refusedFor(t, err, "code")
	_, err = c.enrol(t, enrolmentIn("mopti", "MOP-0001"))
	refusedFor(t, err, "code")
}

func TestAParticipantMovedToAnotherRegionClaimsTheirCodeThere(t *testing.T) {
	c := openCodes(t)
	id, err := c.enrol(t, enrolmentIn("gao", "GAO-0005"))
	if err != nil {
		t.Fatal(err)
	}
	moved := participant.CorrectProfile{Profile: enrolmentIn("mopti", "GAO-0005").Profile}
	if _, err := c.h.CorrectParticipant(context.Background(), id, moved, nil, meta()); err != nil {
		t.Fatal(err)
	}
	_, err = c.enrol(t, enrolmentIn("mopti", "GAO-0005"))
	refusedFor(t, err, "code") // theirs in Mopti now
	c.now = c.now.Add(2 * time.Minute)
	if _, err := c.enrol(t, enrolmentIn("gao", "GAO-0005")); err != nil {
		t.Fatalf("a code its participant took to another region is still held in gao: %v", err)
	}
}

// claimStreams lists the streams that claim codes.
func claimStreams(t *testing.T, store events.Store) []string {
	t.Helper()
	var out []string
	for rec, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(rec.Stream, participant.CodeCategory+"-") {
			out = append(out, rec.Stream)
		}
	}
	return out
}

func TestAClaimStreamIsNamedUnderTheMasterKey(t *testing.T) {
	var names []string
	for _, master := range [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)} {
		env := commandstest.OpenWith(t, today, master)
		t.Cleanup(env.Close)
		m := meta()
		if _, err := env.Handler.Enrol(context.Background(), m.CommandID, enrolmentIn("gao", "GAO-0042"), keystore.Identity{}, m); err != nil {
			t.Fatal(err)
		}
		streams := claimStreams(t, env.Store)
		if len(streams) != 1 {
			t.Fatalf("claim streams %v, want one", streams)
		}
		names = append(names, streams[0])
	}
	if names[0] == names[1] {
		t.Fatalf("one code is claimed in %s under two master keys: the name is computed from the code alone", names[0])
	}
}

// TestClaimingManyCodesAtOnceKeepsEachForTheFirstListed claims codes for
// 300 legacy participants at once, half the codes of each region held by
// two of them there, every code in both regions: whatever the workers'
// timing, each code of a region goes to the first listed of its holders
// there, and the others come back as duplicates, in order.
func TestClaimingManyCodesAtOnceKeepsEachForTheFirstListed(t *testing.T) {
	c := openCodes(t)
	ctx := context.Background()
	var holders, want []commands.CodeHolder
	seen := map[string]bool{}
	for i := range 300 {
		region := []string{"gao", "mopti"}[i%2]
		h := commands.CodeHolder{ID: ulid.Make(), Region: region, Code: fmt.Sprintf("kid-%03d", i/2%100)}
		e := enrolmentIn(h.Region, h.Code)
		data, _, err := c.h.Codec().Encode(participant.Enrolled{Profile: e.Profile, Consent: e.Consent})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Store.Append(ctx, domain.StreamName(participant.Category, h.ID), events.Any{}, events.EventData{ID: events.ID(ulid.Make()), Type: "ParticipantEnrolled", Data: data, Metadata: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		holders = append(holders, h)
		key := h.Region + "/" + strings.ToUpper(h.Code)
		if seen[key] {
			want = append(want, h)
		}
		seen[key] = true
	}
	got, err := c.h.ClaimCodes(ctx, holders, "palabre")
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%d duplicates (%v), want %d: the first listed of each code keeps it", len(got), err, len(want))
	}
}
