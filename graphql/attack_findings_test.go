package graphql

import (
	"net/http/httptest"
	"testing"

	"github.com/palabre/palabre/events/keystore"
)

// A reader who weighs French above English (q-values), or whose browser
// names no language palabre speaks, reads French: palabre is French first.
// Found by the attack session of 2026-12-04: the first tag won whatever
// its weight, "fr;q=0" (French refused) gave French, and no header gave
// English.
func TestAttackReaderLanguageWeighsQValues(t *testing.T) {
	cases := map[string]string{
		"en;q=0.1, fr;q=0.9":      "fr",
		"en;q=0.1,fr":             "fr",
		"en-GB;q=0.2,fr-FR;q=0.8": "fr",
		"fr;q=0, en":              "en",
		"fr-FR,fr;q=0.9,en;q=0.8": "fr",
		"en-US,en;q=0.9,fr;q=0.8": "en",
	}
	for header, want := range cases {
		r := httptest.NewRequest("POST", "/graphql", nil)
		r.Header.Set("Accept-Language", header)
		if got := readerLanguage(r); got != want {
			t.Errorf("Accept-Language %q: got %q, want %q", header, got, want)
		}
	}
}

// A name made only of invisible characters is no name: the API refuses it
// like an empty one (domain.Blank), as it does every other required text.
// Found by the attack session: enrolParticipant took "\u200b", "\u2800\u2800"
// and " \ufeff\u00a0" as a participant's name (and the register import too).
func TestAttackIdentityNameOfInvisibleCharactersIsRefused(t *testing.T) {
	for _, name := range []string{"\u200b", "\u2800\u2800", " \ufeff\u00a0", "\u3164"} {
		if err := checkIdentity(keystore.Identity{Name: name}); err == nil {
			t.Errorf("name %q: accepted, want refused as missing", name)
		}
	}
}
