package graphql_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/palabre/palabre/graphql"
)

// The body's limit is said in the reader's language, with the server's
// own figure.
func TestTheBodysLimitIsSaidInTheReadersLanguageWithItsFigure(t *testing.T) {
	e := newEnvWith(t, envOptions{server: &graphql.Options{MaxBody: 3 << 10}})
	for lang, words := range map[string]string{"fr": "3 Ko", "en": "3 KB"} {
		body := `{"query":"{ me { role } }","x":"` + strings.Repeat("a", 4<<10) + `"}`
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", lang)
		req.Header.Set("Authorization", "Bearer "+e.analyst)
		r := e.send(req)
		if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.raw, words) || strings.Contains(r.raw, "64") {
			t.Errorf("a body over 3 KiB, in %s: %d %s, want 413 saying %q", lang, r.Status, r.raw, words)
		}
	}
}
