package graphql_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// story is a small history written through the API by its roles.
type story struct {
	gaoSpace, moptiSpace, holder      string
	alice, bob, moptiPerson, dialogue string
	commitment                        string
}

// Canary names and phones: they must reach nobody without access to
// identities.
const (
	canaryAlice = "CANARY-Aminata-7f3e"
	canaryBob   = "CANARY-Boubacar-91c2"
	canaryMopti = "CANARY-Mariam-0d44"
	canaryPhone = "+223-CANARY-555"
)

const enrol = `mutation($c: ID!, $region: String!, $code: String!, $sex: Sex!, $name: String!) {
  enrolParticipant(commandId: $c, input: {code: $code, sex: $sex, birthYear: 1998, functioning: {walking: A_LOT_OF_DIFFICULTY},
    displacement: INTERNALLY_DISPLACED, groups: ["pastoralists"], region: $region, consent: {given: true, on: "2025-02-01"}},
    identity: {name: $name, phone: "+223-CANARY-555"}) { id code region } }`

func writeStory(e *env) story {
	e.t.Helper()
	var s story
	s.gaoSpace, s.moptiSpace, s.holder = newID(), newID(), newID()
	space := `mutation($c: ID!, $region: String!) { establishSpace(commandId: $c, input: {name: "Comité", kind: SECURITY_ADVISORY_COMMITTEE, region: $region, pillar: SECURITY, establishedOn: "2025-01-10"}) { id } }`
	e.must(e.admin, space, map[string]any{"c": s.gaoSpace, "region": "gao"})
	e.must(e.admin, space, map[string]any{"c": s.moptiSpace, "region": "mopti"})
	e.must(e.advocacy, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Gao", type: GOVERNOR, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": s.holder})
	s.alice, s.bob, s.moptiPerson = newID(), newID(), newID()
	e.must(e.gao, enrol, map[string]any{"c": s.alice, "region": "gao", "code": "GAO-0001", "sex": "FEMALE", "name": canaryAlice})
	e.must(e.gao, enrol, map[string]any{"c": s.bob, "region": "gao", "code": "GAO-0002", "sex": "MALE", "name": canaryBob})
	e.must(e.mopti, enrol, map[string]any{"c": s.moptiPerson, "region": "mopti", "code": "MOP-0001", "sex": "FEMALE", "name": canaryMopti})
	s.dialogue = newID()
	d := e.must(e.gao, `mutation($c: ID!, $space: ID!, $a: ID!, $b: ID!, $h: ID!) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: "2025-03-02",
	    format: COMMUNITY_DIALOGUE, pillar: SECURITY, topics: ["patrols"], stakeholderIds: [$h], concerns: [{category: SECURITY}],
	    attendees: [{participantId: $a, spoke: true}, {participantId: $b}], headcount: {youngWomen: 3, adultWomen: 4, youngMen: 2, adultMen: 6, withDisabilities: 1, displaced: 2}})
	  { id figures { attendance { count } women { count } } } }`,
		map[string]any{"c": s.dialogue, "space": s.gaoSpace, "a": s.alice, "b": s.bob, "h": s.holder})
	if n := get(d, "holdDialogue", "figures", "attendance", "count"); n != 17.0 {
		e.t.Fatalf("the dialogue as read after the write: attendance %v, want 17 (read-your-writes)", n)
	}
	s.commitment = newID()
	e.must(e.advocacy, `mutation($c: ID!, $h: ID!, $space: ID!, $d: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $space, dialogueId: $d,
	    text: "Night patrols on the market road", pillar: SECURITY, madeOn: "2025-03-02", dueOn: "2025-06-30"}) { id status } }`,
		map[string]any{"c": s.commitment, "h": s.holder, "space": s.gaoSpace, "d": s.dialogue})
	e.must(e.advocacy, `mutation($c: ID!, $id: ID!) { reportCommitmentProgress(commandId: $c, id: $id, input: {reportedOn: "2025-04-01", status: ON_TRACK}) { progress } }`,
		map[string]any{"c": newID(), "id": s.commitment})
	f := e.must(e.advocacy, `mutation($c: ID!, $id: ID!) { fulfilCommitment(commandId: $c, id: $id, input: {on: "2025-05-15"}) { status settledOn } }`,
		map[string]any{"c": newID(), "id": s.commitment})
	if get(f, "fulfilCommitment", "status") != "FULFILLED" {
		e.t.Fatalf("fulfilCommitment = %v", f)
	}
	return s
}

