package domain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
)

// renamed is an event at version 2: version 1 called its field "headcount".
type renamed struct {
	Attendance int    `json:"attendance"`
	Source     string `json:"source"`
}

func (renamed) EventType() string { return "TestRenamed" }

func TestOldVersionsAreUpcastOnRead(t *testing.T) {
	codec := domain.NewCodec([]domain.EventType{domain.TypeOf[renamed](3)},
		domain.Upcaster{Type: "TestRenamed", From: 1, Up: func(b json.RawMessage) (json.RawMessage, error) {
			var v1 map[string]any
			if err := json.Unmarshal(b, &v1); err != nil {
				return nil, err
			}
			v1["attendance"], v1["source"] = v1["headcount"], "v1"
			delete(v1, "headcount")
			return json.Marshal(v1)
		}},
		domain.Upcaster{Type: "TestRenamed", From: 2, Up: func(b json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(strings.Replace(string(b), `"source":"v1"`, `"source":"v1 via v2"`, 1)), nil
		}},
	)
	e, err := codec.Decode("TestRenamed", 1, []byte(`{"headcount":42}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.(renamed); got.Attendance != 42 || got.Source != "v1 via v2" {
		t.Fatalf("upcast v1 to %+v", got)
	}
	e, err = codec.Decode("TestRenamed", 3, []byte(`{"attendance":7,"source":"v3"}`))
	if err != nil || e.(renamed).Attendance != 7 {
		t.Fatalf("current version: %+v, %v", e, err)
	}
	data, version, err := codec.Encode(renamed{Attendance: 1})
	if err != nil || version != 3 || string(data) != `{"attendance":1,"source":""}` {
		t.Fatalf("encode: %s v%d %v", data, version, err)
	}
	if _, err := codec.Decode("Nope", 1, nil); !errors.Is(err, domain.ErrUnknownEventType) {
		t.Fatalf("unknown type: %v", err)
	}
	if _, err := codec.Decode("TestRenamed", 4, []byte(`{}`)); err == nil {
		t.Fatal("a version from the future decoded")
	}
	gap := domain.NewCodec([]domain.EventType{domain.TypeOf[renamed](2)})
	if _, err := gap.Decode("TestRenamed", 1, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "no upcaster") {
		t.Fatalf("missing upcaster: %v", err)
	}
}

func TestProblemsNameEveryField(t *testing.T) {
	var p domain.Problems
	if p.Err() != nil {
		t.Fatal("no problems is no error")
	}
	p.Add("attendees[3].participantId", "participant %s has been erased", "01J")
	p.Add("heldOn", "is required")
	err := p.Err()
	if !errors.Is(err, domain.ErrRejected) || err.Error() != "attendees[3].participantId: participant 01J has been erased; heldOn: is required" {
		t.Fatalf("got %v", err)
	}
}

func TestDatesRoundTripAsCalendarDays(t *testing.T) {
	var d domain.Date
	if err := json.Unmarshal([]byte(`"2026-02-29"`), &d); err == nil {
		t.Fatal("2026-02-29 parsed")
	}
	if err := json.Unmarshal([]byte(`"2024-02-29"`), &d); err != nil || d.String() != "2024-02-29" {
		t.Fatalf("%v %v", d, err)
	}
	if domain.NewDate(2026, 1, 1).DaysUntil(domain.NewDate(2026, 3, 1)) != 59 {
		t.Fatal("days")
	}
}
