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
