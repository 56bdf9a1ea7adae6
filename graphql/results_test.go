package graphql_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// inFrench posts a query as a French reader.
func (e *env) inFrench(token, query string, vars map[string]any) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "fr-ML, fr;q=0.9")
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

const defineFramework = `mutation($c: ID!, $identifier: String!, $country: String!) { defineFramework(commandId: $c, input: {
  title: "Redevabilité et inclusion", identifier: $identifier, country: $country, startOn: "2025-01-01", endOn: "2026-12-31",
  reportingOrg: {ref: "NL-KVK-1", name: "Alliance", type: "21"},
  vocabulary: {name: "Basket indicators", uri: "https://example.org/basket"},
  partners: [{key: "GAO", name: "Partenaire de Gao", type: "22", regions: ["gao"]}, {key: "MOP", name: "Partenaire de Mopti", type: "22", regions: ["mopti"]}]}) { id } }`

// defineAFramework sets up, as the admin, a framework with an indicator
// computed from the log and one entered by hand, and returns its id.
func defineAFramework(e *env) string {
	e.t.Helper()
	id := newID()
	e.must(e.admin, defineFramework, map[string]any{"c": id, "identifier": "NL-KVK-1-PAL", "country": "ML"})
	set := func(mutation, input string) {
		e.must(e.admin, `mutation($c: ID!, $id: ID!) { `+mutation+`(commandId: $c, id: $id, input: `+input+`) { id } }`, map[string]any{"c": newID(), "id": id})
	}
	set("setFrameworkOutcome", `{key: "O1", title: "Les autorités rendent compte"}`)
	set("setFrameworkResult", `{key: "R1", outcomeKey: "O1", type: OUTCOME, title: "Concertation inclusive"}`)
	set("setFrameworkIndicator", `{key: "I1", resultKey: "R1", title: "Participations", measure: UNIT, rule: PARTICIPANTS_REACHED,
	  baseline: {year: 2024, value: 0}, targets: [{year: 2025, value: 20}], references: ["SCS-3"]}`)
	set("setFrameworkIndicator", `{key: "I2", resultKey: "R1", title: "Lois améliorées", measure: UNIT, baseline: {year: 2024, value: 0}, references: ["SCS-1"]}`)
	set("setFrameworkIndicator", `{key: "I3", resultKey: "R1", title: "Changements de politique", measure: UNIT, rule: OUTCOMES_HARVESTED, changeType: POLICY, baseline: {year: 2024, value: 0}}`)
	set("recordIndicatorValue", `{indicatorKey: "I2", year: 2025, value: 1, evidence: ["Arrêté régional 2025-14"]}`)
	return id
}

