package policy_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

var (
	now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	day = domain.NewDate(2026, 3, 2)

	admin       = access.Principal{Subject: "admin", Role: access.Admin}
	adminWeb    = access.Principal{Subject: "admin", Role: access.Admin, Session: true}
	gao         = access.Principal{Subject: "gao", Role: access.Facilitator, Regions: []string{"gao"}}
	gaoWeb      = access.Principal{Subject: "gao", Role: access.Facilitator, Regions: []string{"gao"}, Session: true}
	advocacy    = access.Principal{Subject: "advocacy", Role: access.Advocacy}
	advocacyWeb = access.Principal{Subject: "advocacy", Role: access.Advocacy, Session: true}
	analyst     = access.Principal{Subject: "analyst", Role: access.Analyst}
)

// every is every command of every aggregate the registry lists, and every
// operation: an aggregate added without its rules fails here.
func every() []policy.Operation {
	ops := []policy.Operation{policy.CreateToken, policy.RevokeToken, policy.Backup, policy.ListErasures, policy.Import, policy.DownloadForm, policy.ReadServerState, policy.ListTokens, policy.RemovePeer}
	for _, agg := range registry.Aggregates() {
		for _, name := range agg.Describe().Commands {
			ops = append(ops, policy.Operation(name))
		}
	}
	return ops
}

func TestEveryCommandAndOperationHasARule(t *testing.T) {
	rules := map[policy.Operation]bool{}
	for _, r := range policy.Rules() {
		if rules[r.Operation] {
			t.Errorf("%s has two rules", r.Operation)
		}
		rules[r.Operation] = true
		if r.Why == "" {
			t.Errorf("%s says not why a session may or may not", r.Operation)
		}
	}
	for _, op := range every() {
		if !rules[op] {
			t.Errorf("%s has no rule", op)
		}
	}
	if len(rules) != len(every()) {
		t.Errorf("%d rules for %d commands and operations", len(rules), len(every()))
	}
}

// TestTheTableDecidesByRoleAndSession: who may do what, written out by
// hand so that a change of the table is a change of this test.
func TestTheTableDecidesByRoleAndSession(t *testing.T) {
	const (
		A = 1 << iota // admin's token
		a             // admin's browser session
		F             // facilitator's token
		f             // facilitator's session
		V             // advocacy's token
		v             // advocacy's session
		N             // analyst
	)
	who := map[int]access.Principal{A: admin, a: adminWeb, F: gao, f: gaoWeb, V: advocacy, v: advocacyWeb, N: analyst}
	want := map[policy.Operation]int{
		"EstablishSpace": A | a, "ChangeSpaceDetails": A | a, "SetSpaceTargets": A | a, "CloseSpace": A | a,
		"RegisterStakeholder": A | a | F | f | V | v, "ChangeStakeholderDetails": A | a | F | f | V | v,
		"EnrolParticipant": A | a | F | f, "CorrectParticipant": A | a | F | f, "EraseParticipant": A,
		"HoldDialogue": A | a | F | f, "CorrectDialogueAttendance": A | a | F | f, "CorrectDialogue": A | a | F | f, "RetractDialogue": A | a | F | f,
		"MakeCommitment": A | a | F | f | V | v, "ReportCommitmentProgress": A | a | F | f | V | v, "ReviseCommitmentDueDate": A | a | F | f | V | v,
		"FulfilCommitment": A | a | F | f | V | v, "BreakCommitment": A | a | F | f | V | v, "WithdrawCommitment": A | a | F | f | V | v,
		"HarvestOutcome": A | a | F | f | V | v, "ReviseOutcome": A | a | F | f | V | v, "MarkOutcomePublic": A | a | F | f | V | v,
		"RequestSubstantiation": A | a | F | f | V | v, "RecordSubstantiation": A | a | F | f | V | v, "EraseVerifier": A,
		"DefineFramework": A | a, "ChangeFrameworkDetails": A | a, "SetFrameworkOutcome": A | a, "SetFrameworkResult": A | a,
		"SetFrameworkIndicator": A | a, "RecordIndicatorValue": A | a,
		policy.CreateToken: A, policy.RevokeToken: A, policy.Backup: A, policy.ListErasures: A,
		policy.Import: A | a | F | f, policy.DownloadForm: A | a | F | f, policy.ReadServerState: A | a, policy.ListTokens: A | a, policy.RemovePeer: A,
	}
	p := policy.New(policy.Config{})
	for _, op := range every() {
		for bit, principal := range who {
			err := p.Allow(principal, op)
			if allowed := want[op]&bit != 0; allowed != (err == nil) {
				t.Errorf("%s by %s (session %v): allowed %v, got %v", op, principal.Role, principal.Session, allowed, err)
			}
			var refused *policy.Forbidden
			if err != nil && (!errors.As(err, &refused) || !errors.Is(err, domain.ErrRejected)) {
				t.Errorf("%s by %s: %T is not a Forbidden that an import reports as a row's refusal", op, principal.Role, err)
			}
			// A session is refused as one when its token, as a bearer, may.
			bearerMay := principal.Session && want[op]&(bit>>1) != 0
			if err != nil && refused.Session != bearerMay {
				t.Errorf("%s by %s (session %v) refused as a session's: %v", op, principal.Role, principal.Session, refused.Session)
			}
		}
	}
}

