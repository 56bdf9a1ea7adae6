package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// writeCertificate writes a self-signed certificate named name and its
// key to certFile and keyFile, stamped at modified.
func writeCertificate(t *testing.T, certFile, keyFile, name string, modified time.Time) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	for file, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(file, modified, modified); err != nil {
			t.Fatal(err)
		}
	}
}

func TestARenewedCertificateIsServedWithoutARestart(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if _, err := serverTLS(tlsSettings{Cert: certFile, Key: keyFile}, dir, zerolog.Nop()); err == nil {
		t.Fatal("serve started without its certificate's files")
	}
	start := time.Now().Add(-time.Hour)
	writeCertificate(t, certFile, keyFile, "first.example.org", start)
	https, err := serverTLS(tlsSettings{Cert: certFile, Key: keyFile}, dir, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	config := https.config
	served := func() string {
		t.Helper()
		c, err := config.GetCertificate(&tls.ClientHelloInfo{})
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := x509.ParseCertificate(c.Certificate[0])
		return leaf.Subject.CommonName
	}
	if got := served(); got != "first.example.org" {
		t.Fatalf("served %s", got)
	}
	writeCertificate(t, certFile, keyFile, "renewed.example.org", start.Add(time.Minute))
	if got := served(); got != "renewed.example.org" {
		t.Errorf("after the renewal: served %s", got)
	}
	// Half written: a certificate without its key keeps the last whole pair.
	os.WriteFile(certFile, []byte("not yet"), 0o600)
	if got := served(); got != "renewed.example.org" {
		t.Errorf("while half written: served %s", got)
	}
}

func TestTrustedProxiesAreAddressesOrCIDRs(t *testing.T) {
	got, err := parseProxies(" 10.0.0.0/8, 127.0.0.1 ,::1,192.168.1.7/24,")
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.168.1.0/24")}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("parseProxies = %v, %v; want %v", got, err, want)
	}
	if _, err := parseProxies("10.0.0.0/33"); err == nil {
		t.Error("a /33 was taken")
	}
}

func TestServingPlainHTTPBeyondThisMachineIsWarnedAbout(t *testing.T) {
	for _, c := range []struct {
		addr, cert, proxies string
		warned              bool
	}{
		{"127.0.0.1:8080", "", "", false},
		{"[::1]:8080", "", "", false},
		{"localhost:8080", "", "", false},
		{"0.0.0.0:8080", "", "", true},
		{":8080", "", "", true},
		{"192.168.1.10:8080", "", "", true},
		{":443", "cert.pem", "", false},
		{"10.0.0.5:8080", "", "10.0.0.1", false},
	} {
		config := defaultServeConfig()
		config.Addr, config.TLS.Cert, config.TrustedProxies = c.addr, c.cert, c.proxies
		if got := plainHTTPWarning(config); (got != "") != c.warned {
			t.Errorf("%+v: warning %q", c, got)
		}
	}
}

func TestServeWarnsWhenEveryClientIsATrustedProxy(t *testing.T) {
	for list, warned := range map[string]bool{"0.0.0.0/0": true, "10.0.0.1, ::/0": true, "10.0.0.0/8, fd00::/8": false} {
		proxies, err := parseProxies(list)
		if err != nil {
			t.Fatal(err)
		}
		if got := everyoneTrustedWarning(proxies); (got != "") != warned {
			t.Errorf("--trusted-proxies %s: warning %q", list, got)
		}
	}
}

