package graphql_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// nodeScript runs a script of integration/js with Node, installing its
// packages first when they are missing.
func nodeScript(t *testing.T, stdin []byte, script string, args ...string) []byte {
	t.Helper()
	dir, err := filepath.Abs("../integration/js")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: graphql-js cannot check the schema here")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql")); err != nil {
		install := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		install.Dir = dir
		if out, err := install.CombinedOutput(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
			}
			t.Skipf("graphql-js could not be installed (npm ci in %s: %v)", dir, err)
		}
	}
	cmd := exec.Command(node, append([]string{script}, args...)...)
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s %s: %v\n%s", script, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// graphqljs runs check.mjs with graphql-js, the library GraphiQL, Apollo
// and graphql-codegen load schemas with.
func graphqljs(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	return nodeScript(t, stdin, "check.mjs", args...)
}

func TestGraphiQLsDocsAndAutocompletionWorkInABrowser(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium; .ci/run does)", chromium)
	}
	e := newEnv(t)
	shot := filepath.Join(t.TempDir(), "graphiql.png")
	if dir := os.Getenv("PALABRE_SCREENSHOTS"); dir != "" {
		shot = filepath.Join(dir, "graphiql.png")
	}
	var seen struct {
		Docs, Hints string
		Stored      []string
	}
	if err := json.Unmarshal(nodeScript(t, nil, "graphiql.mjs", e.server.URL+"/graphiql", shot), &seen); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seen.Docs, "What the token may read") || !strings.Contains(seen.Docs, "inclusion") {
		t.Errorf("the Docs pane shows:\n%s", seen.Docs)
	}
	if !strings.Contains(seen.Hints, "commitmentFigures") {
		t.Errorf("autocompletion offered:\n%s", seen.Hints)
	}
	// Queries and variables may carry a name typed for an enrolment: on a
	// shared laptop nothing of them may outlive the tab.
	if len(seen.Stored) > 0 {
		t.Errorf("GraphiQL left %v in the browser's storage", seen.Stored)
	}
}

func TestGraphQLJSLoadsTheSchemaThroughTheStandardIntrospectionQueryForEveryRole(t *testing.T) {
	e := newEnv(t)
	query := string(graphqljs(t, nil, "query"))
	for role, token := range map[string]string{"admin": e.admin, "analyst": e.analyst, "advocacy": e.advocacy, "facilitator": e.gao} {
		r := e.do(token, query, nil)
		if r.Status != 200 || len(r.Errors) > 0 {
			t.Fatalf("%s: the standard introspection query: %d %.500s", role, r.Status, r.raw)
		}
		var built struct {
			Query       string   `json:"query"`
			Description *string  `json:"description"`
			Fields      []string `json:"fields"`
		}
		if err := json.Unmarshal(graphqljs(t, []byte(r.raw), "build"), &built); err != nil {
			t.Fatal(err)
		}
		if built.Query != "Query" || built.Description == nil || !slices.Contains(built.Fields, "inclusion") {
			t.Fatalf("%s: graphql-js built %+v", role, built)
		}
	}
}

func TestAbusiveIntrospectionIsRefused(t *testing.T) {
	e := newEnv(t)
	deep := `{ __type(name: "Query") { ` + strings.Repeat(`fields { type { `, 20) + `name` + strings.Repeat(` } }`, 20) + ` } }`
	again := `{ __type(name: "Dialogue") { fields { type { fields { name } } } } }`
	chain := `{ __type(name: "Query") { fields { type { ` + strings.Repeat(`ofType { `, 14) + `name` + strings.Repeat(` }`, 14) + ` } } } }`
	for name, q := range map[string]string{"fields of fields, 40 deep": deep, "members listed again under a member's type": again, "an ofType chain past the standard query's": chain} {
		if r := e.do(e.analyst, q, nil); r.Status != 400 || r.code() != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %.300s", name, r.Status, r.raw)
		}
	}
}

func TestTheSchemaLoadsWithoutATokenAndNothingElseDoes(t *testing.T) {
	e := newEnv(t)
	if r := e.do("", `{ __schema { queryType { name } } }`, nil); r.Status != 200 || get(r.Data, "__schema", "queryType", "name") != "Query" {
		t.Fatalf("introspection without a token: %d %s", r.Status, r.raw)
	}
	for name, q := range map[string]string{"a query": `{ me { role } }`, "introspection beside a query": `{ __schema { queryType { name } } me { role } }`,
		"a spread at the root": `{ ...F } fragment F on Query { me { role } }`} {
		if r := e.do("", q, nil); r.Status != 401 {
			t.Errorf("%s without a token: %d %s", name, r.Status, r.raw)
		}
	}
	if r := e.do("plb_not_a_token", `{ __schema { queryType { name } } }`, nil); r.Status != 401 {
		t.Errorf("introspection with a bad token: %d, want 401 so the client learns its token is bad", r.Status)
	}
}
