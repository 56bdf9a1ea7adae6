package graphql_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// foreign is what a Mopti facilitator wrote, that a Gao facilitator must
// not be able to tell from what does not exist.
type foreign struct {
	dialogue, retracted, holder, commitment, erased string
}

func writeMopti(e *env, s story) foreign {
	e.t.Helper()
	f := foreign{dialogue: newID(), retracted: newID(), holder: newID(), commitment: newID(), erased: newID()}
	e.must(e.admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Mopti", type: GOVERNOR, level: REGIONAL, region: "mopti"}) { id } }`, map[string]any{"c": f.holder})
	e.must(e.mopti, enrol, map[string]any{"c": f.erased, "region": "mopti", "code": "MOP-0002", "sex": "MALE", "name": "CANARY-Erased-11"})
	e.must(e.admin, `mutation($c: ID!, $id: ID!) { eraseParticipant(commandId: $c, id: $id, input: {erasedOn: "2025-04-01"}) { erased } }`, map[string]any{"c": newID(), "id": f.erased})
	hold := `mutation($c: ID!, $space: ID!, $p: ID!) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: "2025-03-05",
	    format: WORKSHOP, pillar: SECURITY, attendees: [{participantId: $p}], headcount: {adultMen: 3}}) { id } }`
	e.must(e.mopti, hold, map[string]any{"c": f.dialogue, "space": s.moptiSpace, "p": s.moptiPerson})
	e.must(e.mopti, hold, map[string]any{"c": f.retracted, "space": s.moptiSpace, "p": s.moptiPerson})
	e.must(e.mopti, `mutation($c: ID!, $id: ID!) { retractDialogue(commandId: $c, id: $id, input: {reason: "doublon"}) { id } }`, map[string]any{"c": newID(), "id": f.retracted})
	e.must(e.mopti, `mutation($c: ID!, $h: ID!, $space: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $space,
	    text: "Escortes", pillar: SECURITY, madeOn: "2025-03-05"}) { id } }`, map[string]any{"c": f.commitment, "h": f.holder, "space": s.moptiSpace})
	return f
}

// answer is what a refusal lets its sender see, with the probed id
// replaced so that two probes can be compared.
func answer(r response, probed string) string {
	return strings.ReplaceAll(r.raw, probed, "<id>") + " " + http.StatusText(r.Status)
}

func TestWritesTreatAnotherRegionsObjectsExactlyAsMissingOnes(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	f := writeMopti(e, s)

	hold := `mutation($c: ID!, $space: ID!, $p: ID!, $h: [ID!]) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: "2025-03-06",
	    format: WORKSHOP, pillar: SECURITY, stakeholderIds: $h, attendees: [{participantId: $p}], headcount: {adultMen: 1}}) { id } }`
	correct := `mutation($c: ID!, $id: ID!, $p: ID!) { correctDialogueAttendance(commandId: $c, id: $id, input: {attendees: [{participantId: $p}]}) { id } }`
	commit := `mutation($c: ID!, $h: ID!, $space: ID, $d: ID) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $space, dialogueId: $d,
	    text: "Des patrouilles", pillar: SECURITY, madeOn: "2025-03-07"}) { id } }`
	cases := []struct {
		name, query string
		probe       func(id string) map[string]any
		foreign     []string
	}{
		{"a dialogue's attendee", hold, func(id string) map[string]any {
			return map[string]any{"space": s.gaoSpace, "p": id, "h": []string{s.holder}}
		}, []string{s.moptiPerson, f.erased}},
		{"a dialogue's space", hold, func(id string) map[string]any {
			return map[string]any{"space": id, "p": s.alice, "h": []string{s.holder}}
		}, []string{s.moptiSpace}},
		{"a stakeholder present", hold, func(id string) map[string]any {
			return map[string]any{"space": s.gaoSpace, "p": s.alice, "h": []string{id}}
		}, []string{f.holder}},
		{"an attendee added by a correction", correct, func(id string) map[string]any {
			return map[string]any{"id": s.dialogue, "p": id}
		}, []string{s.moptiPerson, f.erased}},
		{"the dialogue corrected", correct, func(id string) map[string]any {
			return map[string]any{"id": id, "p": s.alice}
		}, []string{f.dialogue, f.retracted}},
		{"a commitment's stakeholder", commit, func(id string) map[string]any {
			return map[string]any{"h": id, "space": s.gaoSpace}
		}, []string{f.holder}},
		{"a commitment's dialogue", commit, func(id string) map[string]any {
			return map[string]any{"h": s.holder, "space": s.gaoSpace, "d": id}
		}, []string{f.dialogue, f.retracted}},
		{"a commitment's space", commit, func(id string) map[string]any {
			return map[string]any{"h": s.holder, "space": id}
		}, []string{s.moptiSpace}},
	}
	for _, c := range cases {
		for _, id := range c.foreign {
			missing := newID()
			vars := c.probe(missing)
			vars["c"] = newID()
			want := e.do(e.gao, c.query, vars)
			vars = c.probe(id)
			vars["c"] = newID()
			got := e.do(e.gao, c.query, vars)
			if got.Status == 200 && len(got.Errors) == 0 {
				t.Errorf("%s of another region was accepted: %s", c.name, got.raw)
				continue
			}
			if answer(got, id) != answer(want, missing) {
				t.Errorf("%s: another region's object answered\n  %s\na missing one\n  %s", c.name, answer(got, id), answer(want, missing))
			}
		}
	}

	// A creation's id: another region's object answers as an object of
	// one's own of another kind does; neither is ever replaced or hidden.
	mk := func(commandID string) response {
		return e.do(e.gao, hold, map[string]any{"c": commandID, "space": s.gaoSpace, "p": s.alice, "h": []string{s.holder}})
	}
	own, other := mk(s.bob), mk(f.dialogue)
	if own.code() != "CONFLICT" || answer(own, s.bob) != answer(other, f.dialogue) {
		t.Errorf("a creation with one's own participant's id answered\n  %s\nwith another region's dialogue's id\n  %s", own.raw, other.raw)
	}
	if r := e.must(e.gao, `query($id: ID!) { node(id: $id) { __typename } }`, map[string]any{"id": s.bob}); get(r, "node", "__typename") != "Participant" {
		t.Errorf("node(bob) = %v after a dialogue was tried with his id", r)
	}

	// Every refusal is audited, with its code and object, never its input;
	// another region's dialogue is decided as a missing one.
	logs := e.logs.String()
	for _, want := range []string{`"mutation":"holdDialogue","object":"` + f.dialogue + `","outcome":"CONFLICT"`, `"mutation":"correctDialogueAttendance","object":"` + f.dialogue + `","outcome":"BAD_USER_INPUT"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("no audit line with %s", want)
		}
	}
	refused := newID()
	if r := e.do(e.analyst, hold, map[string]any{"c": refused, "space": s.gaoSpace, "p": s.alice}); r.code() != "FORBIDDEN" {
		t.Fatalf("an analyst logging a dialogue: %s", r.raw)
	}
	if !strings.Contains(e.logs.String(), `"mutation":"holdDialogue","object":"`+refused+`","outcome":"FORBIDDEN"`) {
		t.Error("a forbidden mutation was not audited")
	}
}

func TestRecordsListOnlyTheIDsTheReaderMaySee(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	national := newID()
	e.must(e.admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Ministère de la Sécurité", type: MINISTRY, level: NATIONAL}) { id } }`, map[string]any{"c": national})
	hold := `mutation($c: ID!, $space: ID!, $h: ID!) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: $on,
	    format: WORKSHOP, pillar: SECURITY, stakeholderIds: [$h], headcount: {adultMen: 6}}) { id } }`
	for _, w := range []struct{ token, space, on string }{{e.gao, s.gaoSpace, "2025-02-01"}, {e.mopti, s.moptiSpace, "2025-05-20"}} {
		q := strings.Replace(strings.Replace(hold, "$on", `"`+w.on+`"`, 1), ", $h: ID!", ", $h: ID!", 1)
		e.must(w.token, q, map[string]any{"c": newID(), "space": w.space, "h": national})
		e.must(w.token, `mutation($c: ID!, $h: ID!, $space: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $space,
		    text: "Un engagement", pillar: SECURITY, madeOn: "2025-02-01"}) { id } }`, map[string]any{"c": newID(), "h": national, "space": w.space})
	}
	r := e.must(e.gao, `query($id: ID!) { stakeholder(id: $id) { lastEngagedOn dialogues { edges { node { id } } } commitments { edges { node { id } } } } }`, map[string]any{"id": national})
	var ids []string
	for _, list := range []string{"dialogues", "commitments"} {
		for _, edge := range get(r, "stakeholder", list, "edges").([]any) {
			ids = append(ids, get(edge, "node", "id").(string))
		}
	}
	if len(ids) != 2 {
		t.Fatalf("gao's facilitator sees %d of the national stakeholder's ids, want its 2 in gao: %v", len(ids), r)
	}
	for _, id := range ids {
		if n := e.do(e.gao, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}); n.code() != "" {
			t.Errorf("listed id %s answers %s", id, n.raw)
		}
	}
	if on := get(r, "stakeholder", "lastEngagedOn"); on != "2025-02-01" {
		t.Errorf("lastEngagedOn = %v, want gao's 2025-02-01, not mopti's later date", on)
	}
}

