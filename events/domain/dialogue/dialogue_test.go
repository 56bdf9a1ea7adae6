package dialogue_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	. "github.com/palabre/palabre/events/domain/domaintest"
)

var (
	gaoSpace, closedSpace = ID(1), ID(2)
	aminata, erased       = ID(10), ID(11)
	governor              = ID(20)
	facts                 = Facts{
		Spaces:       map[domain.ID]domain.SpaceFacts{gaoSpace: {Region: "gao"}, closedSpace: {Region: "gao", Closed: true}},
		Participants: map[domain.ID]domain.ParticipantFacts{aminata: {Region: "gao"}, erased: {Region: "gao", Erased: true}},
		Stakeholders: map[domain.ID]domain.StakeholderFacts{governor: {Region: "gao"}},
	}
)

func record() dialogue.Record {
	return dialogue.Record{
		SpaceID: gaoSpace, HeldOn: Date(2026, 3, 14), Format: "community-dialogue", Pillar: "security",
		Topics: []string{"patrouilles", "check-points"}, Language: "songhay", DurationMinutes: 180,
		StakeholderIDs: []domain.ID{governor},
		Concerns:       []dialogue.Concern{{Category: "security", Summary: "Insécurité sur la route de Ansongo"}},
		Attendance: dialogue.Attendance{
			Attendees: []dialogue.Attendee{{ParticipantID: aminata, Spoke: true}},
			Headcount: dialogue.Headcount{YoungWomen: 4, AdultWomen: 6, YoungMen: 5, AdultMen: 9, WithDisabilities: 2, Displaced: 7},
		},
	}
}

// edited is record() as an edited submission has it: another date and
// title, no stakeholder, a headcount corrected.
func edited() dialogue.Record {
	r := record()
	r.HeldOn, r.Title, r.StakeholderIDs = Date(2026, 3, 12), "Patrouilles mixtes", nil
	r.Headcount.AdultMen = 12
	return r
}

func moved() dialogue.Record {
	r := record()
	r.SpaceID = closedSpace
	return r
}

func TestDialogueDecisions(t *testing.T) {
	held := dialogue.Held{Record: record()}
	twice := record()
	twice.Attendees = append(twice.Attendees, dialogue.Attendee{ParticipantID: aminata})
	badCount := record()
	badCount.Headcount = dialogue.Headcount{YoungWomen: -1, AdultMen: 2, WithDisabilities: 3, Displaced: 4}
	everything := dialogue.Record{
		SpaceID: closedSpace, HeldOn: Date(2026, 4, 1), Format: "picnic", Pillar: "none", DurationMinutes: -5,
		StakeholderIDs: []domain.ID{ID(99)}, Concerns: []dialogue.Concern{{Category: "weather"}},
		Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: erased}, {ParticipantID: ID(98)}}},
	}
	// Held before the second attendee was erased.
	withErased := record()
	withErased.Attendees = append(withErased.Attendees, dialogue.Attendee{ParticipantID: erased})
	corrected := dialogue.Attendance{Headcount: dialogue.Headcount{AdultWomen: 3}}
	Run(t, dialogue.Decide, dialogue.Evolve, []Scenario[dialogue.Command, dialogue.Event]{
		{Name: "a dialogue is held in an open space with enrolled participants",
			When: dialogue.Hold{Record: record()}, Facts: facts, Then: []dialogue.Event{held}},
		{Name: "a participant appears once per dialogue",
			When: dialogue.Hold{Record: twice}, Facts: facts, Rejects: []string{"attendees[1].participantId"}},
		{Name: "headcounts are non-negative and subsets never exceed the total",
			When: dialogue.Hold{Record: badCount}, Facts: facts, Rejects: []string{"headcount.youngWomen", "headcount.withDisabilities", "headcount.displaced"}},
		{Name: "every reference and field is checked at once",
			When: dialogue.Hold{Record: everything}, Facts: facts,
			Rejects: []string{"spaceId", "heldOn", "format", "pillar", "durationMinutes", "stakeholderIds[0]", "concerns[0].category", "attendees[0].participantId", "attendees[1].participantId"}},
		{Name: "a dialogue is recorded once",
			Given: []dialogue.Event{held}, When: dialogue.Hold{Record: record()}, Facts: facts, Rejects: []string{"dialogueId"}},
		{Name: "an edit corrects the date, title, commitments' stakeholders and attendance at once",
			Given: []dialogue.Event{held}, When: dialogue.Correct{Record: edited()}, Facts: facts,
			Then: []dialogue.Event{dialogue.Corrected{Record: edited()}}},
		{Name: "a correction keeps an erased attendee already recorded",
			Given: []dialogue.Event{dialogue.Held{Record: withErased}}, When: dialogue.Correct{Record: withErased}, Facts: facts,
			Then: []dialogue.Event{dialogue.Corrected{Record: withErased}}},
		{Name: "a correction leaves the dialogue in its space",
			Given: []dialogue.Event{held}, When: dialogue.Correct{Record: moved()}, Facts: facts, Rejects: []string{"spaceId"}},
		{Name: "a correction is checked as a record is",
			Given: []dialogue.Event{held}, When: dialogue.Correct{Record: dialogue.Record{SpaceID: gaoSpace, Format: "picnic", Pillar: "security"}}, Facts: facts,
			Rejects: []string{"heldOn", "format"}},
		{Name: "only a dialogue recorded is corrected",
			When: dialogue.Correct{Record: record()}, Facts: facts, Rejects: []string{"dialogueId"}},
		{Name: "attendance is corrected",
			Given: []dialogue.Event{held}, When: dialogue.CorrectAttendance{Attendance: corrected}, Facts: facts,
			Then: []dialogue.Event{dialogue.AttendanceCorrected{Attendance: corrected}}},
		{Name: "a correction cannot add an erased participant",
			Given: []dialogue.Event{held}, When: dialogue.CorrectAttendance{Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: erased}}}}, Facts: facts,
			Rejects: []string{"attendees[0].participantId"}},
		{Name: "a correction keeps an attendee erased since: erased people keep counting",
			Given: []dialogue.Event{dialogue.Held{Record: withErased}},
			When:  dialogue.CorrectAttendance{Attendance: dialogue.Attendance{Attendees: withErased.Attendees, Headcount: dialogue.Headcount{AdultMen: 1}}}, Facts: facts,
			Then: []dialogue.Event{dialogue.AttendanceCorrected{Attendance: dialogue.Attendance{Attendees: withErased.Attendees, Headcount: dialogue.Headcount{AdultMen: 1}}}}},
		{Name: "a retraction needs a reason",
			Given: []dialogue.Event{held}, When: dialogue.Retract{}, Rejects: []string{"reason"}},
		{Name: "a retracted dialogue takes no correction",
			Given: []dialogue.Event{held, dialogue.Retracted{Reason: "doublon"}}, When: dialogue.CorrectAttendance{Attendance: corrected}, Facts: facts,
			Rejects: []string{"dialogueId"}},
		{Name: "an unknown dialogue cannot be retracted",
			When: dialogue.Retract{Reason: "x"}, Rejects: []string{"dialogueId"}},
	})
}
