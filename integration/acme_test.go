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
	stop      func()
}

// startPebble runs Pebble with every challenge taken as valid (the test's
// name resolves nowhere) and without its random waits, issuing
// certificates valid for lifetime (Pebble's 90 days when 0).
func startPebble(t *testing.T, lifetime time.Duration) pebble {
	t.Helper()
	t.Setenv("PEBBLE_VA_ALWAYS_VALID", "1")
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	logger := log.New(io.Discard, "", 0)
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "the default profile", ValidityPeriod: uint64(lifetime.Seconds())}})
	validator := va.New(logger, 80, 443, false, "", store)
	frontEnd := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	srv := httptest.NewTLSServer(frontEnd.Handler())
	t.Cleanup(srv.Close)
	root := filepath.Join(t.TempDir(), "pebble-https.pem")
	if err := os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return pebble{directory: srv.URL + wfe.DirectoryPath, httpsRoot: root, issuer: authority.GetRootCert(0).Cert, stop: srv.Close}
}

// TestTheBinaryObtainsItsCertificateByACME runs palabre serve with
// --acme-domain against Pebble: the first connection for the name gets a
// certificate Pebble issued, kept in the data directory's acme/, and
// served again after a restart with Pebble gone.
func TestTheBinaryObtainsItsCertificateByACME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	authority := startPebble(t, 0)
	bin, dir := binary(t), t.TempDir()
	const name = "palabre.test"
	client := authority.client(name)
	flags := authority.flags(name)
	started := time.Now()
	s := startServerWith(t, client, bin, dir, flags...)
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

	s.kill()
	authority.stop()
	s = startServerWith(t, client, bin, dir, flags...)
	res, err = client.Get(s.url + "/healthz")
	if err != nil {
		t.Fatalf("after a restart without the authority: %v\n%s", err, s.logs)
	}
	res.Body.Close()
	if again := res.TLS.PeerCertificates[0]; again.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
		t.Errorf("after a restart: certificate %s, want the one kept, %s", again.SerialNumber, leaf.SerialNumber)
	}
}

// client is an HTTPS client that trusts only the certificates Pebble
// issues, for name, on a new connection each time.
func (p pebble) client(name string) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(p.issuer)
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true,
		TLSClientConfig: &tls.Config{ServerName: name, RootCAs: roots}}}
}

// flags are serve's flags for a certificate for name from Pebble.
func (p pebble) flags(name string) []string {
	return []string{"--acme-domain", name, "--acme-directory", p.directory, "--acme-ca-root", p.httpsRoot, "--acme-email", "ops@example.org"}
}

// servedCertificate is the certificate a new TLS connection is served.
func servedCertificate(t *testing.T, client *http.Client, url string) *x509.Certificate {
	t.Helper()
	res, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	res.Body.Close()
	return res.TLS.PeerCertificates[0]
}

// TestTheBinaryRenewsItsACMECertificateByItself: Pebble issues
// certificates valid for 30 s; autocert renews a third of a lifetime
// before the end (less up to a tenth of that, at random), so a new
// certificate is served before the first expires. An order takes a
// second or more of polling, longer on a loaded machine: the 12 s
// lifetime this test had left about 2 s for it, and CI once ran out.
func TestTheBinaryRenewsItsACMECertificateByItself(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	authority := startPebble(t, 31*time.Second) // Pebble's validity is one second shorter
	const name = "palabre.test"
	client := authority.client(name)
	s := startServerWith(t, client, binary(t), t.TempDir(), authority.flags(name)...)
	first := servedCertificate(t, client, s.url)
	deadline := first.NotAfter.Add(-time.Second)
	renewed := first
	for renewed.SerialNumber.Cmp(first.SerialNumber) == 0 && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		renewed = servedCertificate(t, client, s.url)
	}
	if renewed.SerialNumber.Cmp(first.SerialNumber) == 0 || !renewed.NotAfter.After(first.NotAfter) {
		t.Errorf("a second before the first certificate (until %s) expires: served %s until %s, want a renewed one\n%s",
			first.NotAfter, renewed.SerialNumber, renewed.NotAfter, s.logs)
	}
	t.Logf("renewed %s before the first certificate expired", time.Until(first.NotAfter).Round(time.Second))
}
