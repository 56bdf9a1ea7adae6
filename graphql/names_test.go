package graphql_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestAFacilitatorFindsAPersonByNameAsCodesEvenThroughASession: the web
// app's lookup by name answers codes to a browser session, never a name;
// each lookup is audited without the name, and asked twice it is audited
// twice (never answered from the cache); roles without the region's
// participants find no one.
func TestAFacilitatorFindsAPersonByNameAsCodesEvenThroughASession(t *testing.T) {
	e := newEnv(t)
	enrol := `mutation($c: ID!, $code: String!, $name: String!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE, birthYear: 1990,
	  displacement: NONE, region: "gao", consent: {given: true, on: "2026-01-02"}}, identity: {name: $name}) { id } }`
	e.must(e.gao, enrol, map[string]any{"c": newID(), "code": "GAO-1", "name": "Fatoumata Diarra"})
	e.must(e.gao, enrol, map[string]any{"c": newID(), "code": "GAO-2", "name": "Awa Traoré"})
	_, cookie := e.signIn(e.gao)
	find := `{ participantsNamed(name: "DIARRA  fatoumata") { code } }`
	for range 2 {
		r := e.withCookie(cookie, true, find)
		if r.Status != 200 || fmt.Sprint(r.Data) != "map[participantsNamed:[map[code:GAO-1]]]" {
			t.Fatalf("gao's facilitator through a session: %s", r.raw)
		}
	}
	if r := e.withCookie(cookie, true, `{ participantsNamed(name: "Fatoumata Diarra") { code identity { name } } }`); strings.Contains(r.raw, "Fatoumata") {
		t.Fatalf("a session read the name: %s", r.raw)
	}
	if n := strings.Count(e.logs.String(), `"audit":"name lookup"`); n < 3 || strings.Contains(strings.ToLower(e.logs.String()), "diarra") {
		t.Errorf("%d lookups audited; the log holds the name: %v", n, strings.Contains(strings.ToLower(e.logs.String()), "diarra"))
	}
	for who, token := range map[string]string{"mopti's facilitator": e.mopti, "an advocacy lead": e.advocacy, "an analyst": e.analyst} {
		if r := e.do(token, find, nil); strings.Contains(r.raw, "GAO-1") {
			t.Errorf("%s found %s", who, r.raw)
		}
	}
}
