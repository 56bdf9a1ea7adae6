package graphql_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// getIn sends a GET with a token, in a language, and returns the status
// and the body.
func (e *env) getIn(language, token, path string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.server.URL+path, nil)
	req.Header.Set("Accept-Language", language)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// The doors' own refusals — a path or an object not found, a mutation
// by GET, the query limits, a page too long, an export's filters and
// separator — are said in the reader's language, as a refused command
// is.
func TestTheDoorsRefusalsAreSaidInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	deep := "{ " + strings.Repeat("a { ", 13) + "b" + strings.Repeat(" }", 13) + " }"
	aliases := "{ "
	for i := range 31 {
		aliases += "a" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ": __typename "
	}
	aliases += "}"
	for _, c := range []struct {
		name, method, path string
		status             int
		words              map[string]string
	}{
		{"an unknown path", "GET", "/nowhere", 404, map[string]string{"fr": "chemin inconnu", "en": "no such path"}},
		{"a mutation by GET", "GET", "/graphql?query=" + url.QueryEscape(`mutation { revokeToken(commandId: "x", id: "x") { id } }`), 405,
			map[string]string{"fr": "les mutations se font en POST seulement", "en": "mutations are POST only"}},
		{"an object not found", "POST", `{ node(id: "01J00000000000000000000000") { id } }`, 200, map[string]string{"fr": `"introuvable"`, "en": `"not found"`}},
		{"a query too deep", "POST", deep, 400, map[string]string{"fr": "la limite est 12", "en": "the limit is 12"}},
		{"too many aliases", "POST", aliases, 400, map[string]string{"fr": "31 alias", "en": "31 aliases"}},
		{"a page too long", "POST", `{ stakeholders(first: 1000) { edges { node { id } } } }`, 400, map[string]string{"fr": "doit être entre 0 et 100, pas 1000", "en": "must be between 0 and 100, not 1000"}},
		{"an unknown export", "GET", "/export/nothing.csv", 404, map[string]string{"fr": "export inconnu", "en": "no such export"}},
		{"an export's unknown filter", "GET", "/export/dialogues.csv?colour=red", 400, map[string]string{"fr": "colour n’est pas un filtre de cet export", "en": "colour is not a filter of this export"}},
	} {
		for lang, words := range c.words {
			status, body := 0, ""
			if c.method == "GET" {
				status, body = e.getIn(lang, e.admin, c.path)
			} else {
				r := e.doIn(lang, e.admin, c.path, nil)
				status, body = r.Status, r.raw
			}
			if status != c.status || !strings.Contains(body, words) {
				t.Errorf("%s, in %s: %d %s, want %d saying %q", c.name, lang, status, body, c.status, words)
			}
		}
	}
}

// An export's sep is comma or semicolon: another is refused, naming sep
// and the values it takes, where it was once taken for a comma.
func TestAnExportRefusesAnUnknownSeparator(t *testing.T) {
	e := newEnv(t)
	for lang, words := range map[string]string{"fr": `\"tab\" n’est pas un séparateur : sep vaut comma ou semicolon`, "en": `\"tab\" is not a separator: sep is comma or semicolon`} {
		status, body := e.getIn(lang, e.admin, "/export/dialogues.csv?sep=tab")
		if status != 400 || !strings.Contains(body, `"field":"sep"`) || !strings.Contains(body, words) {
			t.Errorf("sep=tab, in %s: %d %s, want 400 naming sep and saying %s", lang, status, body, words)
		}
	}
	for _, sep := range []string{"comma", "semicolon"} {
		if status, body := e.getIn("fr", e.admin, "/export/dialogues.csv?sep="+sep); status != 200 {
			t.Errorf("sep=%s: %d %s, want 200", sep, status, body)
		}
	}
}

// An upload of a file type palabre does not read is refused naming the
// file field, in the reader's language (the web app sends fr).
func TestAnImportOfAnUnknownFileTypeIsRefusedInFrench(t *testing.T) {
	e := newEnv(t)
	status, out := e.upload(e.admin, "compte-rendu.pdf", []byte("%PDF-1.4"), true)
	ext, _ := get(out, "errors", 0, "extensions").(map[string]any)
	message, _ := get(out, "errors", 0, "message").(string)
	if status != 400 || ext["field"] != "file" || !strings.Contains(message, `"compte-rendu.pdf" n’est pas un export que palabre lit`) {
		t.Errorf("a .pdf uploaded: %d %v, want 400 naming file in French", status, out)
	}
}

