package graphql_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/graphql"
)

// tableStory adds to the story a second gao space with a workshop of
// many women and few men, and a mopti dialogue.
func tableStory(e *env) (story, string) {
	s := writeStory(e)
	second := newID()
	e.must(e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Forum", kind: COMMUNITY_DIALOGUE_FORUM, region: "gao", pillar: JUSTICE, establishedOn: "2025-01-15"}) { id } }`,
		map[string]any{"c": second})
	hold := `mutation($c: ID!, $s: ID!, $on: Date!, $f: DialogueFormat!, $p: Pillar!, $w: Int!, $m: Int!) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: $on,
	  format: $f, pillar: $p, headcount: {adultWomen: $w, adultMen: $m}}) { id } }`
	e.must(e.gao, hold, map[string]any{"c": newID(), "s": second, "on": "2025-04-10", "f": "WORKSHOP", "p": "JUSTICE", "w": 30, "m": 3})
	e.must(e.gao, hold, map[string]any{"c": newID(), "s": s.gaoSpace, "on": "2025-04-20", "f": "COMMUNITY_DIALOGUE", "p": "SECURITY", "w": 12, "m": 14})
	e.must(e.mopti, hold, map[string]any{"c": newID(), "s": s.moptiSpace, "on": "2025-03-05", "f": "COMMITTEE_MEETING", "p": "SECURITY", "w": 9, "m": 9})
	return s, second
}

const tableQuery = `query($region: String, $by: InclusionGrouping) { inclusion(region: $region, from: "2025-03-01", to: "2025-04-30", bucket: MONTH, groupBy: $by) {
  rows { from } total { attendance { count } women { count suppressed } men { count suppressed } }
  groups { by key space { id name } rows { from figures { attendance { count } women { count suppressed } men { count suppressed } } }
    total { attendance { count } women { count suppressed } men { count suppressed } } } } }`

func TestATableAnswersEveryGroupInOneRequestForEachRole(t *testing.T) {
	e := newEnv(t)
	s, second := tableStory(e)

	// An admin's table of gao's spaces: a group per space, buckets aligned
	// on the total's, and the groups adding up to the total.
	a := e.must(e.admin, tableQuery, map[string]any{"region": "gao", "by": "SPACE"})
	groups := get(a, "inclusion", "groups").([]any)
	keys := []string{}
	sum := 0.0
	for _, g := range groups {
		keys = append(keys, get(g, "key").(string))
		sum += get(g, "total", "attendance", "count").(float64)
		if len(get(g, "rows").([]any)) != 2 || get(g, "rows", 1, "from") != "2025-04-01" {
			t.Fatalf("a group's buckets are not the total's: %v", get(g, "rows"))
		}
		if get(g, "space", "id") != get(g, "key") {
			t.Fatalf("a space's group names another space: %v", g)
		}
	}
	slices.Sort(keys)
	want := []string{s.gaoSpace, second}
	slices.Sort(want)
	if !slices.Equal(keys, want) || sum != get(a, "inclusion", "total", "attendance", "count") {
		t.Fatalf("gao by space: groups %v (want %v), attendance %v of total %v", keys, want, sum, get(a, "inclusion", "total", "attendance", "count"))
	}
	byCount := map[string]int{"SPACE": 3, "REGION": 2, "PILLAR": 3, "FORMAT": 8}
	for by, n := range byCount {
		if r := e.must(e.admin, tableQuery, map[string]any{"by": by}); len(get(r, "inclusion", "groups").([]any)) != n {
			t.Errorf("everywhere by %s: %d groups, want %d", by, len(get(r, "inclusion", "groups").([]any)), n)
		}
	}
	if r := e.must(e.admin, tableQuery, map[string]any{"region": "gao"}); len(get(r, "inclusion", "groups").([]any)) != 0 {
		t.Errorf("without groupBy, groups: %v", get(r, "inclusion", "groups"))
	}

	// A facilitator's table stays within their region, whatever they ask.
	for _, by := range []string{"SPACE", "REGION"} {
		r := e.must(e.mopti, tableQuery, map[string]any{"by": by})
		for _, g := range get(r, "inclusion", "groups").([]any) {
			if k := get(g, "key"); k == s.gaoSpace || k == second || k == "gao" {
				t.Fatalf("mopti's facilitator's table by %s holds gao's %v", by, k)
			}
		}
	}
	if r := e.do(e.mopti, tableQuery, map[string]any{"region": "gao", "by": "SPACE"}); r.code() != "NOT_FOUND" {
		t.Fatalf("mopti's facilitator asking for gao's table: %s", r.raw)
	}
}