// world is what two regions wrote, as the read models hold it.
type world struct {
	policy                                     *policy.Policy
	gaoSpace, moptiSpace                       domain.ID
	national, gaoHolder, moptiHolder           domain.ID
	gaoPerson, moptiPerson                     domain.ID
	gaoDialogue, moptiDialogue                 domain.ID
	gaoCommitment, moptiCommitment, commitment domain.ID
	gaoOutcome, moptiOutcome                   domain.ID
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := commandstest.Open(t, now)
	t.Cleanup(env.Close)
	clock := func() time.Time { return now }
	inc, com, sta, par, out := inclusion.NewKeyed([]byte("test")), commitments.New(clock), stakeholders.New(), participants.New(env.Keys), outcomes.New()
	svc, err := read.New(read.Config{Inclusion: inc, Commitments: com, Stakeholders: sta, Participants: par, Outcomes: out, Handler: env.Handler, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{policy: policy.New(policy.Config{Handler: env.Handler, Read: svc})}
	id := func() domain.ID { return ulid.Make() }
	write := func(into *domain.ID, cmd domain.Command) {
		*into = id()
		if _, err := w.policy.Send(context.Background(), admin, *into, cmd, commands.Meta{CommandID: *into}, nil); err != nil {
			t.Fatalf("%s: %v", cmd.CommandName(), err)
		}
	}
	write(&w.gaoSpace, establish("gao"))
	write(&w.moptiSpace, establish("mopti"))
	write(&w.national, stakeholder.Register{Profile: stakeholder.Profile{Name: "Ministère", Type: "ministry", Level: "national"}})
	write(&w.gaoHolder, register("gao"))
	write(&w.moptiHolder, register("mopti"))
	write(&w.gaoPerson, enrol("GAO-1", "gao"))
	write(&w.moptiPerson, enrol("MOP-1", "mopti"))
	write(&w.gaoDialogue, hold(w.gaoSpace, w.gaoPerson))
	write(&w.moptiDialogue, hold(w.moptiSpace, w.moptiPerson))
	write(&w.gaoCommitment, makes(w.gaoHolder, &w.gaoSpace))
	write(&w.moptiCommitment, makes(w.moptiHolder, &w.moptiSpace))
	write(&w.gaoOutcome, harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "dialogue", ID: w.gaoDialogue}))
	write(&w.moptiOutcome, harvest("mopti", w.moptiHolder, outcome.Evidence{Kind: "dialogue", ID: w.moptiDialogue}))
	if _, _, err := projections.Replay(context.Background(), env.Store, inc, com, sta, par, out); err != nil {
		t.Fatal(err)
	}
	return w
}

