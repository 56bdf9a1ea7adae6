package inclusion

import (
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/projections"
)

// A space moved to another region takes its dialogues' people with it:
// a region's unique participants of a year, counted once and kept until a
// dialogue of that year changes, must be counted again when a space
// leaves or joins the region.
func TestUniqueParticipantsFollowASpaceIntoAnotherRegion(t *testing.T) {
	m := New()
	var spaceID, dialogueID, ana, awa domain.ID
	spaceID[15], dialogueID[0], ana[0], awa[0] = 1, 3, 2, 4
	apply := func(id domain.ID, e domain.Event) {
		t.Helper()
		if err := m.Apply(projections.Event{Domain: e, AggregateID: id}); err != nil {
			t.Fatal(err)
		}
	}
	apply(spaceID, space.Established{Details: space.Details{Name: "s", Region: "gao", Pillar: "justice"}, EstablishedOn: domain.NewDate(2024, 1, 1)})
	apply(dialogueID, dialogue.Held{Record: dialogue.Record{SpaceID: spaceID, HeldOn: domain.NewDate(2025, 3, 1), Format: "workshop", Pillar: "justice",
		Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: ana}, {ParticipantID: awa}}}}})
	if n, _ := m.UniqueInYear(nil, "gao", 2025); n != 2 {
		t.Fatalf("Gao's unique participants of 2025: %d, want 2", n)
	}
	apply(spaceID, space.DetailsChanged{Details: space.Details{Name: "s", Region: "mopti", Pillar: "justice"}})
	gao, _ := m.UniqueInYear(nil, "gao", 2025)
	mopti, _ := m.UniqueInYear(nil, "mopti", 2025)
	if gao != 0 || mopti != 2 {
		t.Errorf("after the space moved to Mopti, unique participants of 2025: Gao %d, Mopti %d; want 0 and 2", gao, mopti)
	}
}
