package commitments_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
)

// TestListsStayInDateOrderAsCommitmentsArriveOutOfOrder: commitments
// recorded in no order of their dates, some on one day, are listed by
// date made then id whenever the list is asked for, between arrivals
// and after a restore, and the dialogue's newest first.
func TestListsStayInDateOrderAsCommitmentsArriveOutOfOrder(t *testing.T) {
	m := commitments.New(func() time.Time { return now })
	var dialogue domain.ID
	dialogue[0] = 'd'
	var want []commitments.Commitment
	for i := range 300 {
		var id domain.ID
		id[0], id[15] = 'c', byte((i*37)%256) // ids not in the order recorded either
		id[14] = byte(i / 256)
		made := domain.NewDate(2026, 1, 1+(i*53)%40)
		e := commitment.Made{Promise: commitment.Promise{Text: "T", Pillar: "justice", MadeOn: made, DialogueID: &dialogue}}
		if err := m.Apply(projections.Event{Domain: e, AggregateID: id}); err != nil {
			t.Fatal(err)
		}
		want = append(want, commitments.Commitment{ID: id, MadeOn: made})
		if i%17 == 0 || i == 299 {
			checkOrder(t, m.List(commitments.Query{}), want)
		}
	}
	var snap bytes.Buffer
	if err := m.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	restored := commitments.New(func() time.Time { return now })
	if err := restored.Restore(&snap); err != nil {
		t.Fatal(err)
	}
	checkOrder(t, restored.List(commitments.Query{}), want)
	at := restored.MadeAt(dialogue)
	if len(at) != len(want) || !slices.IsSortedFunc(at, func(a, b commitments.Commitment) int { return b.MadeOn.Time().Compare(a.MadeOn.Time()) }) {
		t.Fatalf("MadeAt gave %d commitments, not newest first", len(at))
	}
}

func checkOrder(t *testing.T, got, made []commitments.Commitment) {
	t.Helper()
	want := slices.Clone(made)
	slices.SortFunc(want, func(a, b commitments.Commitment) int {
		if c := a.MadeOn.Time().Compare(b.MadeOn.Time()); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
	if len(got) != len(want) {
		t.Fatalf("%d listed, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].MadeOn != want[i].MadeOn {
			t.Fatalf("listed %d: %v made %v, want %v made %v", i, got[i].ID, got[i].MadeOn, want[i].ID, want[i].MadeOn)
		}
	}
}
