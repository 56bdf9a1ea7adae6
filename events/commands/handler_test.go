package commands_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/pebblestore"
)

var today = time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)

func open(t *testing.T, dir string) (*pebblestore.Store, *commands.Handler) {
	t.Helper()
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, commands.New(s, refdata.Default(), &commands.Options{Clock: func() time.Time { return today }, MaxRetries: 20})
}

func meta() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "facilitator-1"} }

func establish() space.Establish {
	return space.Establish{
		Details:       space.Details{Name: "Comité consultatif de sécurité de Gao", Kind: "security-advisory-committee", Region: "gao", Pillar: "security"},
		EstablishedOn: domain.NewDate(2026, 1, 10),
	}
}

func TestARepeatedCommandReturnsTheFirstResultEvenAfterARestart(t *testing.T) {
	dir := t.TempDir()
	s, h := open(t, dir)
	ctx := context.Background()
	m := meta()
	first, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m)
	if err != nil {
		t.Fatal(err)
	}
	if first.Repeated || len(first.Events) != 1 || first.Stream != "space-"+m.CommandID.String() {
		t.Fatalf("first run: %+v", first)
	}
	again, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m)
	if err != nil || !again.Repeated || again.Position != first.Position || again.LastRevision != first.LastRevision {
		t.Fatalf("repeat: got %+v, %v; first %+v", again, err, first)
	}
	s.Close()

	_, h = open(t, dir)
	after, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m)
	if err != nil || !after.Repeated || after.Position != first.Position {
		t.Fatalf("repeat after restart: got %+v, %v", after, err)
	}
	changed := establish()
	changed.Name = "Autre comité"
	if _, err := commands.Space.Execute(ctx, h, m.CommandID, changed, m); !errors.Is(err, commands.ErrCommandIDReused) {
		t.Fatalf("same id, other payload: got %v, want ErrCommandIDReused", err)
	}
}

func TestEventsCarryTheirMetadataAndDerivedIDs(t *testing.T) {
	s, h := open(t, t.TempDir())
	ctx := context.Background()
	m := meta()
	m.CorrelationID = ulid.Make()
	res, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m)
	if err != nil {
		t.Fatal(err)
	}
	for rec, err := range s.ReadStream(ctx, res.Stream, events.ReadStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		var md map[string]any
		json.Unmarshal(rec.Metadata, &md)
		want := map[string]any{"commandId": m.CommandID.String(), "correlationId": m.CorrelationID.String(), "causationId": m.CommandID.String(), "recordedBy": "facilitator-1", "recordedAt": "2026-03-20T10:00:00Z", "schemaVersion": float64(1)}
		for k, v := range want {
			if md[k] != v {
				t.Errorf("metadata %s = %v, want %v", k, md[k], v)
			}
		}
		if rec.ID != commands.EventID(m.CommandID, md["commandHash"].(string), 0) {
			t.Errorf("event id %s is not derived from the command", rec.ID)
		}
		if rec.Type != "SpaceEstablished" {
			t.Errorf("type %s", rec.Type)
		}
	}
}

func TestAnEventWhoseMetadataIsNotAnEnvelopeIsNamedNotDecoded(t *testing.T) {
	s, h := open(t, t.TempDir())
	ctx := context.Background()
	id := ulid.Make()
	data, _ := json.Marshal(establish())
	bad := events.EventData{ID: events.ID(ulid.Make()), Type: "SpaceEstablished", Data: data, Metadata: []byte(`{"commandId":"not a ulid","schemaVersion":1}`)}
	if _, err := s.Append(ctx, "space-"+id.String(), events.NoStream{}, bad); err != nil {
		t.Fatal(err)
	}
	if _, err := h.History(ctx, commands.Space.Category, id); !errors.Is(err, events.ErrInvalidMetadata) {
		t.Errorf("history: got %v, want ErrInvalidMetadata", err)
	}
	m := meta()
	if _, err := commands.Space.Execute(ctx, h, id, establish(), m); !errors.Is(err, events.ErrInvalidMetadata) {
		t.Errorf("a command on the stream: got %v, want ErrInvalidMetadata", err)
	}
}

func TestReferencesAreCheckedAgainstCurrentState(t *testing.T) {
	_, h := open(t, t.TempDir())
	ctx := context.Background()
	sm := meta()
	if _, err := commands.Space.Execute(ctx, h, sm.CommandID, establish(), sm); err != nil {
		t.Fatal(err)
	}
	pm := meta()
	enrol := participant.Enrol{
		Profile: participant.Profile{Code: "GAO-0001", Sex: "female", BirthYear: 1999, Displacement: "internally-displaced", Region: "gao"},
		Consent: participant.Consent{Given: true, On: domain.NewDate(2026, 2, 1)},
	}
	if _, err := commands.Participant.Execute(ctx, h, pm.CommandID, enrol, pm); err != nil {
		t.Fatal(err)
	}
	em := meta()
	if _, err := commands.Participant.Execute(ctx, h, pm.CommandID, participant.Erase{ErasedOn: domain.NewDate(2026, 3, 1)}, em); err != nil {
		t.Fatal(err)
	}
	dm := meta()
	hold := dialogue.Hold{Record: dialogue.Record{
		SpaceID: sm.CommandID, HeldOn: domain.NewDate(2026, 3, 14), Format: "community-dialogue", Pillar: "security",
		Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: pm.CommandID}, {ParticipantID: ulid.Make()}}},
	}}
	_, err := commands.Dialogue.Execute(ctx, h, dm.CommandID, hold, dm)
	var problems *domain.Problems
	if !errors.As(err, &problems) || !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("got %v, want problems", err)
	}
	fields := map[string]bool{}
	for _, p := range *problems {
		fields[p.Field] = true
	}
	if !fields["attendees[0].participantId"] || !fields["attendees[1].participantId"] || len(*problems) != 2 {
		t.Fatalf("got %v, want attendees[0] (erased) and attendees[1] (not enrolled)", err)
	}
}