func TestACursorCannotBeMadeFromAnID(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	f := writeMopti(e, s)
	list := `query($after: String) { dialogues(region: "mopti", first: 1, after: $after) { edges { node { id } } pageInfo { endCursor } } }`
	page := e.must(e.mopti, list, nil)
	next := get(page, "dialogues", "pageInfo", "endCursor")
	if r := e.must(e.mopti, list, map[string]any{"after": next}); get(r, "dialogues", "edges") == nil {
		t.Fatalf("the cursor the API gave: %v", r)
	}
	for _, forged := range []string{
		base64.RawURLEncoding.EncodeToString([]byte("c1:" + f.dialogue)), // the old, unsigned form
		strings.Replace(next.(string), next.(string)[:4], "AAAA", 1),
	} {
		r := e.do(e.gao, `query($after: String) { dialogues(region: "gao", after: $after) { edges { node { id } } } }`, map[string]any{"after": forged})
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"after"`) {
			t.Errorf("a forged cursor %q: %s", forged, r.raw)
		}
	}
}

// A token names known regions, taken as a read takes them — by code,
// name or label, recorded as codes — and an unknown one is refused naming
// regions, in the reader's language.
func TestTokensNameKnownRegions(t *testing.T) {
	e := newEnv(t)
	for lang, words := range map[string]string{"fr": `\"nowhere\" n’est pas une région de ce déploiement`, "en": `\"nowhere\" is not a region of this deployment`} {
		r := e.doIn(lang, e.admin, `mutation($c: ID!) { createToken(commandId: $c, role: FACILITATOR, regions: ["nowhere", "GAO"]) { secret } }`, map[string]any{"c": newID()})
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"regions"`) || !strings.Contains(r.raw, words) || strings.Contains(r.raw, "GAO") {
			t.Errorf("a token for an unknown region, in %s: %s, want regions refused saying %s, and GAO taken", lang, r.raw, words)
		}
	}
	made := e.must(e.admin, `mutation($c: ID!) { createToken(commandId: $c, role: FACILITATOR, regions: ["Gao", " MOPTI "]) { token { regions } } }`, map[string]any{"c": newID()})
	if got := fmt.Sprint(get(made, "createToken", "token", "regions")); got != "[gao mopti]" {
		t.Errorf("a token for Gao and MOPTI has the regions %s, want [gao mopti]", got)
	}
}

func TestARetriedCreateTokenMakesOneToken(t *testing.T) {
	e := newEnv(t)
	create := `mutation($c: ID!, $role: Role!) { createToken(commandId: $c, role: $role) { secret token { id } } }`
	c := newID()
	first := e.must(e.admin, create, map[string]any{"c": c, "role": "ANALYST"})
	again := e.must(e.admin, create, map[string]any{"c": c, "role": "ANALYST"})
	if get(first, "createToken", "token", "id") != get(again, "createToken", "token", "id") || get(first, "createToken", "secret") != get(again, "createToken", "secret") {
		t.Fatalf("a retry made another token: %v, then %v", first, again)
	}
	if list := mustList(t, e.tokens); len(list) != 6 { // the env's five and this one
		t.Fatalf("%d tokens after a retried creation, want 6", len(list))
	}
	e.must(get(first, "createToken", "secret").(string), `{ me { role } }`, nil)
	if r := e.do(e.admin, create, map[string]any{"c": c, "role": "ADMIN"}); r.code() != "CONFLICT" || !strings.Contains(r.raw, `"field":"commandId"`) {
		t.Fatalf("the same commandId for another token: %s", r.raw)
	}
}

func TestHealthAndReadinessSayOnlyUpAndReadyWithoutAnAdminToken(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		for _, token := range []string{"", e.analyst} {
			req, _ := http.NewRequest(http.MethodGet, e.server.URL+path, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			if body := bodyOf(t, req); strings.Contains(body, "goroutines") || strings.Contains(body, "position") {
				t.Errorf("%s with token %q says %s", path, token, body)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, e.server.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		if body := bodyOf(t, req); !strings.Contains(body, "goroutines") && !strings.Contains(body, "position") {
			t.Errorf("%s for an admin says only %s", path, body)
		}
	}
}

func bodyOf(t *testing.T, req *http.Request) string {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
