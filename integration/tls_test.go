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

// trusted is the environment in which a browser script trusts the
// certificate: Chromium by its key, Node by its file.
func (c testCertificate) trusted() []string {
	return []string{"PALABRE_SPKI=" + c.spki, "NODE_EXTRA_CA_CERTS=" + c.cert}
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
// certificate and HSTS, plain HTTP on the same port is not served but
// --redirect-addr sends it to HTTPS, and the session cookie is Secure.
func TestTheBinaryServesHTTPSWithItsOwnCertificate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, dir := binary(t), t.TempDir()
	admin := newToken(t, bin, dir, "--role", "admin")
	redirect := freeAddress(t)
	s, cert := startHTTPSServer(t, bin, dir, "--redirect-addr", redirect)
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
	if res.Header.Get("Strict-Transport-Security") == "" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("over HTTPS: HSTS %q, CSP %q", res.Header.Get("Strict-Transport-Security"), res.Header.Get("Content-Security-Policy"))
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

	// The plain-HTTP port sends every path to HTTPS.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := noFollow.Get("http://" + redirect + "/graphiql?x=1"); err != nil || res.StatusCode != http.StatusPermanentRedirect ||
		res.Header.Get("Location") != s.url+"/graphiql?x=1" {
		t.Errorf("plain HTTP on --redirect-addr: %v %v, want 308 to %s/graphiql?x=1", res, err, s.url)
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

// clientFrom is a client whose connections leave from the loopback
// address from, so that one server sees a trusted proxy and a stranger.
func clientFrom(from string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
}

// TestTheBinaryBelievesOnlyItsTrustedProxy serves plain HTTP behind a
// proxy named by --trusted-proxies: the proxy's X-Forwarded-Proto makes
// the session cookie Secure and adds HSTS; the same header from another
// address changes nothing.
func TestTheBinaryBelievesOnlyItsTrustedProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, dir := binary(t), t.TempDir()
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	s := startServer(t, bin, dir, "--trusted-proxies", "127.0.0.1")
	for _, c := range []struct {
		from   string
		secure bool
	}{{"127.0.0.1", true}, {"127.0.0.2", false}} {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/session", strings.NewReader(`{"token":"`+gao+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-For", "203.0.113.5")
		res, err := clientFrom(c.from).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		cookies := res.Cookies()
		hsts := res.Header.Get("Strict-Transport-Security") != ""
		if res.StatusCode != http.StatusOK || len(cookies) != 1 || cookies[0].Secure != c.secure || hsts != c.secure {
			t.Errorf("from %s saying https: %d, cookies %+v, HSTS %v; want Secure and HSTS %v", c.from, res.StatusCode, cookies, hsts, c.secure)
		}
	}
}

// freeAddress is a loopback address with a port free a moment ago.
func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestTheWebAppIsASecureContextOverHTTPSOnly opens the web app in Chromium
// served by the binary over HTTPS, and over plain HTTP at this machine's
// network address: only the first is given a secure context, WebCrypto
// and its service worker (the offline app), as the README says.
func TestTheWebAppIsASecureContextOverHTTPSOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives a browser")
	}
	node, js := browserTools(t)
	lan := networkAddress(t)
	bin := binary(t)
	secure, cert := startHTTPSServer(t, bin, t.TempDir())
	plain := startServer(t, bin, t.TempDir(), "--addr", net.JoinHostPort(lan, "0"))
	var seen []struct {
		URL       string `json:"url"`
		Secure    bool   `json:"secure"`
		WebCrypto bool   `json:"webCrypto"`
		Worker    string `json:"worker"`
	}
	runScript(t, node, js, nil, &seen, "secure-context.mjs", cert.spki, secure.url+"/", plain.url+"/")
	if len(seen) != 2 {
		t.Fatalf("secure-context.mjs saw %d pages, want 2: %+v", len(seen), seen)
	}
	if s := seen[0]; !s.Secure || !s.WebCrypto || s.Worker != "ready" {
		t.Errorf("over HTTPS: %+v, want a secure context, WebCrypto and a ready service worker", s)
	}
	if s := seen[1]; s.Secure || s.WebCrypto || s.Worker != "absent" {
		t.Errorf("over plain HTTP from another machine's view: %+v, want none of them", s)
	}
}

// networkAddress is an IPv4 address of this machine other than the
// loopback, where plain HTTP is not a secure context; the test skips
// without one.
func networkAddress(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("no network addresses: %v", err)
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && ip.IP.To4() != nil && !ip.IP.IsLoopback() {
			return ip.IP.String()
		}
	}
	t.Skip("no network address but the loopback")
	return ""
}