// writeDatedCertificate writes a self-signed certificate for localhost valid
// from notBefore to notAfter, and its key, into dir.
func writeDatedCertificate(t *testing.T, dir string, notBefore, notAfter time.Time) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: notBefore, NotAfter: notAfter, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// Were serve to start with a certificate that expired years ago, every
// browser would refuse the site (and the offline app with it), or people
// would learn to click through the warning. A wrong pair or a missing
// file stops serve naming the flags; an expired one does too.
func TestServeRefusesAnExpiredCertificateNamingTheFlag(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeDatedCertificate(t, dir, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
	_, err := serverTLS(tlsSettings{Cert: cert, Key: key}, t.TempDir(), zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "--tls-cert") || !strings.Contains(err.Error(), "2021-01-01") {
		t.Fatalf("serve with a certificate expired on 2021-01-01: %v; want an error naming --tls-cert and the expiry", err)
	}
}

// A reload that fails (expired, a key of another pair, a file gone) keeps
// the last good certificate and is logged as an error, once; a
// certificate close to its expiry is warned about.
func TestAFailedReloadIsLoggedAndKeepsTheLastGoodCertificate(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	cert, key := writeDatedCertificate(t, dir, now.Add(-time.Hour), now.Add(5*24*time.Hour))
	var logged bytes.Buffer
	https, err := serverTLS(tlsSettings{Cert: cert, Key: key}, dir, zerolog.New(&logged))
	if err != nil {
		t.Fatal(err)
	}
	good, err := https.config.GetCertificate(&tls.ClientHelloInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), `"level":"warn"`) || !strings.Contains(logged.String(), "14 days") {
		t.Errorf("a certificate expiring in 5 days, at start: logged %s", logged.String())
	}
	later := now.Add(time.Minute)
	other := t.TempDir()
	expiredCert, expiredKey := writeDatedCertificate(t, other, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	_, strangerKey := writeDatedCertificate(t, t.TempDir(), now.Add(-time.Hour), now.Add(90*24*time.Hour))
	for name, files := range map[string][2]string{"expired": {expiredCert, expiredKey}, "mismatched": {expiredCert, strangerKey}} {
		later = later.Add(time.Minute)
		for i, from := range files {
			b, err := os.ReadFile(from)
			if err != nil {
				t.Fatal(err)
			}
			to := []string{cert, key}[i]
			if err := os.WriteFile(to, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(to, later, later); err != nil {
				t.Fatal(err)
			}
		}
		logged.Reset()
		for range 3 {
			served, err := https.config.GetCertificate(&tls.ClientHelloInfo{})
			if err != nil || served != good {
				t.Fatalf("%s: served another certificate than the last good one (%v)", name, err)
			}
		}
		if n := strings.Count(logged.String(), `"level":"error"`); n != 1 {
			t.Errorf("%s: %d errors logged over three connections, want one: %s", name, n, logged.String())
		}
	}
	os.Remove(cert)
	logged.Reset()
	if served, err := https.config.GetCertificate(&tls.ClientHelloInfo{}); err != nil || served != good || !strings.Contains(logged.String(), `"level":"error"`) {
		t.Errorf("the certificate file gone: served the last good one %v (%v), logged %s", served == good, err, logged.String())
	}
}

// The plain-HTTP port redirects only to the names the certificate (own
// or ACME's) is for: a Host header an attacker wrote is refused, not
// echoed into the redirect.
func TestTheRedirectGoesOnlyToTheCertificatesNames(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeDatedCertificate(t, dir, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour))
	own, err := serverTLS(tlsSettings{Cert: cert, Key: key}, dir, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	automatic, err := serverTLS(tlsSettings{ACMEDomains: "palabre.example.org", ACMEDirectory: letsEncrypt}, dir, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		setup        *httpsSetup
		port, host   string
		wantLocation string // "" for a 400
	}{
		{own, "8443", "localhost:80", "https://localhost:8443/app?x=1"},
		{own, "443", "LOCALHOST", "https://localhost/app?x=1"},
		{own, "8443", "evil.example:80", ""},
		{own, "443", "", ""},
		{automatic, "443", "palabre.example.org", "https://palabre.example.org/app?x=1"},
		{automatic, "443", "evil.example", ""},
	} {
		r := httptest.NewRequest("GET", "http://placeholder/app?x=1", nil)
		r.Host = c.host
		w := httptest.NewRecorder()
		redirectToHTTPS(c.setup.serves, c.port).ServeHTTP(w, r)
		switch got := w.Header().Get("Location"); {
		case c.wantLocation == "" && w.Code != http.StatusBadRequest:
			t.Errorf("Host %q: %d to %q, want 400", c.host, w.Code, got)
		case c.wantLocation != "" && (w.Code != http.StatusPermanentRedirect || got != c.wantLocation):
			t.Errorf("Host %q: %d to %q, want 308 to %s", c.host, w.Code, got, c.wantLocation)
		}
	}
}
