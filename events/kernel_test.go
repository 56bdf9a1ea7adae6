package events_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/palabre/palabre/events"
)

func TestExpectedRevisionsMatchStreamStates(t *testing.T) {
	cases := []struct {
		expected events.ExpectedRevision
		last     events.Revision
		exists   bool
		want     bool
	}{
		{events.Any{}, 0, false, true},
		{events.Any{}, 9, true, true},
		{events.NoStream{}, 0, false, true},
		{events.NoStream{}, 0, true, false},
		{events.StreamExists{}, 0, false, false},
		{events.StreamExists{}, 3, true, true},
		{events.Exact(0), 0, false, false},
		{events.Exact(0), 0, true, true},
		{events.Exact(2), 3, true, false},
	}
	for _, tc := range cases {
		if got := tc.expected.Matches(tc.last, tc.exists); got != tc.want {
			t.Errorf("%s against last=%d exists=%v: got %v, want %v", tc.expected, tc.last, tc.exists, got, tc.want)
		}
	}
	if got := events.CurrentRevision(4, true); got != events.Exact(4) {
		t.Errorf("CurrentRevision(4, true) = %s", got)
	}
	if got := events.CurrentRevision(0, false); got != (events.NoStream{}) {
		t.Errorf("CurrentRevision(0, false) = %s", got)
	}
}

func TestStreamNamesAreValidated(t *testing.T) {
	for _, ok := range []string{"space-01J9ZQ3M8K2Q7R5T9V0W4X6Y8Z", "dialogue-x", "Ségou"} {
		if err := events.ValidateStreamName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for name, reason := range map[string]string{
		"":     "is empty",
		"$all": "reserved",
		"a\nb": "control character",
		"\xff": "UTF-8",
		strings.Repeat("x", events.MaxStreamNameLength+1): "longer than",
	} {
		err := events.ValidateStreamName(name)
		if !errors.Is(err, events.ErrInvalidAppend) || !strings.Contains(err.Error(), reason) {
			t.Errorf("%q: got %v, want ErrInvalidAppend saying %q", name, err, reason)
		}
	}
}

func TestAppendValidationNamesTheEventAndField(t *testing.T) {
	id := events.ID{1}
	err := events.ValidateAppend("space-1", events.NoStream{}, []events.EventData{
		{ID: id, Type: "A"},
		{ID: events.ID{2}, Type: "B", Data: []byte("{")},
	})
	if !errors.Is(err, events.ErrInvalidAppend) || !strings.Contains(err.Error(), "events[1]") || !strings.Contains(err.Error(), "data is not valid JSON") {
		t.Fatalf("got %v", err)
	}
}

func TestFiltersMatchByPrefix(t *testing.T) {
	cases := []struct {
		filter       events.Filter
		stream, kind string
		want         bool
	}{
		{events.Filter{}, "space-1", "SpaceEstablished", true},
		{events.StreamPrefixFilter("space-", "dialogue-"), "dialogue-1", "DialogueHeld", true},
		{events.StreamPrefixFilter("space-"), "dialogue-1", "DialogueHeld", false},
		{events.EventTypePrefixFilter("Commitment"), "commitment-1", "CommitmentMade", true},
		{events.EventTypePrefixFilter("Commitment"), "commitment-1", "Other", false},
	}
	for _, tc := range cases {
		if got := tc.filter.Matches(tc.stream, tc.kind); got != tc.want {
			t.Errorf("%+v on %s/%s: got %v, want %v", tc.filter, tc.stream, tc.kind, got, tc.want)
		}
	}
}

func TestPositionsOrderByCommitThenPrepare(t *testing.T) {
	a, b, c := events.Position{Commit: 1, Prepare: 1}, events.Position{Commit: 1, Prepare: 2}, events.Position{Commit: 2}
	if !a.Less(b) || !b.Less(c) || c.Less(a) || a.Compare(a) != 0 || !events.Start.Less(a) {
		t.Fatal("positions out of order")
	}
}

func TestIDsConvertToUUIDs(t *testing.T) {
	id := events.ID{0x01, 0x8f, 0x3a}
	if got := id.UUID().String(); got != "018f3a00-0000-0000-0000-000000000000" || id.String() != got {
		t.Fatalf("got %s", got)
	}
}
