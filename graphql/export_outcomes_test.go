package graphql_test

import (
	"bytes"
	"strings"
	"testing"
)

const harvestText = `mutation($c: ID!, $actor: ID!, $region: String!, $text: String!, $tag: String!) { harvestOutcome(commandId: $c, input: {actorId: $actor,
  changeType: POLICY, on: "2025-05-20", region: $region, locality: "CANARY-Localite-33", description: $text, significance: $text,
  contribution: "Plaidoyer du comité", intended: true, tags: [$tag]}) { id } }`

// TestTheOutcomesExportFollowsTheAPIsRules: the outcomes a reader may see,
// as a table like the other exports — every text through the formula
// rule, no locality (never published) — and nothing more: Mopti's
// facilitator exports Mopti's outcomes only, asking for Gao's is answered
// as the API answers it, and an analyst, who reads no records, is refused.
func TestTheOutcomesExportFollowsTheAPIsRules(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	gaoOutcome := newID()
	e.must(e.gao, harvestText, map[string]any{"c": gaoOutcome, "actor": s.holder, "region": "gao", "text": formulas[0], "tag": formulas[1]})
	moptiHolder, moptiOutcome := newID(), newID()
	e.must(e.mopti, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie de Mopti", type: MAYOR, level: LOCAL, region: "mopti"}) { id } }`, map[string]any{"c": moptiHolder})
	e.must(e.mopti, harvestText, map[string]any{"c": moptiOutcome, "actor": moptiHolder, "region": "mopti", "text": "La mairie publie son budget", "tag": "budget"})

	for _, sep := range []string{"", "?sep=semicolon"} {
		url := "/export/outcomes.csv" + sep
		status, body := e.download(e.admin, url)
		if status != 200 || !bytes.Contains(body, []byte(gaoOutcome)) || !bytes.Contains(body, []byte(moptiOutcome)) || !bytes.Contains(body, []byte("Politique")) {
			t.Fatalf("the admin's %s: %d %s", url, status, body)
		}
		checkCellsAreText(t, url, body, sep != "", formulas[:2])
		checkNoCellStartsAFormula(t, url, body)
	}
	checkXLSXHoldsTextsNotFormulas(t, e, "/export/outcomes.xlsx")

	// Mopti's facilitator: Mopti's outcome, none of Gao's.
	status, body := e.download(e.mopti, "/export/outcomes.csv")
	if status != 200 || !bytes.Contains(body, []byte(moptiOutcome)) || bytes.Contains(body, []byte(gaoOutcome)) || bytes.Contains(body, []byte("HYPERLINK")) {
		t.Fatalf("Mopti's facilitator exports: %d %s", status, body)
	}
	// Gao's by region, actor or evidence: as the API answers, and as for
	// what does not exist.
	for _, filter := range []string{"region=gao", "cites=" + s.commitment} {
		status, body := e.download(e.mopti, "/export/outcomes.xlsx?"+filter)
		if status != 404 || !strings.Contains(string(body), "NOT_FOUND") {
			t.Errorf("Mopti's facilitator exports %s: %d %s", filter, status, body)
		}
	}
	a, aBody := e.download(e.mopti, "/export/outcomes.csv?actorId="+s.holder)
	b, bBody := e.download(e.mopti, "/export/outcomes.csv?actorId="+newID())
	if a != b || !bytes.Equal(aBody, bBody) {
		t.Errorf("Mopti exports Gao's actor's outcomes: %d %s; an actor nobody has: %d %s", a, aBody, b, bBody)
	}
	if status, _ := e.download(e.analyst, "/export/outcomes.csv"); status != 403 {
		t.Errorf("an analyst exports outcomes: %d", status)
	}
	for _, token := range []string{e.admin, e.gao, e.advocacy} {
		for _, path := range []string{"/export/outcomes.csv", "/export/outcomes.xlsx"} {
			_, body := e.download(token, path)
			if strings.HasSuffix(path, ".xlsx") {
				body = xlsxText(t, body)
			}
			if bytes.Contains(body, []byte("CANARY-Localite")) {
				t.Errorf("%s holds an outcome's locality, which is never published", path)
			}
		}
	}
}
