package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
	"github.com/xuri/excelize/v2"
)

// webappRun is what webapp.mjs saw.
type webappRun struct {
	Steps    []webappStep `json:"steps"`
	Leaks    []string     `json:"leaks"`
	Problems []string     `json:"problems"`
	Error    string       `json:"error"`
}

// webappStep is what one step saw.
type webappStep struct {
	Name        string   `json:"name"`
	States      []string `json:"states"`
	AfterOnline []string `json:"afterOnline"`
	Matches     int      `json:"matches"`
	Spaces      []string `json:"spaces"`
	SeesGao     bool     `json:"seesGao"`
	Refusal     string   `json:"refusal"`
	FieldError  string   `json:"fieldError"`
	SubsetError string   `json:"subsetError"`
	Banner      string   `json:"offlineBanner"`
	Refused     string   `json:"refusedToken"`
	Figures     string   `json:"figures"`
	Rows        []string `json:"rows"`
	Withheld    []string `json:"withheld"`
	Download    string   `json:"download"`
	Saved       string   `json:"saved"`
	FormDate    string   `json:"formDate"`
	QRCells     int      `json:"qrCells"`
	Who         string   `json:"who"`
	Listed      string   `json:"listed"`
	Checked     string   `json:"checkedCounts"`
	RefusedRows string   `json:"refusedRows"`
	Imported    string   `json:"importedCounts"`
	Template    string   `json:"template"`
	Registered  string   `json:"registered"`
	// The analyst's and the admin's phones (analyst-admin.mjs).
	Region          string `json:"region"`
	Total           string `json:"total"`
	ColumnsOnScreen int    `json:"columnsOnScreen"`
	Columns         int    `json:"columns"`
	BarLabels       []struct {
		Text string  `json:"text"`
		Size float64 `json:"size"`
	} `json:"barLabels"`
	TrendLabel    float64  `json:"trendLabel"`
	Width         int      `json:"width"`
	ExportProblem int      `json:"exportProblem"`
	TooMany       string   `json:"tooMany"`
	ViewRefused   string   `json:"refused"`
	TablesShown   int      `json:"tablesAfterRefusal"`
	SavedDetail   string   `json:"savedDetail"`
	AdminWidth    int      `json:"adminWidth"`
	EraseWidth    int      `json:"eraseWidth"`
	Codes         []string `json:"codes"`
	Facts         string   `json:"facts"`
	WrongToken    string   `json:"wrongToken"`
	TokenKept     string   `json:"tokenKept"`
	Done          string   `json:"done"`
	TokenStored   bool     `json:"tokenStored"`
	Queued        bool     `json:"queued"`
}