func establish(region string) space.Establish {
	return space.Establish{Details: space.Details{Name: "Espace " + region, Kind: "other", Region: region, Pillar: "security"}, EstablishedOn: domain.NewDate(2025, 1, 5)}
}

func register(region string) stakeholder.Register {
	return stakeholder.Register{Profile: stakeholder.Profile{Name: "Gouvernorat " + region, Type: "governor", Level: "regional", Region: region}}
}

func enrol(code, region string) participant.Enrol {
	return participant.Enrol{Profile: participant.Profile{Code: code, Sex: "female", AgeBand: "18-24", Displacement: "none", Region: region},
		Consent: participant.Consent{Given: true, On: day}}
}

func hold(sp, person domain.ID) dialogue.Hold {
	return dialogue.Hold{Record: dialogue.Record{SpaceID: sp, HeldOn: day, Format: "workshop", Pillar: "security",
		Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: person}}, Headcount: dialogue.Headcount{AdultMen: 2}}}}
}

func makes(holder domain.ID, sp *domain.ID) commitment.Make {
	return commitment.Make{Promise: commitment.Promise{StakeholderID: holder, SpaceID: sp, Text: "Patrouilles", Pillar: "security", MadeOn: day}}
}

func harvest(region string, actor domain.ID, evidence ...outcome.Evidence) outcome.Harvest {
	return outcome.Harvest{Record: outcome.Record{ActorID: actor, ChangeType: "practice", On: day, Region: region,
		Description: "d", Significance: "s", Contribution: "c", Evidence: evidence}}
}

// check decides a command for a principal without writing it.
func (w *world) check(who access.Principal, id domain.ID, cmd domain.Command) error {
	_, err := w.policy.Send(context.Background(), who, id, cmd, commands.Meta{CommandID: ulid.Make(), DryRun: true}, nil)
	return err
}