func TestAStoryThroughTheAPIForEveryRole(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	storyReadsByRegion(t, e, s)
	storyFiguresByRole(t, e, s)
	storyCommands(t, e, s)
	storyAuditAndRevocation(t, e)
	_ = fmt.Sprint
}

// storyReadsByRegion: who reads a participant; another region's object
// answers as a missing one.
func storyReadsByRegion(t *testing.T, e *env, s story) {
	t.Helper()
	// A facilitator of gao sees gao's participants and their names.
	who := e.must(e.gao, `query($id: ID!) { participant(id: $id) { code identity { name phone } } }`, map[string]any{"id": s.alice})
	if get(who, "participant", "identity", "name") != canaryAlice {
		t.Fatalf("gao's facilitator reads %v", who)
	}
	// Another region's facilitator gets the same NOT_FOUND as for an id
	// that does not exist.
	for _, id := range []string{s.alice, newID()} {
		r := e.do(e.mopti, `query($id: ID!) { participant(id: $id) { code } }`, map[string]any{"id": id})
		if r.code() != "NOT_FOUND" || get(r.Data, "participant") != nil {
			t.Fatalf("mopti's facilitator asking for %s: %s", id, r.raw)
		}
		r = e.do(e.mopti, `query($id: ID!) { dialogue(id: $id) { id } }`, map[string]any{"id": map[bool]string{true: s.dialogue, false: newID()}[id == s.alice]})
		if r.code() != "NOT_FOUND" {
			t.Fatalf("mopti's facilitator asking for gao's dialogue: %s", r.raw)
		}
	}
	// Roles without access to identities never get a participant.
	for _, tok := range []string{e.analyst, e.advocacy} {
		if r := e.do(tok, `query($id: ID!) { participant(id: $id) { code } }`, map[string]any{"id": s.alice}); r.code() != "FORBIDDEN" {
			t.Fatalf("participant for a role without identities: %s", r.raw)
		}
	}
}

