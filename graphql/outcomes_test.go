package graphql_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

const (
	canaryVerifier = "CANARY-Verificatrice-5b1a"
	canaryOrg      = "CANARY-Radio-Kaoural"
	harvest        = `mutation($c: ID!, $actor: ID!, $region: String!, $evidence: [EvidenceInput!]) { harvestOutcome(commandId: $c, input: {actorId: $actor,
	  changeType: PRACTICE, on: "2025-05-20", region: $region, locality: "Ansongo", description: "Le gouvernorat reçoit les associations de femmes chaque mois",
	  significance: "Une première", contribution: "Plaidoyer du comité", intended: true, tags: ["femmes"], evidence: $evidence})
	  { id substantiation evidence { kind id report commitment { id status } dialogue { id } } } }`
	outcomeFields = `id region substantiation public evidence { kind id } requests { id erased answer { verdict comment } verifier { name phone organisation } }`
)

// TestOutcomesThroughTheAPI: an outcome harvested from a fulfilled
// commitment by Gao's facilitator, put to a verifier whose identity only a
// bearer who may open identities reads, answered, and attacked by Mopti's
// facilitator, who learns nothing they could not learn of an id nobody
// has.
func TestOutcomesThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	evidence := []any{map[string]any{"kind": "COMMITMENT", "id": s.commitment}, map[string]any{"kind": "PROGRESS_REPORT", "id": s.commitment, "report": 1},
		map[string]any{"kind": "DIALOGUE", "id": s.dialogue}}
	id := newID()
	o := e.must(e.gao, harvest, map[string]any{"c": id, "actor": s.holder, "region": "gao", "evidence": evidence})
	if get(o, "harvestOutcome", "substantiation") != "NOT_REQUESTED" || get(o, "harvestOutcome", "evidence", 0, "commitment", "status") != "FULFILLED" ||
		get(o, "harvestOutcome", "evidence", 2, "dialogue", "id") != s.dialogue {
		t.Fatalf("harvested: %v", o)
	}
	outcomeAttacks(t, e, s, id)
	requestID := newID()
	ask := `mutation($c: ID!, $id: ID!, $r: ID!) { requestSubstantiation(commandId: $c, id: $id, input: {requestId: $r, requestedOn: "2025-05-25",
	  verifier: {name: "CANARY-Verificatrice-5b1a", phone: "+223-CANARY-555", organisation: "CANARY-Radio-Kaoural"}}) { substantiation } }`
	nameless := `mutation($c: ID!, $id: ID!, $r: ID!) { requestSubstantiation(commandId: $c, id: $id, input: {requestId: $r, requestedOn: "2025-05-25", verifier: {organisation: "CANARY-Radio-Kaoural"}}) { id } }`
	if r := e.doIn("fr", e.gao, nameless, map[string]any{"c": newID(), "id": id, "r": newID()}); r.Errors == nil || r.Errors[0].Extensions["field"] != "input.verifier.name" ||
		!strings.Contains(r.Errors[0].Message, "est obligatoire") || strings.Contains(r.raw, canaryOrg) {
		t.Fatalf("a verifier without a name, in French: %s", r.raw)
	}
	if r := e.must(e.gao, ask, map[string]any{"c": newID(), "id": id, "r": requestID}); get(r, "requestSubstantiation", "substantiation") != "REQUESTED" {
		t.Fatalf("requested: %v", r)
	}
	verifierReadsByRole(t, e, id)
	answer := `mutation($c: ID!, $id: ID!, $r: ID!, $on: Date!) { recordSubstantiation(commandId: $c, id: $id, input: {requestId: $r, answeredOn: $on, verdict: PARTLY, comment: "Deux réunions sur trois"}) { substantiation } }`
	refused := e.doIn("fr", e.advocacy, answer, map[string]any{"c": newID(), "id": id, "r": requestID, "on": "2025-05-01"})
	if refused.code() != "BAD_USER_INPUT" || refused.Errors[0].Extensions["field"] != "input.answeredOn" || !strings.Contains(refused.Errors[0].Message, "antérieure à la demande") {
		t.Fatalf("an answer before its request, in French: %s", refused.raw)
	}
	if r := e.must(e.advocacy, answer, map[string]any{"c": newID(), "id": id, "r": requestID, "on": "2025-06-01"}); get(r, "recordSubstantiation", "substantiation") != "SUBSTANTIATED" {
		t.Fatalf("answered: %v", r)
	}
	list := e.must(e.advocacy, `query($h: ID!, $c: ID!) { outcomes(changeType: PRACTICE, tag: "FEMMES", actorId: $h, cites: $c, region: "gao") { edges { node { id } } } }`,
		map[string]any{"h": s.holder, "c": s.commitment})
	if get(list, "outcomes", "edges", 0, "node", "id") != id || get(list, "outcomes", "edges", 1) != nil {
		t.Fatalf("listed by change type, tag, actor, evidence and region: %v", list)
	}
	erase := `mutation($c: ID!, $id: ID!, $r: ID!) { eraseVerifier(commandId: $c, id: $id, input: {requestId: $r, erasedOn: "2025-06-02"}) { ` + outcomeFields + ` } }`
	erased := e.must(e.admin, erase, map[string]any{"c": newID(), "id": id, "r": requestID})
	if get(erased, "eraseVerifier", "requests", 0, "erased") != true || get(erased, "eraseVerifier", "requests", 0, "verifier") != nil ||
		get(erased, "eraseVerifier", "requests", 0, "answer", "verdict") != "PARTLY" {
		t.Fatalf("after the verifier's erasure: %v", erased)
	}
	for _, canary := range []string{canaryVerifier, canaryOrg} {
		if strings.Contains(e.logs.String(), canary) {
			t.Fatalf("the server's log holds %q", canary)
		}
	}
}