// An export palabre cannot read as a whole, and a mapping it cannot read,
// are refused naming the field, in the reader's language: the reasons
// come from the importer's own words (before, its English errors reached
// the French screen as they were).
func TestAnUnreadableExportOrMappingIsRefusedInFrench(t *testing.T) {
	e := newEnv(t)
	for name, want := range map[string]string{
		"export.xlsx": "ce n’est pas un classeur qu’Excel peut ouvrir",
		"export.csv":  "export.csv ligne 2 : un guillemet mal placé",
		"vide.csv":    "vide.csv est vide",
		"odk.zip":     "ce n’est pas un fichier zip",
		"unicode.csv": "unicode.csv est en UTF-16 (le « Texte Unicode » d’Excel) : enregistrez-le en « CSV UTF-8 »",
		"rapport.csv": "rapport.csv n’est pas du texte",
		"latin1.csv":  "latin1.csv n’est pas en UTF-8 : enregistrez-le depuis Excel en « CSV UTF-8 »",
	} {
		file := map[string][]byte{"export.xlsx": []byte("PK, but no workbook"), "export.csv": []byte("a,b\n\"x\"y,2\n"), "odk.zip": []byte("hello"),
			"unicode.csv": {0xFF, 0xFE, '_', 0, 'u', 0}, "rapport.csv": []byte("%PDF-1.4\n\x00\x01\x02"),
			"latin1.csv": []byte("code;sexe;r\xe9gion\nGAO-1;f;gao\n")}[name]
		status, out := e.upload(e.admin, name, file, true)
		ext, _ := get(out, "errors", 0, "extensions").(map[string]any)
		message, _ := get(out, "errors", 0, "message").(string)
		if status != 400 || ext["field"] != "file" || !strings.Contains(message, want) {
			t.Errorf("%s uploaded: %d %v, want 400 naming file, saying %q", name, status, out, want)
		}
	}
	status, out := e.uploadWith(e.admin, "dryRun=true", "export.csv", []byte("a,b\n1,2\n"), []byte("columns: {heldAt: date}\nattendees: names\n"))
	ext, _ := get(out, "errors", 0, "extensions").(map[string]any)
	message, _ := get(out, "errors", 0, "message").(string)
	if status != 400 || ext["field"] != "mapping.attendees" || !strings.Contains(message, `"names" n’est ni code ni headcount`) ||
		!strings.Contains(message, "mapping.columns.heldAt: palabre n’a pas ce champ") {
		t.Errorf("a mapping with an unknown field and attendees: %d %v, want 400 naming both in French", status, out)
	}
}

// A dry run asked with a misspelt key or value is refused, naming it, in
// the reader's language: taken as no dry run, it wrote what the
// facilitator meant only to check.
func TestAnImportRefusesADryRunItCannotRead(t *testing.T) {
	e := newEnv(t)
	file := []byte("a,b\n1,2\n")
	for query, field := range map[string]string{"dryRun=1": "dryRun", "dryRun=oui": "dryRun", "dryRun=TRUE": "dryRun", "dryrun=true": "dryrun", "dry-run=true": "dry-run"} {
		status, out := e.uploadWith(e.admin, query, "export.csv", file, nil)
		ext, _ := get(out, "errors", 0, "extensions").(map[string]any)
		message, _ := get(out, "errors", 0, "message").(string)
		if status != 400 || ext["field"] != field || !strings.Contains(message, "dryRun") || !strings.Contains(message, "pa") {
			t.Errorf("?%s: %d %v, want 400 naming %s, in French", query, status, out, field)
		}
	}
	status, out := e.uploadWith(e.admin, "dryRun=false&dryRun=true", "export.csv", file, nil)
	if ext, _ := get(out, "errors", 0, "extensions").(map[string]any); status != 400 || ext["field"] != "file" {
		t.Errorf("dryRun given twice, both readable: %d %v, want it taken (the file then refused as no export)", status, out)
	}
}

// A facilitator whose regions have no space yet asks for the form: it
// cannot be made, and the refusal names the question in the reader's
// language (it was the form writer's English, "xlsform: the list space
// (for spaceId) has no choice").
func TestAFormWithoutSpacesIsRefusedInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	for language, want := range map[string]string{"fr": "rien à choisir pour « Espace de concertation »", "en": "nothing to choose from for “Consultative space”"} {
		status, body := e.getIn(language, e.gao, "/form/dialogue.xlsx")
		if status != 409 || !strings.Contains(body, want) || !strings.Contains(body, `"field":"spaceId"`) || strings.Contains(body, "xlsform") {
			t.Errorf("%s: %d %s, want 409 naming spaceId, saying %q", language, status, body, want)
		}
	}
}

