package graphql

import (
	"io/fs"
	"net/http"
	"strconv"
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
	if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
		return false // served only as an encoding of their file
	}
	body, err := fs.ReadFile(s.deps.WebApp, name)
	if err != nil {
		return false
	}
	h := w.Header()
	if compressible(name) {
		h.Set("Vary", "Accept-Encoding")
		if encoding, compressed := precompressed(s.deps.WebApp, name, r.Header.Get("Accept-Encoding")); encoding != "" {
			body = compressed
			h.Set("Content-Encoding", encoding)
		}
	}
	h.Set("Content-Security-Policy", appPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache") // the shell and its worker: checked each time online
	}
	h.Set("Content-Type", contentType(name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
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

// encodings are the precompressed copies the build writes beside each
// file (NAME.br, NAME.gz), the smallest first.
var encodings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// compressible: text files, which the build precompresses.
func compressible(name string) bool {
	for _, suffix := range []string{".html", ".js", ".css", ".svg", ".webmanifest"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// precompressed is the smallest copy of name the bundle holds in an
// encoding the client accepts, and that encoding; "" when none.
func precompressed(files fs.FS, name, acceptEncoding string) (encoding string, body []byte) {
	for _, e := range encodings {
		if !accepts(acceptEncoding, e.name) {
			continue
		}
		if b, err := fs.ReadFile(files, name+e.suffix); err == nil {
			return e.name, b
		}
	}
	return "", nil
}

// accepts reads an Accept-Encoding header: an encoding is accepted when
// named, or matched by "*", with a weight above zero.
func accepts(header, encoding string) bool {
	accepted := false
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		token = strings.ToLower(strings.TrimSpace(token))
		if token != encoding && token != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		zero := strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q=0"), ".0") == ""
		if token == encoding {
			return !zero
		}
		accepted = !zero
	}
	return accepted
}
