package integration

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// The write policy, tried as a hostile user would, through the binary
// over HTTP: every door goes through one rule.

// importReport is POST /import's answer.
type importReport struct {
	status  int
	raw     string
	Counts  map[string]int `json:"counts"`
	Results []struct {
		Outcome  string `json:"outcome"`
		Problems []struct {
			Column  string `json:"column"`
			Message string `json:"message"`
		} `json:"problems"`
	} `json:"results"`
}

// upload posts a file to /import as the token's holder.
func (s *server) upload(token, name, body string) importReport {
	s.t.Helper()
	return s.uploadTo("/import", token, name, body)
}

// uploadTo posts a file to path (/import, with its query) as the token's
// holder.
func (s *server) uploadTo(path, token, name, body string) importReport {
	s.t.Helper()
	return s.uploadIn("en", path, token, name, body)
}

// uploadIn posts a file to path as the token's holder, reading in
// language.
func (s *server) uploadIn(language, path, token, name, body string) importReport {
	s.t.Helper()
	var buf bytes.Buffer
	form := multipart.NewWriter(&buf)
	w, err := form.CreateFormFile("file", name)
	if err != nil {
		s.t.Fatal(err)
	}
	w.Write([]byte(body))
	form.Close()
	req, _ := http.NewRequest(http.MethodPost, s.url+path, &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", form.FormDataContentType())
	req.Header.Set("Accept-Language", language)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := importReport{status: res.StatusCode, raw: string(b)}
	_ = json.Unmarshal(b, &r)
	return r
}

// koboCSV is a Kobo CSV export of the shipped form: one submission per
// line (uuid, rootUuid, submission time, space, women and men).
func koboCSV(lines ...[6]string) string {
	out := "spaceId,heldOn,format,pillar,adultWomen,adultMen,_uuid,meta/rootUuid,_submission_time\n"
	for _, l := range lines {
		out += strings.Join([]string{l[3], "2026-04-02", "workshop", "security", l[4], l[5], l[0], l[1], l[2]}, ",") + "\n"
	}
	return out
}

// gaoAndMopti is a server with a Gao and a Mopti space, an admin and a
// facilitator of each region.
type gaoAndMopti struct {
	server               *server
	admin, gao, mopti    string
	gaoSpace, moptiSpace string
}

// when is the submission time of the Kobo exports these tests upload.
const when = "2026-04-02T18:00:00"

func startGaoAndMopti(t *testing.T) gaoAndMopti {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	g := gaoAndMopti{admin: newToken(t, bin, dir, "--role", "admin"),
		gao:   newToken(t, bin, dir, "--role", "facilitator", "--region", "gao"),
		mopti: newToken(t, bin, dir, "--role", "facilitator", "--region", "mopti")}
	g.server = startServer(t, bin, dir)
	establish := `mutation($c: ID!, $r: String!) { establishSpace(commandId: $c, input: {name: $r, kind: COMMUNITY_DIALOGUE_FORUM, region: $r, pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`
	g.gaoSpace, g.moptiSpace = ulid.Make().String(), ulid.Make().String()
	g.server.must(g.admin, establish, map[string]any{"c": g.gaoSpace, "r": "gao"})
	g.server.must(g.admin, establish, map[string]any{"c": g.moptiSpace, "r": "mopti"})
	return g
}

// TestAnImportCannotWriteIntoAnotherRegion: a Gao facilitator uploads a
// Kobo export whose edited submission carries the rootUuid and submission
// time of a Mopti submission (both are in any shared export), and another
// that reuses the Mopti submission's own uuid. Naming a Gao space, each
// is a new Gao dialogue (ids are derived with the region, so Mopti's
// dialogue is not theirs to correct); naming Mopti's space, it is refused
// with a missing space's words; the file answers 200, and the Mopti
// dialogue is as Mopti wrote it.
func TestAnImportCannotWriteIntoAnotherRegion(t *testing.T) {
	g := startGaoAndMopti(t)
	s, gao, mopti, gaoSpace, moptiSpace := g.server, g.gao, g.mopti, g.gaoSpace, g.moptiSpace
	r := s.upload(mopti, "mopti.csv", koboCSV([6]string{"mopti-1", "", when, moptiSpace, "6", "4"}))
	if r.status != 200 || r.Counts["imported"] != 1 {
		t.Fatalf("Mopti's own export: %d %s", r.status, r.raw)
	}
	headcount := func() any {
		d := s.must(mopti, `{ dialogues(first: 5) { edges { node { figures { attendance { count } } } } } }`, nil)
		edges, _ := pick(d, "dialogues", "edges").([]any)
		if len(edges) != 1 {
			t.Fatalf("Mopti's dialogues: %v", d)
		}
		return pick(edges[0], "node", "figures", "attendance", "count")
	}
	if got := headcount(); got != 10.0 {
		t.Fatalf("Mopti's dialogue counts %v, want 10", got)
	}

	for name, line := range map[string][6]string{
		"an edit of Mopti's submission": {"gao-1", "uuid:mopti-1", when, gaoSpace, "40", "40"},
		"Mopti's submission's own uuid": {"mopti-1", "", when, gaoSpace, "40", "40"},
	} {
		r := s.upload(gao, "gao.csv", koboCSV(line))
		// imported, or corrected when the other (of the same root) was first
		if r.status != 200 || len(r.Results) != 1 || r.Counts["refused"] != 0 {
			t.Errorf("%s, naming a Gao space: %d %s", name, r.status, r.raw)
		}
	}
	// Naming Mopti's space, Mopti's uuid is refused as a space nobody has,
	// whatever the uuid: attendees are found in the space's region, which
	// Gao does not see.
	nowhere := ulid.Make().String()
	theirs, none := s.upload(gao, "gao.csv", koboCSV([6]string{"mopti-1", "", when, moptiSpace, "6", "4"})),
		s.upload(gao, "gao.csv", koboCSV([6]string{"gao-9", "", when, nowhere, "6", "4"}))
	if theirs.Counts["refused"] != 1 || strings.ReplaceAll(theirs.raw, moptiSpace, nowhere) != none.raw {
		t.Errorf("Mopti's uuid naming its space: %s; a space nobody has: %s", theirs.raw, none.raw)
	}
	if got := headcount(); got != 10.0 {
		t.Fatalf("after Gao's import, Mopti's dialogue counts %v, want 10", got)
	}
}

// session signs in as a browser does and returns the cookie.
func (s *server) session(token string) *http.Cookie {
	s.t.Helper()
	res, err := http.Post(s.url+"/session", "application/json", strings.NewReader(`{"token":"`+token+`"}`))
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "palabre_session" {
			return c
		}
	}
	s.t.Fatalf("no session cookie: %d", res.StatusCode)
	return nil
}

