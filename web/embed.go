// Package web is palabre's web app: its sources (src/, TypeScript with
// Preact, built by Vite) and its built bundle (dist/), which the binary
// serves and which is committed so that building palabre needs only Go.
// `make web` rebuilds dist/ from src/; a test fails when they differ.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Files are the built bundle: index.html, sw.js, the manifest, assets/.
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time
	}
	return sub
}
