package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/events/domain/refdata"
)

// The command line's form is the one the server gives an admin, groups
// included: before, it was written by a GraphQL server built without the
// deployment's reference data, and its list of excluded groups was empty.
func TestTheFormFromTheCommandLineHoldsTheDeploymentsGroups(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, _, err := run(t, nil, "demo", "--data", dir, "--events", "500"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, nil, "form", "xlsform", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows("choices")
	groups := map[string]bool{}
	for _, r := range rows {
		if r[0] == "excluded_group" {
			groups[r[1]] = true
		}
	}
	want := refdata.Default().Groups
	if len(want) == 0 {
		t.Fatal("the default reference data has no groups to check")
	}
	for _, g := range want {
		if !groups[g.Code] {
			t.Errorf("the form lacks the group %s; it has %v", g.Code, groups)
		}
	}
	if _, stderr, err := run(t, nil, "form", "xlsform", "--data", dir, "--reference", filepath.Join(dir, "none.json")); exitCode(err) != 2 || !strings.Contains(stderr, "--reference (PALABRE_REFERENCE)") {
		t.Errorf("a missing reference file: %v\n%s", err, stderr)
	}
}
