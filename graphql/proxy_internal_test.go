package graphql

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestWhoSentARequestAndHow(t *testing.T) {
	s := &Server{opts: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}}
	for _, c := range []struct {
		name, peer   string
		forwardedFor []string
		proto        []string
		overTLS      bool
		wants        string
	}{
		{name: "a stranger's headers", peer: "203.0.113.1:5000", forwardedFor: []string{"198.51.100.1"}, proto: []string{"https"}, wants: "203.0.113.1"},
		{name: "a proxy's", peer: "10.0.0.2:5000", forwardedFor: []string{"198.51.100.1"}, proto: []string{"https"}, overTLS: true, wants: "198.51.100.1"},
		{name: "what the client wrote before the proxy", peer: "10.0.0.2:5000", forwardedFor: []string{"192.0.2.66, 198.51.100.1"}, wants: "198.51.100.1"},
		{name: "two proxies", peer: "10.0.0.2:5000", forwardedFor: []string{"198.51.100.1, 10.0.0.3"}, proto: []string{"http, https"}, overTLS: true, wants: "198.51.100.1"},
		{name: "headers repeated", peer: "10.0.0.2:5000", forwardedFor: []string{"192.0.2.66", "198.51.100.1"}, proto: []string{"https", "http"}, wants: "198.51.100.1"},
		{name: "garbage stops at the proxy", peer: "10.0.0.2:5000", forwardedFor: []string{"198.51.100.1, not-an-address"}, wants: "10.0.0.2"},
		{name: "a proxy with no header", peer: "10.0.0.2:5000", wants: "10.0.0.2"},
		{name: "IPv6 through a proxy", peer: "[fd00::2]:5000", forwardedFor: []string{"2001:db8::7"}, proto: []string{"HTTPS"}, overTLS: true, wants: "2001:db8::7"},
		{name: "an IPv4-mapped proxy", peer: "[::ffff:10.0.0.2]:5000", forwardedFor: []string{"198.51.100.1"}, wants: "198.51.100.1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.forwardedFor {
			r.Header.Add("X-Forwarded-For", v)
		}
		for _, v := range c.proto {
			r.Header.Add("X-Forwarded-Proto", v)
		}
		if got := s.clientAddress(r).String(); got != c.wants {
			t.Errorf("%s: client %s, want %s", c.name, got, c.wants)
		}
		if got := s.overTLS(r); got != c.overTLS {
			t.Errorf("%s: over TLS %v, want %v", c.name, got, c.overTLS)
		}
	}
	direct := httptest.NewRequest("GET", "/", nil)
	direct.TLS = &tls.ConnectionState{}
	if !s.overTLS(direct) {
		t.Error("a TLS connection is not over TLS")
	}
}
