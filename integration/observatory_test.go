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
