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
		x := &sender{ctx: context.Background(), h: env.Handler, m: &model{ids: map[string][]domain.ID{}, events: map[string][]domain.Event{}},
			regions: []string{"gao", "mopti", "tombouctou", "bamako", "atlantis"}}
		rt.Repeat(map[string]func(*rapid.T){
			"register a stakeholder":       x.registerStakeholder,
			"establish or close a space":   x.establishOrCloseSpace,
			"enrol or erase a participant": x.enrolOrErase,
			"hold or correct a dialogue":   x.holdOrCorrectDialogue,
			"make or settle a commitment":  x.makeOrSettleCommitment,
		})
		checkInvariants(rt, env.Store, x.h)
		checkFolds(rt, x.ctx, x.h, x.m)
	})
}

// sender sends random, often invalid, commands and records in m what
// the handler reported.
type sender struct {
	ctx     context.Context
	h       *commands.Handler
	m       *model
	regions []string // atlantis is none of the deployment's
}

func (x *sender) meta() commands.Meta {
	return commands.Meta{CommandID: ulid.Make(), RecordedBy: "rapid"}
}

func (x *sender) date(rt *rapid.T, label string) domain.Date {
	return domain.NewDate(2026, time.Month(rapid.IntRange(1, 12).Draw(rt, label+"Month")), rapid.IntRange(1, 28).Draw(rt, label+"Day"))
}

// pick is an id of category sent before, or one in ten times an unknown
// one.
func (x *sender) pick(rt *rapid.T, category, label string) domain.ID {
	ids := x.m.ids[category]
	if len(ids) == 0 || rapid.IntRange(0, 9).Draw(rt, label+"Unknown") == 0 {
		return ulid.Make()
	}
	return rapid.SampledFrom(ids).Draw(rt, label)
}

// ok accepts a refusal, the answer to an invalid command, and nothing else.
func (x *sender) ok(rt *rapid.T, err error) {
	if err != nil && !errors.Is(err, domain.ErrRejected) {
		rt.Fatalf("unexpected error: %v", err)
	}
}

func (x *sender) registerStakeholder(rt *rapid.T) {
	mt := x.meta()
	r, err := commands.Stakeholder.Execute(x.ctx, x.h, mt.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "S", Type: rapid.SampledFrom([]string{"governor", "mayor", "cadi", "dragon"}).Draw(rt, "type"), Level: "regional", Region: rapid.SampledFrom(x.regions).Draw(rt, "region")}}, mt)
	x.ok(rt, err)
	x.m.record(stakeholder.Category, mt.CommandID, r.Stream, asEvents(r.Events))
}

func (x *sender) establishOrCloseSpace(rt *rapid.T) {
	if rapid.Bool().Draw(rt, "close") {
		id := x.pick(rt, space.Category, "space")
		r, err := commands.Space.Execute(x.ctx, x.h, id, space.Close{ClosedOn: x.date(rt, "closed")}, x.meta())
		x.ok(rt, err)
		x.m.record(space.Category, id, r.Stream, asEvents(r.Events))
		return
	}
	mt := x.meta()
	r, err := commands.Space.Execute(x.ctx, x.h, mt.CommandID, space.Establish{Details: space.Details{Name: "Espace", Kind: "community-dialogue-forum", Region: rapid.SampledFrom(x.regions).Draw(rt, "region"), Pillar: "inclusion"}, EstablishedOn: x.date(rt, "established")}, mt)
	x.ok(rt, err)
	x.m.record(space.Category, mt.CommandID, r.Stream, asEvents(r.Events))
}

