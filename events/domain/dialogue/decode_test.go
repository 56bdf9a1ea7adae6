package dialogue_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"pgregory.net/rapid"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/domaintest"
)

// held draws a Held event, empty and absent lists included.
func held(t *rapid.T) dialogue.Held {
	id := func(label string) domain.ID {
		var b [16]byte
		copy(b[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, label))
		b[0] &= 0x7 // a ULID's first character is 0–7
		return ulid.ULID(b)
	}
	text := rapid.StringMatching(`[a-zA-Z0-9 éèàç'-]{0,12}`)
	var strs func(string) []string = func(l string) []string {
		if rapid.Bool().Draw(t, l+"Nil") {
			return nil
		}
		return rapid.SliceOfN(text, 0, 3).Draw(t, l)
	}
	n := rapid.IntRange(0, dialogue.MaxHeadcount)
	var r dialogue.Record
	r.SpaceID = id("space")
	r.HeldOn = domain.NewDate(rapid.IntRange(1990, 2040).Draw(t, "y"), time.Month(rapid.IntRange(1, 12).Draw(t, "m")), rapid.IntRange(1, 28).Draw(t, "d"))
	r.Format, r.Title, r.Pillar, r.Locality, r.Language = text.Draw(t, "format"), text.Draw(t, "title"), text.Draw(t, "pillar"), text.Draw(t, "locality"), text.Draw(t, "language")
	r.DurationMinutes = rapid.IntRange(-5, 100_000).Draw(t, "minutes")
	r.Topics, r.Facilitators = strs("topics"), strs("facilitators")
	if !rapid.Bool().Draw(t, "noStakeholders") {
		r.StakeholderIDs = []domain.ID{}
		for i := range rapid.IntRange(0, 3).Draw(t, "stakeholders") {
			r.StakeholderIDs = append(r.StakeholderIDs, id("stakeholder"+string(rune('0'+i))))
		}
	}
	if !rapid.Bool().Draw(t, "noConcerns") {
		r.Concerns = []dialogue.Concern{}
		for range rapid.IntRange(0, 3).Draw(t, "concerns") {
			r.Concerns = append(r.Concerns, dialogue.Concern{Category: text.Draw(t, "category"), Summary: text.Draw(t, "summary")})
		}
	}
	for i := range rapid.IntRange(0, 20).Draw(t, "attendees") {
		r.Attendees = append(r.Attendees, dialogue.Attendee{ParticipantID: id("attendee" + string(rune('0'+i%10))), Spoke: rapid.Bool().Draw(t, "spoke")})
	}
	r.Headcount = dialogue.Headcount{YoungWomen: n.Draw(t, "yw"), AdultWomen: n.Draw(t, "aw"), YoungMen: n.Draw(t, "ym"), AdultMen: n.Draw(t, "am"), WithDisabilities: n.Draw(t, "wd"), Displaced: n.Draw(t, "dp")}
	return dialogue.Held{Record: r}
}

// TestHandDecoderDecodesWhatPalabreWrites: every Held palabre writes takes
// the fast path and decodes as encoding/json does (empty lists come back
// absent either way: they are omitted when written).
func TestHandDecoderDecodesWhatPalabreWrites(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		want := held(t)
		data, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var got dialogue.Held
		if !got.DecodeJSON(data) {
			t.Fatalf("the hand decoder gave up on %s", data)
		}
		domaintest.CheckFastDecoder[dialogue.Held](t, data)
	})
}

// FuzzHandDecoderAgreesWithEncodingJSON: whatever input the hand decoder
// accepts, encoding/json accepts too and decodes to the same value.
func FuzzHandDecoderAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{"spaceId":"01KAAAAAAAAAAAAAAAAAAAAAAA","heldOn":"2025-03-01","format":"workshop","pillar":"justice","topics":["a","b"],"attendees":[{"participantId":"01KAAAAAAAAAAAAAAAAAAAAAAB","spoke":true}],"headcount":{"youngWomen":3,"adultWomen":0,"youngMen":1,"adultMen":2,"withDisabilities":1,"displaced":0}}`,
		`{"spaceId":"01KAAAAAAAAAAAAAAAAAAAAAAA", "heldOn" : "2025-03-01" , "concerns":[{"category":"land"}],"stakeholderIds":[],"durationMinutes":-0}`,
		`{"topics":null}`, `{"Format":"x"}`, `{"title":"\u00e9"}`, `{"durationMinutes":1e3}`, `{"durationMinutes":007}`,
		`{"title":"a"}{}`, `{"heldOn":""}`, `{"headcount":{"youngWomen":12345678901234567890}}`, `{"durationMinutes":9999999999}`, "{\"title\":\"\xff\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		domaintest.CheckFastDecoder[dialogue.Held](t, data)
	})
}
