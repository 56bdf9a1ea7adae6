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
	// Accessibility is axe-core's serious and critical violations, by page.
	Accessibility []axeAudit `json:"accessibility"`
	// FirstVisit is each JS and CSS file the sign-in page loaded, as sent.
	FirstVisit []struct {
		Path     string `json:"path"`
		Encoding string `json:"encoding"`
		Bytes    int    `json:"bytes"`
		Vary     string `json:"vary"`
	} `json:"firstVisit"`
	FacilitatorCache []string `json:"facilitatorCache"`
}

// heldOnDevice is what the app's IndexedDB keeps from the server: cache
// entries, participant codes among them, and whether a session is kept.
type heldOnDevice struct {
	Entries int  `json:"entries"`
	Codes   int  `json:"codes"`
	Session bool `json:"session"`
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
	HeadingTop  float64  `json:"headingTop"`
	// BeforeSignOut and AfterSignOut are what IndexedDB held around a sign-out.
	BeforeSignOut *heldOnDevice `json:"beforeSignOut"`
	AfterSignOut  *heldOnDevice `json:"afterSignOut"`
	FormDate      string        `json:"formDate"`
	QRCells       int           `json:"qrCells"`
	Who           string        `json:"who"`
	Listed        string        `json:"listed"`
	Checked       string        `json:"checkedCounts"`
	RefusedRows   string        `json:"refusedRows"`
	Imported      string        `json:"importedCounts"`
	Template      string        `json:"template"`
	Registered    string        `json:"registered"`
	// What a person sees, step by step.
	FutureError    string   `json:"futureError"`
	TypedYearError string   `json:"typedYearError"`
	Confirmation   *onView  `json:"confirmation"`
	Items          []string `json:"items"`
	ByName         string   `json:"byName"`
	DialoguePage   string   `json:"dialoguePage"`
	HomeRecent     string   `json:"homeRecent"`
	Filters        []string `json:"filters"`
	AtRisk         string   `json:"atRisk"`
	BoardAtRisk    string   `json:"boardAtRisk"`
	Cached         []string `json:"cached"`
	Offline        string   `json:"offline"`
	Sum            string   `json:"sum"`
	RateOf         string   `json:"rateOf"`
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
	EmptyRegion   string   `json:"emptyRegion"`
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

// step is the step of that name; the test stops without it.
func (r webappRun) step(t *testing.T, name string) webappStep {
	t.Helper()
	for _, st := range r.Steps {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no step %q in %+v", name, r.Steps)
	return webappStep{}
}

// onView says whether a confirmation was on screen and had the focus.
type onView struct {
	InView  bool `json:"inView"`
	Focused bool `json:"focused"`
}

// TestAFacilitatorWorksOfflineInTheWebApp drives the web app in headless
// Chromium against the built binary, over HTTPS: a dialogue logged online, an
// enrolment and a dialogue with that person logged offline, a reload with
// no network, the outbox sent once back online, a refusal fixed, nothing
// of a name left in the browser, and nothing of gao's for mopti.
func TestAFacilitatorWorksOfflineInTheWebApp(t *testing.T) {
	b := newBrowserBench(t)
	admin := b.token(t, "--role", "admin")
	gao := b.token(t, "--role", "facilitator", "--region", "gao")
	mopti := b.token(t, "--role", "facilitator", "--region", "mopti")
	advocacy := b.token(t, "--role", "advocacy")
	analyst := b.token(t, "--role", "analyst")
	s, cert := startHTTPSServer(t, b.bin, b.dir)
	space := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité consultatif de sécurité de Gao", kind: SECURITY_ADVISORY_COMMITTEE, region: "gao", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})
	holder := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Gao", type: GOVERNOR, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": holder})
	s.must(admin, `mutation($c: ID!, $h: ID!, $s: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $s, text: "Escortes vers le marché de Gao", pillar: SECURITY, madeOn: "2026-04-02", dueOn: "2026-09-30"}) { id } }`,
		map[string]any{"c": ulid.Make().String(), "h": holder, "s": space})

	kobo := filepath.Join(t.TempDir(), "kobo-export.xlsx")
	writeKoboExport(t, kobo, space)
	// Over HTTPS, as in the field: Chromium trusts the test's certificate
	// by its key, Node by its file.
	var run webappRun
	b.run(t, cert.trusted(), &run, "webapp.mjs", s.url, gao, mopti, advocacy, analyst, admin, b.shots, kobo)
	if run.Error != "" {
		t.Errorf("the browser run stopped: %s\nsteps so far: %+v", run.Error, run.Steps)
	}
	// The facilitator's and the advocacy lead's stories come first: they
	// are checked even when a later role's stopped the run.
	checkFacilitatorsDay(t, run, s.logs.String())
	checkAdvocacyLead(t, run)
	checkEveryPage(t, run)
	if run.Error != "" {
		return
	}
	checkAnalyst(t, run.step(t, "analyst"))
	checkRevoke(t, run.step(t, "revoke"))
	checkErasure(t, s, admin, run.step(t, "erasure"))
	if imp := run.step(t, "import"); !strings.Contains(imp.Checked, "1 accepté(s) à l’essai") || !strings.Contains(imp.Checked, "1 refusé(s)") ||
		!strings.Contains(imp.RefusedRows, "aucun·e participant·e n’a le code GAO-0999") || !strings.Contains(imp.Imported, "1 importé(s)") {
		t.Errorf("the upload page: %+v", imp)
	}
	// Before, the codes are there sealed (entries, no code in clear); after, gone.
	if out := run.step(t, "signed out"); out.BeforeSignOut == nil || out.BeforeSignOut.Entries == 0 || out.BeforeSignOut.Codes != 0 || out.AfterSignOut == nil ||
		out.AfterSignOut.Entries != 0 || out.AfterSignOut.Codes != 0 || out.AfterSignOut.Session {
		t.Errorf("after sign-out the device still holds what the server sent: before %+v, after %+v", out.BeforeSignOut, out.AfterSignOut)
	}
	if reg := run.step(t, "register"); reg.Template != "participants.xlsx" || !strings.Contains(reg.Registered, "1 importé(s)") {
		t.Errorf("the register from the template: %+v", reg)
	}
	if adm := run.step(t, "admin"); adm.QRCells < 100 || !strings.HasPrefix(adm.Who, "animatrice-tombouctou · Facilitateur·rice") || !strings.Contains(adm.Listed, "animatrice-tombouctou") {
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
	// Three people enrolled in the app, one from the register, one on
	// another device.
	if len(edges) != 4 || pick(d, "participants", "totalCount") != 5.0 || pick(edges[0], "node", "figures", "attendance", "count") != 13.0 {
		t.Fatalf("the server holds %v", d)
	}
	if third, _ := pick(edges[2], "node", "attendees").([]any); len(third) != 2 || pick(third[0], "participant", "code") != "GAO-0100" || pick(third[1], "participant", "code") != "GAO-0102" {
		t.Errorf("the dialogue with someone found by name and someone enrolled on the spot: %v", pick(edges[2], "node"))
	}
	second := pick(edges[1], "node")
	attendees, _ := pick(second, "attendees").([]any)
	if len(attendees) != 1 || pick(attendees[0], "participant", "code") != "GAO-0100" || pick(attendees[0], "participant", "identity", "name") != "Kadiatou Canari-Zeta" ||
		pick(attendees[0], "spoke") != true || pick(attendees[0], "participant", "displacement") != "RETURNEE" || pick(second, "figures", "attendance", "count") != 6.0 {
		t.Fatalf("the offline dialogue: %v", second)
	}
}

// axeAudit is what axe-core found wrong on one page, serious or critical
// (browser.mjs's audit).
type axeAudit struct {
	Page       string `json:"page"`
	Violations []struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	} `json:"violations"`
}

