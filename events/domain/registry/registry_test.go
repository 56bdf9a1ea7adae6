package registry_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

func TestEveryAggregateDescribesEveryPart(t *testing.T) {
	categories, commands, vocabularies := map[string]bool{}, map[string]string{}, map[string]bool{domain.PillarVocabulary.Name: true}
	for _, a := range registry.Aggregates() {
		d := a.Describe()
		for _, part := range a.Missing() {
			t.Errorf("aggregate %q lacks %s", d.Category, part)
		}
		if categories[d.Category] {
			t.Errorf("category %q is listed twice", d.Category)
		}
		categories[d.Category] = true
		for _, name := range d.Commands {
			if other, dup := commands[name]; dup {
				t.Errorf("command %s is both %s's and %s's: the write policy is keyed by name", name, other, d.Category)
			}
			commands[name] = d.Category
		}
		for _, v := range d.Vocabularies {
			if vocabularies[v.Name] {
				t.Errorf("vocabulary %s is described twice", v.Name)
			}
			vocabularies[v.Name] = true
		}
	}
	if len(registry.Codec().Types()) == 0 {
		t.Error("the codec knows no event type")
	}
}

// TestEveryCommandAndEventIsListed reads each aggregate's package: every
// type of its sealed sets (a method isCommand or isEvent) must be in its
// descriptor, so a new command or event cannot be left out of the lists
// derived from it (the write policy, the codec, the event schemas).
func TestEveryCommandAndEventIsListed(t *testing.T) {
	for _, a := range registry.Aggregates() {
		d := a.Describe()
		dir, sealed := sealedSets(t, packageOf(d))
		var listed struct{ commands, events []string }
		for _, c := range commandsOf(a) {
			listed.commands = append(listed.commands, reflect.TypeOf(c).Name())
		}
		for _, e := range d.Events {
			listed.events = append(listed.events, reflect.TypeOf(e.New()).Elem().Name())
		}
		for _, set := range []struct {
			name         string
			found, shown []string
		}{{"isCommand", sealed["isCommand"], listed.commands}, {"isEvent", sealed["isEvent"], listed.events}} {
			slices.Sort(set.found)
			slices.Sort(set.shown)
			if !slices.Equal(set.found, set.shown) {
				t.Errorf("%s: the types with %s are %v, the descriptor lists %v", dir, set.name, set.found, set.shown)
			}
		}
	}
}

func TestEveryCommandIsOfItsAggregate(t *testing.T) {
	for _, a := range registry.Aggregates() {
		for _, c := range commandsOf(a) {
			if of, ok := registry.Of(c); !ok || of.Describe().Category != a.Describe().Category {
				t.Errorf("%T is not of %s", c, a.Describe().Category)
			}
		}
	}
	if _, ok := registry.Of("EstablishSpace"); ok {
		t.Error("a string is a command")
	}
}

// TestEveryAggregatePackageIsListed: a package under events/domain that
// declares an Aggregate must be in the registry's list.
func TestEveryAggregatePackageIsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, a := range registry.Aggregates() {
		listed[path.Base(packageOf(a.Describe()))] = true
	}
	dirs, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if dir.IsDir() && declaresAggregate(t, filepath.Join("..", dir.Name())) && !listed[dir.Name()] {
			t.Errorf("events/domain/%s declares an Aggregate that registry.Aggregates does not list", dir.Name())
		}
	}
}

// packageOf is the import path of an aggregate's package, from its events.
func packageOf(d domain.Description) string {
	return reflect.TypeOf(d.Events[0].New()).Elem().PkgPath()
}

// commandsOf are the descriptor's commands, as values.
func commandsOf(a domain.Described) []any {
	v := reflect.ValueOf(a).Elem().FieldByName("Commands")
	out := make([]any, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface()
	}
	return out
}

// sealedSets parses a package's files and lists, by marker method
// (isCommand, isEvent), the types that have it.
func sealedSets(t *testing.T, pkg string) (string, map[string][]string) {
	t.Helper()
	dir := filepath.Join("..", path.Base(pkg))
	out := map[string][]string{}
	for _, f := range parseDir(t, dir) {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || (fn.Name.Name != "isCommand" && fn.Name.Name != "isEvent") {
				continue
			}
			if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok {
				out[fn.Name.Name] = append(out[fn.Name.Name], id.Name)
			}
		}
	}
	return dir, out
}

func declaresAggregate(t *testing.T, dir string) bool {
	t.Helper()
	for _, f := range parseDir(t, dir) {
		for _, decl := range f.Decls {
			if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, spec := range g.Specs {
					if slices.ContainsFunc(spec.(*ast.ValueSpec).Names, func(n *ast.Ident) bool { return n.Name == "Aggregate" }) {
						return true
					}
				}
			}
		}
	}
	return false
}

func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// Every command that puts its object in a region of its own can have
// that region set (Place), and Puts then says the region set: the write
// policy gives a region named by its name as its code this way. (Missing
// requires a Place of an aggregate whose command puts a region.)
func TestEveryCommandThatPutsARegionCanBePlaced(t *testing.T) {
	for _, cmd := range []domain.Command{space.Establish{}, space.ChangeDetails{}, stakeholder.Register{}, stakeholder.ChangeDetails{},
		participant.Enrol{}, participant.CorrectProfile{}, outcome.Harvest{}, outcome.Revise{}} {
		a, _ := registry.Of(cmd)
		moved, ok := a.PlaceAny(cmd, "somewhere")
		if got, _, _ := a.PutsOf(moved); !ok || got.Region != "somewhere" {
			t.Errorf("%s placed in somewhere puts it in %+v (%v)", cmd.CommandName(), got, ok)
		}
	}
	if _, ok := registry.Of(dialogue.Hold{}); !ok {
		t.Fatal("no dialogue aggregate")
	}
	a, _ := registry.Of(dialogue.Hold{})
	if _, ok := a.PlaceAny(dialogue.Hold{}, "somewhere"); ok {
		t.Error("a dialogue, in its space's region, was placed in a region of its own")
	}
}
