package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// tlsSettings are how serve speaks HTTPS: a certificate and key of the
// operator's own, one obtained and renewed by itself from an ACME
// authority (Let's Encrypt by default) for a public name, or neither
// (plain HTTP, for localhost or behind a proxy that holds the
// certificate).
type tlsSettings struct {
	Cert string // PEM certificate chain file
	Key  string // PEM private key file

	ACMEDomains   string // comma-separated names to obtain a certificate for
	ACMEEmail     string // the account's contact, for expiry warnings
	ACMEDirectory string // the ACME authority's directory URL
	// ACMERoots is a PEM file of roots to trust when talking to the ACME
	// authority: a private one (step-ca, Pebble) not in the system's.
	ACMERoots string
}

// letsEncrypt is the default ACME authority.
const letsEncrypt = acme.LetsEncryptURL

// enabled reports whether serve speaks HTTPS.
func (s tlsSettings) enabled() bool { return s.Cert != "" || s.Key != "" || s.ACMEDomains != "" }

// domains are the names of --acme-domain.
func (s tlsSettings) domains() []string {
	var names []string
	for _, name := range strings.Split(s.ACMEDomains, ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// problems names what is wrong with the TLS settings.
func (s tlsSettings) problems(bad func(name, format string, args ...any)) {
	if (s.Cert == "") != (s.Key == "") {
		bad("tls-cert", "--tls-cert and --tls-key go together: give both files or neither")
	}
	if s.ACMEDomains == "" {
		if s.ACMEEmail != "" || s.ACMERoots != "" || (s.ACMEDirectory != "" && s.ACMEDirectory != letsEncrypt) {
			bad("acme-domain", "the other --acme-* settings need --acme-domain, the public name to obtain a certificate for")
		}
		return
	}
	if s.Cert != "" {
		bad("acme-domain", "either a certificate of your own (--tls-cert) or one obtained by ACME (--acme-domain), not both")
	}
	for _, name := range s.domains() {
		if !strings.Contains(name, ".") || strings.ContainsAny(name, "/:* ") {
			bad("acme-domain", "%q is not a public DNS name such as palabre.example.org", name)
		}
	}
	if u, err := url.Parse(s.ACMEDirectory); err != nil || u.Scheme != "https" || u.Host == "" {
		bad("acme-directory", "must be the https:// URL of an ACME directory, not %q", s.ACMEDirectory)
	}
	if s.ACMEEmail != "" && !strings.Contains(s.ACMEEmail, "@") {
		bad("acme-email", "%q is not an email address", s.ACMEEmail)
	}
}

// tlsFlags declares serve's TLS flags; the returned func reads them once
// parsed.
func (f *flags) tlsFlags(c tlsSettings) func() tlsSettings {
	cert := f.string("tls-cert", c.Cert, "serve HTTPS with this PEM certificate (chain) file; reloaded when it changes")
	key := f.string("tls-key", c.Key, "the PEM private key of --tls-cert")
	domains := f.string("acme-domain", c.ACMEDomains, "serve HTTPS with a certificate obtained and renewed by ACME for this public name (comma-separated for several); needs --addr :443 reachable from the internet")
	email := f.string("acme-email", c.ACMEEmail, "contact address for the ACME account (expiry warnings)")
	directory := f.string("acme-directory", c.ACMEDirectory, "the ACME authority's directory URL")
	roots := f.string("acme-ca-root", c.ACMERoots, "PEM roots to trust for a private ACME authority's own HTTPS")
	return func() tlsSettings {
		return tlsSettings{Cert: *cert, Key: *key, ACMEDomains: *domains, ACMEEmail: *email, ACMEDirectory: *directory, ACMERoots: *roots}
	}
}

// serverTLS is the TLS configuration serve listens with, nil for plain
// HTTP. A certificate of the operator's own is loaded now (a wrong file
// stops serve at once) and again whenever its files change, so that a
// renewal (certbot, an internal CA) needs no restart. With ACME, the
// certificate is obtained at the first connection for its name and
// renewed 30 days before it expires; the account key and certificates
// are kept in the data directory's acme/, owner-only.
func serverTLS(s tlsSettings, dataDir string) (*tls.Config, error) {
	if s.ACMEDomains != "" {
		return acmeTLS(s, filepath.Join(dataDir, "acme"))
	}
	if !s.enabled() {
		return nil, nil
	}
	files := &certFiles{cert: s.Cert, key: s.Key}
	if _, err := files.load(); err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		return files.load()
	}}, nil
}

func acmeTLS(s tlsSettings, cacheDir string) (*tls.Config, error) {
	client := &acme.Client{DirectoryURL: s.ACMEDirectory}
	if s.ACMERoots != "" {
		pem, err := os.ReadFile(s.ACMERoots)
		if err != nil {
			return nil, fmt.Errorf("--acme-ca-root: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--acme-ca-root: %s holds no PEM certificate", s.ACMERoots)
		}
		client.HTTPClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	}
	m := &autocert.Manager{Prompt: autocert.AcceptTOS, Cache: autocert.DirCache(cacheDir), HostPolicy: autocert.HostWhitelist(s.domains()...),
		Client: client, Email: s.ACMEEmail}
	config := m.TLSConfig()
	config.MinVersion = tls.VersionTLS12
	return config, nil
}

// certFiles is a certificate and key on disk, read again when either
// file's modification time moves.
type certFiles struct {
	cert, key string

	mu      sync.Mutex
	stamp   [2]time.Time
	current *tls.Certificate
}

// load returns the certificate, reading the files when they changed.
// While a renewal is half written (a new certificate beside the old
// key), the certificate loaded last keeps being served.
func (c *certFiles) load() (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var stamp [2]time.Time
	for i, name := range []string{c.cert, c.key} {
		st, err := os.Stat(name)
		if err != nil {
			return c.fallback(fmt.Errorf("--tls-cert/--tls-key: %w", err))
		}
		stamp[i] = st.ModTime()
	}
	if c.current != nil && stamp == c.stamp {
		return c.current, nil
	}
	pair, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		return c.fallback(fmt.Errorf("--tls-cert/--tls-key: %w", err))
	}
	c.current, c.stamp = &pair, stamp
	return c.current, nil
}

func (c *certFiles) fallback(err error) (*tls.Certificate, error) {
	if c.current != nil {
		return c.current, nil
	}
	return nil, err
}