// outcomeAttacks: Mopti's facilitator reads, lists, cites and writes
// Gao's outcome and evidence, and is answered as for ids nobody has.
func outcomeAttacks(t *testing.T, e *env, s story, gaoOutcome string) {
	t.Helper()
	read := `query($id: ID!) { outcome(id: $id) { id } }`
	if a, b := e.do(e.mopti, read, map[string]any{"id": gaoOutcome}), e.do(e.mopti, read, map[string]any{"id": newID()}); a.code() != "NOT_FOUND" || a.raw != b.raw {
		t.Fatalf("Gao's outcome read by Mopti: %s; a missing one: %s", a.raw, b.raw)
	}
	moptiHolder := newID()
	e.must(e.mopti, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie de Mopti", type: MAYOR, level: LOCAL, region: "mopti"}) { id } }`, map[string]any{"c": moptiHolder})
	for name, ev := range map[string]map[string]any{
		"Gao's dialogue":        {"kind": "DIALOGUE", "id": s.dialogue},
		"Gao's commitment":      {"kind": "COMMITMENT", "id": s.commitment},
		"Gao's progress report": {"kind": "PROGRESS_REPORT", "id": s.commitment, "report": 1},
	} {
		fresh := map[string]any{"kind": ev["kind"], "id": newID(), "report": ev["report"]}
		a := e.do(e.mopti, harvest, map[string]any{"c": newID(), "actor": moptiHolder, "region": "mopti", "evidence": []any{ev}})
		b := e.do(e.mopti, harvest, map[string]any{"c": newID(), "actor": moptiHolder, "region": "mopti", "evidence": []any{fresh}})
		if a.code() != "BAD_USER_INPUT" || masked(a.raw, ev["id"]) != masked(b.raw, fresh["id"]) {
			t.Fatalf("%s cited by Mopti: %s; an id nobody has: %s", name, a.raw, b.raw)
		}
	}
	if r := e.do(e.mopti, harvest, map[string]any{"c": newID(), "actor": s.holder, "region": "mopti"}); r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.actorId" {
		t.Fatalf("Gao's stakeholder as Mopti's actor: %s", r.raw)
	}
	for _, q := range []string{`{ outcomes(region: "gao") { edges { node { id } } } }`, `query { outcomes(cites: "` + s.commitment + `") { edges { node { id } } } }`} {
		if r := e.do(e.mopti, q, nil); r.code() != "NOT_FOUND" {
			t.Fatalf("%s by Mopti: %s", q, r.raw)
		}
	}
	if r := e.must(e.mopti, `{ outcomes { edges { node { id } } } }`, nil); get(r, "outcomes", "edges", 0) != nil {
		t.Fatalf("Mopti lists Gao's outcomes: %v", r)
	}
	mark := `mutation($c: ID!, $id: ID!) { markOutcomePublic(commandId: $c, id: $id, input: {public: true}) { id } }`
	if a, b := e.do(e.mopti, mark, map[string]any{"c": newID(), "id": gaoOutcome}), e.do(e.mopti, mark, map[string]any{"c": newID(), "id": newID()}); a.code() != "BAD_USER_INPUT" || masked(a.raw, gaoOutcome) != masked(b.raw, "") {
		t.Fatalf("Gao's outcome marked public by Mopti: %s; a missing one: %s", a.raw, b.raw)
	}
	// What an admin cites from Mopti on a Gao outcome is left out for Gao.
	moptiDialogue := newID()
	e.must(e.mopti, `mutation($c: ID!, $space: ID!, $p: ID!) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: "2025-03-02", format: WORKSHOP, pillar: SECURITY,
	  attendees: [{participantId: $p}]}) { id } }`, map[string]any{"c": moptiDialogue, "space": s.moptiSpace, "p": s.moptiPerson})
	mixed := newID()
	e.must(e.admin, harvest, map[string]any{"c": mixed, "actor": s.holder, "region": "gao",
		"evidence": []any{map[string]any{"kind": "DIALOGUE", "id": moptiDialogue}, map[string]any{"kind": "DIALOGUE", "id": s.dialogue}}})
	seen := e.must(e.gao, `query($id: ID!) { outcome(id: $id) { evidence { id } } }`, map[string]any{"id": mixed})
	if get(seen, "outcome", "evidence", 0, "id") != s.dialogue || get(seen, "outcome", "evidence", 1) != nil {
		t.Fatalf("Gao reads an outcome citing a Mopti dialogue: %v", seen)
	}
}