// TestTheRegionRule: role × command × region, each decided as a dry run.
// "missing" is the exact answer the same command gets for an id nobody
// has; "region" a refusal naming a region the sender does not hold.
func TestTheRegionRule(t *testing.T) {
	w := newWorld(t)
	fresh := ulid.Make()
	freshHold := ulid.Make()
	national := stakeholder.Profile{Name: "Ministère", Type: "ministry", Level: "national"}
	rename := national
	rename.Name = "Ministère capturé"
	capture := national
	capture.Level, capture.Region = "regional", "gao"
	gaoRenamed := register("gao").Profile
	gaoRenamed.Name = "Gouvernorat de Gao"
	toNational := gaoRenamed
	toNational.Level, toNational.Region = "national", ""
	moved := enrol("GAO-1", "mopti").Profile
	w.decide(t, []regionCase{
		{"a dialogue in their space", gao, freshHold, hold(w.gaoSpace, w.gaoPerson), "ok", nil},
		{"a dialogue in another region's space", gao, ulid.Make(), hold(w.moptiSpace, w.gaoPerson), "missing", func() (domain.ID, domain.Command) { return ulid.Make(), hold(fresh, w.gaoPerson) }},
		{"another region's attendee", gao, ulid.Make(), hold(w.gaoSpace, w.moptiPerson), "missing", func() (domain.ID, domain.Command) { return ulid.Make(), hold(w.gaoSpace, fresh) }},
		{"another region's dialogue corrected", gao, w.moptiDialogue, dialogue.CorrectAttendance{}, "missing", func() (domain.ID, domain.Command) { return fresh, dialogue.CorrectAttendance{} }},
		{"another region's dialogue retracted", gao, w.moptiDialogue, dialogue.Retract{Reason: "x"}, "missing", func() (domain.ID, domain.Command) { return fresh, dialogue.Retract{Reason: "x"} }},
		{"their dialogue corrected", gao, w.gaoDialogue, dialogue.CorrectAttendance{Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultMen: 5}}}, "ok", nil},
		{"a dialogue held under another region's dialogue's id", gao, w.moptiDialogue, hold(w.gaoSpace, w.gaoPerson), "taken", nil},
		{"a dialogue held under their participant's id", gao, w.gaoPerson, hold(w.gaoSpace, w.gaoPerson), "taken", nil},
		{"an enrolment in their region", gao, ulid.Make(), enrol("GAO-2", "gao"), "ok", nil},
		{"an enrolment in another region", gao, ulid.Make(), enrol("GAO-3", "mopti"), "region", nil},
		{"another region's participant corrected", gao, w.moptiPerson, participant.CorrectProfile{Profile: enrol("MOP-1", "mopti").Profile}, "missing", func() (domain.ID, domain.Command) {
			return fresh, participant.CorrectProfile{Profile: enrol("MOP-1", "mopti").Profile}
		}},
		{"their participant moved to another region", gao, w.gaoPerson, participant.CorrectProfile{Profile: moved}, "region", nil},
		{"a national stakeholder registered", gao, ulid.Make(), stakeholder.Register{Profile: national}, "region", nil},
		{"a stakeholder of another region registered", gao, ulid.Make(), register("mopti"), "region", nil},
		{"a stakeholder of their region registered", gao, ulid.Make(), register("gao"), "ok", nil},
		{"a national stakeholder renamed", gao, w.national, stakeholder.ChangeDetails{Profile: rename}, "region", nil},
		{"a national stakeholder made theirs", gao, w.national, stakeholder.ChangeDetails{Profile: capture}, "region", nil},
		{"their stakeholder made national", gao, w.gaoHolder, stakeholder.ChangeDetails{Profile: toNational}, "region", nil},
		{"their stakeholder renamed", gao, w.gaoHolder, stakeholder.ChangeDetails{Profile: gaoRenamed}, "ok", nil},
		{"another region's stakeholder renamed", gao, w.moptiHolder, stakeholder.ChangeDetails{Profile: gaoRenamed}, "missing", func() (domain.ID, domain.Command) {
			return fresh, stakeholder.ChangeDetails{Profile: gaoRenamed}
		}},
		{"a national stakeholder's commitment at their space", gao, ulid.Make(), makes(w.national, &w.gaoSpace), "ok", nil},
		{"a national stakeholder's commitment at no space", gao, ulid.Make(), makes(w.national, nil), "region", nil},
		{"another region's stakeholder's commitment", gao, ulid.Make(), makes(w.moptiHolder, nil), "missing", func() (domain.ID, domain.Command) { return ulid.Make(), makes(fresh, nil) }},
		{"another region's commitment reported", gao, w.moptiCommitment, commitment.ReportProgress{ReportedOn: day, Status: "at-risk"}, "missing", func() (domain.ID, domain.Command) {
			return fresh, commitment.ReportProgress{ReportedOn: day, Status: "at-risk"}
		}},
		{"their commitment reported", gao, w.gaoCommitment, commitment.ReportProgress{ReportedOn: day, Status: "at-risk"}, "ok", nil},
		{"the session does its daily work", gaoWeb, ulid.Make(), enrol("GAO-4", "gao"), "ok", nil},
		{"the session is held to the same regions", gaoWeb, w.national, stakeholder.ChangeDetails{Profile: rename}, "region", nil},
		{"advocacy renames a national stakeholder", advocacy, w.national, stakeholder.ChangeDetails{Profile: rename}, "ok", nil},
		{"advocacy makes a national stakeholder's commitment", advocacy, ulid.Make(), makes(w.national, nil), "ok", nil},
		{"an admin's session changes any region's stakeholder", adminWeb, w.moptiHolder, stakeholder.ChangeDetails{Profile: gaoRenamed}, "ok", nil},
		{"an admin corrects any region's dialogue", admin, w.moptiDialogue, dialogue.CorrectAttendance{Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultMen: 5}}}, "ok", nil},
	})
}

