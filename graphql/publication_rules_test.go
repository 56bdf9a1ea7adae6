package graphql_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// canaryEvidence is an evidence text entered with a value by hand: it may
// name a person or a meeting, and stays with the alliance.
const canaryEvidence = "CANARY-PV-signe-par-Fatoumata"

// TestNoEvidenceTextLeavesWithADonorReport: a value entered by hand with
// its evidence, then the donor report in every form a reader can take it
// away — the query's every field, the XLSX, the CSV, the IATI file —, by
// the most privileged reader (an admin): the evidence is counted, never
// quoted, in each, by the one rule of core/publish.
func TestNoEvidenceTextLeavesWithADonorReport(t *testing.T) {
	e := newEnvWith(t, envOptions{clock: time.Now}) // the store's: a report is of no day to come
	writeStory(e)
	id := defineAFramework(e)
	e.must(e.admin, `mutation($c: ID!, $id: ID!, $ev: String!) { recordIndicatorValue(commandId: $c, id: $id, input: {indicatorKey: "I2", year: 2025, partnerKey: "GAO", value: 1, evidence: [$ev, "Arrêté 2025-20"]}) { id } }`,
		map[string]any{"c": newID(), "id": id, "ev": canaryEvidence})
	private := []string{canaryEvidence, "Arrêté régional 2025-14", "Arrêté 2025-20"}
	report := e.must(e.admin, `query($id: ID!) { donorReport(frameworkId: $id) { framework { values { evidence } }
	  activities { partner { key } results { indicators { indicator { key } periods { year actual { value comment evidence evidenceItems } } } } } } }`, map[string]any{"id": id})
	answers := map[string][]byte{}
	answers["the query"], _ = json.Marshal(report)
	for _, format := range []string{"xlsx", "csv", "xml"} {
		status, body := e.download(e.admin, "/export/donorReport."+format+"?frameworkId="+id)
		if status != 200 {
			t.Fatalf("%s: %d %s", format, status, body)
		}
		if format == "xlsx" {
			body = xlsxText(t, body)
		}
		answers[format] = body
	}
	for name, body := range answers {
		for _, p := range private {
			if bytes.Contains(body, []byte(p)) {
				t.Errorf("the donor report's %s quotes the evidence %q", name, p)
			}
		}
	}
	// Counted: the programme's value has one item, Gao's two.
	if !bytes.Contains(answers["the query"], []byte(`"evidenceItems":2`)) || !bytes.Contains(answers["the query"], []byte(`"evidenceItems":1`)) {
		t.Errorf("the query does not count the evidence: %s", answers["the query"])
	}
	if !bytes.Contains(answers["xml"], []byte("Justifié par 2 pièce(s)")) {
		t.Errorf("the IATI file does not count the evidence: %s", answers["xml"])
	}
	// The framework's own record, read inside the alliance, keeps them.
	own := e.must(e.admin, `query($id: ID!) { framework(id: $id) { values { evidence } } }`, map[string]any{"id": id})
	if b, _ := json.Marshal(own); !bytes.Contains(b, []byte(canaryEvidence)) {
		t.Errorf("the framework's record lost its evidence: %s", b)
	}
}

