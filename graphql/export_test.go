package graphql_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/graphql"
)

// download gets an export with a token.
func (e *env) download(token, path string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.server.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestExportsAreTheAPIsAnswersAsTables(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	checkCSVExports(t, e, s)
	checkXLSXExports(t, e)
	checkExportsFollowTheAPIsRules(t, e, s)
}

// checkCSVExports: the analyst's figures as the API gives them, the
// groups' columns, a table, and French Excel's separator.
func checkCSVExports(t *testing.T, e *env, s story) {
	t.Helper()
	status, body := e.download(e.analyst, "/export/inclusion.csv?spaceId="+s.gaoSpace+"&bucket=month&from=2025-01-01&to=2025-04-30")
	if status != 200 || !bytes.HasPrefix(body, []byte("\uFEFF")) {
		t.Fatalf("inclusion.csv: %d %.200s", status, body)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := records[0]
	if head[0] != "Groupe" || head[1] != "Du" || head[4] != "Participation" || len(records) != 6 { // four months and the total
		t.Fatalf("headings %v, %d records", head, len(records))
	}
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, head)
		return -1
	}
	total := records[len(records)-1]
	// The same figures as the API gives the analyst, noise and all; a
	// withheld one is empty with its marker, never 0.
	v := e.must(e.analyst, `query($s: ID!) { inclusion(spaceId: $s, from: "2025-01-01", to: "2025-04-30") { total { attendance { count } personsWithDisabilities { count suppressed } } } }`, map[string]any{"s": s.gaoSpace})
	if want := get(v, "inclusion", "total", "attendance", "count"); total[col("Participation")] != strconv.FormatFloat(want.(float64), 'f', -1, 64) {
		t.Errorf("total attendance %q, the API says %v", total[col("Participation")], want)
	}
	if get(v, "inclusion", "total", "personsWithDisabilities", "suppressed") == true {
		if total[col("Personnes handicapées")] != "" || total[col("Personnes handicapées masqué")] != "masqué" {
			t.Errorf("a withheld count: %q, marker %q", total[col("Personnes handicapées")], total[col("Personnes handicapées masqué")])
		}
	}

	// The excluded groups have their columns: both attendees of gao's
	// dialogue are pastoralists, seen exactly by an admin.
	_, body = e.download(e.admin, "/export/inclusion.csv?spaceId="+s.gaoSpace)
	records, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	head = records[0]
	if got := records[len(records)-1][col("Pasteurs")]; got != "2" {
		t.Errorf("pastoralists in the total: %q", got)
	}
	// A table: a group's buckets and total under its name, then the total.
	_, body = e.download(e.admin, "/export/inclusion.csv?region=gao&groupBy=space&bucket=month&from=2025-03-01&to=2025-03-31")
	records, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if len(records) != 5 || records[1][0] != "Comité" || records[2][1] != "Total" || records[4][0] != "" || records[4][col("Participation")] != "17" {
		t.Errorf("a table by space: %v", records)
	}

	// French Excel's separator; English headings.
	_, body = e.download(e.analyst, "/export/inclusion.csv?spaceId="+s.gaoSpace+"&sep=semicolon&lang=en")
	if line, _, _ := strings.Cut(string(bytes.TrimPrefix(body, []byte("\uFEFF"))), "\n"); !strings.HasPrefix(line, "Group;From;To;Dialogues;Attendance") {
		t.Errorf("semicolon, English: %q", line)
	}
}