func TestATablesWithheldCellCannotBeRecomputedFromTheOtherRows(t *testing.T) {
	e := newEnvWith(t, envOptions{disclosure: graphql.Suppress})
	tableStory(e)
	r := e.must(e.analyst, tableQuery, map[string]any{"region": "gao", "by": "SPACE"})
	// The forum's 3 men are withheld; the committee's men must be too, or
	// the total minus the committee would give them.
	withheld := 0
	for _, g := range get(r, "inclusion", "groups").([]any) {
		if get(g, "total", "men", "suppressed") == true {
			if get(g, "total", "men", "count") != nil {
				t.Fatalf("a withheld count is there: %v", g)
			}
			withheld++
		}
	}
	if withheld == 1 && get(r, "inclusion", "total", "men", "suppressed") == false {
		t.Fatalf("one space's men withheld, the other's and the total published: %v", get(r, "inclusion"))
	}
	if withheld == 0 {
		t.Fatalf("the forum's 3 men were published to an analyst: %v", get(r, "inclusion"))
	}
}

func TestCommitmentFiguresByGroup(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	q := `query($by: CommitmentGrouping) { commitmentFigures(groupBy: $by) { made groups { by key stakeholder { id } space { id } figures { made fulfilled fulfilmentRate } } } }`
	r := e.must(e.advocacy, q, map[string]any{"by": "STAKEHOLDER"})
	if get(r, "commitmentFigures", "groups", 0, "key") != s.holder || get(r, "commitmentFigures", "groups", 0, "stakeholder", "id") != s.holder ||
		get(r, "commitmentFigures", "groups", 0, "figures", "fulfilmentRate") != 100.0 {
		t.Fatalf("by stakeholder: %v", r)
	}
	r = e.must(e.advocacy, q, map[string]any{"by": "PILLAR"})
	if fmt.Sprintf("%v %v", get(r, "commitmentFigures", "groups", 0, "key"), get(r, "commitmentFigures", "groups", 0, "figures", "made")) != "security 1" {
		t.Fatalf("by pillar: %v", r)
	}
	if r := e.must(e.mopti, q, map[string]any{"by": "SPACE"}); len(get(r, "commitmentFigures", "groups").([]any)) != 0 || get(r, "commitmentFigures", "made") != 0.0 {
		t.Fatalf("mopti's facilitator sees gao's commitments in a table: %v", r)
	}
}

func TestListsAreNewestFirstAndTakeAnOrder(t *testing.T) {
	e := newEnv(t)
	tableStory(e)
	dates := func(order string) string {
		r := e.must(e.admin, `query($o: DialogueOrder) { dialogues(first: 10, orderBy: $o) { edges { node { heldOn } } } }`, map[string]any{"o": order})
		var out []string
		for _, ed := range get(r, "dialogues", "edges").([]any) {
			out = append(out, get(ed, "node", "heldOn").(string))
		}
		return strings.Join(out, " ")
	}
	if got := dates("NEWEST"); got != "2025-04-20 2025-04-10 2025-03-05 2025-03-02" {
		t.Fatalf("newest first: %s", got)
	}
	if got := dates("OLDEST"); got != "2025-03-02 2025-03-05 2025-04-10 2025-04-20" {
		t.Fatalf("oldest first: %s", got)
	}
	// Pages follow the order.
	first := e.must(e.admin, `{ dialogues(first: 1) { pageInfo { endCursor } } }`, nil)
	next := e.must(e.admin, `query($a: String) { dialogues(first: 1, after: $a) { edges { node { heldOn } } } }`, map[string]any{"a": get(first, "dialogues", "pageInfo", "endCursor")})
	if get(next, "dialogues", "edges", 0, "node", "heldOn") != "2025-04-10" {
		t.Fatalf("the second page, newest first: %v", next)
	}
	names := e.must(e.admin, `{ spaces(orderBy: NAME) { edges { node { name } } } }`, nil)
	if get(names, "spaces", "edges", 0, "node", "name") != "Comité" || get(names, "spaces", "edges", 2, "node", "name") != "Forum" {
		t.Fatalf("spaces by name: %v", names)
	}
}

