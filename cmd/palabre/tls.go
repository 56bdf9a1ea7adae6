package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
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
	// Redirect is a second address (such as :80) answering plain HTTP
	// with a redirect to HTTPS, and ACME's HTTP-01 challenges.
	Redirect string
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
	if s.Redirect != "" {
		if _, _, err := net.SplitHostPort(s.Redirect); err != nil {
			bad("redirect-addr", "%q is not HOST:PORT", s.Redirect)
		} else if !s.enabled() {
			bad("redirect-addr", "redirects to HTTPS: it needs --tls-cert or --acme-domain")
		}
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
	redirect := f.string("redirect-addr", c.Redirect, "also listen on this address (such as :80) in plain HTTP, redirecting to HTTPS (and answering ACME's HTTP-01 challenges)")
	return func() tlsSettings {
		return tlsSettings{Cert: *cert, Key: *key, ACMEDomains: *domains, ACMEEmail: *email, ACMEDirectory: *directory, ACMERoots: *roots, Redirect: *redirect}
	}
}

// serverTLS is the TLS configuration serve listens with, nil for plain
// HTTP. A certificate of the operator's own is loaded now (a wrong file
// stops serve at once) and again whenever its files change, so that a
// renewal (certbot, an internal CA) needs no restart. With ACME, the
// certificate is obtained at the first connection for its name and
// renewed 30 days before it expires; the account key and certificates
// are kept in the data directory's acme/, owner-only.
func serverTLS(s tlsSettings, dataDir string, log zerolog.Logger) (*httpsSetup, error) {
	if s.ACMEDomains != "" {
		return acmeTLS(s, filepath.Join(dataDir, "acme"))
	}
	if !s.enabled() {
		return nil, nil
	}
	files := &certFiles{cert: s.Cert, key: s.Key, log: log, clock: time.Now}
	if _, err := files.load(); err != nil {
		return nil, err
	}
	return &httpsSetup{config: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		return files.load()
	}}, serves: files.serves}, nil
}

// httpsSetup is what serve listens with over HTTPS: the TLS
// configuration, and with ACME the manager that also answers HTTP-01
// challenges on the redirecting port.
type httpsSetup struct {
	config *tls.Config
	acme   *autocert.Manager
	// serves reports whether the certificate is for host: the only names
	// the plain-HTTP port redirects to.
	serves func(host string) bool
}

func acmeTLS(s tlsSettings, cacheDir string) (*httpsSetup, error) {
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
	serves := func(host string) bool { return m.HostPolicy(context.Background(), host) == nil }
	return &httpsSetup{config: config, acme: m, serves: serves}, nil
}

// serveRedirect answers plain HTTP on addr with a permanent redirect to
// the same path over HTTPS on httpsPort, and ACME's HTTP-01 challenges.
// Nothing of palabre is served in clear: a browser typing the bare name
// lands on HTTPS, and HSTS keeps it there.
func (h *httpsSetup) serveRedirect(addr, httpsPort string) (*http.Server, string, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("--redirect-addr (PALABRE_REDIRECT_ADDR): %w", err)
	}
	redirect := redirectToHTTPS(h.serves, httpsPort)
	if h.acme != nil {
		redirect = h.acme.HTTPHandler(redirect)
	}
	srv := &http.Server{Handler: redirect, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	go func() { _ = srv.Serve(listener) }() // ends with Shutdown
	return srv, listener.Addr().String(), nil
}

// redirectToHTTPS redirects to the same path over HTTPS on httpsPort, at
// the name asked for when the certificate serves it; any other Host (one
// an attacker wrote, to send a victim's browser elsewhere) is refused.
func redirectToHTTPS(serves func(host string) bool, httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = strings.TrimSuffix(strings.TrimPrefix(r.Host, "["), "]")
		}
		host = strings.ToLower(strings.TrimSuffix(host, "."))
		if host == "" || !serves(host) {
			http.Error(w, "nom inconnu de ce serveur / unknown host name", http.StatusBadRequest)
			return
		}
		target := host
		switch {
		case httpsPort != "443":
			target = net.JoinHostPort(host, httpsPort)
		case strings.Contains(host, ":"): // an IPv6 address
			target = "[" + host + "]"
		}
		http.Redirect(w, r, "https://"+target+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
}

