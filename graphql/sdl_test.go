package graphql_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The published schema (schema/schema.graphql) is what the server
// serves, as graphql-js reads both: before, it lacked the enum values'
// descriptions that introspection gives, and a test comparing the file
// with the same printer could not see it.
func TestThePublishedSchemaIsWhatTheServerServes(t *testing.T) {
	e := newEnv(t)
	r := e.do(e.admin, string(graphqljs(t, nil, "query")), nil)
	if r.Status != 200 || len(r.Errors) > 0 {
		t.Fatalf("the standard introspection query: %d %.500s", r.Status, r.raw)
	}
	file, err := filepath.Abs("../schema/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	var printed struct{ Served, Published string }
	if err := json.Unmarshal(graphqljs(t, []byte(r.raw), "sdl", file), &printed); err != nil {
		t.Fatal(err)
	}
	if printed.Served == printed.Published {
		return
	}
	served, published := strings.Split(printed.Served, "\n"), strings.Split(printed.Published, "\n")
	for i := range min(len(served), len(published)) {
		if served[i] != published[i] {
			from := max(i-3, 0)
			t.Fatalf("schema/schema.graphql differs from the served schema at line %d of graphql-js's printing:\nserved:\n%s\npublished:\n%s",
				i+1, strings.Join(served[from:min(i+4, len(served))], "\n"), strings.Join(published[from:min(i+4, len(published))], "\n"))
		}
	}
	t.Fatalf("schema/schema.graphql has %d lines as graphql-js prints it, the served schema %d", len(published), len(served))
}