// browserBench is what a browser test starts from: Node and the scripts'
// folder, the built binary, a fresh data folder, and where screenshots go
// (PALABRE_SCREENSHOTS, or a folder of the test's own).
type browserBench struct {
	node, js, bin, dir, shots string
}

// newBrowserBench skips in -short mode, and without Chromium or Node.
func newBrowserBench(t *testing.T) browserBench {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and drives a browser")
	}
	node, js := browserTools(t)
	shots := os.Getenv("PALABRE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	return browserBench{node: node, js: js, bin: binary(t), dir: filepath.Join(t.TempDir(), "data"), shots: shots}
}

// token makes a token in the bench's data folder (before its server starts).
func (b browserBench) token(t *testing.T, args ...string) string {
	t.Helper()
	return newToken(t, b.bin, b.dir, args...)
}

// run runs one of the browser scripts, as runScript does.
func (b browserBench) run(t *testing.T, env []string, out any, script string, args ...string) {
	t.Helper()
	runScript(t, b.node, b.js, env, out, script, args...)
}

// browserTools are Node and the folder of webapp.mjs with its packages
// installed; the test skips without Chromium or Node.
func browserTools(t *testing.T) (node, js string) {
	t.Helper()
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium)", chromium)
	}
	var err error
	node, err = exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	js, _ = filepath.Abs("js")
	if !installed(js) {
		install := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		install.Dir = js
		if out, err := install.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", js, err, out)
		}
	}
	return node, js
}

