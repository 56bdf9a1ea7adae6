package integration

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
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
		req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+analyst)
		req.Header.Set("Accept-Language", "fr-ML,fr;q=0.9")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var a answer
		if err := json.Unmarshal(b, &a); err != nil || len(a.Errors) == 0 || a.code() != "FORBIDDEN" {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
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