// asBrowser sends a request signed in by the session cookie, with the
// CSRF header.
func (s *server) asBrowser(cookie *http.Cookie, method, path, body string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	req.AddCookie(cookie)
	req.Header.Set("X-Palabre-Csrf", "1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestASeizedAdminLaptopGivesUpNoName: an admin's browser session may not
// make a token (which would read every name), erase, or back up; the
// admin's bearer token still may.
func TestASeizedAdminLaptopGivesUpNoName(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	s := startServer(t, bin, dir)
	person, _ := enrolTwo(s, admin)
	cookie := s.session(admin)

	gql := func(query string, vars map[string]any) answer {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		status, raw := s.asBrowser(cookie, http.MethodPost, "/graphql", string(body))
		a := answer{status: status, raw: raw}
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatalf("%d %s", status, raw)
		}
		return a
	}
	create := `mutation($c: ID!) { createToken(commandId: $c, role: ADMIN, expiresInDays: 1800) { secret } }`
	// Refused as a session's (field authorization): the web app asks for the
	// token itself for that one request.
	if a := gql(create, map[string]any{"c": ulid.Make().String()}); a.code() != "FORBIDDEN" || a.Errors[0].Extensions["field"] != "authorization" || strings.Contains(a.raw, "plb_") {
		t.Errorf("an admin's session made a token: %s", a.raw)
	}
	erase := `mutation($c: ID!, $id: ID!) { eraseParticipant(commandId: $c, id: $id, input: {erasedOn: "2026-11-30"}) { erased } }`
	if a := gql(erase, map[string]any{"c": ulid.Make().String(), "id": person}); a.code() != "FORBIDDEN" {
		t.Errorf("an admin's session erased a participant: %s", a.raw)
	}
	if status, body := s.asBrowser(cookie, http.MethodGet, "/admin/backup", ""); status != http.StatusForbidden {
		t.Errorf("an admin's session backed up: %d %.200s", status, body)
	}
	if status, body := s.asBrowser(cookie, http.MethodGet, "/admin/erasures", ""); status != http.StatusForbidden {
		t.Errorf("an admin's session listed erasures: %d %.200s", status, body)
	}
	// What a session may do, it still does: here, a space.
	if a := gql(`mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Espace", kind: COMMUNITY_DIALOGUE_FORUM, region: "gao", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`,
		map[string]any{"c": ulid.Make().String()}); len(a.Errors) > 0 {
		t.Errorf("an admin's session establishing a space: %s", a.raw)
	}

	// The bearer token may.
	s.must(admin, create, map[string]any{"c": ulid.Make().String()})
	s.must(admin, erase, map[string]any{"c": ulid.Make().String(), "id": person})
	req, _ := http.NewRequest(http.MethodGet, s.url+"/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("the admin's bearer token backing up: %d", res.StatusCode)
	}
}

// TestAFacilitatorCannotCaptureANationalStakeholder: a Gao facilitator
// may neither rename a national stakeholder nor make it Gao's; it stays
// as it was, and Mopti's facilitators still see it.
func TestAFacilitatorCannotCaptureANationalStakeholder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	mopti := newToken(t, bin, dir, "--role", "facilitator", "--region", "mopti")
	s := startServer(t, bin, dir)
	national := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Ministère de la Réconciliation", type: MINISTRY, level: NATIONAL}) { id } }`, map[string]any{"c": national})

	change := `mutation($c: ID!, $id: ID!, $name: String!, $level: StakeholderLevel!, $region: String) {
	  changeStakeholderDetails(commandId: $c, id: $id, input: {name: $name, type: MINISTRY, level: $level, region: $region}) { id } }`
	for name, vars := range map[string]map[string]any{
		"renamed":      {"name": "Ministère capturé", "level": "NATIONAL"},
		"made Gao's":   {"name": "Ministère de la Réconciliation", "level": "REGIONAL", "region": "gao"},
		"both at once": {"name": "Direction régionale", "level": "REGIONAL", "region": "gao"},
	} {
		vars["c"], vars["id"] = ulid.Make().String(), national
		if a := s.query(gao, change, vars); len(a.Errors) == 0 {
			t.Errorf("a Gao facilitator's stakeholder %s: %s", name, a.raw)
		}
	}
	got := s.must(mopti, `query($id: ID!) { stakeholder(id: $id) { name level region } }`, map[string]any{"id": national})
	if pick(got, "stakeholder", "name") != "Ministère de la Réconciliation" || pick(got, "stakeholder", "level") != "NATIONAL" {
		t.Fatalf("Mopti sees the national stakeholder as %v", got)
	}
	// Nor may they register one that every region would see.
	if a := s.query(gao, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Ministère fantôme", type: MINISTRY, level: NATIONAL}) { id } }`,
		map[string]any{"c": ulid.Make().String()}); len(a.Errors) == 0 {
		t.Errorf("a Gao facilitator registered a national stakeholder: %s", a.raw)
	}
	// Their own region's stakeholders stay theirs to write.
	own := ulid.Make().String()
	s.must(gao, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie de Bourem", type: MAYOR, level: LOCAL, region: "gao"}) { id } }`, map[string]any{"c": own})
	s.must(gao, change, map[string]any{"c": ulid.Make().String(), "id": own, "name": "Mairie de Bourem (commune)", "level": "LOCAL", "region": "gao"})
}

// TestAnImportIsNoOracleOfAnotherRegion: naming a Gao space, a Gao dry
// run of a submission carrying the uuid Mopti imported, and one of a uuid
// nobody imported, answer alike: whether Mopti imported a submission is
// not observable from Gao.
func TestAnImportIsNoOracleOfAnotherRegion(t *testing.T) {
	g := startGaoAndMopti(t)
	s := g.server
	if r := s.upload(g.mopti, "mopti.csv", koboCSV([6]string{"mopti-1", "", when, g.moptiSpace, "6", "4"})); r.Counts["imported"] != 1 {
		t.Fatalf("Mopti's own export: %d %s", r.status, r.raw)
	}
	for name, root := range map[string]string{"an edit": "uuid:%s", "the submission itself": ""} {
		line := func(uuid string) [6]string {
			if root == "" {
				return [6]string{uuid, "", when, g.gaoSpace, "6", "4"}
			}
			return [6]string{"gao-edit", strings.Replace(root, "%s", uuid, 1), when, g.gaoSpace, "6", "4"}
		}
		imported := s.dryRun(g.gao, line("mopti-1"))
		never := s.dryRun(g.gao, line("mopti-2"))
		if imported.status != 200 || imported.raw != never.raw {
			t.Errorf("%s: Mopti's imported uuid gives %s, a uuid nobody imported %s", name, imported.raw, never.raw)
		}
	}
}

// TestAnImportCannotSquatAnotherRegionsSubmission: a Gao facilitator who
// imports Mopti's submission into a Gao space before Mopti does takes
// nothing from Mopti: Mopti's own import of it is accepted.
func TestAnImportCannotSquatAnotherRegionsSubmission(t *testing.T) {
	g := startGaoAndMopti(t)
	s := g.server
	if r := s.upload(g.gao, "gao.csv", koboCSV([6]string{"mopti-1", "", when, g.gaoSpace, "40", "40"})); r.status != 200 {
		t.Fatalf("Gao's import: %d %s", r.status, r.raw)
	}
	r := s.upload(g.mopti, "mopti.csv", koboCSV([6]string{"mopti-1", "", when, g.moptiSpace, "6", "4"}))
	if r.status != 200 || r.Counts["imported"] != 1 {
		t.Errorf("Mopti's own import after Gao's: %d %s", r.status, r.raw)
	}
	if r := s.upload(g.mopti, "mopti.csv", koboCSV([6]string{"mopti-1", "", when, g.moptiSpace, "6", "4"})); r.Counts["already"] != 1 {
		t.Errorf("Mopti's import repeated: %d %s", r.status, r.raw)
	}
}

// dryRun posts a Kobo export of one submission to /import?dryRun=true.
func (s *server) dryRun(token string, line [6]string) importReport {
	s.t.Helper()
	return s.uploadTo("/import?dryRun=true", token, "gao.csv", koboCSV(line))
}