// checkXLSXExports: a sheet about the export, saying its filters in
// words in its language, then typed cells.
func checkXLSXExports(t *testing.T, e *env) {
	t.Helper()
	// XLSX: a sheet about the export, then typed cells.
	status, body := e.download(e.advocacy, "/export/commitments.xlsx")
	if status != 200 {
		t.Fatalf("commitments.xlsx: %d %s", status, body)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if sheets := book.GetSheetList(); len(sheets) != 2 || sheets[0] != "À propos" || sheets[1] != "Données" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := book.GetRows("Données")
	if len(rows) != 2 || rows[1][7] != "Tenu" || rows[1][5] != "Night patrols on the market road" {
		t.Fatalf("commitments rows %v", rows)
	}
	if typ, _ := book.GetCellType("Données", "B2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("madeOn is written as text, not a date")
	}

	// The sheet about the export says its filters in words, in its
	// language, and the dates its figures cover: widened to whole months
	// for an analyst.
	for _, c := range []struct{ lang, want string }{
		{"fr", "Du 2025-01-02|Au 2025-12-30|Région Gao|Par trimestre|Une ligne par espace|Chaque groupe : son total sur la période|" +
			"Période couverte 2025-01-01 2025-12-31|Vu au maintenant|Dates élargies Les dates demandées ont été élargies aux mois entiers (et un « vu au » ramené au début de son mois) : ces chiffres sont des sommes de mois entiers.|"},
		{"en", "From 2025-01-02|To 2025-12-30|Region Gao|By quarter|A row per space|Each group: its total over the period|" +
			"Period covered 2025-01-01 2025-12-31|As recorded at now|Dates widened The dates asked were widened to whole months (and an \"as recorded at\" moved to the start of its month): these figures are sums of whole months.|"},
	} {
		status, body := e.download(e.analyst, "/export/inclusion.xlsx?groupRows=false&groupBy=space&bucket=quarter&region=gao&to=2025-12-30&from=2025-01-02&lang="+c.lang)
		book, err := excelize.OpenReader(bytes.NewReader(body))
		if status != 200 || err != nil {
			t.Fatalf("inclusion.xlsx in %s: %d %v", c.lang, status, err)
		}
		about, _ := book.GetRows(book.GetSheetList()[0])
		var said strings.Builder
		for _, line := range about[2 : len(about)-2] { // after the export's name and moment, before what perturbed and withheld mean
			said.WriteString(strings.Join(line, " ") + "|")
		}
		if said.String() != c.want {
			t.Errorf("the %s sheet about the export says %q, want %q", c.lang, said.String(), c.want)
		}
	}
}

// checkExportsFollowTheAPIsRules: another region's space answers as a
// missing one, a role answers as it does in GraphQL, and every export is
// audited.
func checkExportsFollowTheAPIsRules(t *testing.T, e *env, s story) {
	t.Helper()
	for _, id := range []string{s.gaoSpace, newID()} {
		if status, body := e.download(e.mopti, "/export/dialogues.csv?spaceId="+id); status != 404 || !strings.Contains(string(body), "NOT_FOUND") {
			t.Errorf("mopti's facilitator exporting dialogues of %s: %d %s", id, status, body)
		}
	}
	if status, _ := e.download(e.analyst, "/export/dialogues.csv"); status != 403 {
		t.Errorf("an analyst exporting dialogues: %d", status)
	}
	if status, _ := e.download("", "/export/inclusion.csv"); status != 401 {
		t.Errorf("no token: %d", status)
	}
	if status, body := e.download(e.analyst, "/export/inclusion.csv?secret=1"); status != 400 || !strings.Contains(string(body), `"field":"secret"`) {
		t.Errorf("an unknown filter: %d %s", status, body)
	}
	if !strings.Contains(e.logs.String(), `"audit":"export","export":"commitments","format":"xlsx"`) {
		t.Error("no audit record of an export")
	}
}

func TestNoExportHoldsAName(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	for _, token := range []string{e.admin, e.gao, e.mopti, e.advocacy, e.analyst} {
		for _, path := range []string{"/export/inclusion.csv?region=gao", "/export/dialogues.csv?region=gao", "/export/commitments.csv",
			"/export/stakeholders.csv", "/export/dialogues.xlsx?spaceId=" + s.gaoSpace, "/export/inclusion.xlsx?spaceId=" + s.gaoSpace,
			"/export/inclusion.csv?groupBy=space", "/export/commitments.xlsx", "/export/stakeholders.xlsx"} {
			_, body := e.download(token, path)
			if strings.Contains(path, ".xlsx") {
				body = xlsxText(t, body)
			}
			for _, canary := range []string{canaryAlice, canaryBob, canaryMopti, canaryPhone} {
				if bytes.Contains(body, []byte(canary)) {
					t.Errorf("%s holds %s", path, canary)
				}
			}
		}
	}
}

// xlsxText is every cell of a workbook, for looking for what it must not
// hold (the file itself is compressed).
func xlsxText(t *testing.T, body []byte) []byte {
	t.Helper()
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return body // an error answer, as JSON
	}
	var out bytes.Buffer
	for _, sheet := range book.GetSheetList() {
		rows, _ := book.GetRows(sheet)
		for _, r := range rows {
			out.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	if out.Len() == 0 {
		t.Fatal("an empty workbook")
	}
	return out.Bytes()
}

func TestTheFormMatchesTheServerAndItsReader(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	status, body := e.download(e.gao, "/form/dialogue.xlsx")
	if status != 200 {
		t.Fatalf("gao's facilitator: %d %s", status, body)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows("choices")
	text := ""
	for _, r := range rows {
		text += strings.Join(r, "\t") + "\n"
	}
	if !strings.Contains(text, "space\t"+s.gaoSpace) || strings.Contains(text, s.moptiSpace) || !strings.Contains(text, "dialogue_format\tcommunity-dialogue\tDialogue communautaire") {
		t.Fatalf("gao's form's choices:\n%s", text)
	}
	if status, _ := e.download(e.analyst, "/form/dialogue.xlsx"); status != 403 {
		t.Fatalf("an analyst: %d", status)
	}
}

// upload posts an export to /import as the web app does.
func (e *env) upload(token, name string, file []byte, dry bool) (int, map[string]any) {
	e.t.Helper()
	query := ""
	if dry {
		query = "dryRun=true"
	}
	return e.uploadWith(token, query, name, file, nil)
}

// uploadWith is upload with the query string given and, unless nil, a
// mapping.
func (e *env) uploadWith(token, query, name string, file, mapping []byte) (int, map[string]any) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", name)
	part.Write(file)
	if mapping != nil {
		m, _ := mw.CreateFormField("mapping")
		m.Write(mapping)
	}
	mw.Close()
	url := e.server.URL + "/import"
	if query != "" {
		url += "?" + query
	}
	req, _ := http.NewRequest(http.MethodPost, url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", "fr")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestAFacilitatorImportsIntoTheirRegionsOnly(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	book := excelize.NewFile()
	rows := [][]any{
		{"dialogue/spaceId", "dialogue/heldOn", "dialogue/format", "dialogue/pillar", "headcount/adultWomen", "_uuid", "_index"},
		{s.gaoSpace, "2025-04-02", "workshop", "justice", 5, "u-gao", 1},
		{s.moptiSpace, "2025-04-02", "workshop", "justice", 5, "u-mopti", 2},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		book.SetSheetRow("Sheet1", cell, &r)
	}
	att := [][]any{{"attendees/participantCode", "attendees/spoke", "_parent_index"}, {"MOP-0001", "yes", 1}}
	book.NewSheet("attendees")
	for i, r := range att {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		book.SetSheetRow("attendees", cell, &r)
	}
	var file bytes.Buffer
	book.Write(&file)
	status, report := e.upload(e.gao, "kobo.xlsx", file.Bytes(), false)
	if status != 200 {
		t.Fatalf("%d %v", status, report)
	}
	results, _ := report["results"].([]any)
	text := fmt.Sprint(results)
	// gao's row names a mopti participant: as unknown as a missing one;
	// the mopti row's space: as missing as one that does not exist.
	if len(results) != 2 || get(results[0], "outcome") != "refused" || !strings.Contains(text, "aucun·e participant·e n’a le code MOP-0001") ||
		get(results[1], "outcome") != "refused" || !strings.Contains(text, "spaceId") {
		t.Fatalf("gao's facilitator's import: %v", report)
	}
	if status, _ := e.upload(e.analyst, "kobo.xlsx", file.Bytes(), false); status != 403 {
		t.Fatalf("an analyst: %d", status)
	}
	// An admin sees every region, but a code is found in the dialogue's
	// region only: MOP-0001 is nobody's in Gao.
	if st, r := e.upload(e.admin, "kobo.xlsx", file.Bytes(), true); st != 200 || get(r, "counts", "checked") != 1.0 || get(r, "results", 0, "outcome") != "refused" {
		t.Fatalf("an admin's dry run: %d %v", st, r)
	}
	if strings.Contains(e.logs.String(), "MOP-0001") {
		t.Fatal("the log holds what the file said")
	}
}

// An export is built whole before it is written: one slower than the
// server's write timeout (the request timeout and 30 s in serve) must
// still arrive, not end in an empty reply. The server is held after
// building it, by its audit line, past a write timeout shrunk to 200 ms.
func TestAnExportSlowerThanTheWriteTimeoutStillArrives(t *testing.T) {
	e := newEnvWith(t, envOptions{server: &graphql.Options{RequestTimeout: 100 * time.Millisecond}, writeTimeout: 200 * time.Millisecond, onLog: func(line []byte) {
		if bytes.Contains(line, []byte(`"audit":"export"`)) {
			time.Sleep(time.Second)
		}
	}})
	req, _ := http.NewRequest(http.MethodGet, e.server.URL+"/export/dialogues.csv?region=gao", nil)
	req.Header.Set("Authorization", "Bearer "+e.gao)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("an export slower than the write timeout: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 || !bytes.HasPrefix(body, []byte("\uFEFF")) {
		t.Fatalf("an export slower than the write timeout: %d %v %.200q", res.StatusCode, err, body)
	}
}
