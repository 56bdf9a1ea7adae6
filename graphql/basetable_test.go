package graphql_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/palabre/palabre/core/read"
)

// TestAnAnalystIsAnsweredFromWholeMonthsSeenAtMonthStarts checks what the
// base table gives roles without identities: dates widened to whole
// months, and the answer saying so; the same answer for every range
// within the same months; past views seen at the start of their month;
// and no figure of a single dialogue, which would be a second noisy view
// of its cell's records.
func TestAnAnalystIsAnsweredFromWholeMonthsSeenAtMonthStarts(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e) // a dialogue of 17 on 2025-03-02 in Gao
	q := `query($s: ID!, $from: Date, $to: Date, $at: String) { inclusion(spaceId: $s, from: $from, to: $to, asOf: $at) {
	  from to asOf widened total { attendance { count suppressed } women { count share suppressed } } } }`
	day := e.must(e.analyst, q, map[string]any{"s": s.gaoSpace, "from": "2025-03-02", "to": "2025-03-02"})
	if got := []any{get(day, "inclusion", "from"), get(day, "inclusion", "to"), get(day, "inclusion", "widened")}; !reflect.DeepEqual(got, []any{"2025-03-01", "2025-03-31", true}) {
		t.Errorf("an analyst's day: from, to, widened = %v, want the whole of March 2025, widened", got)
	}
	if n, _ := get(day, "inclusion", "total", "attendance", "count").(float64); n < 12 || n > 22 {
		t.Errorf("an analyst's March: attendance %v, want 17 within the noise", n)
	}
	month := e.must(e.analyst, q, map[string]any{"s": s.gaoSpace, "from": "2025-03-01", "to": "2025-03-20"})
	if !reflect.DeepEqual(get(month, "inclusion", "total"), get(day, "inclusion", "total")) {
		t.Errorf("two ranges within March differ: %v and %v", get(month, "inclusion", "total"), get(day, "inclusion", "total"))
	}
	exact := e.must(e.admin, q, map[string]any{"s": s.gaoSpace, "from": "2025-03-02", "to": "2025-03-02"})
	if get(exact, "inclusion", "from") != "2025-03-02" || get(exact, "inclusion", "widened") != false {
		t.Errorf("an admin's day was widened: %v", exact)
	}
	now := time.Now().UTC()
	past := e.must(e.analyst, q, map[string]any{"s": s.gaoSpace, "at": now.Format(time.RFC3339)})
	if want := read.MonthStart(now).Format(time.RFC3339); get(past, "inclusion", "asOf") != want || get(past, "inclusion", "widened") != true {
		t.Errorf("an analyst's view as of now is seen at %v, want the start of the month, %s", get(past, "inclusion", "asOf"), want)
	}
	if n := get(past, "inclusion", "total", "attendance", "count"); n != 0.0 {
		t.Errorf("as of the start of the month, before the story was recorded, attendance %v, want 0", n)
	}
	for _, who := range []string{e.advocacy} { // analysts read no records
		d := e.must(who, `query($id: ID!) { dialogue(id: $id) { figures { attendance { count suppressed } women { count suppressed } } } }`, map[string]any{"id": s.dialogue})
		for _, m := range []string{"attendance", "women"} {
			if get(d, "dialogue", "figures", m, "suppressed") != true || get(d, "dialogue", "figures", m, "count") != nil {
				t.Errorf("one dialogue's %s is published: %v", m, get(d, "dialogue", "figures", m))
			}
		}
	}
}
