package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
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
	if _, err := serverTLS(tlsSettings{Cert: certFile, Key: keyFile}, dir); err == nil {
		t.Fatal("serve started without its certificate's files")
	}
	start := time.Now().Add(-time.Hour)
	writeCertificate(t, certFile, keyFile, "first.example.org", start)
	https, err := serverTLS(tlsSettings{Cert: certFile, Key: keyFile}, dir)
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
