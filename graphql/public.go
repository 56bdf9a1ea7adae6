package graphql

import (
	"net/http"
	"path"
	"strconv"
	"strings"
)

// publicPolicy lets a publication's pages load their own stylesheet and
// nothing else: they need no script.
const publicPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// servePublic answers a GET for a file of the latest publication at
// /public, to anyone: no session, no token. Only what the publication
// signed is reachable (site.Served: through an os.Root, listed in its
// manifest, the bytes signed); anything else is not found.
func (s *Server) servePublic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, errorBody(refusalIn(readerLanguage(r), CodeBadUserInput, "", "the publication is read-only")))
		return
	}
	if r.URL.Path == "/public" {
		// The pages' links are relative: they need the folder's slash.
		http.Redirect(w, r, "/public/", http.StatusMovedPermanently)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/public/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	var body []byte
	ok := false
	if s.deps.Publication != nil {
		body, ok = s.deps.Publication(name)
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, errorBody(notFoundIn(readerLanguage(r), "no such file in the publication")))
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", publicPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", publicType(name))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// publicType is a publication's file's type: its pages and stylesheet as
// the web app's, its open data, and its signature as text.
func publicType(name string) string {
	switch path.Ext(name) {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".json":
		return "application/json"
	case ".html", ".css":
		return contentType(name)
	}
	return "text/plain; charset=utf-8"
}