func TestConcurrentCommandsOnOneAggregateAllLandThroughRetries(t *testing.T) {
	_, h := open(t, t.TempDir())
	ctx := context.Background()
	km := meta()
	if _, err := commands.Stakeholder.Execute(ctx, h, km.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "Gouvernorat de Gao", Type: "governor", Level: "regional", Region: "gao"}}, km); err != nil {
		t.Fatal(err)
	}
	cm := meta()
	made, err := commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.Make{Promise: commitment.Promise{StakeholderID: km.CommandID, Text: "Ouvrir un numéro vert", Pillar: "security", MadeOn: domain.NewDate(2026, 2, 2)}}, cm)
	if err != nil {
		t.Fatal(err)
	}
	const writers = 6
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			m := meta()
			_, err := commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.ReportProgress{ReportedOn: domain.NewDate(2026, 3, 1+i), Status: "on-track"}, m)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if made.LastRevision != 0 {
		t.Fatalf("made at revision %d", made.LastRevision)
	}
	last, err := commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.Fulfil{On: domain.NewDate(2026, 3, 15)}, meta())
	if err != nil || last.LastRevision != writers+1 {
		t.Fatalf("fulfil: revision %d, %v; want %d", last.LastRevision, err, writers+1)
	}
	_, err = commands.Commitment.Execute(ctx, h, cm.CommandID, commitment.ReportProgress{ReportedOn: domain.NewDate(2026, 3, 16), Status: "on-track"}, meta())
	if !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("progress after fulfilment: got %v, want a rejection", err)
	}
}

func TestACommandWithoutAnIDIsRejected(t *testing.T) {
	_, h := open(t, t.TempDir())
	_, err := commands.Space.Execute(context.Background(), h, ulid.Make(), establish(), commands.Meta{})
	if !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("got %v", err)
	}
}

// The idempotency hash covers a command's stable name and its JSON, not
// its Go type's name: renaming a type or a package must not turn a retry
// into ErrCommandIDReused.
func TestTheCommandHashIsStable(t *testing.T) {
	s, h := open(t, t.TempDir())
	ctx := context.Background()
	m := meta()
	if _, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m); err != nil {
		t.Fatal(err)
	}
	for rec, err := range s.ReadStream(ctx, "space-"+m.CommandID.String(), events.ReadStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		var md struct {
			CommandHash string `json:"commandHash"`
		}
		if err := json.Unmarshal(rec.Metadata, &md); err != nil {
			t.Fatal(err)
		}
		if want := "1b5e202ec97599f1ea54bb4eb4fa3fd3b61094942965c0b8bccd5c9e67319f14"; md.CommandHash != want {
			t.Fatalf("commandHash = %s, want %s", md.CommandHash, want)
		}
	}
}

func TestADryRunDecidesAndWritesNothing(t *testing.T) {
	store, h := open(t, t.TempDir())
	id := domain.ID(ulid.Make())
	dry := meta()
	dry.DryRun = true
	res, err := commands.Space.Execute(context.Background(), h, id, establish(), dry)
	if err != nil || len(res.Events) != 1 {
		t.Fatalf("dry run: %v %v", res, err)
	}
	for _, err := range store.ReadAll(context.Background(), events.Start, 0) {
		t.Fatalf("a dry run wrote: %v", err)
	}
	bad := establish()
	bad.Region = "atlantis"
	if _, err := commands.Space.Execute(context.Background(), h, id, bad, dry); err == nil {
		t.Fatal("a dry run accepted a bad region")
	}
}

// The nodes' own streams (tokens and sessions on a replicated engine) are
// in the log with the objects' events, but no object's change.
func TestTheAdminsChangesPassOverTheNodesOwnStreams(t *testing.T) {
	s, h := open(t, t.TempDir())
	ctx := context.Background()
	token := events.EventData{ID: events.ID(ulid.Make()), Type: "TokenCreated", Data: []byte(`{"id":"x"}`)}
	if _, err := s.Append(ctx, events.NodeStreamPrefix+"tokens", events.NoStream{}, token); err != nil {
		t.Fatal(err)
	}
	m := meta()
	if _, err := commands.Space.Execute(ctx, h, m.CommandID, establish(), m); err != nil {
		t.Fatal(err)
	}
	var types []string
	err := h.Changes(ctx, events.Start, func(c commands.Change) bool { types = append(types, c.Type); return true })
	if err != nil || len(types) != 1 || types[0] != "SpaceEstablished" {
		t.Fatalf("changes %v, %v; want the space's alone", types, err)
	}
}
