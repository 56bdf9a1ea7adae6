package graphql_test

import (
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