// installed reports whether js's packages are those its lock file names:
// npm keeps a copy of the lock it installed in node_modules, so a lock
// changed since (a package added) is newer than that copy.
func installed(js string) bool {
	lock, err := os.Stat(filepath.Join(js, "package-lock.json"))
	if err != nil {
		return false
	}
	copied, err := os.Stat(filepath.Join(js, "node_modules", ".package-lock.json"))
	return err == nil && !lock.ModTime().After(copied.ModTime())
}

// runScript runs one of js's browser scripts with env added to the
// environment and decodes the JSON it prints into out.
func runScript(t *testing.T, node, js string, env []string, out any, script string, args ...string) {
	t.Helper()
	cmd := exec.Command(node, append([]string{script}, args...)...)
	cmd.Dir = js
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s said %q: %v", script, raw, err)
	}
}

// checkFacilitatorsDay checks what the Gao facilitator saw: rules as they
// typed, confirmations where they looked, an outbox that says what each
// entry is and waits without alarm, a person found by name (audited, no
// name in the server's log), a dialogue's page in full, readable names, and
// no name kept in the browser; and that mopti's saw nothing of Gao.
func checkFacilitatorsDay(t *testing.T, run webappRun, serverLog string) {
	t.Helper()
	if r := run.step(t, "signed in").Refused; !strings.Contains(r, "pas valide") {
		t.Errorf("a bad token was answered %q", r)
	}
	// On a 360×780 phone the header's menu is one row, not five.
	if top := run.step(t, "signed in").HeadingTop; top > 160 {
		t.Errorf("the home page's title starts %.0f px down a phone's screen, under the menu", top)
	}
	online := run.step(t, "online dialogue")
	if !strings.Contains(online.SubsetError, "Ne peut pas dépasser") {
		t.Errorf("a subset above its total: %q", online.SubsetError)
	}
	if !strings.Contains(online.FutureError, "dans le futur") {
		t.Errorf("a dialogue dated in the future, as it is typed: %q", online.FutureError)
	}
	if c := online.Confirmation; c == nil || !c.InView || !c.Focused {
		t.Errorf("the dialogue's confirmation is not where the person looks: %+v", c)
	}
	if st := run.step(t, "online dialogue").States; !slices.Equal(st, []string{"Envoyé"}) {
		t.Errorf("online, the dialogue's outbox item is %v", st)
	}
	off := run.step(t, "offline")
	if !slices.Equal(off.States, []string{"Envoyé", "En attente", "En attente", "En attente"}) || !strings.Contains(off.Banner, "Hors ligne") {
		t.Errorf("after an offline reload: %v, banner %q", off.States, off.Banner)
	}
	// Each item says what it is; the dialogue naming the unsent enrolment
	// waits for it, and says so without a word of error.
	if len(off.Items) != 4 || !strings.Contains(off.Items[0], "Dialogue") || !strings.Contains(off.Items[1], "Inscription GAO-0100") ||
		!strings.Contains(off.Items[2], "Partira après : Inscription GAO-0100") || strings.Contains(off.Items[2], "refus") || !strings.Contains(off.Items[3], "Inscription GAO-0101") {
		t.Errorf("the outbox offline reads %q", off.Items)
	}
	if !strings.Contains(off.TypedYearError, "entre 1900 et") {
		t.Errorf("a birth year of 1850, as it is typed: %q", off.TypedYearError)
	}
	if c := off.Confirmation; c == nil || !c.InView || !c.Focused {
		t.Errorf("the enrolment's confirmation is not where the person looks: %+v", c)
	}
	back := run.step(t, "back online")
	if !strings.Contains(back.Refusal, "GAO-0101") || !strings.Contains(back.Refusal, "déjà le code") || !strings.Contains(back.FieldError, "GAO-0101") || !strings.Contains(back.FieldError, "déjà") ||
		!slices.Equal(back.States, []string{"Envoyé", "Envoyé", "Envoyé", "Envoyé"}) {
		t.Errorf("back online: refusal %q, next to the field %q, states %v (before the fix %v)", back.Refusal, back.FieldError, back.States, back.AfterOnline)
	}
	if by := run.step(t, "by name").ByName; !strings.Contains(by, "1 personne(s) de ce nom") || !strings.Contains(by, "GAO-0100") {
		t.Errorf("finding Kadiatou by name: %q", by)
	}
	if !strings.Contains(serverLog, `"audit":"name lookup"`) || strings.Contains(strings.ToLower(serverLog), "canari") {
		t.Error("the name lookup is not audited, or the server's log holds a name")
	}
	page := run.step(t, "dialogue page").DialoguePage
	for _, want := range []string{"Sécurité du marché, Patrouilles", "Routes peu sûres le soir", "Non inscrit·es", "Femmes — Adultes\t7", "Total\t12"} {
		if !strings.Contains(page, want) {
			t.Errorf("a dialogue's page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "★") || strings.Contains(page, "facilitator-") {
		t.Errorf("a dialogue's page shows an unexplained mark or a token's raw subject:\n%s", page)
	}
	if who := run.step(t, "signed in").Who; !strings.Contains(who, "Facilitateur·rice") || !strings.Contains(who, "Gao") || strings.Contains(who, "facilitator-") {
		t.Errorf("the header names the facilitator %q", who)
	}
	spot := run.step(t, "on the spot")
	if spot.FormDate != "2026-05-08" || slices.Contains(spot.States, "En attente") || slices.Contains(spot.States, "Refusé") {
		t.Errorf("enrolling on the spot: the form kept %q; the outbox %v", spot.FormDate, spot.States)
	}
	if !strings.Contains(spot.HomeRecent, "présent·es") {
		t.Errorf("the home's recent dialogues: %q", spot.HomeRecent)
	}
	if len(run.Leaks) > 0 {
		t.Errorf("the browser keeps in clear: %v", run.Leaks)
	}
	other := run.step(t, "another region")
	if other.Matches != 0 || other.SeesGao || slices.ContainsFunc(other.Spaces, func(s string) bool { return strings.Contains(s, "Gao") }) {
		t.Errorf("mopti's facilitator: %+v", other)
	}
}

// checkAdvocacyLead checks the advocacy lead's phone: a scorecard that adds
// up, one wording for the filters, a commitment at risk read as such, the
// board offline, and only the pages the role opens in its cache.
func checkAdvocacyLead(t *testing.T, run webappRun) {
	t.Helper()
	adv := run.step(t, "advocacy")
	if f := adv.Figures; !strings.Contains(f, "Tenus\n1") || !strings.Contains(f, "Retirés\n0") || !strings.Contains(f, "100\u00a0%") {
		t.Errorf("the scorecard after the fulfilment: %q", f)
	}
	if !strings.Contains(adv.Sum, "1 pris = 1 tenus + 0 non tenus + 0 retirés + 0 en cours") {
		t.Errorf("the scorecard does not add up: %q", adv.Sum)
	}
	// 1 of 1 settled reads 100 %: the page says of what, or a reader
	// divides by the commitments made.
	if !strings.Contains(adv.RateOf, "Taux de réalisation = 1 tenus ÷ (1 tenus + 0 non tenus)") {
		t.Errorf("the scorecard does not say how its rate is counted: %q", adv.RateOf)
	}
	if !slices.Equal(adv.Filters, []string{"Toutes les parties prenantes", "Toutes les régions", "Tous les espaces", "Tous les statuts"}) {
		t.Errorf("the board's filters: %q", adv.Filters)
	}
	if !strings.Contains(adv.AtRisk, "À risque") || strings.Contains(adv.AtRisk, "En cours") || !strings.Contains(adv.BoardAtRisk, "À risque") {
		t.Errorf("a commitment reported at risk reads %q on its page, %q on the board", adv.AtRisk, adv.BoardAtRisk)
	}
	if slices.ContainsFunc(adv.Cached, func(f string) bool { return strings.Contains(f, "Dashboard") || strings.Contains(f, "Admin") }) {
		t.Errorf("an advocacy lead's device caches pages it never opens: %v", adv.Cached)
	}
	if slices.ContainsFunc(run.FacilitatorCache, func(f string) bool { return strings.Contains(f, "Admin") }) ||
		!slices.ContainsFunc(run.FacilitatorCache, func(f string) bool { return strings.Contains(f, "Dashboard") }) {
		t.Errorf("a facilitator's device caches %v", run.FacilitatorCache)
	}
	if !strings.Contains(adv.Offline, "Hors ligne") {
		t.Errorf("the board offline: %q", adv.Offline)
	}
}

// checkEveryPage checks axe-core's findings on every page, and that the
// first visit's JS and CSS came compressed.
func checkEveryPage(t *testing.T, run webappRun) {
	t.Helper()
	for _, a := range run.Accessibility {
		for _, v := range a.Violations {
			t.Errorf("axe-core, %s: %s (%s) %s at %v", a.Page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
	if len(run.Accessibility) < 12 {
		t.Errorf("axe-core ran on %d pages", len(run.Accessibility))
	}
	sent := 0
	for _, f := range run.FirstVisit {
		if f.Encoding != "br" || f.Vary != "Accept-Encoding" {
			t.Errorf("the first visit's %s came %q-encoded, Vary %q", f.Path, f.Encoding, f.Vary)
		}
		sent += f.Bytes
	}
	t.Logf("the first visit's JS and CSS: %d bytes over the wire (brotli), in %d files", sent, len(run.FirstVisit))
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
