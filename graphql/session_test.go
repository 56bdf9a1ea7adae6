package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// withCookie posts a query with a session cookie, and the CSRF header
// when csrf is set.
func (e *env) withCookie(cookie *http.Cookie, csrf bool, query string) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(cookie)
	if csrf {
		req.Header.Set("X-Palabre-Csrf", "1")
	}
	return e.send(req)
}

func (e *env) signIn(token string) (*http.Response, *http.Cookie) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token})
	res, err := http.Post(e.server.URL+"/session", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "palabre_session" {
			return res, c
		}
	}
	return res, nil
}

func TestTheWebAppSignsInWithASessionCookieThatOnlyCountsWithTheCSRFHeader(t *testing.T) {
	e := newEnv(t)
	if res, c := e.signIn(e.gao + "x"); res.StatusCode != 401 || c != nil {
		t.Fatalf("a bad token: %d, cookie %v", res.StatusCode, c)
	}
	res, cookie := e.signIn(e.gao)
	if res.StatusCode != 200 || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || strings.Contains(cookie.Value, e.gao) {
		t.Fatalf("signing in: %d %+v", res.StatusCode, cookie)
	}
	if r := e.withCookie(cookie, true, `{ me { subject role regions } }`); r.Status != 200 || get(r.Data, "me", "regions", 0) != "gao" {
		t.Fatalf("with the cookie and the header: %s", r.raw)
	}
	// Another site can make a browser send the cookie (were it not
	// SameSite), never the header.
	if r := e.withCookie(cookie, false, `{ me { subject } }`); r.Status != 401 || !strings.Contains(r.raw, "X-Palabre-Csrf") {
		t.Fatalf("the cookie without the header: %s", r.raw)
	}
	// Signing out ends the session; the token still works as a bearer.
	req, _ := http.NewRequest(http.MethodDelete, e.server.URL+"/session", nil)
	req.AddCookie(cookie)
	req.Header.Set("X-Palabre-Csrf", "1")
	out, err := http.DefaultClient.Do(req)
	if err != nil || out.StatusCode != 204 {
		t.Fatalf("signing out: %v %v", out, err)
	}
	if r := e.withCookie(cookie, true, `{ me { subject } }`); r.Status != 401 || r.Errors[0].Extensions["field"] == "revoked" {
		t.Fatalf("after signing out: %s", r.raw)
	}
	if r := e.do(e.gao, `{ me { subject } }`, nil); r.Status != 200 {
		t.Fatalf("the bearer token after signing out: %s", r.raw)
	}
	// A revoked token's sessions end with it.
	_, cookie = e.signIn(e.analyst)
	for _, tok := range mustList(t, e.tokens) {
		if tok.Role == "analyst" {
			if _, err := e.tokens.Revoke(context.Background(), tok.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// It is told so (the web app then wipes the device), and so is the
	// token itself; a mistyped one is not.
	if r := e.withCookie(cookie, true, `{ me { subject } }`); r.Status != 401 || r.Errors[0].Extensions["field"] != "revoked" {
		t.Fatalf("a revoked token's session: %s", r.raw)
	}
	if r := e.do(e.analyst, `{ me { subject } }`, nil); r.Status != 401 || r.Errors[0].Extensions["field"] != "revoked" {
		t.Fatalf("a revoked token: %s", r.raw)
	}
	if r := e.do(e.analyst[:len(e.analyst)-2]+"AA", `{ me { subject } }`, nil); r.Status != 401 || r.Errors[0].Extensions["field"] == "revoked" {
		t.Fatalf("a revoked token mistyped: %s", r.raw)
	}
}

// A repeated query is answered from the cache until the next write; a
// token made or revoked is a write too, though not an event.
func TestTheTokenListIsNeverAnsweredStale(t *testing.T) {
	e := newEnv(t)
	list := `{ tokens { subject revoked } }`
	before := e.must(e.admin, list, nil)
	made := e.must(e.admin, `mutation($c: ID!) { createToken(commandId: $c, role: ANALYST, subject: "new-one") { token { id } } }`, map[string]any{"c": newID()})
	after := e.must(e.admin, list, nil)
	if len(after["tokens"].([]any)) != len(before["tokens"].([]any))+1 {
		t.Fatalf("after createToken the list is %v", after)
	}
	e.must(e.admin, `mutation($c: ID!, $id: ID!) { revokeToken(commandId: $c, id: $id) { id } }`, map[string]any{"c": newID(), "id": get(made, "createToken", "token", "id")})
	if !strings.Contains(fmt.Sprint(e.must(e.admin, list, nil)), "revoked:2026") {
		t.Fatal("after revokeToken the list shows it live")
	}
}

func TestARefusalSaysEachFieldAndWhyInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	q := `mutation($c: ID!) { enrolParticipant(commandId: $c, input: {code: "GAO-9", sex: FEMALE, birthYear: 1850, displacement: NONE, region: "gao",
	  consent: {given: false, on: "2025-02-01"}}, identity: {name: "X"}) { id } }`
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"c": newID()}})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.gao)
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
	r := e.send(req)
	problems, _ := r.Errors[0].Extensions["problems"].([]any)
	if r.code() != "BAD_USER_INPUT" || len(problems) != 2 || get(problems[0], "field") != "input.birthYear" ||
		!strings.Contains(get(problems[0], "message").(string), "n’est pas une année de naissance plausible") ||
		!strings.Contains(get(problems[1], "message").(string), "consentement") {
		t.Fatalf("in French: %s", r.raw)
	}
	if en := e.do(e.gao, q, map[string]any{"c": newID()}); !strings.Contains(en.raw, "is not a plausible birth year") {
		t.Fatalf("in English: %s", en.raw)
	}
}

// A browser left signed in on a seized laptop must give up no name: a
// session reads codes, never an identity, even for those whose token may.
func TestASessionNeverOpensAName(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	_, cookie := e.signIn(e.gao)
	q := `query($id: ID!) { participant(id: $id) { code identity { name phone } } }`
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"id": s.alice}})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Palabre-Csrf", "1")
	req.AddCookie(cookie)
	r := e.send(req)
	if strings.Contains(r.raw, canaryAlice) || get(r.Data, "participant", "code") != "GAO-0001" || r.code() != "FORBIDDEN" {
		t.Fatalf("through a session: %s", r.raw)
	}
	if r := e.must(e.gao, q, map[string]any{"id": s.alice}); get(r, "participant", "identity", "name") != canaryAlice {
		t.Fatalf("the same token as a bearer: %v", r)
	}
}
