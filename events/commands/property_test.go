package commands_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"pgregory.net/rapid"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/keystore"
)

// model remembers, in memory, every event the handler reported writing.
type model struct {
	ids    map[string][]domain.ID
	events map[string][]domain.Event // by stream
}

func (m *model) record(category string, id domain.ID, stream string, evs []domain.Event) {
	if len(evs) == 0 {
		return
	}
	if _, known := m.events[stream]; !known {
		m.ids[category] = append(m.ids[category], id)
	}
	m.events[stream] = append(m.events[stream], evs...)
}

func asEvents[E domain.Event](evs []E) []domain.Event {
	if len(evs) == 0 {
		return nil
	}
	out := make([]domain.Event, len(evs))
	for i, e := range evs {
		out[i] = e
	}
	return out
}

// TestRandomCommandSequencesKeepEveryInvariant sends random — often
// invalid — commands through the real handler and store, then checks the
// domain's invariants over everything stored, and that folding the events
// read back equals folding the events the handler reported.
func TestRandomCommandSequencesKeepEveryInvariant(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := commandstest.Open(rt, time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC))
		defer env.Close()
		store, h := env.Store, env.Handler
		ctx := context.Background()
		m := &model{ids: map[string][]domain.ID{}, events: map[string][]domain.Event{}}
		meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "rapid"} }
		date := func(label string) domain.Date {
			return domain.NewDate(2026, time.Month(rapid.IntRange(1, 12).Draw(rt, label+"Month")), rapid.IntRange(1, 28).Draw(rt, label+"Day"))
		}
		pick := func(category, label string) domain.ID {
			ids := m.ids[category]
			if len(ids) == 0 || rapid.IntRange(0, 9).Draw(rt, label+"Unknown") == 0 {
				return ulid.Make()
			}
			return rapid.SampledFrom(ids).Draw(rt, label)
		}
		ok := func(err error) {
			if err != nil && !errors.Is(err, domain.ErrRejected) {
				rt.Fatalf("unexpected error: %v", err)
			}
		}
		regions := []string{"gao", "mopti", "tombouctou", "bamako", "atlantis"}

		rt.Repeat(map[string]func(*rapid.T){
			"register a stakeholder": func(rt *rapid.T) {
				mt := meta()
				r, err := commands.Stakeholder.Execute(ctx, h, mt.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "S", Type: rapid.SampledFrom([]string{"governor", "mayor", "cadi", "dragon"}).Draw(rt, "type"), Level: "regional", Region: rapid.SampledFrom(regions).Draw(rt, "region")}}, mt)
				ok(err)
				m.record(stakeholder.Category, mt.CommandID, r.Stream, asEvents(r.Events))
			},
			"establish or close a space": func(rt *rapid.T) {
				if rapid.Bool().Draw(rt, "close") {
					id := pick(space.Category, "space")
					r, err := commands.Space.Execute(ctx, h, id, space.Close{ClosedOn: date("closed")}, meta())
					ok(err)
					m.record(space.Category, id, r.Stream, asEvents(r.Events))
					return
				}
				mt := meta()
				r, err := commands.Space.Execute(ctx, h, mt.CommandID, space.Establish{Details: space.Details{Name: "Espace", Kind: "community-dialogue-forum", Region: rapid.SampledFrom(regions).Draw(rt, "region"), Pillar: "inclusion"}, EstablishedOn: date("established")}, mt)
				ok(err)
				m.record(space.Category, mt.CommandID, r.Stream, asEvents(r.Events))
			},
			"enrol or erase a participant": func(rt *rapid.T) {
				if rapid.IntRange(0, 3).Draw(rt, "erase") == 0 {
					id := pick(participant.Category, "participant")
					r, err := h.Erase(ctx, id, participant.Erase{ErasedOn: date("erased")}, meta())
					ok(err)
					m.record(participant.Category, id, r.Stream, asEvents(r.Events))
					return
				}
				mt := meta()
				r, err := h.Enrol(ctx, mt.CommandID, participant.Enrol{
					Profile: participant.Profile{Code: "P-" + mt.CommandID.String()[20:], Sex: rapid.SampledFrom([]string{"female", "male", "?"}).Draw(rt, "sex"), BirthYear: rapid.IntRange(1940, 2015).Draw(rt, "born"), Displacement: "none", Region: rapid.SampledFrom(regions).Draw(rt, "region")},
					Consent: participant.Consent{Given: rapid.IntRange(0, 9).Draw(rt, "refuses") > 0, On: date("consent")},
				}, keystore.Identity{Name: "N"}, mt)
				ok(err)
				m.record(participant.Category, mt.CommandID, r.Stream, asEvents(r.Events))
			},
			"hold or correct a dialogue": func(rt *rapid.T) {
				var attendees []dialogue.Attendee
				for i := range rapid.IntRange(0, 4).Draw(rt, "attendees") {
					_ = i
					attendees = append(attendees, dialogue.Attendee{ParticipantID: pick(participant.Category, "attendee"), Spoke: rapid.Bool().Draw(rt, "spoke")})
				}
				a := dialogue.Attendance{Attendees: attendees, Headcount: dialogue.Headcount{
					YoungWomen: rapid.IntRange(-1, 5).Draw(rt, "yw"), AdultMen: rapid.IntRange(0, 5).Draw(rt, "am"),
					WithDisabilities: rapid.IntRange(0, 6).Draw(rt, "wd"), Displaced: rapid.IntRange(0, 6).Draw(rt, "dp"),
				}}
				if rapid.Bool().Draw(rt, "correct") {
					id := pick(dialogue.Category, "dialogue")
					r, err := commands.Dialogue.Execute(ctx, h, id, dialogue.CorrectAttendance{Attendance: a}, meta())
					ok(err)
					m.record(dialogue.Category, id, r.Stream, asEvents(r.Events))
					return
				}
				mt := meta()
				r, err := commands.Dialogue.Execute(ctx, h, mt.CommandID, dialogue.Hold{Record: dialogue.Record{SpaceID: pick(space.Category, "space"), HeldOn: date("held"), Format: "workshop", Pillar: "security", Attendance: a}}, mt)
				ok(err)
				m.record(dialogue.Category, mt.CommandID, r.Stream, asEvents(r.Events))
			},
			"make or settle a commitment": func(rt *rapid.T) {
				if rapid.Bool().Draw(rt, "settle") {
					id := pick(commitment.Category, "commitment")
					cmd := rapid.SampledFrom([]commitment.Command{
						commitment.ReportProgress{ReportedOn: date("reported"), Status: "stalled"},
						commitment.ReviseDueDate{DueOn: date("due"), Reason: "r"},
						commitment.Fulfil{On: date("on")}, commitment.Break{On: date("on")}, commitment.Withdraw{On: date("on")},
					}).Draw(rt, "command")
					r, err := commands.Commitment.Execute(ctx, h, id, cmd, meta())
					ok(err)
					m.record(commitment.Category, id, r.Stream, asEvents(r.Events))
					return
				}
				mt := meta()
				r, err := commands.Commitment.Execute(ctx, h, mt.CommandID, commitment.Make{Promise: commitment.Promise{StakeholderID: pick(stakeholder.Category, "stakeholder"), Text: "t", Pillar: "justice", MadeOn: date("made"), DueOn: date("due")}}, mt)
				ok(err)
				m.record(commitment.Category, mt.CommandID, r.Stream, asEvents(r.Events))
			},
		})

		checkInvariants(rt, store, h)
		checkFolds(rt, ctx, h, m)
	})
}

