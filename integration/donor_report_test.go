package integration

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// womenCounted is an actual of women reached, not zero.
var womenCounted = regexp.MustCompile(`<actual value="[1-9][0-9]*">\s*<dimension name="sex" value="female">`)

// TestTheDemosDonorReportIsAValidIATIFile: `palabre demo` (what `make run`
// serves) holds a results framework, whose donor report the built server
// gives an analyst as an IATI file the official schema accepts (where
// ../shared/iati and xmllint are there), and refuses a facilitator; as of
// a moment, it is byte for byte what `palabre report` wrote from the same
// directory: two doors, one core.
func TestTheDemosDonorReportIsAValidIATIFile(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	if out, err := exec.Command(bin, "demo", "--data", dir, "--events", "2000").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	analyst, gao := newToken(t, bin, dir, "--role", "analyst"), newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	// The command line's door, on the directory no server holds yet.
	asOf := time.Now().UTC().Format(time.RFC3339)
	fromTheCommandLine := filepath.Join(t.TempDir(), "report.xml")
	if out, err := exec.Command(bin, "report", "--data", dir, "--as-of", asOf, "--out", fromTheCommandLine).CombinedOutput(); err != nil {
		t.Fatalf("palabre report: %v\n%s", err, out)
	}
	s := startServer(t, bin, dir)
	id, _ := pick(s.must(analyst, `{ frameworks { id } }`, nil), "frameworks").([]any)
	if len(id) != 1 {
		t.Fatalf("the demo's frameworks: %v", id)
	}
	path := "/export/donorReport.xml?frameworkId=" + pick(id[0], "id").(string)
	get := func(token, path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, body
	}
	if status, body := get(gao, path); status != http.StatusForbidden {
		t.Errorf("Gao's facilitator: %d %s, want 403", status, body)
	}
	byCommand, err := os.ReadFile(fromTheCommandLine)
	if err != nil {
		t.Fatal(err)
	}
	if status, fromTheServer := get(analyst, path+"&asOf="+asOf); status != http.StatusOK || !bytes.Equal(fromTheServer, byCommand) {
		t.Errorf("the server's report as of %s (%d) is not the command line's:\n%s\n---\n%s", asOf, status, fromTheServer, byCommand)
	}
	status, file := get(analyst, path)
	if status != http.StatusOK || !womenCounted.Match(file) {
		t.Fatalf("the analyst's IATI file, with the demo's attendances by sex: %d %s", status, file)
	}
	schema := filepath.Join("..", "..", "shared", "iati", "iati-activities-schema.xsd")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("the IATI schema is not at %s: %v", schema, err)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils)")
	}
	saved := filepath.Join(t.TempDir(), "activity.xml")
	if err := os.WriteFile(saved, file, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", schema, saved).CombinedOutput(); err != nil {
		t.Fatalf("the demo's IATI file does not validate: %v\n%s", err, out)
	}
}