// storyFiguresByRole: figures perturbed, withheld or exact by role, and
// what analysts and advocacy may not do.
func storyFiguresByRole(t *testing.T, e *env, s story) {
	t.Helper()
	// An analyst reads aggregates perturbed by the cell-key method (noise
	// of at most 5), small counts withheld.
	v := e.must(e.analyst, `query($s: ID!) { inclusion(spaceId: $s) { total { dialogues attendance { count } women { count share suppressed } personsWithDisabilities { count suppressed } displaced { count suppressed } } } }`, map[string]any{"s": s.gaoSpace})
	total := get(v, "inclusion", "total")
	// A count is within 5 of the truth, or withheld when it came out below
	// 5 (so only a true count below 10 can be).
	near := func(measure string, want float64) bool {
		n, ok := get(total, measure, "count").(float64)
		withheld := get(total, measure, "suppressed") == true
		return ok && !withheld && n >= max(want-5, 5) && n <= want+5 || !ok && withheld && want < 10
	}
	if !near("attendance", 17) || !near("women", 8) || !near("personsWithDisabilities", 3) || get(total, "dialogues") != 1.0 {
		t.Fatalf("the analyst's view: %v", total)
	}
	// The admin sees them.
	v = e.must(e.admin, `query($s: ID!) { inclusion(spaceId: $s) { total { personsWithDisabilities { count suppressed } } } }`, map[string]any{"s": s.gaoSpace})
	if get(v, "inclusion", "total", "personsWithDisabilities", "count") != 3.0 {
		t.Fatalf("the admin's view: %v", v)
	}
	// Analysts may not write, nor read records.
	if r := e.do(e.analyst, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "x", type: MAYOR, level: NATIONAL}) { id } }`, map[string]any{"c": newID()}); r.code() != "FORBIDDEN" {
		t.Fatalf("an analyst wrote: %s", r.raw)
	}
	if r := e.do(e.analyst, `{ commitments { totalCount } }`, nil); r.code() != "FORBIDDEN" {
		t.Fatalf("an analyst listed commitments: %s", r.raw)
	}
	// Advocacy sees the dialogue without its attendees.
	d := e.must(e.advocacy, `query($id: ID!) { dialogue(id: $id) { attendees { participantId } figures { women { suppressed } } } }`, map[string]any{"id": s.dialogue})
	if get(d, "dialogue", "attendees") != nil || get(d, "dialogue", "figures", "women", "suppressed") != true {
		t.Fatalf("advocacy reads the dialogue as %v", d)
	}
}

// storyCommands: retries, bad input and erasure.
func storyCommands(t *testing.T, e *env, s story) {
	t.Helper()
	// A retried command returns the first result; the same id for another
	// command is a conflict.
	retry := map[string]any{"c": s.alice, "region": "gao", "code": "GAO-0001", "sex": "FEMALE", "name": canaryAlice}
	if r := e.do(e.gao, enrol, retry); len(r.Errors) > 0 || get(r.Data, "enrolParticipant", "id") != s.alice {
		t.Fatalf("retrying an enrolment: %s", r.raw)
	}
	retry["code"] = "GAO-0099"
	if r := e.do(e.gao, enrol, retry); r.code() != "CONFLICT" {
		t.Fatalf("reusing a command id: %s", r.raw)
	}
	// Bad input names the field.
	r := e.do(e.gao, enrol, map[string]any{"c": newID(), "region": "gao", "code": "bad code!", "sex": "FEMALE", "name": "x"})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.code" {
		t.Fatalf("a bad code: %s", r.raw)
	}
	// Erasure: the name is gone, the attendance stays.
	e.must(e.admin, `mutation($c: ID!, $id: ID!) { eraseParticipant(commandId: $c, id: $id, input: {erasedOn: "2026-06-01"}) { erased } }`, map[string]any{"c": newID(), "id": s.bob})
	who := e.must(e.gao, `query($id: ID!) { participant(id: $id) { erased identity { name } } }`, map[string]any{"id": s.bob})
	if get(who, "participant", "erased") != true || get(who, "participant", "identity") != nil {
		t.Fatalf("after erasure: %v", who)
	}
	v := e.must(e.admin, `query($s: ID!) { inclusion(spaceId: $s) { total { registered { count } } } }`, map[string]any{"s": s.gaoSpace})
	if get(v, "inclusion", "total", "registered", "count") != 2.0 {
		t.Fatalf("attendance after erasure: %v", v)
	}
}

// storyAuditAndRevocation: audit records without names, and a revoked
// token refused at once.
func storyAuditAndRevocation(t *testing.T, e *env) {
	t.Helper()
	// Every mutation left an audit record, and none holds a name.
	logs := e.logs.String()
	if strings.Count(logs, `"audit":"mutation"`) < 10 || !strings.Contains(logs, `"audit":"identity read"`) {
		t.Fatalf("audit records missing:\n%s", logs)
	}
	for _, canary := range []string{canaryAlice, canaryBob, canaryMopti, canaryPhone} {
		if strings.Contains(logs, canary) {
			t.Fatalf("the log holds %s", canary)
		}
	}
	// Revocation takes effect on the next request.
	tok, secret, _ := e.tokens.Create(context.Background(), accessToken("analyst"))
	e.must(secret, `{ me { role } }`, nil)
	e.must(e.admin, `mutation($c: ID!, $id: ID!) { revokeToken(commandId: $c, id: $id) { revoked } }`, map[string]any{"c": newID(), "id": tok.ID})
	if r := e.do(secret, `{ me { role } }`, nil); r.Status != 401 || r.code() != "UNAUTHENTICATED" {
		t.Fatalf("a revoked token: %s", r.raw)
	}
}
