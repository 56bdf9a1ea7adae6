// Package site writes a publication (publish.Observatory) as a static
// site an alliance can host anywhere: HTML pages in French first (every
// string from the catalogue, numbers and dates in the reader's locale),
// readable without JavaScript on a phone on a slow network, its data
// beside them as open CSV (UTF-8 with a byte-order mark, formula-safe) and
// JSON, and a manifest of every file's SHA-256 signed with the alliance's
// Ed25519 key, whose public half the site publishes.
//
// Verify checks a copy against a key and names the first file that
// differs.
//
// # Caveats
//
// The key a site carries proves only that the copy is whole; that it is
// the alliance's needs the key obtained from the alliance itself (--key).
package site