// certFiles is a certificate and key on disk, read again when either
// file's modification time moves.
type certFiles struct {
	cert, key string
	log       zerolog.Logger
	clock     func() time.Time

	mu      sync.Mutex
	stamp   [2]time.Time
	current *tls.Certificate
	// reported is the last failed reload logged, so that each is logged
	// once rather than at every connection; warned: the current
	// certificate's coming expiry was.
	reported string
	warned   bool
}

// serves reports whether the certificate served now is for host.
func (c *certFiles) serves(host string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.current != nil && c.current.Leaf.VerifyHostname(host) == nil
}

// expiryWarning is how long before its certificate expires serve warns.
const expiryWarning = 14 * 24 * time.Hour

// load returns the certificate, reading the files when they changed.
// While a renewal is half written (a new certificate beside the old
// key), or when the new files are wrong or expired, the certificate
// loaded last keeps being served, and the failure is logged.
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
	if c.current == nil || stamp != c.stamp {
		pair, err := c.read()
		if err != nil {
			return c.fallback(err)
		}
		c.current, c.stamp, c.reported, c.warned = pair, stamp, "", false
	}
	if expires := c.current.Leaf.NotAfter; !c.warned && expires.Sub(c.clock()) < expiryWarning {
		c.warned = true
		c.log.Warn().Str("cert", c.cert).Time("expires", expires).Msg("the --tls-cert certificate expires within 14 days: renew it, or browsers will refuse the site")
	}
	return c.current, nil
}

// read loads the pair, refusing a certificate already expired.
func (c *certFiles) read() (*tls.Certificate, error) {
	pair, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, fmt.Errorf("--tls-cert: %w", err)
		}
	}
	if expires := pair.Leaf.NotAfter; !c.clock().Before(expires) {
		return nil, fmt.Errorf("--tls-cert: %s expired on %s (browsers refuse it): renew it", c.cert, expires.UTC().Format(time.DateOnly))
	}
	return &pair, nil
}

// fallback keeps serving the last good certificate after a failed
// reload, logging the failure once; with none, the failure is the answer.
func (c *certFiles) fallback(err error) (*tls.Certificate, error) {
	if c.current == nil {
		return nil, err
	}
	if err.Error() != c.reported {
		c.reported = err.Error()
		c.log.Error().Err(err).Time("served_expires", c.current.Leaf.NotAfter).Msg("the new certificate could not be loaded: the last good one is still served")
	}
	return c.current, nil
}

// parseProxies reads --trusted-proxies: CIDRs (10.0.0.0/8) or single
// addresses (127.0.0.1, ::1), comma-separated.
func parseProxies(list string) ([]netip.Prefix, error) {
	var proxies []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			proxies = append(proxies, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR such as 10.0.0.0/8", item)
		}
		a = a.Unmap()
		proxies = append(proxies, netip.PrefixFrom(a, a.BitLen()))
	}
	return proxies, nil
}

// everyoneTrustedWarning is what serve says when --trusted-proxies
// takes in every address (0.0.0.0/0, ::/0): anyone may then write who
// they are and spend another's sign-in pace, or claim HTTPS; "" when no
// such range is named.
func everyoneTrustedWarning(proxies []netip.Prefix) string {
	for _, p := range proxies {
		if p.Bits() == 0 {
			return "--trusted-proxies " + p.String() + " believes X-Forwarded-For and X-Forwarded-Proto from every client: " +
				"anyone can pose as another address or as HTTPS; name the reverse proxies' own addresses"
		}
	}
	return ""
}

// plainHTTPWarning is what serve says when it speaks plain HTTP where
// other machines can reach it and no trusted proxy stands in front; ""
// when it does not.
func plainHTTPWarning(c serveConfig) string {
	if c.TLS.enabled() || c.TrustedProxies != "" {
		return ""
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil || loopbackHost(host) {
		return ""
	}
	return "plain HTTP on " + c.Addr + ": other machines get no offline web app (browsers keep service workers and WebCrypto for HTTPS) " +
		"and tokens and session cookies travel in clear; serve with --tls-cert/--tls-key or --acme-domain, or behind a proxy named by --trusted-proxies"
}

// loopbackHost reports whether host names this machine only, where
// nothing said in clear leaves it.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}
