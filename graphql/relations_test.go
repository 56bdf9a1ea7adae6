package graphql_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestRelationsConnectTheGraphWithinWhatEachRoleMaySee(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	q := `query($id: ID!) { dialogue(id: $id) { space { id } stakeholders { id } commitments { id stakeholder { id } space { id } dialogue { id } }
	  attendees { participant { code dialogues(first: 5) { edges { node { id } } } } } } }`
	gao := e.must(e.gao, q, map[string]any{"id": s.dialogue})
	if get(gao, "dialogue", "space", "id") != s.gaoSpace || get(gao, "dialogue", "stakeholders", 0, "id") != s.holder ||
		get(gao, "dialogue", "commitments", 0, "id") != s.commitment || get(gao, "dialogue", "commitments", 0, "stakeholder", "id") != s.holder ||
		get(gao, "dialogue", "commitments", 0, "dialogue", "id") != s.dialogue || get(gao, "dialogue", "attendees", 0, "participant", "code") != "GAO-0001" ||
		get(gao, "dialogue", "attendees", 0, "participant", "dialogues", "edges", 0, "node", "id") != s.dialogue {
		t.Fatalf("gao's facilitator: %v", gao)
	}
	adv := e.must(e.advocacy, q, map[string]any{"id": s.dialogue})
	if get(adv, "dialogue", "attendees") != nil || get(adv, "dialogue", "commitments", 0, "id") != s.commitment {
		t.Fatalf("advocacy: %v", adv)
	}
	if r := e.do(e.mopti, q, map[string]any{"id": s.dialogue}); r.code() != "NOT_FOUND" {
		t.Fatalf("mopti's facilitator: %s", r.raw)
	}

	// An admin records a commitment in gao by mopti's governor: gao's
	// facilitator sees the commitment, not the stakeholder.
	holder, c := newID(), newID()
	e.must(e.admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Mopti", type: GOVERNOR, level: REGIONAL, region: "mopti"}) { id } }`, map[string]any{"c": holder})
	e.must(e.admin, `mutation($c: ID!, $h: ID!, $s: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $s, text: "Escortes", pillar: SECURITY, madeOn: "2025-03-05"}) { id } }`,
		map[string]any{"c": c, "h": holder, "s": s.gaoSpace})
	r := e.must(e.gao, `query($id: ID!) { commitment(id: $id) { id stakeholder { id } space { id } } }`, map[string]any{"id": c})
	if get(r, "commitment", "stakeholder") != nil || get(r, "commitment", "space", "id") != s.gaoSpace {
		t.Fatalf("a gao commitment by mopti's governor, to gao's facilitator: %v", r)
	}

	// A space's own lists are the Query's, scoped to it.
	sp := e.must(e.gao, `query($id: ID!) { space(id: $id) { kind establishedOn closedOn convenor { id } dialogues(first: 5) { totalCount edges { node { id } } } commitments(first: 5) { edges { node { id } } }
	  inclusion { total { attendance { count } } } } }`, map[string]any{"id": s.gaoSpace})
	if get(sp, "space", "dialogues", "edges", 0, "node", "id") != s.dialogue || get(sp, "space", "inclusion", "total", "attendance", "count") != 17.0 ||
		get(sp, "space", "kind") != "SECURITY_ADVISORY_COMMITTEE" || get(sp, "space", "establishedOn") != "2025-01-10" || get(sp, "space", "closedOn") != nil {
		t.Fatalf("a space's lists: %v", sp)
	}
	// To an analyst the space's view is the Query's view, noise and all.
	a := e.must(e.analyst, `query($id: ID!) { space(id: $id) { inclusion { total { attendance { count } women { count } } } } inclusion(spaceId: $id) { total { attendance { count } women { count } } } }`, map[string]any{"id": s.gaoSpace})
	if fmt.Sprint(get(a, "space", "inclusion")) != fmt.Sprint(get(a, "inclusion")) {
		t.Fatalf("Space.inclusion %v, inclusion(spaceId) %v", get(a, "space", "inclusion"), get(a, "inclusion"))
	}
	h := e.must(e.advocacy, `query($id: ID!) { commitment(id: $id) { history { kind on status } } }`, map[string]any{"id": s.commitment})
	if fmt.Sprint(get(h, "commitment", "history")) != "[map[kind:PROGRESS on:2025-04-01 status:ON_TRACK] map[kind:FULFILLED on:2025-05-15 status:<nil>]]" {
		t.Fatalf("a commitment's history: %v", get(h, "commitment", "history"))
	}
	st := e.must(e.advocacy, `query($id: ID!) { stakeholder(id: $id) { commitments(first: 5) { edges { node { id status } } } commitmentFigures { made fulfilled } dialogues(first: 5) { edges { node { id } } } } }`, map[string]any{"id": s.holder})
	if get(st, "stakeholder", "commitments", "edges", 0, "node", "status") != "FULFILLED" || get(st, "stakeholder", "commitmentFigures", "made") != 1.0 ||
		get(st, "stakeholder", "dialogues", "edges", 0, "node", "id") != s.dialogue {
		t.Fatalf("a stakeholder's lists: %v", st)
	}
}

func TestTheVocabularyLabelsEveryCodeInBothLanguages(t *testing.T) {
	e := newEnv(t)
	q := `query($l: Language) { vocabulary(language: $l) { name terms { code value label } } }`
	fr := e.must(e.analyst, q, map[string]any{"l": "FR"})
	en := e.must(e.gao, q, map[string]any{"l": "EN"})
	names := map[string]int{}
	for i, v := range get(fr, "vocabulary").([]any) {
		name := get(v, "name").(string)
		names[name] = i
		for j, term := range get(v, "terms").([]any) {
			label, other := get(term, "label"), get(en, "vocabulary", i, "terms", j, "label")
			if label == "" || label == nil || other == "" || other == nil {
				t.Errorf("%s %v has labels %q and %q", name, get(term, "code"), label, other)
			}
		}
	}
	for _, want := range []string{"Sex", "AgeBand", "Displacement", "Difficulty", "Pillar", "DialogueFormat", "ConcernCategory", "SpaceKind", "StakeholderType",
		"StakeholderLevel", "CommitmentStatus", "ProgressStatus", "Beneficiary", "Role", "Bucket", "Region", "Group"} {
		if _, ok := names[want]; !ok {
			t.Errorf("no %s vocabulary", want)
		}
	}
	if got := get(fr, "vocabulary", names["DialogueFormat"], "terms", 5, "label"); got != "Audience foraine" {
		t.Errorf("mobile-court-session in French: %v", got)
	}
}

func TestEveryObjectTellsItsChangesWithoutAName(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	e.must(e.gao, `mutation($c: ID!, $id: ID!) { correctParticipant(commandId: $c, id: $id, input: {code: "GAO-0001", sex: FEMALE, birthYear: 1997, displacement: NONE, region: "gao"},
	  identity: {name: "CANARY-Renamed-31", phone: "+223-CANARY-556"}) { id } }`, map[string]any{"c": newID(), "id": s.alice})
	r := e.must(e.gao, `query($d: ID!, $p: ID!, $c: ID!) { dialogue(id: $d) { changes { type on recordedBy summary } }
	  participant(id: $p) { changes { type summary recordedAt recordedBy } } commitment(id: $c) { changes { type on } } }`,
		map[string]any{"d": s.dialogue, "p": s.alice, "c": s.commitment})
	if fmt.Sprint(get(r, "dialogue", "changes")) != "[map[on:2025-03-02 recordedBy:facilitator[gao] summary:Dialogue logged type:DialogueHeld]]" {
		t.Errorf("the dialogue's changes: %v", get(r, "dialogue", "changes"))
	}
	if n := len(get(r, "participant", "changes").([]any)); n != 2 || get(r, "participant", "changes", 1, "summary") != "Profile corrected" {
		t.Errorf("the participant's changes: %v", get(r, "participant", "changes"))
	}
	if n := len(get(r, "commitment", "changes").([]any)); n != 3 {
		t.Errorf("the commitment's changes: %v", get(r, "commitment", "changes"))
	}
	for _, canary := range []string{"CANARY-Renamed-31", "+223-CANARY-556", canaryAlice} {
		if strings.Contains(fmt.Sprint(r), canary) {
			t.Errorf("a change holds %s", canary)
		}
	}
	// Another region's object has no changes to show: it is not found.
	if r := e.do(e.mopti, `query($d: ID!) { dialogue(id: $d) { changes { type } } }`, map[string]any{"d": s.dialogue}); r.code() != "NOT_FOUND" {
		t.Errorf("mopti's facilitator: %s", r.raw)
	}
}

func TestADialoguesHeadcountIsForThoseWhoSeeItsParticipants(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	q := `query($id: ID!) { dialogue(id: $id) { headcount { youngWomen adultWomen youngMen adultMen withDisabilities displaced } } }`
	if r := e.must(e.gao, q, map[string]any{"id": s.dialogue}); fmt.Sprint(get(r, "dialogue", "headcount")) != "map[adultMen:6 adultWomen:4 displaced:2 withDisabilities:1 youngMen:2 youngWomen:3]" {
		t.Fatalf("gao's facilitator: %v", r)
	}
	if r := e.must(e.advocacy, q, map[string]any{"id": s.dialogue}); get(r, "dialogue", "headcount") != nil {
		t.Fatalf("an advocacy lead sees a dialogue's small counts: %v", r)
	}
}

func TestAParticipantIsFoundByTheCodeTheScreensShow(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	q := `query($code: String) { participants(code: $code) { totalCount edges { node { id code region dialogues { totalCount } } } } }`
	// An admin, who has no region of their own, finds anyone's code, typed
	// as a person types it; what an erasure shows comes with it.
	found := e.must(e.admin, q, map[string]any{"code": " gao-0001 "})
	if get(found, "participants", "totalCount") != 1.0 || get(found, "participants", "edges", 0, "node", "id") != s.alice ||
		get(found, "participants", "edges", 0, "node", "region") != "gao" || get(found, "participants", "edges", 0, "node", "dialogues", "totalCount") != 1.0 {
		t.Fatalf("the admin looking GAO-0001 up: %v", found)
	}
	if r := e.must(e.admin, q, map[string]any{"code": "MOP-0001"}); get(r, "participants", "edges", 0, "node", "id") != s.moptiPerson {
		t.Errorf("the admin looking MOP-0001 up: %v", r)
	}
	// A facilitator finds only their regions' codes: another region's
	// answers as a code nobody has.
	if r := e.must(e.gao, q, map[string]any{"code": "MOP-0001"}); get(r, "participants", "totalCount") != 0.0 {
		t.Errorf("gao's facilitator looking MOP-0001 up: %v", r)
	}
	if r := e.must(e.gao, q, map[string]any{"code": "GAO-0002"}); get(r, "participants", "edges", 0, "node", "id") != s.bob {
		t.Errorf("gao's facilitator looking GAO-0002 up: %v", r)
	}
	// Neither a region nor a code: the field to give is named.
	if r := e.do(e.admin, `{ participants { totalCount } }`, nil); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"region"`) {
		t.Errorf("participants with neither region nor code: %s", r.raw)
	}
	if r := e.do(e.analyst, q, map[string]any{"code": "GAO-0001"}); r.code() != "FORBIDDEN" {
		t.Errorf("an analyst looking a code up: %s", r.raw)
	}
}
