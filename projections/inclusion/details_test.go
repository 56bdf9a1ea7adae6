package inclusion

import (
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/space"
)

// A dialogue's details over a quarter of a block (16 KiB: eighteen
// concerns of a thousand characters, which the API's 64 KiB requests
// allow) get a block of their own. That must not open a fresh block after
// each one: every such dialogue, and every correction of one, then cost
// 64 KiB more than its details, and 32,767 of them used up the arena's
// block numbers, which stops the model at every start.
func TestLargeDetailsLeaveNoEmptyBlockBehind(t *testing.T) {
	m := New()
	var spaceID, dialogueID domain.ID
	spaceID[15], dialogueID[0] = 1, 3
	apply := applier(t, m)
	apply(spaceID, space.Established{Details: space.Details{Name: "s", Region: "gao", Pillar: "justice"}, EstablishedOn: domain.NewDate(2024, 1, 1)})
	record := dialogue.Record{SpaceID: spaceID, HeldOn: domain.NewDate(2025, 3, 1), Format: "workshop", Pillar: "justice"}
	for range 18 {
		record.Concerns = append(record.Concerns, dialogue.Concern{Category: "governance", Summary: strings.Repeat("z", 1000)})
	}
	apply(dialogueID, dialogue.Held{Record: record})
	for range 20 {
		apply(dialogueID, dialogue.Corrected{Record: record})
	}
	held, capacity, blocks := m.packed.Footprint()
	if capacity > 2*held {
		t.Errorf("21 packings of %d bytes of details hold %d bytes in %d blocks, %d of them empty", held/21, capacity, blocks, capacity-held)
	}
	row, ok := m.Dialogue(dialogueID)
	if !ok || len(row.Dialogue.Concerns) != 18 || row.Dialogue.Concerns[17].Summary != record.Concerns[17].Summary {
		t.Errorf("the dialogue reads back as %v, %d concerns", ok, len(row.Dialogue.Concerns))
	}
}
