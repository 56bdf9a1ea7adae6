package graphql_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/web"
)

func TestNoPageMayBeFramedByAnotherSite(t *testing.T) {
	e := newEnvWith(t, envOptions{webApp: web.Files()})
	for _, path := range []string{"/", "/index.html", "/sw.js", "/graphiql", "/graphiql/", "/graphiql/palabre.js", "/graphql?query=%7Bme%7Brole%7D%7D",
		"/healthz", "/readyz", "/session", "/export/dialogues.csv", "/no/such/page"} {
		res, err := http.Get(e.server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		csp := res.Header.Values("Content-Security-Policy")
		if len(csp) != 1 || !strings.Contains(csp[0], "frame-ancestors 'none'") || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s (%d): Content-Security-Policy %q, X-Frame-Options %q; want frame-ancestors 'none' and DENY",
				path, res.StatusCode, csp, res.Header.Get("X-Frame-Options"))
		}
		if res.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", path)
		}
	}
}

// signInFrom posts a token to /session with forwarding headers, as a
// reverse proxy (or someone pretending to be one) would.
func (e *env) signInFrom(token, forwardedFor, proto, language string) *http.Response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/session", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	if proto != "" {
		req.Header.Set("X-Forwarded-Proto", proto)
	}
	if language != "" {
		req.Header.Set("Accept-Language", language)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func secureCookie(res *http.Response) bool {
	for _, c := range res.Cookies() {
		if c.Name == "palabre_session" {
			return c.Secure
		}
	}
	return false
}

func TestForwardedHeadersAreBelievedOnlyFromTrustedProxies(t *testing.T) {
	// The test's requests come from 127.0.0.1: a proxy when named.
	proxied := newEnvWith(t, envOptions{server: &graphql.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	res := proxied.signInFrom(proxied.gao, "203.0.113.5", "https", "")
	if res.StatusCode != 200 || !secureCookie(res) || res.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("through a trusted proxy over HTTPS: %d, Secure %v, HSTS %q", res.StatusCode, secureCookie(res), res.Header.Get("Strict-Transport-Security"))
	}
	if res := proxied.signInFrom(proxied.mopti, "203.0.113.5", "http", ""); res.StatusCode != 200 || secureCookie(res) {
		t.Errorf("through a trusted proxy over HTTP: %d, Secure %v", res.StatusCode, secureCookie(res))
	}
	// Sign-ins are paced by the client's address the proxy names.
	for range 40 {
		proxied.signInFrom("plb_wrong", "198.51.100.7, 203.0.113.9", "https", "")
	}
	if res := proxied.signInFrom("plb_wrong", "203.0.113.9", "https", ""); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the 41st attempt from one client behind the proxy: %d, want 429", res.StatusCode)
	}
	if res := proxied.signInFrom("plb_wrong", "203.0.113.10", "https", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: %d, want 401 (not paced)", res.StatusCode)
	}

	direct := newEnv(t)
	res = direct.signInFrom(direct.gao, "203.0.113.5", "https", "")
	if res.StatusCode != 200 || secureCookie(res) || res.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("an untrusted sender's X-Forwarded-Proto: %d, Secure %v, HSTS %q; want neither", res.StatusCode, secureCookie(res), res.Header.Get("Strict-Transport-Security"))
	}
	for i := range 40 {
		direct.signInFrom("plb_wrong", "198.51.100."+strconv.Itoa(i), "", "")
	}
	if res := direct.signInFrom("plb_wrong", "198.51.100.200", "", ""); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("an untrusted sender changing X-Forwarded-For escaped the pace: %d, want 429", res.StatusCode)
	}
}

// The attack, over HTTP: one token signing in again and again
// gets its burst, then 429 with Retry-After and a refusal in the
// reader's language.
func TestSigningInAgainAndAgainIsRefusedWithRetryAfter(t *testing.T) {
	e := newEnv(t)
	statuses := map[int]int{}
	var last *http.Response
	for i := range 300 {
		last = e.signInFrom(e.gao, "", "", "fr-ML, fr;q=0.9")
		statuses[last.StatusCode]++
		if i == 0 && last.StatusCode != 200 {
			t.Fatalf("the first sign-in: %d", last.StatusCode)
		}
	}
	if statuses[200] > 30 || statuses[http.StatusTooManyRequests] < 270 {
		t.Errorf("300 sign-ins at once: %v, want the burst then 429s", statuses)
	}
	if last.Header.Get("Retry-After") == "" {
		t.Errorf("a refused sign-in has no Retry-After")
	}
	body, _ := json.Marshal(map[string]string{"token": e.gao})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/session", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "fr")
	r := e.send(req)
	if r.Status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || !strings.Contains(r.raw, "trop de tentatives de connexion") {
		t.Errorf("the refusal: %d %s", r.Status, r.raw)
	}
}

// An admin watching for someone guessing tokens needs where the guesses
// come from: a refused sign-in or bearer is logged with the client's
// address (the one a trusted proxy names), and never with the token.
func TestRefusedTokensAreLoggedWithTheClientsAddress(t *testing.T) {
	e := newEnvWith(t, envOptions{server: &graphql.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	e.signInFrom("plb_guessed1", "203.0.113.77", "https", "")
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", strings.NewReader(`{"query":"{ me { role } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer plb_guessed2")
	req.Header.Set("X-Forwarded-For", "203.0.113.78")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	logs := e.logs.String()
	for _, client := range []string{"203.0.113.77", "203.0.113.78"} {
		if !strings.Contains(logs, `"client":"`+client+`"`) {
			t.Errorf("no refusal logged for %s:\n%s", client, logs)
		}
	}
	if strings.Contains(logs, "guessed") {
		t.Errorf("a refused token was logged:\n%s", logs)
	}
}
