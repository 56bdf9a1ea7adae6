package graphql

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
)

// TestEveryReasonOfTheDomainIsSaidInFrench reads the domain's sources and
// finds every reason template a decider gives (Add and Reject with a
// literal format), and every one the read service and the API give in the
// reader's language (read.BadInputIn, read.Say): each must be in frenchReasons.
func TestEveryReasonOfTheDomainIsSaidInFrench(t *testing.T) {
	found := 0
	walk := func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			var name string
			switch f := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = f.Sel.Name
			case *ast.Ident:
				name = f.Name
			}
			at, said := formatArgument[name]
			if !said || len(call.Args) <= at {
				return true
			}
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			template, _ := strconv.Unquote(lit.Value)
			if template == "%v" {
				return true // a cause passed on as it is
			}
			found++
			if !domain.HasFrench(template) {
				t.Errorf("%s: %q has no French", path, template)
			}
			return true
		})
		return nil
	}
	for _, dir := range []string{"../events/domain", "../events/imports", "../core/access", "../core/policy", "../core/read", "."} {
		if err := filepath.WalkDir(dir, walk); err != nil {
			t.Fatal(err)
		}
	}
	if found < 40 {
		t.Fatalf("only %d reasons found: the scan misses them", found)
	}
}

// formatArgument is, for each function that says a reason in the reader's
// language, the position of its format.
var formatArgument = map[string]int{"Add": 1, "Reject": 1, "BadInputIn": 2, "Say": 1, "badInputIn": 2, "notFoundIn": 1, "refusalIn": 3, "BadInput": 1, "badInput": 1, "overLimit": 1}
