package graphql_test

import "testing"

func TestTheAPIAnswersAnAdmin(t *testing.T) {
	e := newEnv(t)
	d := e.must(e.admin, `{ me { subject role regions } }`, nil)
	if get(d, "me", "role") != "admin" {
		t.Fatalf("me = %v", d)
	}
	space := newID()
	d = e.must(e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité de Gao", kind: "security-advisory-committee", region: "gao", pillar: "security", establishedOn: "2025-01-10"}) { id name region targets { women } } }`, map[string]any{"c": space})
	if get(d, "establishSpace", "id") != space {
		t.Fatalf("establishSpace = %v", d)
	}
}
