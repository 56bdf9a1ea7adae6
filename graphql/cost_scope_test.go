package graphql_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/palabre/palabre/graphql"
)

// A view is sized before it runs, to price it and to refuse one of too
// many rows. Sized over every region, a facilitator's price and refusal
// told of another region: the day its first dialogue was held (named in
// the refusal of an open-ended view by month), and how many dialogues it
// held in any range (the price of a view of that region, given before
// the view itself is refused).
func TestAViewsSizeTellsAFacilitatorNothingOfAnotherRegion(t *testing.T) {
	e := newEnvWith(t, envOptions{server: &graphql.Options{Budget: 120}})
	space := `mutation($c: ID!, $region: String!, $on: Date!) { establishSpace(commandId: $c, input: {name: "Comité", kind: SECURITY_ADVISORY_COMMITTEE, region: $region, pillar: SECURITY, establishedOn: $on}) { id } }`
	hold := `mutation($c: ID!, $space: ID!, $on: Date!) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: $on,
	    format: COMMUNITY_DIALOGUE, pillar: SECURITY, headcount: {adultMen: 6}}) { id } }`
	gao, mopti := newID(), newID()
	e.must(e.admin, space, map[string]any{"c": gao, "region": "gao", "on": "2025-01-10"})
	e.must(e.admin, space, map[string]any{"c": mopti, "region": "mopti", "on": "2012-01-10"})
	e.must(e.gao, hold, map[string]any{"c": newID(), "space": gao, "on": "2026-05-02"})
	e.must(e.mopti, hold, map[string]any{"c": newID(), "space": mopti, "on": "2012-03-05"})

	// Gao's dialogues span one month: its open-ended view by month has a
	// row, whatever Mopti held fourteen years before.
	r := e.do(e.gao, `{ inclusion(bucket: MONTH) { rows { from } } }`, nil)
	if r.Status != 200 || len(r.Errors) > 0 || strings.Contains(r.raw, "2012") {
		t.Errorf("a Gao facilitator's open-ended view by month: %d %s, want Gao's one month, nothing of Mopti's", r.Status, r.raw)
	}
	// An analyst sees every region: the same view is refused, naming the
	// months, not the day of the first dialogue.
	r = e.do(e.analyst, `{ inclusion(bucket: MONTH) { rows { from } } }`, nil)
	if r.Status != 400 || !strings.Contains(r.raw, `"field":"bucket"`) || !strings.Contains(r.raw, "2012-03 to 2026-05") || strings.Contains(r.raw, "2012-03-05") {
		t.Errorf("an analyst's open-ended view by month over 14 years: %d %s, want refused naming the months 2012-03 to 2026-05", r.Status, r.raw)
	}

	// A Gao facilitator asking of Mopti is told the same however many
	// dialogues Mopti held.
	var views strings.Builder
	views.WriteString("{")
	for i := range 3 {
		fmt.Fprintf(&views, ` v%d: inclusion(region: "mopti", from: "2012-01-01", to: "2012-12-31", bucket: MONTH) { total { dialogues } }`, i)
	}
	views.WriteString("}")
	before := e.do(e.gao, views.String(), nil)
	for range 40 {
		e.must(e.mopti, hold, map[string]any{"c": newID(), "space": mopti, "on": "2012-03-06"})
	}
	after := e.do(e.gao, views.String(), nil)
	if refusals(before) != refusals(after) || refusals(after) != "NOT_FOUND" {
		t.Errorf("a Gao facilitator's views of Mopti, before and after Mopti held 40 more dialogues:\n%s\n%s\nwant the same refusal", before.raw, after.raw)
	}
	// An analyst's price counts them: the same views are over the budget.
	if r := e.do(e.analyst, views.String(), nil); r.Status != 400 || !strings.Contains(r.raw, "the budget is 120") {
		t.Errorf("an analyst's three views of 41 dialogues with a budget of 120: %d %s, want refused by the budget", r.Status, r.raw)
	}
}

// refusals are an answer's error codes, in order (graphql-go resolves
// fields side by side, so its errors come in any order).
func refusals(r response) string {
	var codes []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return strings.Join(codes, " ")
}
