package graphql_test

import (
	"fmt"
	"testing"
)

// Codes are a register of each region's: whether a code is taken in
// Mopti cannot be learnt from Gao, by enrolment or by an import's check.
func TestAnotherRegionsCodeIsNoOracle(t *testing.T) {
	e := newEnv(t)
	writeStory(e) // MOP-0001 is a Mopti participant's, GAO-0001 a Gao one's
	answer := func(code string) string {
		t.Helper()
		r := e.do(e.gao, `mutation($c: ID!, $code: String!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE, ageBand: AGE_18_24,
		    functioning: {}, displacement: NONE, region: "gao", consent: {given: true, on: "2025-02-01"}}, identity: {name: "x"}) { code region erased } }`,
			map[string]any{"c": newID(), "code": code})
		return fmt.Sprintf("%d %v %v %v", r.Status, r.Errors, get(r.Data, "enrolParticipant", "region"), get(r.Data, "enrolParticipant", "erased"))
	}
	if mopti, fresh := answer("MOP-0001"), answer("GAO-0900"); mopti != fresh || fresh != "200 [] gao false" {
		t.Fatalf("enrolling Mopti's code in Gao answers %q, a fresh code %q", mopti, fresh)
	}
	r := e.do(e.gao, enrol, map[string]any{"c": newID(), "region": "gao", "code": "GAO-0001", "sex": "MALE", "name": "x"})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.code" {
		t.Fatalf("a code Gao has, enrolled again in Gao: %s", r.raw)
	}
	register := "code;sex;ageBand;displacement;region;consent;consentOn\n" +
		"MOP-0001;male;18-24;none;gao;oui;2026-02-01\n" +
		"GAO-0901;male;18-24;none;gao;oui;2026-02-01\n"
	status, report := e.upload(e.gao, "participants.csv", []byte(register), true)
	if status != 200 || get(report, "results", 0, "outcome") != "checked" || get(report, "results", 1, "outcome") != "checked" {
		t.Fatalf("Gao's check of a register naming Mopti's code: %d %v", status, report)
	}
}
