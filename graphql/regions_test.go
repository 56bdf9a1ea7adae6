package graphql_test

import (
	"fmt"
	"strings"
	"testing"
)

// A region is asked by its code or its name, case and spaces aside: an
// analyst asking for "MOPTI" or " mopti " reads Mopti's figures. A name
// that matches no region is refused, naming the field; to a facilitator
// it answers exactly as a region out of their scope.
func TestARegionIsMatchedCaseAndSpacesAsideAndAnUnknownOneRefused(t *testing.T) {
	e := newEnvWith(t, envOptions{history: 2_000})
	view := `query($r: String) { inclusion(region: $r, from: "2020-01-01", to: "2030-12-31") { total { dialogues attendance { count } } } }`
	spaces := `query($r: String) { spaces(region: $r, first: 100) { edges { node { id region } } } }`
	for _, q := range []string{view, spaces} {
		want := e.do(e.analyst, q, map[string]any{"r": "mopti"})
		if want.Status != 200 || strings.Contains(want.raw, `"dialogues":0`) || strings.Contains(want.raw, `"edges":[]`) {
			t.Fatalf("mopti: %d %.300s, want Mopti's figures", want.Status, want.raw)
		}
		for _, asked := range []string{"MOPTI", " mopti ", "Mopti"} {
			if got := e.do(e.analyst, q, map[string]any{"r": asked}); got.raw != want.raw {
				t.Errorf("%q: %.300s, want as mopti: %.300s", asked, got.raw, want.raw)
			}
		}
		if got, want := e.do(e.gao, q, map[string]any{"r": " GAO"}), e.do(e.gao, q, map[string]any{"r": "gao"}); got.raw != want.raw {
			t.Errorf("a facilitator of gao asking for \" GAO\": %.300s, want as gao: %.300s", got.raw, want.raw)
		}
		if r := e.doIn("fr", e.analyst, q, map[string]any{"r": "Atlantide"}); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"region"`) || !strings.Contains(r.raw, "n’est pas une région") {
			t.Errorf("an unknown region, to an analyst: %s, want region refused", r.raw)
		}
		unknown, outOfScope := e.do(e.gao, q, map[string]any{"r": "Atlantide"}), e.do(e.gao, q, map[string]any{"r": "mopti"})
		if unknown.Status != outOfScope.Status || unknown.raw != outOfScope.raw {
			t.Errorf("to a facilitator of gao, an unknown region %d %s and another region %d %s answer apart", unknown.Status, unknown.raw, outOfScope.Status, outOfScope.raw)
		}
	}
}

// A write takes a region as a read does: a space established in "Ségou",
// a stakeholder of " MOPTI " and a participant enrolled by Gao's
// facilitator in "Gao" are recorded under their codes. An unknown region
// is refused naming input.region, in the reader's language.
func TestAWriteTakesARegionAsAReadDoes(t *testing.T) {
	e := newEnv(t)
	space := e.must(e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité", kind: SECURITY_ADVISORY_COMMITTEE, region: "Ségou", pillar: SECURITY, establishedOn: "2025-01-10"}) { region } }`,
		map[string]any{"c": newID()})
	holder := e.must(e.advocacy, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Maire", type: MAYOR, level: LOCAL, region: " MOPTI "}) { region } }`,
		map[string]any{"c": newID()})
	if got := fmt.Sprint(get(space, "establishSpace", "region"), " ", get(holder, "registerStakeholder", "region")); got != "segou mopti" {
		t.Errorf("a space in Ségou and a stakeholder in MOPTI are in %s, want segou mopti", got)
	}
	for lang, words := range map[string]string{"fr": `\"Tombouctou-sur-Mer\" n’est pas une région de ce déploiement`, "en": `\"Tombouctou-sur-Mer\" is not a region of this deployment`} {
		r := e.doIn(lang, e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité", kind: SECURITY_ADVISORY_COMMITTEE, region: "Tombouctou-sur-Mer", pillar: SECURITY, establishedOn: "2025-01-10"}) { id } }`,
			map[string]any{"c": newID()})
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"input.region"`) || !strings.Contains(r.raw, words) {
			t.Errorf("an unknown region, in %s: %s, want input.region refused saying %s", lang, r.raw, words)
		}
	}
}