// checkInvariants walks $all in order, as a projection would.
func checkInvariants(rt *rapid.T, store events.Store, h *commands.Handler) {
	codec := h.Codec()
	enrolled, erased := map[domain.ID]bool{}, map[domain.ID]bool{}
	settled := map[string]bool{}
	made := map[string]domain.Date{}
	// attended is each dialogue's registered attendees as last recorded:
	// a correction may keep one erased since (erased people keep counting).
	attended := map[string]map[domain.ID]bool{}
	for rec, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			rt.Fatal(err)
		}
		e, err := codec.Decode(rec.Type, 1, rec.Data)
		if err != nil {
			rt.Fatal(err)
		}
		id, _ := ulid.ParseStrict(rec.Stream[len(rec.Stream)-26:])
		checkAttendance := func(a dialogue.Attendance) {
			seen := map[domain.ID]bool{}
			for _, at := range a.Attendees {
				kept := attended[rec.Stream][at.ParticipantID]
				if seen[at.ParticipantID] || !enrolled[at.ParticipantID] || erased[at.ParticipantID] && !kept {
					rt.Fatalf("%s: attendee %s repeated, not enrolled or erased", rec.Stream, at.ParticipantID)
				}
				seen[at.ParticipantID] = true
			}
			attended[rec.Stream] = seen
			hc := a.Headcount
			if hc.YoungWomen < 0 || hc.WithDisabilities > hc.Total() || hc.Displaced > hc.Total() {
				rt.Fatalf("%s: impossible headcount %+v", rec.Stream, hc)
			}
		}
		if settled[rec.Stream] {
			rt.Fatalf("%s: %s after the commitment was settled", rec.Stream, rec.Type)
		}
		switch e := e.(type) {
		case participant.Enrolled:
			enrolled[id] = true
		case participant.ProfileCorrected:
			if erased[id] {
				rt.Fatalf("%s corrected after erasure", rec.Stream)
			}
		case participant.Erased:
			if erased[id] {
				rt.Fatalf("%s erased twice", rec.Stream)
			}
			erased[id] = true
		case dialogue.Held:
			checkAttendance(e.Attendance)
		case dialogue.AttendanceCorrected:
			checkAttendance(e.Attendance)
		case commitment.Made:
			made[rec.Stream] = e.MadeOn
			if !e.DueOn.IsZero() && e.DueOn.Before(e.MadeOn) {
				rt.Fatalf("%s due before it was made", rec.Stream)
			}
		case commitment.DueDateRevised:
			if e.DueOn.Before(made[rec.Stream]) {
				rt.Fatalf("%s due date revised to before it was made", rec.Stream)
			}
		case commitment.FulfilledEvent, commitment.BrokenEvent, commitment.WithdrawnEvent:
			settled[rec.Stream] = true
		}
	}
}

