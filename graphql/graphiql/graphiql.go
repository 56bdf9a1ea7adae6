// Package graphiql serves the GraphiQL page from files inside the binary:
// palabre is often run where there is no network, so nothing comes from a
// CDN.
package graphiql

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed index.html palabre.js assets
var files embed.FS

// Handler serves the page at /graphiql and its files under /graphiql/.
func Handler() http.Handler {
	sub, _ := fs.Sub(files, ".")
	static := http.StripPrefix("/graphiql/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.URL.Path == "/graphiql" || r.URL.Path == "/graphiql/" {
			http.ServeFileFS(w, r, sub, "index.html")
			return
		}
		static.ServeHTTP(w, r)
	})
}
