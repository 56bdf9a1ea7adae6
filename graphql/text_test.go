package graphql_test

import (
	"strings"
	"testing"
)

// A required text made only of invisible characters is refused as empty,
// and a control character is refused, each naming the field, in the
// reader's language: the domain's rule, through the API's door.
func TestInvisibleAndControlCharactersAreRefusedThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	register := `mutation($c: ID!, $n: String!) { registerStakeholder(commandId: $c, input: {name: $n, type: MAYOR, level: LOCAL, region: "gao"}) { id } }`
	for _, c := range []struct{ name, fr, en string }{
		{"\u200b\u2800\ufeff", "est obligatoire", "is required"},
		{"Mairie\x07", "caractère de contrôle U+0007", "control character U+0007"},
		{"Mairie\nde Gao", "tient sur une ligne", "is one line"},
	} {
		for lang, words := range map[string]string{"fr": c.fr, "en": c.en} {
			r := e.doIn(lang, e.advocacy, register, map[string]any{"c": newID(), "n": c.name})
			if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"input.name"`) || !strings.Contains(r.raw, words) {
				t.Errorf("a stakeholder named %+q, in %s: %s, want input.name refused saying %q", c.name, lang, r.raw, words)
			}
		}
	}
}
