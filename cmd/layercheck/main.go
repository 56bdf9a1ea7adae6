// Command layercheck fails when a package depends on a layer above its
// own: the layering docs/ARCHITECTURE.md draws, checked over `go list
// -deps` so that no import, however indirect, reaches back up. It also
// fails on a tracked file over 5 MB (build output or data committed by
// mistake) and on a function of the module's code over 100 lines (a
// reader cannot hold it). make lint runs it.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const module = "github.com/palabre/palabre/"

// maxTracked is the largest file the repository may track.
const maxTracked = 5 << 20

// maxLines is the longest function, signature to closing brace, that the
// module's code, tests included, may hold.
const maxLines = 100

// rule: a package under From may not depend on one under any of Not.
type rule struct {
	from string
	not  []string
	why  string
}

// rules are the layers, lowest first: the event kernel and the domain,
// then the read models, then the core every door goes through, then the
// doors. Paths are relative to the module, matched as path prefixes.
var rules = []rule{
	{"events/domain", []string{"events/commands", "events/imports", "events/forms", "events/keystore", "events/pebblestore", "events/kurrentstore", "events/synthetic", "projections", "core", "graphql", "cmd"},
		"the domain knows only the event kernel"},
	{"events", []string{"projections", "core", "graphql", "cmd"}, "the write side and its stores know nothing of reads, the core or the doors"},
	{"projections", []string{"core", "graphql", "cmd"}, "read models know the domain, not the core or the doors"},
	{"core", []string{"graphql", "cmd"}, "the core is beneath every door"},
	{"graphql", []string{"cmd"}, "only cmd wires concrete parts"},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func main() {
	problems, err := check(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "layercheck:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// check lists the problems of the module at dir.
func check(dir string) ([]string, error) {
	list := exec.Command("go", "list", "-json=ImportPath,Deps", "./...")
	list.Dir = dir
	out, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	pkgs, err := decode(bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	problems := Violations(pkgs)
	ls := exec.Command("git", "ls-files", "-z")
	ls.Dir = dir
	files, err := ls.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	var paths []string
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		paths = append(paths, filepath.Join(dir, f))
	}
	problems = append(problems, tooLarge(paths)...)
	long, err := tooLong(paths)
	if err != nil {
		return nil, err
	}
	return append(problems, long...), nil
}

func decode(r io.Reader) ([]pkg, error) {
	var pkgs []pkg
	dec := json.NewDecoder(bufio.NewReader(r))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("reading go list: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// Violations lists every dependency that breaks a rule, naming both
// packages and the rule.
func Violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, module)
		if !ok {
			continue
		}
		r, ok := ruleFor(from)
		if !ok {
			continue
		}
		for _, d := range p.Deps {
			dep, ok := strings.CutPrefix(d, module)
			if ok && under(dep, r.not...) {
				out = append(out, fmt.Sprintf("%s depends on %s: %s", from, dep, r.why))
			}
		}
	}
	return out
}

// ruleFor is the first rule whose layer holds the package (the most
// specific comes first in rules).
func ruleFor(path string) (rule, bool) {
	for _, r := range rules {
		if under(path, r.from) {
			return r, true
		}
	}
	return rule{}, false
}

func under(path string, prefixes ...string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func tooLarge(files []string) []string {
	var out []string
	for _, f := range files {
		st, err := os.Stat(f)
		if err == nil && st.Size() > maxTracked {
			out = append(out, fmt.Sprintf("%s is %d MB: a tracked file may be at most 5 MB (build output or data belongs outside git)", f, st.Size()>>20))
		}
	}
	return out
}

// tooLong lists the functions over maxLines lines in the Go files among
// files, each by file, line and name.
func tooLong(files []string) ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			continue // tracked but deleted in the work tree
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
		for _, fn := range functions(file) {
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			if n := end.Line - start.Line + 1; n > maxLines {
				out = append(out, fmt.Sprintf("%s:%d: %s is %d lines: split it by what it does (at most %d)", f, start.Line, nameOf(fn), n, maxLines))
			}
		}
	}
	return out, nil
}

// functions are a file's function declarations and the function literals
// outside them (a package-level var's), which a declaration's length
// would not count.
func functions(file *ast.File) []ast.Node {
	var out []ast.Node
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok {
			out = append(out, fn)
			continue
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok {
				out = append(out, lit)
				return false
			}
			return true
		})
	}
	return out
}

func nameOf(fn ast.Node) string {
	d, ok := fn.(*ast.FuncDecl)
	if !ok {
		return "a function literal"
	}
	if d.Recv != nil && len(d.Recv.List) > 0 {
		recv := d.Recv.List[0].Type
		if star, ok := recv.(*ast.StarExpr); ok {
			recv = star.X
		}
		if generic, ok := recv.(*ast.IndexExpr); ok {
			recv = generic.X
		}
		if id, ok := recv.(*ast.Ident); ok {
			return id.Name + "." + d.Name.Name
		}
	}
	return d.Name.Name
}