// verifierReadsByRole: the verifier's identity opens for Gao's
// facilitator and the admin with their tokens, for nobody else, never
// through a browser session, and each read is audited.
func verifierReadsByRole(t *testing.T, e *env, id string) {
	t.Helper()
	q := `query($id: ID!) { outcome(id: $id) { requests { verifier { name organisation } } } }`
	for _, token := range []string{e.gao, e.admin} {
		if r := e.must(token, q, map[string]any{"id": id}); get(r, "outcome", "requests", 0, "verifier", "name") != canaryVerifier {
			t.Fatalf("the verifier read with a token that may: %v", r)
		}
	}
	if !strings.Contains(e.logs.String(), `"audit":"verifier identity read"`) {
		t.Fatal("no audit record of the verifier's identity read")
	}
	if r := e.do(e.advocacy, q, map[string]any{"id": id}); r.code() != "FORBIDDEN" || strings.Contains(r.raw, canaryVerifier) {
		t.Fatalf("advocacy reads the verifier: %s", r.raw)
	}
	_, cookie := e.signIn(e.gao)
	if r := e.withCookie(cookie, true, `{ outcome(id: "`+id+`") { requests { verifier { name } } } }`); r.code() != "FORBIDDEN" || strings.Contains(r.raw, canaryVerifier) {
		t.Fatalf("a session reads the verifier: %s", r.raw)
	}
}

// doIn posts a query in a language.
func (e *env) doIn(language, token, query string, vars map[string]any) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", language)
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

// masked is an answer with the id probed made alike.
func masked(raw string, id any) string {
	if s, _ := id.(string); s != "" {
		raw = strings.ReplaceAll(raw, s, "<id>")
	}
	return regexp.MustCompile(`[0-9A-HJKMNP-TV-Z]{26}`).ReplaceAllString(raw, "<id>")
}
