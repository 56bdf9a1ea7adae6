package graphql_test

import "testing"

func TestTheAPIAnswersAnAdmin(t *testing.T) {
	e := newEnv(t)
	d := e.must(e.admin, `{ me { subject role regions } }`, nil)
	if get(d, "me", "role") != "ADMIN" {
		t.Fatalf("me = %v", d)
	}
	space := newID()
	d = e.must(e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité de Gao", kind: SECURITY_ADVISORY_COMMITTEE, region: "gao", pillar: SECURITY, establishedOn: "2025-01-10"}) { id name region targets { women } } }`, map[string]any{"c": space})
	if get(d, "establishSpace", "id") != space {
		t.Fatalf("establishSpace = %v", d)
	}
}
