package graphql

import (
	"io/fs"
	"net/http"
	"strings"
)

// The web app is served from the bundle the binary holds (Deps.WebApp):
// index.html at "/", its service worker, manifest and icon, and hashed
// assets that never change under their name. Every asset is the binary's
// own: no CDN, since there may be no network.

// appPolicy lets the app load only its own scripts, styles and workers,
// and talk only to this server.
const appPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// serveApp answers a GET for one of the app's files, reporting whether it
// was one.
func (s *Server) serveApp(w http.ResponseWriter, r *http.Request) bool {
	if s.deps.WebApp == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	body, err := fs.ReadFile(s.deps.WebApp, name)
	if err != nil {
		return false
	}
	h := w.Header()
	h.Set("Content-Security-Policy", appPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache") // the shell and its worker: checked each time online
	}
	h.Set("Content-Type", contentType(name))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
	return true
}

func contentType(name string) string {
	for suffix, t := range map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json", ".png": "image/png"} {
		if strings.HasSuffix(name, suffix) {
			return t
		}
	}
	return "application/octet-stream"
}
