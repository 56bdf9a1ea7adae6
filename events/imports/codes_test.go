package imports_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// facilitatorOf sees one region's participants.
type facilitatorOf string

func (f facilitatorOf) MaySeeIdentitiesIn(region string) bool { return region == string(f) }

// enrolInMopti enrols MOP-0001 in Mopti, as Mopti's team does.
func (w *world) enrolInMopti(t *testing.T) {
	t.Helper()
	m := commands.Meta{CommandID: ulid.Make(), RecordedBy: "facilitator-mopti"}
	if _, err := w.env.Handler.Enrol(context.Background(), m.CommandID, participant.Enrol{Profile: participant.Profile{Code: "MOP-0001", Sex: "male",
		AgeBand: "36-59", Displacement: "none", Region: "mopti"}, Consent: participant.Consent{Given: true, On: domain.NewDate(2025, 2, 1)}},
		keystore.Identity{Name: "Mariam"}, m); err != nil {
		t.Fatal(err)
	}
}

// codesAs finds participants by code as the server does for a viewer.
func (w *world) codesAs(t *testing.T, v participants.Viewer) imports.Codes {
	t.Helper()
	m := participants.New(w.env.Keys)
	if _, _, err := projections.Replay(context.Background(), w.env.Store, m); err != nil {
		t.Fatal(err)
	}
	return func(region, code string) (domain.ID, bool, bool) { return m.ByCode(v, region, code) }
}

const gaoRegister = "code;sex;ageBand;displacement;region;consent;consentOn\n" +
	"MOP-0001;female;18-24;none;gao;oui;2026-02-01\n" +
	"GAO-0600;female;18-24;none;gao;oui;2026-02-01\n"

func TestAGaoImportOfACodeMoptiHasIsAFreshCodeInGao(t *testing.T) {
	w := newWorld(t)
	w.enrolInMopti(t)
	w.codes = w.codesAs(t, facilitatorOf("gao"))
	// A register: Mopti's code and a fresh one are checked alike.
	dry := w.runFile(t, "participants.csv", []byte(gaoRegister), true)
	if o := outcomes(dry); o[2] != imports.Checked || o[3] != imports.Checked {
		t.Fatalf("a dry run of Gao's register: %+v", dry.Results)
	}
	// A dialogue in Gao whose new attendee has Mopti's code.
	submissions := "spaceId,heldOn,format,pillar,adultWomen,adultMen,_uuid,_submission_time\n" +
		w.space.String() + ",2026-05-04,workshop,inclusion,0,0,sq-1,2026-05-04T12:00:00\n" +
		w.space.String() + ",2026-05-05,workshop,inclusion,0,0,sq-2,2026-05-05T12:00:00\n"
	attendees := "participantCode,spoke,newParticipant,sex,ageBand,displacement,consent,_submission__uuid\n" +
		"MOP-0001,no,yes,female,18-24,none,yes,sq-1\n" +
		"GAO-0601,no,yes,female,18-24,none,yes,sq-2\n"
	dialogues, err := imports.Run(context.Background(), w.env.Handler, w.sender(), w.planDialogues(t, submissions, attendees), imports.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomes(dialogues); o[2] != imports.Checked || o[3] != imports.Checked {
		t.Fatalf("a dry run of Gao's dialogues: %+v", dialogues.Results)
	}
	// Written, MOP-0001 is a Gao participant of their own.
	if r := w.runFile(t, "participants.csv", []byte(gaoRegister), false); r.Counts[imports.Imported] != 2 {
		t.Fatalf("Gao's register: %+v", r.Results)
	}
	gao, ok, _ := w.codesAs(t, facilitatorOf("gao"))("gao", "MOP-0001")
	mopti, _, _ := w.codesAs(t, facilitatorOf("mopti"))("mopti", "MOP-0001")
	if !ok || gao == mopti {
		t.Fatalf("MOP-0001 in gao is %s (%v), in mopti %s", gao, ok, mopti)
	}
}

func TestAnImportedParticipantsIDNeedsTheMasterKey(t *testing.T) {
	register := "code;sex;ageBand;displacement;region;consent;consentOn\nGAO-0700;female;18-24;none;gao;oui;2026-02-01\n"
	var ids []domain.ID
	for _, master := range [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)} {
		w := newWorldWith(t, master)
		if r := w.runFile(t, "participants.csv", []byte(register), false); r.Counts[imports.Imported] != 1 {
			t.Fatalf("%+v", r.Results)
		}
		id, ok, _ := w.codesFromTheLog(t)("gao", "GAO-0700")
		if !ok {
			t.Fatal("GAO-0700 was not enrolled")
		}
		ids = append(ids, id)
	}
	if ids[0] == ids[1] {
		t.Fatalf("GAO-0700 has the id %s under two master keys: an erasure list maps back to codes", ids[0])
	}
}

// planDialogues plans Kobo's CSV of submissions and of their attendees.
func (w *world) planDialogues(t *testing.T, submissions, attendees string) []imports.Row {
	t.Helper()
	main, err := imports.ReadCSV("dialogue.csv", strings.NewReader(submissions))
	if err != nil {
		t.Fatal(err)
	}
	repeat, err := imports.ReadCSV("dialogue-attendees.csv", strings.NewReader(attendees))
	if err != nil {
		t.Fatal(err)
	}
	subs, err := imports.Submissions([]imports.Table{main, repeat})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]imports.Row, len(subs))
	for i, s := range subs {
		rows[i] = imports.PlanDialogue(s, w.directory())
	}
	return rows
}
