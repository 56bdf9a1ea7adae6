package inclusion

import (
	"bytes"
	"context"
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
	apply := applier(t, m)
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

// A region's spaces are kept in a list of their own, which a move must
// update: every read by region (views, lists, the price's count, the
// extent and the number of spaces) follows the space, before and after
// a snapshot is restored.
func TestReadsByRegionFollowASpaceThatMoved(t *testing.T) {
	m := New()
	var gaoSpace, moved, first, second domain.ID
	gaoSpace[15], moved[15], first[0], second[0] = 1, 2, 3, 4
	apply := applier(t, m)
	apply(gaoSpace, space.Established{Details: space.Details{Name: "s", Region: "gao", Pillar: "justice"}, EstablishedOn: domain.NewDate(2024, 1, 1)})
	apply(moved, space.Established{Details: space.Details{Name: "t", Region: "gao", Pillar: "justice"}, EstablishedOn: domain.NewDate(2024, 1, 1)})
	for _, d := range []struct{ id, space domain.ID }{{first, gaoSpace}, {second, moved}} {
		apply(d.id, dialogue.Held{Record: dialogue.Record{SpaceID: d.space, HeldOn: domain.NewDate(2025, 3, 1), Format: "workshop", Pillar: "justice",
			Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultWomen: 3}}}})
	}
	year := Query{From: domain.NewDate(2025, 1, 1), To: domain.NewDate(2025, 12, 31), Bucket: Month}
	inRegion := func(m *Model, region string) (view, selected, listed, spaces, regions int) {
		q := year
		q.Region = region
		v, err := m.View(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := m.Dialogues(ListQuery{Query: q, Limit: 10})
		return v.Total.Dialogues, m.Selected(q), len(rows), m.SpaceCount(region), m.ExtentOf(Query{}).Regions
	}
	check := func(m *Model, when string, wantGao, wantMopti, wantRegions int) {
		t.Helper()
		for region, want := range map[string]int{"gao": wantGao, "mopti": wantMopti} {
			view, selected, listed, spaces, regions := inRegion(m, region)
			if view != want || selected != want || listed != want || spaces != want || regions != wantRegions {
				t.Errorf("%s, %s: %d dialogues in its view, %d selected, %d listed, %d spaces, %d regions; want %d, and %d regions",
					when, region, view, selected, listed, spaces, regions, want, wantRegions)
			}
		}
	}
	check(m, "before the move", 2, 0, 1) // and Gao's months are now kept
	apply(moved, space.DetailsChanged{Details: space.Details{Name: "t", Region: "mopti", Pillar: "justice"}})
	check(m, "after the move", 1, 1, 2)
	var snap bytes.Buffer
	if err := m.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	restored := New()
	if err := restored.Restore(&snap); err != nil {
		t.Fatal(err)
	}
	check(restored, "restored", 1, 1, 2)
	apply(moved, space.DetailsChanged{Details: space.Details{Name: "t", Region: "gao", Pillar: "justice"}})
	check(m, "moved back", 2, 0, 1)
}

// A past model is read for a viewer scoped to regions by the spaces in
// their regions today (core/read): Spaces selects those spaces'
// dialogues whatever region the model gives them, and the base table,
// published by space or region alone, refuses such a query.
func TestASelectionOfSpacesIgnoresTheRegionTheyHadThen(t *testing.T) {
	m := New()
	var gao, mopti, d1, d2 domain.ID
	gao[15], mopti[15], d1[0], d2[0] = 1, 2, 3, 4
	apply := applier(t, m)
	for id, region := range map[domain.ID]string{gao: "gao", mopti: "mopti"} {
		apply(id, space.Established{Details: space.Details{Name: region, Region: region, Pillar: "justice"}, EstablishedOn: domain.NewDate(2024, 1, 1)})
	}
	for id, s := range map[domain.ID]domain.ID{d1: gao, d2: mopti} {
		apply(id, dialogue.Held{Record: dialogue.Record{SpaceID: s, HeldOn: domain.NewDate(2025, 3, 1), Format: "workshop", Pillar: "justice",
			Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{AdultMen: 3}}}})
	}
	only := map[domain.ID]bool{gao: true}
	for _, q := range []Query{{Spaces: only}, {Spaces: only, SpaceID: &gao}} {
		v, err := m.View(context.Background(), q)
		if err != nil || v.Total.Dialogues != 1 {
			t.Errorf("%+v: %d dialogues, %v; want Gao's one", q, v.Total.Dialogues, err)
		}
		if n := m.Selected(q); n != 1 {
			t.Errorf("%+v selects %d dialogues; want 1", q, n)
		}
	}
	if v, _ := m.View(context.Background(), Query{Spaces: only, SpaceID: &mopti}); v.Total.Dialogues != 0 {
		t.Errorf("a space outside the selection: %d dialogues, want none", v.Total.Dialogues)
	}
	if _, err := m.PublishedEach(context.Background(), []Query{{Spaces: only}}); err == nil {
		t.Error("the base table answered a selection of spaces")
	}
}

// applier applies events to m, failing the test on an error.
func applier(t *testing.T, m *Model) func(id domain.ID, e domain.Event) {
	return func(id domain.ID, e domain.Event) {
		t.Helper()
		if err := m.Apply(projections.Event{Domain: e, AggregateID: id}); err != nil {
			t.Fatal(err)
		}
	}
}
