package integration

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheServerServesTheLatestPublicationToAnyoneAndNothingElse: `palabre
// publish` writes the observatory into the data directory, and the built
// server serves it at /public/ with no token, read-only, with its
// security headers; the master key beside it is reached by no path sent
// over a raw connection (no client cleans the dots).
func TestTheServerServesTheLatestPublicationToAnyoneAndNothingElse(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	if out, err := exec.Command(bin, "demo", "--data", dir, "--events", "2000").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "publish", "--data", dir).CombinedOutput(); err != nil {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	s := startServer(t, bin, dir)
	res, err := http.Get(s.url + "/public/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `<html lang="fr">`) || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("GET /public/: %d %v\n%.300s", res.StatusCode, res.Header, body)
	}
	key, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/public/../master.key", "/public/../../data/master.key", "/public/%2e%2e/master.key", "/public/..%2fmaster.key", "/public/./../master.key"} {
		raw := rawGet(t, strings.TrimPrefix(s.url, "http://"), path)
		if strings.Contains(raw, strings.TrimSpace(string(key))) || strings.HasPrefix(raw, "HTTP/1.1 200") {
			t.Errorf("GET %s reached past the publication:\n%.200s", path, raw)
		}
	}
}

// rawGet sends a request line as written.
func rawGet(t *testing.T, addr, path string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(conn)
	return string(out)
}

// observatoryRun is what observatory.mjs saw.
type observatoryRun struct {
	Pages []struct {
		Page   string `json:"page"`
		Status int    `json:"status"`
	} `json:"pages"`
	Accessibility []struct {
		Page       string `json:"page"`
		Violations []any  `json:"violations"`
	} `json:"accessibility"`
	Sideways []string `json:"sideways"`
	Problems []string `json:"problems"`
	Error    string   `json:"error"`
}

// TestTheObservatoryReadsWellOnAPhoneAndADesktop: the demo's observatory,
// served at /public/, read in Chromium from its first page by its links,
// at 360 px and at 1280 px: every page is found, axe-core finds no serious
// or critical violation, and no page scrolls sideways as a whole. The
// first page's screenshot at 360 px is kept in PALABRE_SCREENSHOTS.
func TestTheObservatoryReadsWellOnAPhoneAndADesktop(t *testing.T) {
	b := newBrowserBench(t)
	if out, err := exec.Command(b.bin, "demo", "--data", b.dir, "--events", "2000").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if out, err := exec.Command(b.bin, "publish", "--data", b.dir).CombinedOutput(); err != nil {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	s := startServer(t, b.bin, b.dir)
	var run observatoryRun
	b.run(t, nil, &run, "observatory.mjs", s.url+"/public/", b.shots, "40")
	if run.Error != "" {
		t.Fatalf("the browser run stopped: %s", run.Error)
	}
	if len(run.Pages) < 6 {
		t.Errorf("only %d pages reached from the first: %+v", len(run.Pages), run.Pages)
	}
	for _, p := range run.Pages {
		if p.Status != http.StatusOK {
			t.Errorf("%s: %d", p.Page, p.Status)
		}
	}
	for _, a := range run.Accessibility {
		if len(a.Violations) > 0 {
			t.Errorf("%s: %v", a.Page, a.Violations)
		}
	}
	if len(run.Accessibility) != 2*len(run.Pages) {
		t.Errorf("%d audits for %d pages at two widths", len(run.Accessibility), len(run.Pages))
	}
	if len(run.Sideways) > 0 || len(run.Problems) > 0 {
		t.Errorf("pages that scroll sideways: %v; problems: %v", run.Sideways, run.Problems)
	}
}
