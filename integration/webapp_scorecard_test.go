package integration

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// scorecardRun is what scorecard.mjs saw.
type scorecardRun struct {
	Screen struct {
		Width    int      `json:"width"`
		Sideways []string `json:"sideways"`
		Heading  string   `json:"heading"`
	} `json:"screen"`
	Sheet struct {
		Size      string   `json:"size"`
		Rows      int      `json:"rows"`
		Texts     []string `json:"texts"`
		FollowUps int      `json:"followUps"`
		Left      string   `json:"left"`
		Button    string   `json:"button"`
		Width     int      `json:"width"`
	} `json:"sheet"`
	PDF struct {
		PageObjects int    `json:"pageObjects"`
		Pages       int    `json:"pages"`
		Text        string `json:"text"`
		SizeMm      []int  `json:"sizeMm"`
	} `json:"pdf"`
	Accessibility []axeAudit `json:"accessibility"`
	Problems      []string   `json:"problems"`
	Error         string     `json:"error"`
}

// TestTheScorecardPrintsOnOneA4Page: the demo's authority with the most
// commitments, its scorecard on a 360 px phone (no sideways scroll), then
// its sheet printed to PDF by Chromium: one A4 page, in French, holding
// the authority's name and every commitment the sheet shows, each with
// its dated follow-up.
func TestTheScorecardPrintsOnOneA4Page(t *testing.T) {
	b := newBrowserBench(t)
	if out, err := exec.Command(b.bin, "demo", "--data", b.dir, "--events", "3000").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	advocacy := b.token(t, "--role", "advocacy")
	s, cert := startHTTPSServer(t, b.bin, b.dir)
	holder, name, made := busiestAuthority(t, s, advocacy)
	crowded := crowdedAuthority(s, advocacy, 40)
	for _, a := range []struct {
		file, id, name string
		made           int
	}{{"scorecard", holder, name, made}, {"scorecard-crowded", crowded, "Gouvernorat de Tombouctou", 40}} {
		run := printScorecard(t, b, s, cert, advocacy, a.id, a.file)
		t.Logf("%s: %d commitments; the sheet shows %d at %s with %d dated steps (%q); screenshots in %s", a.name, a.made, run.Sheet.Rows, run.Sheet.Size, run.Sheet.FollowUps, run.Sheet.Left, b.shots)
		checkTheSheetsPDF(t, run, a.name, a.made)
		if len(run.Screen.Sideways) > 0 {
			t.Errorf("on a 360 px phone the scorecard scrolls sideways in %q", run.Screen.Sideways)
		}
		if run.Screen.Width > 360 || run.Sheet.Width > 360 {
			t.Errorf("on a 360 px phone the scorecard is %d px wide, its sheet %d px", run.Screen.Width, run.Sheet.Width)
		}
		for _, a := range run.Accessibility {
			if len(a.Violations) > 0 {
				t.Errorf("axe-core on %s: %+v", a.Page, a.Violations)
			}
		}
	}
}

// printScorecard runs scorecard.mjs on one stakeholder.
func printScorecard(t *testing.T, b browserBench, s *server, cert testCertificate, token, holder, file string) scorecardRun {
	t.Helper()
	var run scorecardRun
	b.run(t, cert.trusted(), &run, "scorecard.mjs", s.url, token, holder, b.shots, file)
	if run.Error != "" || len(run.Problems) > 0 {
		t.Fatalf("the browser run: %s; errors in the page: %v", run.Error, run.Problems)
	}
	return run
}

// crowdedAuthority is a stakeholder with more commitments than a page
// holds, each with two progress reports, half of them settled.
func crowdedAuthority(s *server, token string, n int) string {
	holder := ulid.Make().String()
	s.must(token, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Tombouctou", type: GOVERNOR, level: REGIONAL, region: "tombouctou"}) { id } }`, map[string]any{"c": holder})
	for i := range n {
		id := ulid.Make().String()
		day := fmt.Sprintf("2025-%02d-%02d", 1+i%10, 1+i%27)
		s.must(token, `mutation($c: ID!, $h: ID!, $text: String!, $on: Date!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, text: $text, pillar: SECURITY, madeOn: $on, dueOn: "2026-12-31"}) { id } }`,
			map[string]any{"c": id, "h": holder, "on": day, "text": fmt.Sprintf("Engagement n° %d : réunir le comité de sécurité du cercle avec les associations de femmes et de jeunes", i+1)})
		for _, status := range []string{"ON_TRACK", "AT_RISK"} {
			s.must(token, `mutation($c: ID!, $id: ID!, $on: Date!, $s: ProgressStatus!) { reportCommitmentProgress(commandId: $c, id: $id, input: {reportedOn: $on, status: $s, note: "Point fait en réunion du comité"}) { id } }`,
				map[string]any{"c": ulid.Make().String(), "id": id, "on": day, "s": status})
		}
		if i%2 == 0 {
			s.must(token, `mutation($c: ID!, $id: ID!, $on: Date!) { fulfilCommitment(commandId: $c, id: $id, input: {on: $on}) { id } }`, map[string]any{"c": ulid.Make().String(), "id": id, "on": day})
		}
	}
	return holder
}

// checkTheSheetsPDF: one A4 page, the name and every commitment shown
// in its text, the commitments all there or the ones left off said.
func checkTheSheetsPDF(t *testing.T, run scorecardRun, name string, made int) {
	t.Helper()
	if run.PDF.Pages != 1 || run.PDF.PageObjects != 1 || len(run.PDF.SizeMm) != 2 || run.PDF.SizeMm[0] != 210 || run.PDF.SizeMm[1] != 297 {
		t.Errorf("the PDF has %d pages (%d page objects) of %v mm; want one A4 page", run.PDF.Pages, run.PDF.PageObjects, run.PDF.SizeMm)
	}
	text := run.PDF.Text
	if !strings.Contains(text, "Fiche de suivi : "+name) || !strings.Contains(text, "Suivi daté") {
		t.Errorf("the PDF's text lacks the authority's name %q, in French: %.300q", name, text)
	}
	if len(run.Sheet.Texts) == 0 || run.Sheet.FollowUps == 0 {
		t.Fatalf("the sheet shows %d commitments, %d dated steps", len(run.Sheet.Texts), run.Sheet.FollowUps)
	}
	for _, c := range run.Sheet.Texts {
		if !strings.Contains(text, strings.Join(strings.Fields(c), " ")) {
			t.Errorf("the PDF's text lacks the commitment %q", c)
		}
	}
	if run.Sheet.Rows < made && !strings.Contains(run.Sheet.Left, "ne tiennent pas sur la page") {
		t.Errorf("the sheet shows %d of %d commitments without saying so", run.Sheet.Rows, made)
	}
	if run.Sheet.Button != "Imprimer / PDF" {
		t.Errorf("the sheet's button says %q", run.Sheet.Button)
	}
}

// busiestAuthority is the stakeholder with the most commitments, its
// name and how many it made.
func busiestAuthority(t *testing.T, s *server, token string) (id, name string, made int) {
	t.Helper()
	d := s.must(token, `{ commitmentFigures(groupBy: STAKEHOLDER) { groups { figures { made } stakeholder { id name } } } }`, nil)
	groups, _ := pick(d, "commitmentFigures", "groups").([]any)
	for _, g := range groups {
		n, _ := pick(g, "figures", "made").(float64)
		if int(n) > made {
			made = int(n)
			id, _ = pick(g, "stakeholder", "id").(string)
			name, _ = pick(g, "stakeholder", "name").(string)
		}
	}
	if id == "" {
		t.Fatalf("the demo has no commitment: %v", d)
	}
	return id, name, made
}
