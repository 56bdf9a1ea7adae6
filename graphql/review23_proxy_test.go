package graphql

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Review of issue 23: proxies that write the client's port too
// (X-Forwarded-For: 192.0.2.7:51234, as some load balancers do) make
// every client look like the proxy itself, so that all of them share
// one sign-in pace: 30 attempts, then one every 2 s for the whole site.
func TestClientAddressFromATrustedProxyThatWritesPorts(t *testing.T) {
	s := &Server{opts: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32")}}}
	for header, want := range map[string]string{
		"192.0.2.7:51234":               "192.0.2.7",
		"[2001:db8::7]:51234":           "2001:db8::7",
		"198.51.100.1, 192.0.2.7:51234": "192.0.2.7",
	} {
		r := httptest.NewRequest("POST", "/session", nil)
		r.RemoteAddr = "10.0.0.5:40000"
		r.Header.Set("X-Forwarded-For", header)
		if got := s.clientAddress(r); got.String() != want {
			t.Errorf("X-Forwarded-For: %s from the trusted proxy: client %s, want %s", header, got, want)
		}
	}
}