// checkFolds compares, stream by stream, the events read back from the
// store with those the handler reported, and the states they fold into.
func checkFolds(rt *rapid.T, ctx context.Context, h *commands.Handler, m *model) {
	checkFold(rt, ctx, h, commands.Space, m)
	checkFold(rt, ctx, h, commands.Stakeholder, m)
	checkFold(rt, ctx, h, commands.Participant, m)
	checkFold(rt, ctx, h, commands.Dialogue, m)
	checkFold(rt, ctx, h, commands.Commitment, m)
}

func checkFold[S any, C any, E domain.Event](rt *rapid.T, ctx context.Context, h *commands.Handler, agg *commands.Aggregate[S, C, E], m *model) {
	for _, id := range m.ids[agg.Category] {
		stream := domain.StreamName(agg.Category, id)
		stateBack, back, err := agg.Load(ctx, h, id)
		if err != nil {
			rt.Fatal(err)
		}
		var stateMem S
		for _, e := range m.events[stream] {
			stateMem = agg.Evolve(stateMem, e.(E))
		}
		if !reflect.DeepEqual(asEvents(back), m.events[stream]) {
			rt.Fatalf("%s: read back %+v, handler reported %+v", stream, back, m.events[stream])
		}
		if !reflect.DeepEqual(stateBack, stateMem) {
			rt.Fatalf("%s: folded from the store %+v, in memory %+v", stream, stateBack, stateMem)
		}
	}
}
