package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"time"
)

// tlsSettings are how serve speaks HTTPS: a certificate and key of the
// operator's own, or none (plain HTTP, for localhost or behind a proxy
// that holds the certificate).
type tlsSettings struct {
	Cert string // PEM certificate chain file
	Key  string // PEM private key file
}

// enabled reports whether serve speaks HTTPS.
func (s tlsSettings) enabled() bool { return s.Cert != "" || s.Key != "" }

// problems names what is wrong with the TLS settings.
func (s tlsSettings) problems(bad func(name, format string, args ...any)) {
	if (s.Cert == "") != (s.Key == "") {
		bad("tls-cert", "--tls-cert and --tls-key go together: give both files or neither")
	}
}

// tlsFlags declares serve's TLS flags; the returned func reads them once
// parsed.
func (f *flags) tlsFlags(c tlsSettings) func() tlsSettings {
	cert := f.string("tls-cert", c.Cert, "serve HTTPS with this PEM certificate (chain) file; reloaded when it changes")
	key := f.string("tls-key", c.Key, "the PEM private key of --tls-cert")
	return func() tlsSettings { return tlsSettings{Cert: *cert, Key: *key} }
}

// serverTLS is the TLS configuration serve listens with, nil for plain
// HTTP. A certificate of the operator's own is loaded now (a wrong file
// stops serve at once) and again whenever its files change, so that a
// renewal (certbot, an internal CA) needs no restart.
func serverTLS(s tlsSettings) (*tls.Config, error) {
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
