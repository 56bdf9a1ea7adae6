package graphql_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/graphql"
)

// A view's refusals and the budget's are said in the reader's language,
// as a refused command is: French under Accept-Language fr, English
// otherwise.
func TestAViewsAndTheBudgetsRefusalsAreSaidInTheReadersLanguage(t *testing.T) {
	e := newEnvWith(t, envOptions{server: &graphql.Options{Budget: 20_000}})
	heavy := func() string {
		var b strings.Builder
		b.WriteString("{")
		for i := range 4 {
			b.WriteString(` v` + string(rune('a'+i)) + `: inclusion(region: "gao", from: "2015-01-01", to: "2024-12-31", bucket: MONTH) { rows { from to figures { ` + allMeasures + ` } } }`)
		}
		b.WriteString("}")
		return b.String()
	}()
	_, twoRegions, err := e.tokens.Create(context.Background(), access.NewToken{Role: access.Facilitator, Regions: []string{"gao", "mopti"}, TTL: time.Hour, Subject: "two regions"})
	if err != nil {
		t.Fatal(err)
	}
	for lang, words := range map[string]string{"fr": "plusieurs régions", "en": "several regions"} {
		r := e.doIn(lang, twoRegions, `{ inclusion { total { dialogues } } }`, nil)
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"region"`) || !strings.Contains(r.raw, words) {
			t.Errorf("a facilitator of two regions naming none, in %s: %s, want region refused saying %q", lang, r.raw, words)
		}
	}
	for _, c := range []struct {
		name, query, field string
		words              map[string]string
	}{
		{"a date out of bounds", `{ inclusion(region: "gao", from: "0002-01-01", bucket: MONTH) { rows { from } } }`, "from",
			map[string]string{"fr": "hors des dates", "en": "outside the dates"}},
		{"too many buckets", `{ inclusion(region: "gao", from: "1950-01-01", to: "2099-12-31", bucket: MONTH) { rows { from } } }`, "bucket",
			map[string]string{"fr": "au plus 120", "en": "at most 120"}},
		{"to before from", `{ inclusion(region: "gao", from: "2024-02-01", to: "2024-01-01") { rows { from } } }`, "to",
			map[string]string{"fr": "est antérieure à from", "en": "is before from"}},
		{"over the budget", heavy, "query",
			map[string]string{"fr": "le budget est de 20000", "en": "the budget is 20000"}},
	} {
		for lang, words := range c.words {
			r := e.doIn(lang, e.analyst, c.query, nil)
			if r.Status != 400 || r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"`+c.field+`"`) || !strings.Contains(r.raw, words) {
				t.Errorf("%s, in %s: %d %s, want 400 naming %s and saying %q", c.name, lang, r.Status, r.raw, c.field, words)
			}
		}
	}
}
