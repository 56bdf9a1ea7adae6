package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// outcomesRun is what outcomes.mjs saw.
type outcomesRun struct {
	Steps []struct {
		Name      string `json:"name"`
		Prefilled *struct {
			Actor, Region, On string
			Evidence          []string
		} `json:"prefilled"`
		Required  string   `json:"required"`
		Offline   []string `json:"offline"`
		Refusal   string   `json:"refusal"`
		FixError  string   `json:"fixError"`
		Sent      []string `json:"sent"`
		Saved     string   `json:"saved"`
		Before    string   `json:"before"`
		Listed    []string `json:"listed"`
		State     string   `json:"state"`
		Evidence  []string `json:"evidence"`
		Width     int      `json:"width"`
		NameKept  bool     `json:"nameKept"`
		NameShown bool     `json:"nameShown"`
		// the outcome's history, the commitment's outcomes, the export
		History     []string `json:"history"`
		Citing      []string `json:"citing"`
		ExportName  string   `json:"exportName"`
		ExportHolds bool     `json:"exportHolds"`
	} `json:"steps"`
	Accessibility []axeAudit `json:"accessibility"`
	Problems      []string   `json:"problems"`
	Error         string     `json:"error"`
}

const outcomeVerifier = "Verificatrice Canari-Theta"

// TestAnAdvocacyLeadHarvestsAnOutcomeInTheWebApp drives the web app in
// headless Chromium on a 360 px phone against the built binary, over
// HTTPS: an outcome logged from a fulfilled commitment with its actor,
// region, date and evidence filled in, listed with its date the French
// way, put to a verifier whose name the browser never keeps nor shows,
// answered, marked public and revised (which takes the mark off); another
// logged offline, refused once online for a dialogue retracted meanwhile,
// and fixed in its form; the server then holds it all, the name sealed and opened
// only for an admin's token.
func TestAnAdvocacyLeadHarvestsAnOutcomeInTheWebApp(t *testing.T) {
	b := newBrowserBench(t)
	admin := b.token(t, "--role", "admin")
	advocacy := b.token(t, "--role", "advocacy")
	s, cert := startHTTPSServer(t, b.bin, b.dir)
	commitment, dialogue := fulfilledCommitment(s, admin)
	var run outcomesRun
	b.run(t, cert.trusted(), &run, "outcomes.mjs", s.url, advocacy, commitment, b.shots, admin, dialogue)
	if run.Error != "" || len(run.Problems) > 0 {
		t.Fatalf("the browser run: %s; errors in the page: %v\nsteps so far: %+v", run.Error, run.Problems, run.Steps)
	}
	checkOutcomesInTheBrowser(t, run)
	checkOutcomeOnTheServer(t, s, admin, commitment)
}

// fulfilledCommitment is a Gao governor's commitment made at a dialogue,
// reported on and fulfilled, and the dialogue.
func fulfilledCommitment(s *server, admin string) (commitmentID, dialogueID string) {
	space, holder, dialogue, commitment := ulid.Make().String(), ulid.Make().String(), ulid.Make().String(), ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité consultatif de sécurité de Gao", kind: SECURITY_ADVISORY_COMMITTEE, region: "gao", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})
	s.must(admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Gao", type: GOVERNOR, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": holder})
	s.must(admin, `mutation($c: ID!, $s: ID!, $h: ID!) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: "2025-03-02", format: COMMUNITY_DIALOGUE, pillar: SECURITY, stakeholderIds: [$h], headcount: {adultWomen: 9, adultMen: 7}}) { id } }`,
		map[string]any{"c": dialogue, "s": space, "h": holder})
	s.must(admin, `mutation($c: ID!, $h: ID!, $s: ID!, $d: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $s, dialogueId: $d, text: "Recevoir chaque mois les associations de femmes", pillar: INCLUSION, madeOn: "2025-03-02"}) { id } }`,
		map[string]any{"c": commitment, "h": holder, "s": space, "d": dialogue})
	s.must(admin, `mutation($c: ID!, $id: ID!) { reportCommitmentProgress(commandId: $c, id: $id, input: {reportedOn: "2025-04-01", status: ON_TRACK}) { id } }`, map[string]any{"c": ulid.Make().String(), "id": commitment})
	s.must(admin, `mutation($c: ID!, $id: ID!) { fulfilCommitment(commandId: $c, id: $id, input: {on: "2025-05-20"}) { id } }`, map[string]any{"c": ulid.Make().String(), "id": commitment})
	return commitment, dialogue
}

