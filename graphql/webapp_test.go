package graphql_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/graphql"
)

// TestTheWebAppsFilesAreServedInTheEncodingTheBrowserAccepts: the build
// writes NAME.br and NAME.gz beside each file; the server answers the
// smallest the browser accepts, says so and that the answer varies with
// Accept-Encoding, and never serves the copies under their own names.
func TestTheWebAppsFilesAreServedInTheEncodingTheBrowserAccepts(t *testing.T) {
	files := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html>plain")},
		"assets/app.js":      {Data: []byte("plain js")},
		"assets/app.js.br":   {Data: []byte("brotli js")},
		"assets/app.js.gz":   {Data: []byte("gzip js")},
		"assets/icon.png":    {Data: []byte("png")},
		"assets/icon.png.gz": {Data: []byte("never")},
	}
	api, err := graphql.NewServer(graphql.Deps{WebApp: files, Logger: zerolog.Nop()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, accept, body, encoding, vary string
		status                             int
	}{
		{"/assets/app.js", "gzip, deflate, br, zstd", "brotli js", "br", "Accept-Encoding", 200},
		{"/assets/app.js", "gzip", "gzip js", "gzip", "Accept-Encoding", 200},
		{"/assets/app.js", "br;q=0, gzip;q=0.5", "gzip js", "gzip", "Accept-Encoding", 200},
		{"/assets/app.js", "*", "brotli js", "br", "Accept-Encoding", 200},
		{"/assets/app.js", "*, br;q=0", "gzip js", "gzip", "Accept-Encoding", 200},
		{"/assets/app.js", "", "plain js", "", "Accept-Encoding", 200},
		{"/assets/app.js", "identity", "plain js", "", "Accept-Encoding", 200},
		{"/", "br", "<!doctype html>plain", "", "Accept-Encoding", 200}, // no copy of it: as it is
		{"/assets/icon.png", "gzip", "png", "", "", 200},
		{"/assets/app.js.br", "br", "", "", "", 404},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		got := rec.Result()
		if got.StatusCode != c.status {
			t.Errorf("%s with %q: status %d, want %d", c.path, c.accept, got.StatusCode, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if rec.Body.String() != c.body || got.Header.Get("Content-Encoding") != c.encoding || got.Header.Get("Vary") != c.vary {
			t.Errorf("%s with %q: %q encoded %q, Vary %q; want %q encoded %q, Vary %q", c.path, c.accept,
				rec.Body.String(), got.Header.Get("Content-Encoding"), got.Header.Get("Vary"), c.body, c.encoding, c.vary)
		}
	}
}