// regionCase is one command sent by one principal, and what it must get:
// ok, missing (exactly the answer probe's command gets for an id nobody
// has), taken, or region (a refusal naming a region).
type regionCase struct {
	name  string
	who   access.Principal
	id    domain.ID
	cmd   domain.Command
	want  string
	probe func() (domain.ID, domain.Command)
}

// decide runs each case as a dry run.
func (w *world) decide(t *testing.T, cases []regionCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := w.check(c.who, c.id, c.cmd)
			var problems *domain.Problems
			switch c.want {
			case "ok":
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
			case "missing":
				id, cmd := c.probe()
				missing := w.check(c.who, id, cmd)
				if err == nil || missing == nil || masked(err) != masked(missing) {
					t.Fatalf("answered %v; a missing object %v", err, missing)
				}
			case "taken":
				if !errors.Is(err, commands.ErrCommandIDReused) {
					t.Fatalf("answered %v, not the taken id's", err)
				}
			case "region":
				if !errors.As(err, &problems) || !strings.Contains(err.Error(), "region") && !strings.Contains(err.Error(), "every region's") {
					t.Fatalf("answered %v, not a region's refusal", err)
				}
			}
		})
	}
}

// TestTheRegionRuleForOutcomes: a Gao facilitator attacks outcomes as
// they would another region's dialogues — citing what they may not see,
// writing another region's outcome, placing one in Mopti.
func TestTheRegionRuleForOutcomes(t *testing.T) {
	w := newWorld(t)
	fresh := ulid.Make()
	w.decide(t, []regionCase{
		{"an outcome of their region citing their dialogue", gao, ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "dialogue", ID: w.gaoDialogue}), "ok", nil},
		{"an outcome citing another region's dialogue", gao, ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "dialogue", ID: w.moptiDialogue}), "missing",
			func() (domain.ID, domain.Command) {
				return ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "dialogue", ID: fresh})
			}},
		{"an outcome citing another region's commitment", gao, ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "commitment", ID: w.moptiCommitment}), "missing",
			func() (domain.ID, domain.Command) {
				return ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "commitment", ID: fresh})
			}},
		{"an outcome citing another region's progress report", gao, ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "progress-report", ID: w.moptiCommitment, Report: 1}), "missing",
			func() (domain.ID, domain.Command) {
				return ulid.Make(), harvest("gao", w.gaoHolder, outcome.Evidence{Kind: "progress-report", ID: fresh, Report: 1})
			}},
		{"an outcome of another region's stakeholder", gao, ulid.Make(), harvest("gao", w.moptiHolder), "missing",
			func() (domain.ID, domain.Command) { return ulid.Make(), harvest("gao", fresh) }},
		{"an outcome placed in another region", gao, ulid.Make(), harvest("mopti", w.gaoHolder), "region", nil},
		{"their outcome moved to another region", gao, w.gaoOutcome, outcome.Revise{Record: harvest("mopti", w.gaoHolder).Record}, "region", nil},
		{"another region's outcome revised", gao, w.moptiOutcome, outcome.Revise{Record: harvest("gao", w.gaoHolder).Record}, "missing",
			func() (domain.ID, domain.Command) {
				return fresh, outcome.Revise{Record: harvest("gao", w.gaoHolder).Record}
			}},
		{"another region's outcome marked public", gao, w.moptiOutcome, outcome.MarkPublic{Public: true}, "missing",
			func() (domain.ID, domain.Command) { return fresh, outcome.MarkPublic{Public: true} }},
		{"another region's outcome put to a verifier", gao, w.moptiOutcome, outcome.RequestSubstantiation{RequestID: fresh, RequestedOn: day}, "missing",
			func() (domain.ID, domain.Command) {
				return fresh, outcome.RequestSubstantiation{RequestID: fresh, RequestedOn: day}
			}},
		{"another region's verifier answered for", gao, w.moptiOutcome, outcome.RecordSubstantiation{RequestID: fresh, AnsweredOn: day, Verdict: "agree"}, "missing",
			func() (domain.ID, domain.Command) {
				return fresh, outcome.RecordSubstantiation{RequestID: fresh, AnsweredOn: day, Verdict: "agree"}
			}},
		{"an outcome under another region's outcome's id", gao, w.moptiOutcome, harvest("gao", w.gaoHolder), "taken", nil},
		{"their outcome marked public", gao, w.gaoOutcome, outcome.MarkPublic{Public: true}, "ok", nil},
	})
}

