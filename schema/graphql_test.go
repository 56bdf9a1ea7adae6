package schema_test

import (
	"os"
	"testing"

	"github.com/palabre/palabre/graphql"
)

const graphqlFile = "schema.graphql"

// TestGraphQLSchemaMatchesTheCode: schema/schema.graphql is the API as the
// code builds it; -update (make schema) rewrites it.
func TestGraphQLSchemaMatchesTheCode(t *testing.T) {
	s, err := graphql.NewSchema(graphql.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	printed := graphql.PrintSchema(s)
	if *update {
		if err := os.WriteFile(graphqlFile, []byte(printed), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(graphqlFile)
	if err != nil {
		t.Fatalf("%v; run make schema", err)
	}
	if string(have) != printed {
		t.Fatalf("schema/%s differs from the code; run make schema and review the diff", graphqlFile)
	}
}