// TestNodeFindsAFrameworkAsTheFrameworkQueryDoes: node(id) answers a
// results framework to each reader exactly as framework(id) does — the
// values of their regions to a facilitator, refused to no reader of
// figures —, and an id that is no one's as not found.
func TestNodeFindsAFrameworkAsTheFrameworkQueryDoes(t *testing.T) {
	e := newEnv(t)
	id := defineAFramework(e)
	e.must(e.admin, `mutation($c: ID!, $id: ID!) { recordIndicatorValue(commandId: $c, id: $id, input: {indicatorKey: "I2", year: 2025, partnerKey: "MOP", value: 2, evidence: ["PV"]}) { id } }`,
		map[string]any{"c": newID(), "id": id})
	fields := `id title values { partnerKey value }`
	for name, token := range map[string]string{"admin": e.admin, "analyst": e.analyst, "advocacy": e.advocacy, "Gao's facilitator": e.gao, "Mopti's facilitator": e.mopti} {
		byNode := e.do(token, `query($id: ID!) { node(id: $id) { __typename ... on Framework { `+fields+` } } }`, map[string]any{"id": id})
		byQuery := e.do(token, `query($id: ID!) { framework(id: $id) { `+fields+` } }`, map[string]any{"id": id})
		if byQuery.code() != "" {
			if byNode.code() != byQuery.code() {
				t.Errorf("%s: node %s, framework %s", name, byNode.raw, byQuery.raw)
			}
			continue
		}
		node, _ := json.Marshal(get(byNode.Data, "node"))
		framework, _ := json.Marshal(get(byQuery.Data, "framework"))
		if get(byNode.Data, "node", "__typename") != "Framework" || !strings.Contains(string(node), strings.TrimSuffix(string(framework)[1:], "}")) {
			t.Errorf("%s: node(id) %s, framework(id) %s", name, node, framework)
		}
	}
	if r := e.do(e.admin, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": newID()}); r.code() != "NOT_FOUND" {
		t.Errorf("an id that is no one's: %s", r.raw)
	}
}

// TestAnOutcomesLocalityGoesOnlyToWhoRecordsIt: through the API, an
// outcome's locality is read by who may record and revise outcomes in its
// region (admin, advocacy, the region's facilitator); another region's
// facilitator is told the outcome does not exist, an analyst reads no
// outcome; the exports, which leave the app, and the donor report's IATI
// file hold it for no one. (The observatory's door: cmd/palabre's
// TestTheObservatoryPublishesNothingThePolicyKeepsBack; the rule itself:
// core/read's TestAnOutcomesLocalityGoesOnlyToWhoRecordsItInTheApp.)
func TestAnOutcomesLocalityGoesOnlyToWhoRecordsIt(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	id := newID()
	e.must(e.gao, harvestText, map[string]any{"c": id, "actor": s.holder, "region": "gao", "text": "Le tribunal siège", "tag": "justice"})
	query := `query($id: ID!) { outcome(id: $id) { locality } }`
	for name, token := range map[string]string{"admin": e.admin, "advocacy": e.advocacy, "Gao's facilitator": e.gao} {
		if r := e.must(token, query, map[string]any{"id": id}); get(r, "outcome", "locality") != "CANARY-Localite-33" {
			t.Errorf("%s reads the locality: %v", name, r)
		}
	}
	if r := e.do(e.mopti, query, map[string]any{"id": id}); r.code() != "NOT_FOUND" || strings.Contains(r.raw, "CANARY-Localite") {
		t.Errorf("Mopti's facilitator: %s", r.raw)
	}
	if r := e.do(e.analyst, query, map[string]any{"id": id}); r.code() != "FORBIDDEN" || strings.Contains(r.raw, "CANARY-Localite") {
		t.Errorf("an analyst: %s", r.raw)
	}
	for _, path := range []string{"/export/outcomes.csv", "/export/outcomes.xlsx"} {
		_, body := e.download(e.admin, path)
		if strings.HasSuffix(path, ".xlsx") {
			body = xlsxText(t, body)
		}
		if !bytes.Contains(body, []byte("Le tribunal siège")) || bytes.Contains(body, []byte("CANARY-Localite")) {
			t.Errorf("the admin's %s, with the outcome and without its locality: %s", path, body)
		}
	}
	// The donor report counts outcomes (a rule of the framework's) and
	// names no place: its IATI file, XLSX and CSV hold no locality.
	framework := defineAFramework(e)
	for _, format := range []string{"xml", "xlsx", "csv"} {
		status, body := e.download(e.admin, "/export/donorReport."+format+"?frameworkId="+framework)
		if format == "xlsx" && status == 200 {
			body = xlsxText(t, body)
		}
		if status != 200 || bytes.Contains(body, []byte("CANARY-Localite")) {
			t.Errorf("the donor report's %s: %d, with the locality or refused: %.300s", format, status, body)
		}
	}
}