// TestOnlyAdminsDefineAFrameworkAndRefusalsNameTheFieldInFrench: a
// framework is the programme's managers' (admins): every other role is
// refused; a refusal names each field at fault, in French for a French
// reader; what was set reads back.
func TestOnlyAdminsDefineAFrameworkAndRefusalsNameTheFieldInFrench(t *testing.T) {
	e := newEnv(t)
	for name, token := range map[string]string{"analyst": e.analyst, "advocacy": e.advocacy, "a facilitator": e.gao} {
		if r := e.do(token, defineFramework, map[string]any{"c": newID(), "identifier": "NL-KVK-1-PAL", "country": "ML"}); r.code() != "FORBIDDEN" {
			t.Errorf("%s defining a framework: got %s, want FORBIDDEN", name, r.raw)
		}
	}
	r := e.inFrench(e.admin, defineFramework, map[string]any{"c": newID(), "identifier": "PAL", "country": "Mali"})
	if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"input.identifier"`) || !strings.Contains(r.raw, `"field":"input.country"`) ||
		!strings.Contains(r.raw, "doit commencer par la référence de l’organisation qui publie") {
		t.Errorf("a bad programme: got %s, want both fields named, in French", r.raw)
	}
	id := defineAFramework(e)
	if r := e.do(e.analyst, `mutation($c: ID!, $id: ID!) { recordIndicatorValue(commandId: $c, id: $id, input: {indicatorKey: "I2", year: 2025, value: 9, evidence: ["x"]}) { id } }`,
		map[string]any{"c": newID(), "id": id}); r.code() != "FORBIDDEN" {
		t.Errorf("an analyst entering a value: got %s, want FORBIDDEN", r.raw)
	}
	r = e.inFrench(e.admin, `mutation($c: ID!, $id: ID!) { recordIndicatorValue(commandId: $c, id: $id, input: {indicatorKey: "I1", year: 2025, value: 9, evidence: []}) { id } }`,
		map[string]any{"c": newID(), "id": id})
	if !strings.Contains(r.raw, `"field":"input.indicatorKey"`) || !strings.Contains(r.raw, `"field":"input.evidence"`) || !strings.Contains(r.raw, "est calculé par la règle") {
		t.Errorf("a value for a computed indicator, without evidence: got %s", r.raw)
	}
	query := `query($id: ID!) { framework(id: $id) { identifier partners { key regions } indicators { key measure rule references baseline { year value } }
	  values { indicatorKey year value evidence } changes { type recordedBy } } }`
	// An evidence text may name a person or a meeting: admins alone read it.
	if got := e.must(e.analyst, query, map[string]any{"id": id}); len(get(got, "framework", "values", 0, "evidence").([]any)) != 0 {
		t.Errorf("an analyst reads the evidence: %v", get(got, "framework", "values"))
	}
	got := e.must(e.admin, query, map[string]any{"id": id})
	if n := len(get(got, "framework", "changes").([]any)); n != 7 || get(got, "framework", "changes", 6, "type") != "IndicatorValueRecorded" {
		t.Errorf("the framework's changes: %v", get(got, "framework", "changes"))
	}
	if get(got, "framework", "indicators", 0, "rule") != "PARTICIPANTS_REACHED" || get(got, "framework", "indicators", 2, "rule") != "OUTCOMES_HARVESTED" || get(got, "framework", "values", 0, "evidence", 0) != "Arrêté régional 2025-14" ||
		get(got, "framework", "partners", 1, "regions", 0) != "mopti" {
		t.Errorf("the framework as read: %v", got)
	}
}

// TestADonorReportAsOfAMomentIsTheSameFileAfterLaterEvents: the XLSX and
// the IATI file of a report as of a moment, downloaded again after a
// value was corrected, are the same bytes; made now, they differ.
func TestADonorReportAsOfAMomentIsTheSameFileAfterLaterEvents(t *testing.T) {
	e := newEnvWith(t, envOptions{clock: time.Now}) // the store's: a report is of no day to come
	writeStory(e)
	id := defineAFramework(e)
	time.Sleep(10 * time.Millisecond)
	asOf := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(10 * time.Millisecond)
	path := func(format, at string) string {
		p := "/export/donorReport." + format + "?frameworkId=" + id
		if at != "" {
			p += "&asOf=" + at
		}
		return p
	}
	var before [2][]byte
	for i, format := range []string{"xlsx", "xml"} {
		status, body := e.download(e.analyst, path(format, asOf))
		if status != 200 {
			t.Fatalf("%s: %d %s", format, status, body)
		}
		before[i] = body
	}
	e.must(e.admin, `mutation($c: ID!, $id: ID!) { recordIndicatorValue(commandId: $c, id: $id, input: {indicatorKey: "I2", year: 2025, value: 3, evidence: ["Arrêté 2025-20"]}) { id } }`,
		map[string]any{"c": newID(), "id": id})
	for i, format := range []string{"xlsx", "xml"} {
		if _, again := e.download(e.analyst, path(format, asOf)); !bytes.Equal(before[i], again) {
			t.Errorf("the %s as of %s changed after a later value", format, asOf)
		}
		if _, now := e.download(e.analyst, path(format, "")); bytes.Equal(before[i], now) {
			t.Errorf("the %s made now is the one as of before the value: the test proves nothing", format)
		}
	}
	// A past date means its end (read.ReportMoment); today's end is still to come: a report as of today is as of now.
	today := time.Now().UTC().Format(time.DateOnly)
	if _, a := e.download(e.analyst, path("xml", today)); bytes.Contains(a, []byte(`T23:59:59Z"`)) || !bytes.Contains(a, []byte(`generated-datetime="`+today+`T`)) {
		t.Errorf("a report as of today: %.300s", a)
	}
	if status, body := e.download(e.analyst, path("xml", "yesterday")); status != http.StatusBadRequest || !bytes.Contains(body, []byte(`"field":"asOf"`)) {
		t.Errorf("asOf=yesterday: %d %s", status, body)
	}
	if !bytes.Contains(before[1], []byte(`<iati-activities version="2.03"`)) || !bytes.Contains(before[1], []byte(`<actual value="1">`)) {
		t.Errorf("the IATI file: %s", before[1])
	}
	book, err := excelize.OpenReader(bytes.NewReader(before[0]))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows("Données")
	if len(rows) < 2 || rows[0][0] != "Activité" {
		t.Fatalf("the workbook's rows: %v", rows)
	}
	_, english := e.download(e.analyst, path("xlsx", "")+"&lang=en")
	if book, err = excelize.OpenReader(bytes.NewReader(english)); err != nil {
		t.Fatal(err)
	}
	rows, _ = book.GetRows("Data")
	found := false
	for _, row := range rows {
		// Activity, outcome, result, type, key, title, measure, codes,
		// baseline year and value, year, target, actual.
		if len(row) > 12 && row[0] == "Programme" && row[4] == "I2" && row[10] == "2025" {
			found = row[12] == "3" && row[3] == "Outcome" && row[7] == "SCS-1"
		}
	}
	if !found || rows[0][0] != "Activity" {
		t.Errorf("the English workbook made now lacks I2's corrected value for 2025: %v", rows)
	}
	for _, b := range before {
		for _, canary := range []string{canaryAlice, canaryBob, canaryMopti, "GAO-0001"} {
			if bytes.Contains(b, []byte(canary)) {
				t.Errorf("a report holds %q", canary)
			}
		}
	}
}

// TestAnotherRegionsFacilitatorGetsNoDonorReport attacks the report as a
// facilitator of Gao would, hoping for Mopti's figures (exact, since
// facilitators see small counts) or for a way to tell what exists: the
// report covers every region, so the query and both exports are refused
// alike for a framework that exists and one that does not; an analyst is
// told NOT_FOUND for an id that is no framework's, a dialogue's too; and
// the report's computed figures are the analyst's own released ones.
func TestAnotherRegionsFacilitatorGetsNoDonorReport(t *testing.T) {
	// The server a month on: the store stamps the real time, and a report
	// is of the month's start, never of a day to come.
	e := newEnvWith(t, envOptions{clock: func() time.Time { return time.Now().AddDate(0, 1, 0) }})
	s := writeStory(e)
	id := defineAFramework(e)
	report := `query($id: ID!) { donorReport(frameworkId: $id) { activities { results { indicators { periods { year actual { value } } } } } } }`
	for _, target := range []string{id, newID(), s.dialogue} {
		if r := e.do(e.gao, report, map[string]any{"id": target}); r.code() != "FORBIDDEN" {
			t.Errorf("Gao's facilitator, report of %s: got %s, want FORBIDDEN", target, r.raw)
		}
		for _, format := range []string{"xml", "xlsx", "csv"} {
			if status, body := e.download(e.mopti, "/export/donorReport."+format+"?frameworkId="+target); status != http.StatusForbidden {
				t.Errorf("Mopti's facilitator, %s of %s: got %d %s, want 403", format, target, status, body)
			}
		}
	}
	for _, target := range []string{newID(), s.dialogue, s.gaoSpace} {
		if r := e.do(e.analyst, report, map[string]any{"id": target}); r.code() != "NOT_FOUND" {
			t.Errorf("an analyst, report of %s: got %s, want NOT_FOUND", target, r.raw)
		}
	}
	if status, _ := e.download(e.analyst, "/export/donorReport.xml?frameworkId="+id+"&region=gao"); status != http.StatusBadRequest {
		t.Errorf("a filter the report does not take: got %d, want 400", status)
	}
	// Made now, a month after the story was recorded, and the analyst's
	// view as of a moment after it.
	got := e.must(e.analyst, `query($id: ID!) { donorReport(frameworkId: $id) { activities { partner { key } results { indicators { indicator { key }
	  periods { year actual { value dimensions { name value count } } } } } } } }`, map[string]any{"id": id})
	view := e.must(e.analyst, `{ inclusion(region: "gao", from: "2025-01-01", to: "2025-12-31", asOf: "2099-01-01T00:00:00Z") { total { attendance { count suppressed } } } }`, nil)
	released := get(view, "inclusion", "total", "attendance", "count")
	if get(view, "inclusion", "total", "attendance", "suppressed") == true {
		released = nil
	}
	if released == nil || released == 0.0 {
		t.Fatalf("the analyst's view of Gao in 2025 gives %v: the comparison proves nothing", released)
	}
	gao := get(got, "donorReport", "activities", 1)
	if get(gao, "partner", "key") != "GAO" {
		t.Fatalf("the second activity is %v, want Gao's partner", get(gao, "partner"))
	}
	if actual := get(gao, "results", 0, "indicators", 0, "periods", 0); get(actual, "year") != 2025.0 || get(actual, "actual", "value") != released {
		t.Errorf("Gao's attendances in 2025: the report says %v, the analyst's release %v", get(actual, "actual"), released)
	}
}

// Found in review: a value of 1e308 was recorded, its achievement
// overflowed to +Inf, and donorReport answered 200 with an empty body to
// everyone, logging nothing.
func TestAnAmountBeyondAnyProgrammesIsRefusedAndTheReportStillAnswers(t *testing.T) {
	e := newEnv(t)
	id := defineAFramework(e)
	r := e.inFrench(e.admin, `mutation($c: ID!, $id: ID!) { recordIndicatorValue(commandId: $c, id: $id, input: {indicatorKey: "I2", year: 2025, value: 1e308, evidence: ["x"]}) { id } }`,
		map[string]any{"c": newID(), "id": id})
	if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"input.value"`) || !strings.Contains(r.raw, "dépasse") {
		t.Errorf("a value of 1e308: got %s, want it refused on input.value, in French", r.raw)
	}
	got := e.do(e.admin, `query($id: ID!) { donorReport(frameworkId: $id) { activities { results { indicators { periods { achievement } } } } } }`, map[string]any{"id": id})
	if got.Status != 200 || len(got.Errors) > 0 {
		t.Errorf("the donor report after: %d %s", got.Status, got.raw)
	}
}
