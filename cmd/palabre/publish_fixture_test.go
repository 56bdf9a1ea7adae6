package main

import (
	"context"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// known is what an attacker who knows one participant knows of her, and
// the texts the alliance keeps private around her; none may be published.
var known = struct {
	Name, Phone, Code, Locality, Note, Evidence, Secret, Recent, RecentOutcome string
}{
	Name: "Aminata Kéïta-Sidibé", Phone: "+22376554433", Code: "KNOWN-7731", Locality: "Hameau de Tin-Kéra",
	Note: "Témoignage confidentiel de la plaignante", Evidence: "PV-signé-par-les-témoins", Secret: "CHANGEMENT-NON-PUBLIC",
	Recent: "PROMESSE-TROP-RÉCENTE", RecentOutcome: "CHANGEMENT-TROP-RÉCENT",
}

// addKnownParticipant records, beside the demo, a participant the
// attacker knows, a dialogue she spoke at in a space of a locality, a
// commitment made there with a private note and evidence, an outcome not
// marked public, a public one whose locality is private, and a commitment
// and a public outcome dated within the delay, all recorded at a moment
// after the demo's (a publication of today reads the log as it stood
// when today began). Her code is known.Code and a suffix, "" the first
// time: codes are unique in a region.
func addKnownParticipant(t *testing.T, dir string, today domain.Date, recorded time.Time, suffix string) {
	t.Helper()
	ctx := context.Background()
	m := &Main{Getenv: func(string) string { return "" }}
	defer m.Close()
	d, err := m.openStoreWith(dir, "embedded", "", func() (events.Store, embeddedStore, error) {
		s, err := pebblestore.Open(dir, &pebblestore.Options{Clock: func() time.Time { return recorded }})
		return s, s, err
	})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := m.openKeys(ctx, d, m.logger("auto"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(d.store, refdata.Default(), keys)
	send := func(cmd domain.Command, who *keystore.Identity) domain.ID {
		t.Helper()
		id := ulid.Make()
		if _, err := commands.Send(ctx, h, id, cmd, commands.Meta{CommandID: ulid.Make(), RecordedBy: "test"}, who); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
		return id
	}
	sendTo := func(id domain.ID, cmd domain.Command) {
		t.Helper()
		if _, err := commands.Send(ctx, h, id, cmd, commands.Meta{CommandID: ulid.Make(), RecordedBy: "test"}, nil); err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
	}
	ago := func(days int) domain.Date { return domain.DateOf(today.Time().AddDate(0, 0, -days)) }
	sp := send(space.Establish{Details: space.Details{Name: "Comité de " + known.Locality, Kind: "other", Region: "gao", Locality: known.Locality, Pillar: "justice"}, EstablishedOn: ago(400)}, nil)
	office := send(stakeholder.Register{Profile: stakeholder.Profile{Name: "Tribunal de Gao", Type: "court", Level: "regional", Region: "gao"}}, nil)
	her := send(participant.Enrol{Profile: participant.Profile{Code: known.Code + suffix, Sex: "female", AgeBand: "25-35", Displacement: "internally-displaced", Region: "gao", Locality: known.Locality},
		Consent: participant.Consent{Given: true, On: ago(300)}}, &keystore.Identity{Name: known.Name, Phone: known.Phone})
	talk := send(dialogue.Hold{Record: dialogue.Record{SpaceID: sp, HeldOn: ago(300), Format: "mobile-court-session", Pillar: "justice", Locality: known.Locality,
		Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: her, Spoke: true}}, Headcount: dialogue.Headcount{AdultMen: 3}}}}, nil)
	promise := send(commitment.Make{Promise: commitment.Promise{StakeholderID: office, SpaceID: &sp, DialogueID: &talk, Text: "Tenir une audience foraine chaque trimestre", Pillar: "justice", MadeOn: ago(300), DueOn: ago(200)}}, nil)
	sendTo(promise, commitment.ReportProgress{ReportedOn: ago(250), Status: "on-track", Note: known.Note + " " + known.Name, Evidence: []string{known.Evidence}})
	sendTo(promise, commitment.Fulfil{On: ago(10), Evidence: []string{known.Evidence}}) // within the delay
	send(commitment.Make{Promise: commitment.Promise{StakeholderID: office, SpaceID: &sp, Text: known.Recent, Pillar: "justice", MadeOn: ago(5)}}, nil)
	record := func(on domain.Date, description string) outcome.Record {
		return outcome.Record{ActorID: office, ChangeType: "practice", On: on, Region: "gao", Locality: known.Locality, Description: description,
			Significance: "s", Contribution: "c", Evidence: []outcome.Evidence{{Kind: outcome.KindDialogue, ID: talk}, {Kind: outcome.KindProgressReport, ID: promise, Report: 1}}}
	}
	send(outcome.Harvest{Record: record(ago(200), known.Secret)}, nil)
	public := send(outcome.Harvest{Record: record(ago(200), "Le tribunal tient ses audiences foraines")}, nil)
	sendTo(public, outcome.MarkPublic{Public: true})
	recent := send(outcome.Harvest{Record: record(ago(3), known.RecentOutcome)}, nil)
	sendTo(recent, outcome.MarkPublic{Public: true})
}