// masked is an error's words with its ids made alike: a reference's
// refusal names the id probed.
func masked(err error) string { return ulidPattern.ReplaceAllString(err.Error(), "<id>") }

var ulidPattern = regexp.MustCompile(`[0-9A-HJKMNP-TV-Z]{26}`)

// TestASenderWaitsForItsWritesBeforeTheNextCommand: a Sender calls Wait
// with the position of its last write before judging the next command.
func TestASenderWaitsForItsWritesBeforeTheNextCommand(t *testing.T) {
	env := commandstest.Open(t, now)
	t.Cleanup(env.Close)
	svc, err := read.New(read.Config{Handler: env.Handler, Participants: participants.New(env.Keys)})
	if err != nil {
		t.Fatal(err)
	}
	var waited []string
	p := policy.New(policy.Config{Handler: env.Handler, Read: svc, Wait: func(_ context.Context, pos events.Position) error {
		waited = append(waited, pos.String())
		return nil
	}})
	send := p.For(gao)
	id := ulid.Make()
	res, err := send.Send(context.Background(), id, enrol("GAO-9", "gao"), commands.Meta{CommandID: id}, nil)
	if err != nil || len(waited) != 0 {
		t.Fatalf("first command: %v, waited %v", err, waited)
	}
	// Not yet in any read model here: refused as missing, after the wait.
	if _, err := send.Send(context.Background(), id, participant.CorrectProfile{Profile: enrol("GAO-9", "gao").Profile}, commands.Meta{CommandID: ulid.Make(), DryRun: true}, nil); err == nil {
		t.Fatal("a participant no read model holds was corrected")
	}
	if len(waited) != 1 || waited[0] != res.Position.String() {
		t.Fatalf("waited for %v, want [%v]", waited, res.Position)
	}
}

// TestARepeatOfAnotherRegionsCreationIsToldTheIDIsTaken: the handler
// answers a repeated command with its first result; sent by someone who
// may not see the object, it is told the id is taken instead, as a new
// command with a taken id is.
func TestARepeatOfAnotherRegionsCreationIsToldTheIDIsTaken(t *testing.T) {
	w := newWorld(t)
	repeat := hold(w.moptiSpace, w.moptiPerson)
	_, err := w.policy.Send(context.Background(), gao, w.moptiDialogue, repeat, commands.Meta{CommandID: w.moptiDialogue, DryRun: true}, nil)
	if !errors.Is(err, commands.ErrCommandIDReused) {
		t.Fatalf("a Gao facilitator repeating Mopti's dialogue: %v", err)
	}
	res, err := w.policy.Send(context.Background(), admin, w.moptiDialogue, repeat, commands.Meta{CommandID: w.moptiDialogue, DryRun: true}, nil)
	if err != nil || !res.Repeated {
		t.Fatalf("an admin repeating it: %+v %v", res, err)
	}
}

