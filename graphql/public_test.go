package graphql_test

import (
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	publishsite "github.com/palabre/palabre/core/publish/site"
	"github.com/palabre/palabre/graphql"
)

// TestThePublicationIsServedReadOnlyAndNothingElseOfTheDataDirectory: the
// latest publication is at /public to anyone, with the security headers of
// every answer; the data directory around it (the master key, the log) is
// reached by no path, escaped or not, nor through a link.
func TestThePublicationIsServedReadOnlyAndNothingElseOfTheDataDirectory(t *testing.T) {
	data := t.TempDir()
	site := filepath.Join(data, "public", "2026-12-03")
	must(t, os.MkdirAll(filepath.Join(site, "data"), 0o755))
	must(t, os.WriteFile(filepath.Join(site, "index.html"), []byte("<!doctype html>observatoire"), 0o644))
	must(t, os.WriteFile(filepath.Join(site, "data", "inclusion.csv"), []byte("\uFEFFrégion"), 0o644))
	must(t, os.WriteFile(filepath.Join(site, "data", "old.csv"), []byte("avant"), 0o644))
	must(t, os.WriteFile(filepath.Join(data, "master.key"), []byte("SECRET-MASTER-KEY"), 0o600))
	key := publishsite.KeyFromSeed(make([]byte, 32))
	must(t, publishsite.Sign(site, key))
	served, err := publishsite.Open(site, key.Public().(ed25519.PublicKey))
	must(t, err)
	// Found in review: once the folder was checked, what was put in it
	// afterwards was served: a link, a file added, a file changed.
	must(t, os.Symlink(filepath.Join(data, "master.key"), filepath.Join(site, "key.txt")))
	must(t, os.WriteFile(filepath.Join(site, "extra.html"), []byte("<script>ajouté</script>"), 0o644))
	must(t, os.WriteFile(filepath.Join(site, "data", "old.csv"), []byte("changé"), 0o644))
	api, err := graphql.NewServer(graphql.Deps{Logger: zerolog.Nop(), Publication: served.File}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/public/", 200, "observatoire"},
		{"GET", "/public/index.html", 200, "observatoire"},
		{"HEAD", "/public/data/inclusion.csv", 200, ""},
		{"GET", "/public", 301, ""},
		{"POST", "/public/index.html", 405, ""},
		{"GET", "/public/../master.key", 404, ""},
		{"GET", "/public/..%2fmaster.key", 404, ""},
		{"GET", "/public/%2e%2e/%2e%2e/master.key", 404, ""},
		{"GET", "/public/data/../../master.key", 404, ""},
		{"GET", "/public//etc/passwd", 404, ""},
		{"GET", "/public/key.txt", 404, ""},
		{"GET", "/public/extra.html", 404, ""},
		{"GET", "/public/data/old.csv", 404, ""},
		{"GET", "/public/manifest.sha256", 200, "index.html"},
		{"GET", "/public/data", 404, ""},
	} {
		req := httptest.NewRequest(c.method, "http://x/", nil)
		req.URL.Path, req.URL.RawPath = strings.ReplaceAll(strings.ReplaceAll(c.path, "%2f", "/"), "%2e", "."), c.path
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != c.status || !strings.Contains(body, c.body) || strings.Contains(body, "SECRET") {
			t.Errorf("%s %s: %d %q, want %d with %q", c.method, c.path, rec.Code, body, c.status, c.body)
		}
		if h := rec.Header(); h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s: headers %v", c.method, c.path, h)
		}
	}
	none, _ := graphql.NewServer(graphql.Deps{Logger: zerolog.Nop(), Publication: func(string) ([]byte, bool) { return nil, false }}, nil)
	rec := httptest.NewRecorder()
	none.ServeHTTP(rec, httptest.NewRequest("GET", "/public/index.html", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("no publication yet: %d", rec.Code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