// TestAFacilitatorWorksOfflineInTheWebApp drives the web app in headless
// Chromium against the built binary: a dialogue logged online, an
// enrolment and a dialogue with that person logged offline, a reload with
// no network, the outbox sent once back online, a refusal fixed, nothing
// of a name left in the browser, and nothing of gao's for mopti.
func TestAFacilitatorWorksOfflineInTheWebApp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives a browser")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium)", chromium)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	js, _ := filepath.Abs("js")
	if _, err := os.Stat(filepath.Join(js, "node_modules", "playwright-core")); err != nil {
		install := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		install.Dir = js
		if out, err := install.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", js, err, out)
		}
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	mopti := newToken(t, bin, dir, "--role", "facilitator", "--region", "mopti")
	advocacy := newToken(t, bin, dir, "--role", "advocacy")
	analyst := newToken(t, bin, dir, "--role", "analyst")
	s := startServer(t, bin, dir)
	space := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité consultatif de sécurité de Gao", kind: SECURITY_ADVISORY_COMMITTEE, region: "gao", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})
	holder := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Gao", type: GOVERNOR, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": holder})
	s.must(admin, `mutation($c: ID!, $h: ID!, $s: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $s, text: "Escortes vers le marché de Gao", pillar: SECURITY, madeOn: "2026-04-02", dueOn: "2026-09-30"}) { id } }`,
		map[string]any{"c": ulid.Make().String(), "h": holder, "s": space})

	shots := os.Getenv("PALABRE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	kobo := filepath.Join(t.TempDir(), "kobo-export.xlsx")
	writeKoboExport(t, kobo, space)
	cmd := exec.Command(node, "webapp.mjs", s.url, gao, mopti, advocacy, analyst, admin, shots, kobo)
	cmd.Dir = js
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("webapp.mjs: %v\n%s", err, stderr.String())
	}
	var run webappRun
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatalf("webapp.mjs said %q: %v", raw, err)
	}
	if run.Error != "" {
		t.Fatalf("the browser run stopped: %s\nsteps so far: %+v", run.Error, run.Steps)
	}
	step := map[string]int{}
	for i, st := range run.Steps {
		step[st.Name] = i
	}
	at := func(name string) int {
		i, ok := step[name]
		if !ok {
			t.Fatalf("no step %q in %+v", name, run.Steps)
		}
		return i
	}
	if r := run.Steps[at("signed in")].Refused; !strings.Contains(r, "pas valide") {
		t.Errorf("a bad token was answered %q", r)
	}
	if e := run.Steps[at("online dialogue")].SubsetError; !strings.Contains(e, "Ne peut pas dépasser") {
		t.Errorf("a subset above its total: %q", e)
	}
	if st := run.Steps[at("online dialogue")].States; !slices.Equal(st, []string{"Envoyé"}) {
		t.Errorf("online, the dialogue's outbox item is %v", st)
	}
	off := run.Steps[at("offline")]
	if !slices.Equal(off.States, []string{"Envoyé", "En attente", "En attente", "En attente"}) || !strings.Contains(off.Banner, "Hors ligne") {
		t.Errorf("after an offline reload: %v, banner %q", off.States, off.Banner)
	}
	back := run.Steps[at("back online")]
	if back.Refusal != "Année de naissance : 1850 n’est pas une année de naissance plausible" || back.FieldError != "1850 n’est pas une année de naissance plausible" || !slices.Equal(back.States, []string{"Envoyé", "Envoyé", "Envoyé", "Envoyé"}) {
		t.Errorf("back online: refusal %q, next to the field %q, states %v (before the fix %v)", back.Refusal, back.FieldError, back.States, back.AfterOnline)
	}
	if spot := run.Steps[at("on the spot")]; spot.FormDate != "2026-05-08" || slices.Contains(spot.States, "En attente") || slices.Contains(spot.States, "Refusé") {
		t.Errorf("enrolling on the spot: the form kept %q; the outbox %v", spot.FormDate, spot.States)
	}
	if len(run.Leaks) > 0 {
		t.Errorf("the browser keeps in clear: %v", run.Leaks)
	}
	other := run.Steps[at("another region")]
	if other.Matches != 0 || other.SeesGao || slices.ContainsFunc(other.Spaces, func(s string) bool { return strings.Contains(s, "Gao") }) {
		t.Errorf("mopti's facilitator: %+v", other)
	}
	if f := run.Steps[at("advocacy")].Figures; !strings.Contains(f, "Tenus\n1") || !strings.Contains(f, "100 %") {
		t.Errorf("the scorecard after the fulfilment: %q", f)
	}
	checkAnalyst(t, run.Steps[at("analyst")])
	checkErasure(t, s, admin, run.Steps[at("erasure")])
	if imp := run.Steps[at("import")]; !strings.Contains(imp.Checked, "1 accepté(s) à l’essai") || !strings.Contains(imp.Checked, "1 refusé(s)") ||
		!strings.Contains(imp.RefusedRows, "aucun·e participant·e n’a le code GAO-0999") || !strings.Contains(imp.Imported, "1 importé(s)") {
		t.Errorf("the upload page: %+v", imp)
	}
	if reg := run.Steps[at("register")]; reg.Template != "participants.xlsx" || !strings.Contains(reg.Registered, "1 importé(s)") {
		t.Errorf("the register from the template: %+v", reg)
	}
	if adm := run.Steps[at("admin")]; adm.QRCells < 100 || adm.Who != "animatrice-tombouctou" || !strings.Contains(adm.Listed, "animatrice-tombouctou") {
		t.Errorf("the admin's new token: %+v", adm)
	}
	if len(run.Problems) > 0 {
		t.Errorf("errors in the page: %v", run.Problems)
	}

	// The server got each command once: two dialogues, the second with the
	// person enrolled offline, whose name it holds.
	if sp := s.must(admin, `query($id: ID!) { space(id: $id) { locality } }`, map[string]any{"id": space}); pick(sp, "space", "locality") != "Gao, quartier Château" {
		t.Errorf("the admin's change of the space: %v", sp)
	}
	d := s.must(admin, `{ dialogues(first: 10, orderBy: OLDEST) { edges { node { heldOn attendees { spoke participant { code displacement identity { name phone } } } figures { attendance { count } } } } }
	  participants(region: "gao") { totalCount } }`, nil)
	edges, _ := pick(d, "dialogues", "edges").([]any)
	// Three people enrolled in the app, one from the register.
	if len(edges) != 4 || pick(d, "participants", "totalCount") != 4.0 || pick(edges[0], "node", "figures", "attendance", "count") != 13.0 {
		t.Fatalf("the server holds %v", d)
	}
	if third, _ := pick(edges[2], "node", "attendees").([]any); len(third) != 1 || pick(third[0], "participant", "code") != "GAO-0102" {
		t.Errorf("the dialogue with someone enrolled on the spot: %v", pick(edges[2], "node"))
	}
	second := pick(edges[1], "node")
	attendees, _ := pick(second, "attendees").([]any)
	if len(attendees) != 1 || pick(attendees[0], "participant", "code") != "GAO-0100" || pick(attendees[0], "participant", "identity", "name") != "Kadiatou Canari-Zeta" ||
		pick(attendees[0], "spoke") != true || pick(attendees[0], "participant", "displacement") != "RETURNEE" || pick(second, "figures", "attendance", "count") != 6.0 {
		t.Fatalf("the offline dialogue: %v", second)
	}
}

// writeKoboExport writes a Kobo XLSX export of the shipped form: a
// dialogue attended by GAO-0100 (enrolled in the browser before), and one
// naming a code nobody has.
func writeKoboExport(t *testing.T, path, space string) {
	t.Helper()
	book := excelize.NewFile()
	sheets := map[string][][]any{
		"Sheet1": {
			{"dialogue/spaceId", "dialogue/heldOn", "dialogue/format", "dialogue/pillar", "headcount/adultWomen", "headcount/adultMen", "_uuid", "_submission_time", "_index"},
			{space, "2026-05-20", "committee-meeting", "security", 4, 4, "kobo-a", "2026-05-20T12:00:00", 1},
			{space, "2026-05-21", "committee-meeting", "security", 2, 2, "kobo-b", "2026-05-21T12:00:00", 2},
		},
		"attendees": {{"attendees/participantCode", "attendees/spoke", "_index", "_parent_table_name", "_parent_index"},
			{"GAO-0100", "yes", 1, "Sheet1", 1}, {"GAO-0999", "no", 2, "Sheet1", 2}},
	}
	book.NewSheet("attendees")
	for name, rows := range sheets {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			book.SetSheetRow(name, cell, &r)
		}
	}
	if err := book.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