// A refusal is said whole in the reader's language: the capability's
// words too, not its English name inside a French sentence.
func TestARefusalIsSaidWholeInFrench(t *testing.T) {
	p := policy.New(policy.Config{})
	for _, op := range every() {
		for _, who := range []access.Principal{analyst, advocacy, gao, adminWeb} {
			var refused *policy.Forbidden
			if !errors.As(p.Allow(who, op), &refused) {
				continue
			}
			for _, r := range policy.Rules() {
				if r.Operation == op && strings.Contains(refused.In("fr"), string(r.Capability)) {
					t.Errorf("%s by %s: %q names the capability in English", op, who.Role, refused.In("fr"))
				}
			}
		}
	}
	var refused *policy.Forbidden
	errors.As(p.Allow(analyst, "HoldDialogue"), &refused)
	if got, want := refused.In("fr"), "le rôle de votre jeton ne permet pas de consigner des dialogues"; got != want {
		t.Errorf("In(fr) = %q, want %q", got, want)
	}
	if got, want := refused.In("en"), "your token's role may not log dialogues"; got != want {
		t.Errorf("In(en) = %q, want %q", got, want)
	}
	errors.As(p.Allow(gao, policy.CreateToken), &refused)
	if got, want := refused.In("fr"), "le rôle de votre jeton ne permet pas d’administrer"; got != want {
		t.Errorf("In(fr) = %q, want %q", got, want)
	}
}

// TestACreationOutsideTheSendersRegionsDoesNotTellWhetherItsIDIsTaken: an
// import derives a stakeholder's or a space's id from its region and name,
// which anyone can compute; a Gao facilitator creating one in Mopti under
// the id Mopti's object has is refused exactly as under an id nobody has,
// so that they cannot list Mopti's stakeholders by name.
func TestACreationOutsideTheSendersRegionsDoesNotTellWhetherItsIDIsTaken(t *testing.T) {
	w := newWorld(t)
	for name, cmd := range map[string]domain.Command{
		"a stakeholder": register("mopti"),
		"a participant": enrol("MOP-2", "mopti"),
	} {
		taken := map[string]domain.ID{"a stakeholder": w.moptiHolder, "a participant": w.moptiPerson}[name]
		atTaken, atFresh := w.check(gao, taken, cmd), w.check(gao, ulid.Make(), cmd)
		if atTaken == nil || atFresh == nil || masked(atTaken) != masked(atFresh) {
			t.Errorf("%s in Mopti under Mopti's id: %v; under a fresh id: %v", name, atTaken, atFresh)
		}
	}
}

// A write takes a region as a read does (read.Service.RegionCode): by its
// code, its name or a label, case and spaces aside, and records its code;
// the region rule judges the code, so Gao's facilitator may write "Gao".
// A name that is no region's is refused naming the field, in French too.
func TestAWriteTakesARegionByItsNameAsAReadDoes(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		who  access.Principal
		cmd  domain.Command
		want string
	}{
		{admin, establish("Ségou"), "segou"},
		{admin, register(" district de BAMAKO "), "bamako"},
		{gao, enrol("GAO-9", "GAO"), "gao"},
		{advocacy, register("Mopti"), "mopti"},
		{admin, harvest("Mopti", w.moptiHolder, outcome.Evidence{Kind: "dialogue", ID: w.moptiDialogue}), "mopti"},
	} {
		res, err := w.policy.Send(context.Background(), c.who, ulid.Make(), c.cmd, commands.Meta{CommandID: ulid.Make(), DryRun: true}, nil)
		if err != nil {
			t.Errorf("%s by %s: %v, want it taken", c.cmd.CommandName(), c.who.Subject, err)
			continue
		}
		if got := fmt.Sprintf("%+v", res.Events[0]); !strings.Contains(got, "Region:"+c.want+" ") && !strings.Contains(got, "Region:"+c.want+"}") {
			t.Errorf("%s by %s recorded %s, want region %s", c.cmd.CommandName(), c.who.Subject, got, c.want)
		}
	}
	err := w.check(admin, ulid.Make(), establish("Tombouctou-sur-Mer"))
	var problems *domain.Problems
	if !errors.As(err, &problems) || (*problems)[0].Field != "region" || !strings.Contains((*problems)[0].In("fr"), "n’est pas une région de ce déploiement") {
		t.Errorf("an unknown region: %v, want region refused in French", err)
	}
}
