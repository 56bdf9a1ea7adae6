package integration

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// TestARefusalIsSaidInFrench: an analyst who asks in French is refused in
// French by every door, the capability's words included; no English
// capability name sits inside a French sentence.
func TestARefusalIsSaidInFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	analyst := newToken(t, bin, dir, "--role", "analyst")
	s := startServer(t, bin, dir)
	ask := func(method, path, contentType, body string) string {
		status, b := askInLanguage(t, s, analyst, "fr-ML,fr;q=0.9", method, path, contentType, body)
		var a answer
		if err := json.Unmarshal([]byte(b), &a); err != nil || len(a.Errors) == 0 || a.code() != "FORBIDDEN" {
			t.Fatalf("%s %s: %d %s", method, path, status, b)
		}
		return a.Errors[0].Message
	}
	gql := func(query string) string {
		body, _ := json.Marshal(map[string]any{"query": query})
		return ask(http.MethodPost, "/graphql", "application/json", string(body))
	}
	for door, message := range map[string]string{
		"a mutation": gql(`mutation { holdDialogue(commandId: "01KB0000000000000000000001", input: {spaceId: "01KB0000000000000000000002", format: WORKSHOP, heldOn: "2026-04-02", pillar: SECURITY}) { id } }`),
		"a query":    gql(`{ dialogues(first: 1) { edges { node { id } } } }`),
		"an import":  ask(http.MethodPost, "/import", "multipart/form-data; boundary=x", "--x--\r\n"),
		"the form":   ask(http.MethodGet, "/form/dialogue.xlsx", "", ""),
		"an export":  ask(http.MethodGet, "/export/dialogues.csv", "", ""),
	} {
		if !strings.HasPrefix(message, "le rôle de votre jeton ne permet pas d") {
			t.Errorf("%s is refused in English: %q", door, message)
		}
		for _, english := range []string{"log dialogues", "read records", "track commitments", "administer", "read participants", "read aggregates"} {
			if strings.Contains(message, english) {
				t.Errorf("%s's refusal names %q in a French sentence: %q", door, english, message)
			}
		}
	}
}

// TestTheHostileTestersFindingsAreAnsweredInFrench replays, against the
// built binary under Accept-Language fr, what a hostile tester found
// answered in English or refused: each door's refusal is French, a
// region named by its name is written under its code, and a bulleted
// commitment exports with only its first dash neutralised.
func TestTheHostileTestersFindingsAreAnsweredInFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	s := startServer(t, bin, dir)
	inFrench := func(method, path, contentType, body string) (int, string) {
		return askInLanguage(t, s, admin, "fr-ML,fr;q=0.9,en;q=0.5", method, path, contentType, body)
	}
	gql := func(query string) (int, string) {
		body, _ := json.Marshal(map[string]any{"query": query})
		return inFrench(http.MethodPost, "/graphql", "application/json", string(body))
	}
	space := func(region string) string {
		return `mutation { establishSpace(commandId: "` + ulid.Make().String() + `", input: {name: "Comité", kind: OTHER, region: "` + region + `", pillar: SECURITY, establishedOn: "2025-01-10"}) { id region } }`
	}
	for _, c := range []struct {
		name  string
		got   func() (int, string)
		words string
	}{
		{"an unknown path", func() (int, string) { return inFrench("GET", "/nowhere", "", "") }, "chemin inconnu"},
		{"a mutation by GET", func() (int, string) {
			return inFrench("GET", "/graphql?query="+url.QueryEscape(`mutation { revokeToken(commandId: "x", id: "x") { id } }`), "", "")
		}, "les mutations se font en POST seulement"},
		{"an object not found", func() (int, string) { return gql(`{ node(id: "01KB0000000000000000000009") { id } }`) }, `"introuvable"`},
		{"a page too long", func() (int, string) { return gql(`{ spaces(first: 1000) { totalCount } }`) }, "doit être entre 0 et 100, pas 1000"},
		{"a query too deep", func() (int, string) {
			return gql(`{ a { b { c { d { e { f { g { h { i { j { k { l { m } } } } } } } } } } } } }`)
		}, "niveaux de profondeur"},
		{"a bad date", func() (int, string) { return gql(`{ inclusion(from: "2025-02-30") { total { dialogues } } }`) }, "n’est pas une date (AAAA-MM-JJ)"},
		{"an unknown enum value", func() (int, string) { return gql(`{ inclusion(bucket: WEEK) { total { dialogues } } }`) }, "n’est pas l’une des valeurs"},
		{"an unknown separator", func() (int, string) { return inFrench("GET", "/export/dialogues.csv?sep=tab", "", "") }, "sep vaut comma ou semicolon"},
		{"an unknown filter", func() (int, string) { return inFrench("GET", "/export/dialogues.csv?colour=red", "", "") }, "n’est pas un filtre de cet export"},
		{"an unsupported file", func() (int, string) {
			return inFrench("POST", "/import", "multipart/form-data; boundary=x",
				"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cr.pdf\"\r\n\r\n%PDF\r\n--x--\r\n")
		}, "n’est pas un export que palabre lit"},
		{"an unknown region", func() (int, string) { return gql(space("Atlantide")) }, "n’est pas une région de ce déploiement"},
		{"a token's unknown region", func() (int, string) {
			return gql(`mutation { createToken(commandId: "` + ulid.Make().String() + `", role: FACILITATOR, regions: ["Atlantide"]) { secret } }`)
		}, "n’est pas une région de ce déploiement"},
		{"a region by its name", func() (int, string) { return gql(space("Ségou")) }, `"region":"segou"`},
	} {
		if status, body := c.got(); !strings.Contains(body, c.words) {
			t.Errorf("%s: %d %s, want it saying %s", c.name, status, body, c.words)
		}
	}
}

// askInLanguage sends a request with a token and an Accept-Language, and
// gives the status and the body.
func askInLanguage(t *testing.T, s *server, token, language, method, path, contentType, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", language)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
