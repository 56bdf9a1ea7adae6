package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnEventsPackageThatDependsOnGraphQLIsRefused(t *testing.T) {
	got := Violations([]pkg{
		{ImportPath: module + "events/imports", Deps: []string{"fmt", module + "events", module + "graphql"}},
		{ImportPath: module + "projections/inclusion", Deps: []string{module + "core/read"}},
		{ImportPath: module + "graphql", Deps: []string{module + "core/read", module + "events/commands"}},
	})
	if len(got) != 2 || !strings.Contains(got[0], "events/imports depends on graphql") || !strings.Contains(got[1], "projections/inclusion depends on core/read") {
		t.Fatalf("violations = %q, want events/imports → graphql and projections/inclusion → core/read", got)
	}
}

func TestTheDomainMayNotReachTheCommandHandler(t *testing.T) {
	got := Violations([]pkg{{ImportPath: module + "events/domain/space", Deps: []string{module + "events", module + "events/commands"}}})
	if len(got) != 1 {
		t.Fatalf("violations = %q, want one", got)
	}
}

func TestATrackedFileOver5MBIsRefused(t *testing.T) {
	dir := t.TempDir()
	big, small := filepath.Join(dir, "palabre"), filepath.Join(dir, "README.md")
	if err := os.WriteFile(big, make([]byte, 5<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(small, []byte("hi"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := tooLarge([]string{big, small}); len(got) != 1 || !strings.Contains(got[0], "palabre is 5 MB") {
		t.Fatalf("tooLarge = %q, want the binary alone", got)
	}
}

func TestTheTreeKeepsItsLayers(t *testing.T) {
	problems, err := check("../..")
	if err != nil {
		t.Skipf("go list or git unavailable: %v", err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func TestAFunctionOver100LinesIsRefused(t *testing.T) {
	dir := t.TempDir()
	body := func(name string, lines int) string {
		return "func " + name + "() {\n" + strings.Repeat("\t_ = 1\n", lines-2) + "}\n"
	}
	src := "package p\n\n" + body("fits", 100) + body("long", 101) +
		"type t struct{}\n\nfunc (*t) " + strings.TrimPrefix(body("method", 120), "func ") +
		"var hook = func() {\n" + strings.Repeat("\t_ = 1\n", 101) + "}\n"
	code := filepath.Join(dir, "p_test.go")
	if err := os.WriteFile(code, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := tooLong([]string{code, filepath.Join(dir, "README.md")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"p_test.go:103: long is 101 lines", "p_test.go:206: t.method is 120 lines", "p_test.go:326: a function literal is 103 lines"}
	if len(got) != len(want) {
		t.Fatalf("tooLong = %q, want %d problems: long, t.method and the literal, not fits", got, len(want))
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("tooLong[%d] = %q, want %q", i, got[i], w)
		}
	}
}