func TestAdminsListChangesAcrossObjectsBySubjectAndTime(t *testing.T) {
	e := newEnv(t)
	writeStory(e)
	q := `query($s: String, $after: String, $from: String) { changes(subject: $s, first: 3, after: $after, from: $from) { pageInfo { hasNextPage endCursor } edges { node { type recordedBy objectKind objectId } } } }`
	subject := "facilitator[gao]"
	var seen []string
	var after any
	for range 10 {
		r := e.must(e.admin, q, map[string]any{"s": subject, "after": after})
		for _, ed := range get(r, "changes", "edges").([]any) {
			if get(ed, "node", "recordedBy") != subject {
				t.Fatalf("a change by another subject: %v", ed)
			}
			seen = append(seen, get(ed, "node", "type").(string))
		}
		if get(r, "changes", "pageInfo", "hasNextPage") != true {
			break
		}
		after = get(r, "changes", "pageInfo", "endCursor")
	}
	if strings.Join(seen, " ") != "ParticipantEnrolled ParticipantEnrolled DialogueHeld" {
		t.Fatalf("gao's facilitator's changes: %v", seen)
	}
	if r := e.must(e.admin, q, map[string]any{"from": "2099-01-01T00:00:00Z"}); len(get(r, "changes", "edges").([]any)) != 0 {
		t.Fatalf("changes recorded after 2099: %v", r)
	}
	for _, tok := range []string{e.analyst, e.advocacy, e.gao} {
		if r := e.do(tok, q, nil); r.code() != "FORBIDDEN" {
			t.Fatalf("changes for a role that is not admin: %s", r.raw)
		}
	}
	if r := e.do(e.admin, q, map[string]any{"after": "bm90IGEgY3Vyc29y"}); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"after"`) {
		t.Fatalf("a made-up cursor: %s", r.raw)
	}
}

// TestATablesColumnsAreItsGroupsFigures asks a table as groups and as
// columns, as an analyst (perturbed sums, some withheld) and as gao's
// facilitator (exact figures): every measure's count, share and
// withheld flag, every target and name, the same group by group.
func TestATablesColumnsAreItsGroupsFigures(t *testing.T) {
	e := newEnv(t)
	tableStory(e)
	measures, columns := "", ""
	for _, name := range read.MeasureNames {
		measures += name + " { count share suppressed } "
		columns += name + " { counts shares suppressed } "
	}
	scope := `inclusion(region: "gao", from: "2025-03-01", to: "2025-04-30", bucket: MONTH, groupBy: SPACE)`
	asGroups := `{ ` + scope + ` { groups { key space { name targets { women youth disability displaced } } total { dialogues ` + measures + ` } } } }`
	asColumns := `{ ` + scope + ` { columns { keys spaceNames dialogues targets { women youth disability displaced } ` + columns + ` } } }`
	for who, token := range map[string]string{"analyst": e.analyst, "gao's facilitator": e.gao} {
		groups := get(e.must(token, asGroups, nil), "inclusion", "groups").([]any)
		c := get(e.must(token, asColumns, nil), "inclusion", "columns")
		if len(groups) != 2 || len(get(c, "keys").([]any)) != len(groups) {
			t.Fatalf("%s: %d groups, columns %v", who, len(groups), c)
		}
		withheld := 0
		for i, g := range groups {
			same := func(what string, want any, column ...any) {
				if got := get(c, append(column, i)...); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s, group %d, %s: columns %v, groups %v", who, i, what, got, want)
				}
			}
			same("key", get(g, "key"), "keys")
			same("name", get(g, "space", "name"), "spaceNames")
			same("dialogues", get(g, "total", "dialogues"), "dialogues")
			for _, target := range []string{"women", "youth", "disability", "displaced"} {
				same(target+" target", get(g, "space", "targets", target), "targets", target)
			}
			for _, name := range read.MeasureNames {
				m := get(g, "total", name)
				same(name+" count", get(m, "count"), name, "counts")
				same(name+" share", get(m, "share"), name, "shares")
				same(name+" withheld", get(m, "suppressed"), name, "suppressed")
				if get(m, "suppressed") == true {
					withheld++
				}
			}
		}
		if who == "analyst" && withheld == 0 {
			t.Fatalf("no figure withheld from the analyst: the comparison says nothing about withheld cells")
		}
	}
}
