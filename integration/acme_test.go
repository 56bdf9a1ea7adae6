package integration

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
)

// pebble is Let's Encrypt's ACME test server, run in the test's process:
// its directory URL, a PEM file of the root its HTTPS is served under,
// and the root it issues certificates under.
type pebble struct {
	directory string
	httpsRoot string
	issuer    *x509.Certificate
}

// startPebble runs Pebble with every challenge taken as valid (the test's
// name resolves nowhere) and without its random waits.
func startPebble(t *testing.T) pebble {
	t.Helper()
	t.Setenv("PEBBLE_VA_ALWAYS_VALID", "1")
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	logger := log.New(io.Discard, "", 0)
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "the default profile"}})
	validator := va.New(logger, 80, 443, false, "", store)
	frontEnd := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	srv := httptest.NewTLSServer(frontEnd.Handler())
	t.Cleanup(srv.Close)
	root := filepath.Join(t.TempDir(), "pebble-https.pem")
	if err := os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return pebble{directory: srv.URL + wfe.DirectoryPath, httpsRoot: root, issuer: authority.GetRootCert(0).Cert}
}

// TestTheBinaryObtainsItsCertificateByACME runs palabre serve with
// --acme-domain against Pebble: the first connection for the name gets a
// certificate Pebble issued, kept in the data directory's acme/ for the
// next start.
func TestTheBinaryObtainsItsCertificateByACME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	authority := startPebble(t)
	bin, dir := binary(t), t.TempDir()
	const name = "palabre.test"
	roots := x509.NewCertPool()
	roots.AddCert(authority.issuer)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{ServerName: name, RootCAs: roots}}}
	started := time.Now()
	s := startServerWith(t, client, bin, dir, "--acme-domain", name, "--acme-directory", authority.directory,
		"--acme-ca-root", authority.httpsRoot, "--acme-email", "ops@example.org")
	t.Logf("certificate obtained and served in %s", time.Since(started).Round(time.Millisecond))

	res, err := client.Get(s.url + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over TLS for %s: %v\n%s", name, err, s.logs)
	}
	res.Body.Close()
	leaf := res.TLS.PeerCertificates[0]
	if err := leaf.VerifyHostname(name); err != nil || leaf.Issuer.String() == leaf.Subject.String() {
		t.Errorf("served certificate %s issued by %s: %v", leaf.Subject, leaf.Issuer, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d", res.StatusCode)
	}
	kept, err := os.ReadDir(filepath.Join(dir, "acme"))
	if err != nil || len(kept) < 2 {
		t.Errorf("acme/ holds %v (%v), want the account key and the certificate", kept, err)
	}
	for _, f := range kept {
		if info, _ := f.Info(); info != nil && info.Mode().Perm()&0o077 != 0 {
			t.Errorf("acme/%s is %v, want owner-only", f.Name(), info.Mode().Perm())
		}
	}
}
