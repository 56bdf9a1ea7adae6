package integration

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCertificate is a self-signed certificate for 127.0.0.1 and
// localhost written into dir: its files, a client that trusts it, and its
// public key's SHA-256 in base64 (Chromium's
// --ignore-certificate-errors-spki-list takes it).
type testCertificate struct {
	cert, key string
	client    *http.Client
	spki      string
}

func newTestCertificate(t *testing.T, dir string) testCertificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "palabre test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c := testCertificate{cert: filepath.Join(dir, "cert.pem"), key: filepath.Join(dir, "key.pem")}
	writePEM(t, c.cert, "CERTIFICATE", der)
	writePEM(t, c.key, "PRIVATE KEY", keyDER)
	parsed, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	c.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	sum := sha256.Sum256(parsed.RawSubjectPublicKeyInfo)
	c.spki = base64.StdEncoding.EncodeToString(sum[:])
	return c
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startHTTPSServer serves dir over HTTPS with a fresh self-signed
// certificate; the server's client trusts it.
func startHTTPSServer(t *testing.T, bin, dir string, flags ...string) (*server, testCertificate) {
	t.Helper()
	c := newTestCertificate(t, t.TempDir())
	s := startServerWith(t, c.client, bin, dir, append([]string{"--tls-cert", c.cert, "--tls-key", c.key}, flags...)...)
	return s, c
}

// TestTheBinaryServesHTTPSWithItsOwnCertificate runs palabre serve with
// --tls-cert and --tls-key: the API answers over HTTPS with that
// certificate, plain HTTP on the same port is not served, and the session
// cookie is Secure.
func TestTheBinaryServesHTTPSWithItsOwnCertificate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, dir := binary(t), t.TempDir()
	admin := newToken(t, bin, dir, "--role", "admin")
	s, cert := startHTTPSServer(t, bin, dir)
	if !strings.HasPrefix(s.url, "https://127.0.0.1:") {
		t.Fatalf("serving on %s, want https://127.0.0.1:…", s.url)
	}
	if got := s.must(admin, `{ dialogues { totalCount } }`, nil); pick(got, "dialogues") == nil {
		t.Errorf("no answer over HTTPS: %v", got)
	}

	res, err := s.client.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.TLS == nil || len(res.TLS.PeerCertificates) == 0 || !strings.Contains(res.TLS.PeerCertificates[0].Subject.CommonName, "palabre test") {
		t.Errorf("the answer did not come over TLS with the given certificate: %+v", res.TLS)
	}
	if cert.spki == "" {
		t.Error("no SPKI hash for browsers")
	}

	if res, err := http.Get("http://" + strings.TrimPrefix(s.url, "https://") + "/healthz"); err == nil {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP answered 200 on the HTTPS port: %s", body)
		}
	}

	res, err = s.client.Post(s.url+"/session", "application/json", strings.NewReader(`{"token":"`+admin+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if res.StatusCode != http.StatusOK || len(cookies) != 1 || !cookies[0].Secure {
		t.Errorf("POST /session over HTTPS: %d, cookies %+v; want 200 and a Secure cookie", res.StatusCode, cookies)
	}
}