func checkOutcomesInTheBrowser(t *testing.T, run outcomesRun) {
	t.Helper()
	byName := map[string]int{}
	for i, st := range run.Steps {
		byName[st.Name] = i
	}
	for _, name := range []string{"logged", "listed", "substantiated", "revised", "followed", "offline"} {
		if _, ok := byName[name]; !ok {
			t.Fatalf("no step %q in %+v", name, run.Steps)
		}
	}
	logged, listed, done := run.Steps[byName["logged"]], run.Steps[byName["listed"]], run.Steps[byName["substantiated"]]
	if p := logged.Prefilled; p == nil || p.Actor != "Gouvernorat de Gao" || p.Region != "Gao" || p.On != "2025-05-20" || len(p.Evidence) != 3 ||
		!strings.Contains(p.Evidence[2], "Point d’avancement n° 1 du 1 avril 2025") {
		t.Errorf("the form from the commitment is filled in with %+v", p)
	}
	if logged.Required != "Obligatoire." || !strings.Contains(logged.Saved, "Changement enregistré") {
		t.Errorf("the form: a required field says %q, saving %q", logged.Required, logged.Saved)
	}
	// Every write of the run went through the outbox: the outcome, the
	// request, the answer, the mark, the revision, and the one offline.
	if off := run.Steps[byName["offline"]]; len(off.Offline) != 6 || !strings.HasPrefix(off.Offline[5], "En attente Changement") ||
		!slices.Equal(off.Sent, slices.Repeat([]string{"Envoyé"}, 6)) {
		t.Errorf("the outbox offline: %q; once online and fixed: %q", off.Offline, off.Sent)
	}
	if off := run.Steps[byName["offline"]]; !strings.Contains(off.Refusal, "a été retiré") || !strings.Contains(off.FixError, "a été retiré") {
		t.Errorf("the outcome citing a dialogue retracted meanwhile: refused with %q, its form says %q", off.Refusal, off.FixError)
	}
	if len(listed.Listed) != 1 || !strings.Contains(listed.Listed[0], "20 mai 2025") || !strings.Contains(listed.Listed[0], "Pratique") || !strings.Contains(listed.Listed[0], "Non demandée") {
		t.Errorf("the list: %q", listed.Listed)
	}
	if !strings.Contains(done.State, "Vérifié") || len(done.Evidence) != 3 {
		t.Errorf("the outcome's page: %q, evidence %q", done.State, done.Evidence)
	}
	if rev := run.Steps[byName["revised"]]; !strings.HasPrefix(rev.Before, "Le gouvernorat reçoit") || len(rev.Evidence) != 3 {
		t.Errorf("the revision's form holds %q, and the outcome cites %q after it", rev.Before, rev.Evidence)
	}
	checkOutcomeFollowed(t, run.Steps[byName["followed"]].History, run.Steps[byName["followed"]].Citing)
	if f := run.Steps[byName["followed"]]; f.ExportName != "palabre-changements.csv" || !f.ExportHolds {
		t.Errorf("the outcomes' export: %q, holding the outcome: %v", f.ExportName, f.ExportHolds)
	}
	if done.NameKept || done.NameShown {
		t.Errorf("the verifier's name is in the browser: kept %v, shown %v", done.NameKept, done.NameShown)
	}
	for _, st := range run.Steps {
		if st.Width > 360 {
			t.Errorf("%s: the page is %d px wide on a 360 px phone", st.Name, st.Width)
		}
	}
	for _, a := range run.Accessibility {
		if len(a.Violations) > 0 {
			t.Errorf("axe-core on %s: %+v", a.Page, a.Violations)
		}
	}
}

// checkOutcomeOnTheServer: the outcome as the web app sent it, the
// verifier's name opened for an admin's token and in no log line.
func checkOutcomeOnTheServer(t *testing.T, s *server, admin, commitment string) {
	t.Helper()
	d := s.must(admin, `query($c: ID!) { outcomes(cites: $c) { edges { node { changeType region tags public substantiation significance evidence { kind }
	  requests { verifier { name organisation } answer { verdict comment } } } } } }`, map[string]any{"c": commitment})
	// Newest change first: June's, fixed to cite no dialogue, then May's.
	edges, _ := pick(d, "outcomes", "edges").([]any)
	if len(edges) != 2 {
		t.Fatalf("the server holds %v", d)
	}
	if fixed, _ := pick(edges[0], "node", "evidence").([]any); len(fixed) != 2 {
		t.Errorf("the outcome fixed in the outbox cites %v", fixed)
	}
	o, _ := pick(edges[1], "node").(map[string]any)
	tags, _ := o["tags"].([]any)
	requests, _ := o["requests"].([]any)
	evidence, _ := o["evidence"].([]any)
	// Marked public, then revised: the revision took the mark off.
	if o["changeType"] != "PRACTICE" || o["public"] != false || o["substantiation"] != "SUBSTANTIATED" || len(evidence) != 3 ||
		!strings.Contains(fmt.Sprint(o["significance"]), "révisée") ||
		!slices.Equal(tags, []any{"femmes", "redevabilité"}) || len(requests) != 1 {
		t.Fatalf("the outcome on the server: %v", o)
	}
	if pick(requests[0], "verifier", "name") != outcomeVerifier || pick(requests[0], "verifier", "organisation") != "Radio Canari" || pick(requests[0], "answer", "verdict") != "PARTLY" {
		t.Errorf("the request on the server: %v", requests[0])
	}
	if strings.Contains(s.logs.String(), outcomeVerifier) {
		t.Error("the server's log holds the verifier's name")
	}
}

// checkOutcomeFollowed: the outcome's page says its history in French,
// first to last, and the commitment it cites lists it.
func checkOutcomeFollowed(t *testing.T, history, citing []string) {
	t.Helper()
	want := []string{"Changement consigné (le 20 mai 2025)", "Vérification demandée", "Vérification consignée", "Marque publique changée", "Changement révisé"}
	if len(history) != len(want) {
		t.Fatalf("the outcome's history: %q", history)
	}
	for i, w := range want {
		if !strings.HasPrefix(history[i], w) || !strings.Contains(history[i], "consigné le") {
			t.Errorf("the outcome's history, step %d: %q, want %q first", i, history[i], w)
		}
	}
	if len(citing) != 1 || !strings.Contains(citing[0], "Le gouvernorat reçoit chaque mois") || !strings.Contains(citing[0], "20 mai 2025") {
		t.Errorf("the commitment's page lists the outcomes citing it as %q", citing)
	}
}