// A date or an enum value a person types wrong, in an argument, a
// variable or an export's filter, is refused naming it, in the reader's
// language: palabre checks them before graphql-go, whose words are
// English only.
func TestATypedDateOrEnumValueIsRefusedInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, query, field string
		vars               map[string]any
		words              map[string]string
	}{
		{"a date argument", `{ inclusion(region: "gao", from: "2024-13-01") { total { dialogues } } }`, "from", nil,
			map[string]string{"fr": `\"2024-13-01\" n’est pas une date (AAAA-MM-JJ)`, "en": `\"2024-13-01\" is not a date (YYYY-MM-DD)`}},
		{"an enum argument", `{ inclusion(region: "gao", bucket: WEEK) { total { dialogues } } }`, "bucket", nil,
			map[string]string{"fr": `\"WEEK\" n’est pas l’une des valeurs MONTH, NONE, QUARTER, YEAR`, "en": `\"WEEK\" is not one of MONTH, NONE, QUARTER, YEAR`}},
		{"a date written as a number", `{ inclusion(region: "gao", from: 20240101) { total { dialogues } } }`, "from", nil,
			map[string]string{"fr": `\"20240101\" n’est pas une date`, "en": `\"20240101\" is not a date`}},
		{"an enum value in quotes", `{ inclusion(region: "gao", bucket: "MONTH") { total { dialogues } } }`, "bucket", nil,
			map[string]string{"fr": `\"MONTH\" s’écrit sans guillemets : MONTH`, "en": `\"MONTH\" is written without quotes: MONTH`}},
		{"a date inside an input", `mutation { establishSpace(commandId: "01J00000000000000000000000", input: {name: "C", kind: OTHER, region: "gao", pillar: SECURITY, establishedOn: "10/01/2025"}) { id } }`, "input.establishedOn", nil,
			map[string]string{"fr": `\"10/01/2025\" n’est pas une date`, "en": `\"10/01/2025\" is not a date`}},
		{"a date variable", `query($d: Date) { inclusion(region: "gao", from: $d) { total { dialogues } } }`, "d", map[string]any{"d": "demain"},
			map[string]string{"fr": `\"demain\" n’est pas une date`, "en": `\"demain\" is not a date`}},
		{"an enum variable", `query($b: Bucket) { inclusion(region: "gao", bucket: $b) { total { dialogues } } }`, "b", map[string]any{"b": "month"},
			map[string]string{"fr": `\"month\" n’est pas l’une des valeurs`, "en": `\"month\" is not one of`}},
	} {
		for lang, words := range c.words {
			r := e.doIn(lang, e.admin, c.query, c.vars)
			if r.Status != 400 || r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"`+c.field+`"`) || !strings.Contains(r.raw, words) {
				t.Errorf("%s, in %s: %d %s, want 400 naming %s and saying %s", c.name, lang, r.Status, r.raw, c.field, words)
			}
		}
	}
	status, body := e.getIn("fr", e.admin, "/export/dialogues.csv?from=2024-02-30")
	if status != 400 || !strings.Contains(body, `"field":"from"`) || !strings.Contains(body, "n’est pas une date") {
		t.Errorf("an export from 2024-02-30: %d %s, want from refused in French", status, body)
	}
}

// A change's summary is said in the reader's language; an answer kept for
// one language is never served to a reader of the other.
func TestAChangesSummaryIsSaidInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	space := e.must(e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité", kind: OTHER, region: "gao", pillar: SECURITY, establishedOn: "2025-01-10"}) { id } }`,
		map[string]any{"c": newID()})
	query := `query($id: ID!) { space(id: $id) { changes { summary } } }`
	vars := map[string]any{"id": get(space, "establishSpace", "id")}
	for _, lang := range []string{"en", "fr", "en", "fr"} { // the second of each may be a kept answer
		want := map[string]string{"en": "Space established", "fr": "Espace créé"}[lang]
		r := e.doIn(lang, e.admin, query, vars)
		if got := get(r.Data, "space", "changes", 0, "summary"); got != want {
			t.Errorf("in %s: %s, want %q", lang, r.raw, want)
		}
	}
}
