package graphql

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Behind a reverse proxy that holds the certificate, the connection
// palabre sees is the proxy's, over plain HTTP: the proxy says what the
// client used (X-Forwarded-Proto) and who the client is
// (X-Forwarded-For). Anyone can send those headers, so they are believed
// only from the proxies named in Options.TrustedProxies.

// peerAddress is the address of the connection a request came on.
func peerAddress(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// trustedProxy reports whether a is one of the proxies whose forwarding
// headers are believed.
func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddress is who sent a request: the connection's address, or,
// from a trusted proxy, the nearest address in X-Forwarded-For that is
// not a trusted proxy itself (each proxy appends the one it saw, so
// those before it are the client's to write).
func (s *Server) clientAddress(r *http.Request) netip.Addr {
	client := peerAddress(r)
	if !s.trustedProxy(client) {
		return client
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return client // what the proxies wrote ends here
		}
		if client = a.Unmap(); !s.trustedProxy(client) {
			return client
		}
	}
	return client
}

// overTLS reports whether the client reached palabre over HTTPS: the
// connection itself, or a trusted proxy that says so (the scheme the
// nearest proxy wrote, the last in the header).
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.trustedProxy(peerAddress(r)) {
		return false
	}
	protos := strings.Split(strings.Join(r.Header.Values("X-Forwarded-Proto"), ","), ",")
	return strings.EqualFold(strings.TrimSpace(protos[len(protos)-1]), "https")
}

// securityHeaders go on every answer: no page of palabre may be framed
// by another site (clickjacking GraphiQL or the web app into a click),
// answers that are not pages load nothing, and over HTTPS browsers are
// told to come back only over HTTPS for a year.
func (s *Server) securityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'") // the pages set their own, framing refused too
	if s.overTLS(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