func (x *sender) enrolOrErase(rt *rapid.T) {
	if rapid.IntRange(0, 3).Draw(rt, "erase") == 0 {
		id := x.pick(rt, participant.Category, "participant")
		r, err := x.h.Erase(x.ctx, id, participant.Erase{ErasedOn: x.date(rt, "erased")}, x.meta())
		x.ok(rt, err)
		x.m.record(participant.Category, id, r.Stream, asEvents(r.Events))
		return
	}
	mt := x.meta()
	r, err := x.h.Enrol(x.ctx, mt.CommandID, participant.Enrol{
		Profile: participant.Profile{Code: "P-" + mt.CommandID.String()[20:], Sex: rapid.SampledFrom([]string{"female", "male", "?"}).Draw(rt, "sex"), BirthYear: rapid.IntRange(1940, 2015).Draw(rt, "born"), Displacement: "none", Region: rapid.SampledFrom(x.regions).Draw(rt, "region")},
		Consent: participant.Consent{Given: rapid.IntRange(0, 9).Draw(rt, "refuses") > 0, On: x.date(rt, "consent")},
	}, keystore.Identity{Name: "N"}, mt)
	x.ok(rt, err)
	x.m.record(participant.Category, mt.CommandID, r.Stream, asEvents(r.Events))
}

func (x *sender) holdOrCorrectDialogue(rt *rapid.T) {
	var attendees []dialogue.Attendee
	for i := range rapid.IntRange(0, 4).Draw(rt, "attendees") {
		_ = i
		attendees = append(attendees, dialogue.Attendee{ParticipantID: x.pick(rt, participant.Category, "attendee"), Spoke: rapid.Bool().Draw(rt, "spoke")})
	}
	a := dialogue.Attendance{Attendees: attendees, Headcount: dialogue.Headcount{
		YoungWomen: rapid.IntRange(-1, 5).Draw(rt, "yw"), AdultMen: rapid.IntRange(0, 5).Draw(rt, "am"),
		WithDisabilities: rapid.IntRange(0, 6).Draw(rt, "wd"), Displaced: rapid.IntRange(0, 6).Draw(rt, "dp"),
	}}
	if rapid.Bool().Draw(rt, "correct") {
		id := x.pick(rt, dialogue.Category, "dialogue")
		r, err := commands.Dialogue.Execute(x.ctx, x.h, id, dialogue.CorrectAttendance{Attendance: a}, x.meta())
		x.ok(rt, err)
		x.m.record(dialogue.Category, id, r.Stream, asEvents(r.Events))
		return
	}
	mt := x.meta()
	r, err := commands.Dialogue.Execute(x.ctx, x.h, mt.CommandID, dialogue.Hold{Record: dialogue.Record{SpaceID: x.pick(rt, space.Category, "space"), HeldOn: x.date(rt, "held"), Format: "workshop", Pillar: "security", Attendance: a}}, mt)
	x.ok(rt, err)
	x.m.record(dialogue.Category, mt.CommandID, r.Stream, asEvents(r.Events))
}

func (x *sender) makeOrSettleCommitment(rt *rapid.T) {
	if rapid.Bool().Draw(rt, "settle") {
		id := x.pick(rt, commitment.Category, "commitment")
		cmd := rapid.SampledFrom([]commitment.Command{
			commitment.ReportProgress{ReportedOn: x.date(rt, "reported"), Status: "stalled"},
			commitment.ReviseDueDate{DueOn: x.date(rt, "due"), Reason: "r"},
			commitment.Fulfil{On: x.date(rt, "on")}, commitment.Break{On: x.date(rt, "on")}, commitment.Withdraw{On: x.date(rt, "on")},
		}).Draw(rt, "command")
		r, err := commands.Commitment.Execute(x.ctx, x.h, id, cmd, x.meta())
		x.ok(rt, err)
		x.m.record(commitment.Category, id, r.Stream, asEvents(r.Events))
		return
	}
	mt := x.meta()
	r, err := commands.Commitment.Execute(x.ctx, x.h, mt.CommandID, commitment.Make{Promise: commitment.Promise{StakeholderID: x.pick(rt, stakeholder.Category, "stakeholder"), Text: "t", Pillar: "justice", MadeOn: x.date(rt, "made"), DueOn: x.date(rt, "due")}}, mt)
	x.ok(rt, err)
	x.m.record(commitment.Category, mt.CommandID, r.Stream, asEvents(r.Events))
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
